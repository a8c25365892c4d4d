/**
 * A lead's email through the real path: POST /v1/forms/demo/submissions answers, then the
 * notification written in the submission's batch is queued in the background and sent by the
 * queue consumer through the NOTIFY_EMAIL binding (simulated here). None for refused submissions;
 * the cron sweep queues what was never queued.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import worker from '../../worker/index.ts'
import { flushWindow, handleNotificationBatch } from '../../worker/notifications/deliver.ts'
import type { NotificationMessage } from '../../worker/notifications/dispatch.ts'
import { api, renderToken, submit, uniqueEmail, VALID } from './helpers.ts'

interface Listed {
  id: string
  status: string
  attempts: number
  recipient: string
  history: { attempt: number; outcome: string }[]
}

async function notificationsOf(submissionId: string): Promise<Listed[]> {
  const res = await api('GET', `/v1/notifications?submissionId=${submissionId}`)
  expect(res.status).toBe(200)
  return res.body.notifications
}

const countAll = async () =>
  (await env.DB.prepare('SELECT COUNT(*) AS n FROM notifications').first<{ n: number }>())!.n

// The queue and its consumer run for real: a test may take longer than the default 5 s.
describe('a new lead’s email', { timeout: 30_000 }, () => {
  it('is sent once from the queue after the answer, replays and redeliveries included', async () => {
    const key = crypto.randomUUID()
    const body = JSON.stringify({
      values: { ...VALID, email: uniqueEmail('flow'), firstName: 'Flo' },
      token: await renderToken(),
    })
    const first = await submit({}, { idempotencyKey: key, body })
    expect(first.status).toBe(202)
    const { submissionId } = await first.json<{ submissionId: string }>()
    const replay = await submit({}, { idempotencyKey: key, body })
    expect(await replay.json()).toEqual({ submissionId, status: 'accepted' })

    await expect
      .poll(async () => (await notificationsOf(submissionId)).map((n) => n.status), {
        timeout: 15_000,
      })
      .toEqual(['sent'])
    const [sent] = await notificationsOf(submissionId)
    expect(sent).toMatchObject({
      recipient: 'owner@example.com',
      attempts: 1,
      history: [{ attempt: 1, outcome: 'sent' }],
    })

    // The queue delivers a message again: it is acknowledged, nothing is sent.
    const batch = createMessageBatch<NotificationMessage>('contact-capture-notifications', [
      {
        id: crypto.randomUUID(),
        timestamp: new Date(),
        attempts: 2,
        body: { notificationId: sent!.id },
      },
    ])
    await handleNotificationBatch(batch, env)
    expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1)
    expect((await notificationsOf(submissionId))[0]).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('is never written for a refused submission', async () => {
    const before = await countAll()
    const honeypot = await submit(
      {},
      {
        body: JSON.stringify({
          values: { ...VALID, email: uniqueEmail('bot') },
          token: await renderToken(),
          honeypot: 'http://spam.example',
        }),
      }
    )
    expect(honeypot.status).toBe(202) // answered like a success, kept nowhere
    const tooFast = await submit(
      { ...VALID, email: uniqueEmail('fast') },
      { token: await renderToken('demo', 0) }
    )
    expect(tooFast.status).toBe(425)
    const noToken = await submit({ ...VALID, email: uniqueEmail('tokenless') }, { token: null })
    expect(noToken.status).toBe(202) // answered like a success, kept nowhere
    const invalid = await submit({ ...VALID, email: 'not an address' })
    expect(invalid.status).toBe(400)
    const otherOrigin = await submit(
      { ...VALID, email: uniqueEmail('x') },
      { origin: 'https://evil.example' }
    )
    expect(otherOrigin.status).toBe(403)
    expect(await countAll()).toBe(before)
  })

  it('is queued by the cron sweep when nothing queued it (the worker stopped after the answer)', async () => {
    // The first lead of a quiet spell (the window the first test's lead opened closes when its
    // next flush finds nothing), recorded without the HTTP middleware that queues it.
    await flushWindow(env, { formId: 'demo', recipient: 'owner@example.com' })
    const answer = await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: JSON.stringify({ values: { ...VALID, email: uniqueEmail('orphan') } }),
    })
    const submissionId = answer.submissionId!
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'queued',
      attempts: 0,
    })
    await worker.scheduled({ scheduledTime: Date.now(), cron: '*/5 * * * *', noRetry() {} }, env)
    await expect
      .poll(async () => (await notificationsOf(submissionId))[0]?.status, { timeout: 15_000 })
      .toBe('sent')
  })
})
