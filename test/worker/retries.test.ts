/**
 * Nothing lost: a submission whose contact write fails is retried from the queue until it is
 * written once, or ends in the failed listing; and Idempotency-Key in flight and expiry.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { d1Store } from '../../worker/stores/d1-store.ts'
import type { ContactStore } from '../../worker/stores/contact-store.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import type { SubmissionRetry } from '../../worker/capture/accept.ts'
import { handleRetryBatch, retryDelaySeconds, sweepPending } from '../../worker/capture/retry.ts'
import { api, appError, contactsWithEmail, uniqueEmail, writesContact } from './helpers.ts'

/** The real D1, except that every batch writing a contact fails while `failing()` says so. */
function flakyDb(failing: () => boolean): D1Database {
  return {
    prepare: (sql: string) => env.DB.prepare(sql),
    batch: (statements: D1PreparedStatement[]) =>
      writesContact(statements) && failing()
        ? Promise.reject(new Error('D1_ERROR: injected'))
        : env.DB.batch(statements),
  } as unknown as D1Database
}

/** A queue that keeps what is sent to it. */
function recordingQueue() {
  const sent: SubmissionRetry[] = []
  const queue = {
    send: async (body: SubmissionRetry) => void sent.push(body),
    sendBatch: async (all: { body: SubmissionRetry }[]) =>
      void sent.push(...all.map((m) => m.body)),
  }
  return { queue: queue as unknown as Queue<SubmissionRetry>, sent }
}

async function deliver(queueName: string, submissionId: string, envToUse: Env, attempts = 1) {
  const batch = createMessageBatch<SubmissionRetry>(queueName, [
    { id: crypto.randomUUID(), timestamp: new Date(), attempts, body: { submissionId } },
  ])
  const ctx = createExecutionContext()
  await handleRetryBatch(batch, envToUse)
  return getQueueResult(batch, ctx)
}

const body = (email: string) =>
  JSON.stringify({ values: { email, firstName: 'Quinn', consent: true } })

describe('a contact write that fails after the submission was recorded', () => {
  it('is queued, and the queue retry writes exactly one contact', async () => {
    const email = uniqueEmail('queued')
    const { queue, sent } = recordingQueue()
    const answer = await acceptSubmission(
      flakyDb(() => true),
      { formId: 'demo', form: forms.demo!, rawBody: body(email), retries: queue }
    )
    expect(answer.status).toBe(202)
    expect(sent).toEqual([{ submissionId: answer.submissionId }])
    expect(await contactsWithEmail(email)).toHaveLength(0)

    const result = await deliver('contact-capture-submission-retries', answer.submissionId, env)
    expect(result.explicitAcks).toHaveLength(1)
    const [contact, ...others] = await contactsWithEmail(email)
    expect(others).toHaveLength(0)
    expect(contact!.info.labelKeys?.items.sort()).toEqual([
      'custom.demo-request',
      'custom.website-lead',
    ])

    // At-least-once delivery: the same message again changes nothing.
    await deliver('contact-capture-submission-retries', answer.submissionId, env, 2)
    expect((await contactsWithEmail(email))[0]!.revision).toBe(1)
  })

  it('is retried with backoff while D1 keeps failing, then lands in the failed listing, and can be replayed', async () => {
    const email = uniqueEmail('doomed')
    const broken = { ...env, DB: flakyDb(() => true) } as Env
    const answer = await acceptSubmission(broken.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: body(email),
      retries: recordingQueue().queue,
    })

    const retried = await deliver(
      'contact-capture-submission-retries',
      answer.submissionId,
      broken,
      3
    )
    expect(retried.explicitAcks).toHaveLength(0)
    expect(retried.retryMessages).toHaveLength(1)
    // Backoff grows with each delivery: 10 s, 20 s, 40 s … with jitter, at most 10 minutes.
    for (let attempt = 1; attempt <= 12; attempt++) {
      const base = Math.min(600, 10 * 2 ** (attempt - 1))
      const delay = retryDelaySeconds(attempt)
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base / 2))
      expect(delay).toBeLessThanOrEqual(base)
    }

    // After the last retry the queue hands the message to the dead-letter queue.
    await deliver('contact-capture-submission-retries-dlq', answer.submissionId, env)
    const failed = await api('GET', '/v1/submissions?status=failed&paging.limit=1000')
    expect(failed.status).toBe(200)
    expect(failed.body.submissions).toContainEqual(
      expect.objectContaining({
        id: answer.submissionId,
        formId: 'demo',
        status: 'failed',
        lastError: 'gave up after the last retry',
      })
    )
    expect(await contactsWithEmail(email)).toHaveLength(0)

    // A stray queue message (an overlapping retry chain) does not reopen it…
    await deliver('contact-capture-submission-retries', answer.submissionId, env, 4)
    expect(
      await env.DB.prepare('SELECT status FROM submissions WHERE id = ?')
        .bind(answer.submissionId)
        .first()
    ).toEqual({
      status: 'failed',
    })
    expect(await contactsWithEmail(email)).toHaveLength(0)
    // …only an admin's retry does.
    const replay = await api('POST', `/v1/submissions/${answer.submissionId}/retry`)
    expect(replay.body).toEqual({
      submission: { id: answer.submissionId, status: 'processed', contactId: expect.any(String) },
      retried: true,
    })
    expect(await contactsWithEmail(email)).toHaveLength(1)
  })

  it('is found by the periodic sweep when nothing queued it', async () => {
    const email = uniqueEmail('swept')
    const answer = await acceptSubmission(
      flakyDb(() => true),
      { formId: 'demo', form: forms.demo!, rawBody: body(email) }
    )
    const { queue, sent } = recordingQueue()
    await sweepPending({ ...env, SUBMISSION_RETRIES: queue } as Env, Date.now() + 10 * 60_000)
    expect(sent).toContainEqual({ submissionId: answer.submissionId })
  })

  it('the listing needs an admin key', async () => {
    expect((await api('GET', '/v1/submissions', undefined, 'nope')).status).toBe(401)
    expect((await api('POST', '/v1/submissions/x/retry', undefined, 'test-read-key')).status).toBe(
      403
    )
    expect((await api('POST', '/v1/submissions/no-such/retry')).body).toEqual(
      appError('SUBMISSION_NOT_FOUND')
    )
  })
})

describe('Idempotency-Key', () => {
  it('answers 409 to a second request while the first is still writing its contact', async () => {
    // A backend that writes the contact in a second step, as the Wix one does, held at a gate.
    const email = uniqueEmail('inflight')
    const key = crypto.randomUUID()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const d1 = d1Store(env.DB)
    const slow: ContactStore = {
      name: 'd1',
      writeSubmission: async (...args) => {
        await gate
        return d1.writeSubmission(...args)
      },
    }
    const request = { formId: 'demo', form: forms.demo!, rawBody: body(email), idempotencyKey: key }
    const first = acceptSubmission(env.DB, { ...request, store: slow })
    await new Promise((r) => setTimeout(r, 50))
    const second = await acceptSubmission(env.DB, request).catch((e: unknown) => e)
    expect(second).toMatchObject({ status: 409, body: appError('IDEMPOTENCY_KEY_IN_FLIGHT') })
    release()
    const done = await first
    const third = await acceptSubmission(env.DB, request)
    expect(third.body).toBe(done.body)
    expect(await contactsWithEmail(email)).toHaveLength(1)
  })

  it('gives two concurrent requests with one key one submission and one answer', async () => {
    const email = uniqueEmail('twins')
    const request = {
      formId: 'demo',
      form: forms.demo!,
      rawBody: body(email),
      idempotencyKey: crypto.randomUUID(),
    }
    const answers = await Promise.allSettled([
      acceptSubmission(env.DB, request),
      acceptSubmission(env.DB, request),
    ])
    const bodies = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.body] : []))
    // Each is the one stored answer, or (while the other is mid-write) a 409 to retry.
    expect(new Set(bodies).size).toBe(1)
    for (const a of answers)
      if (a.status === 'rejected') expect(a.reason).toMatchObject({ status: 409 })
    const recorded = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE idempotency_key = ?'
    )
      .bind(request.idempotencyKey)
      .first<{ n: number }>()
    expect(recorded!.n).toBe(1)
    expect(await contactsWithEmail(email)).toHaveLength(1)
  })

  it('forgets a stored answer after 24 hours: the key then starts a new submission', async () => {
    const key = crypto.randomUUID()
    const email = uniqueEmail('expired')
    const first = await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: body(email),
      idempotencyKey: key,
    })
    await env.DB.prepare('UPDATE submissions SET created_date = ? WHERE id = ?')
      .bind(new Date(Date.now() - 25 * 3600_000).toISOString(), first.submissionId)
      .run()
    const later = await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: body(email),
      idempotencyKey: key,
    })
    expect(later.submissionId).not.toBe(first.submissionId)
    const rows = await env.DB.prepare('SELECT id FROM submissions WHERE idempotency_key = ?')
      .bind(key)
      .all()
    expect(rows.results).toEqual([{ id: later.submissionId }])
  })
})
