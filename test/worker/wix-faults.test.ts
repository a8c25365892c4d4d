/**
 * The Wix backend against faults between it and its peer (test/support/fault-proxy.ts): in every
 * case the submission ends processed exactly once — one contact, labels once — or, failing for
 * good, in the dead-letter listing. And the throttle holds 200 requests a minute per site.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import forms from '../../forms.config.ts'
import { wixStore } from '../../worker/stores/wix-store.ts'
import { siteThrottle } from '../../worker/stores/wix-throttle.ts'
import type { SubmissionRetry } from '../../worker/capture/accept.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { handleRetryBatch } from '../../worker/capture/retry.ts'
import type { Fault } from '../support/faults.ts'
import { api, uniqueEmail } from './helpers.ts'
import { wixPeer } from './wix-peer.ts'

const proxy = inject('wixProxyUrl')

async function site(faults: Fault[] = []): Promise<string> {
  const siteId = `site-${crypto.randomUUID()}`
  await fetch(`${proxy}/__faults/${siteId}`, { method: 'POST', body: JSON.stringify(faults) })
  return siteId
}

async function requestsFor(siteId: string): Promise<number> {
  return ((await (await fetch(`${proxy}/__count/${siteId}`)).json()) as { count: number }).count
}

/**
 * How long the backend waits for an answer. Only the hang cases need a request abandoned; anywhere
 * else a short timeout turns a busy machine's slow answers into failures (and every try takes a
 * token of the site's budget), so the other cases wait for the answer: the test's timeout bounds it.
 */
const WAIT_FOR_ANSWER_MS = 90_000
/** The hang cases: long enough for a busy machine's real answers, short enough to keep them quick. */
const HANG_TIMEOUT_MS = 2_000

function backendFor(siteId: string, timeoutMs = WAIT_FOR_ANSWER_MS) {
  return wixStore({
    db: env.DB,
    apiBase: proxy,
    apiKey: inject('wixPeerKey'),
    siteId,
    throttle: siteThrottle(env, siteId),
    timeoutMs,
  })
}

const submit = (
  siteId: string,
  email: string,
  extra: Record<string, unknown> = {},
  timeoutMs?: number
) =>
  acceptSubmission(env.DB, {
    formId: 'demo',
    form: forms.demo!,
    rawBody: JSON.stringify({ values: { email, consent: true, ...extra } }),
    store: backendFor(siteId, timeoutMs),
  })

async function expectProcessedOnce(submissionId: string, email: string) {
  const row = await env.DB.prepare('SELECT status, contact_id FROM submissions WHERE id = ?')
    .bind(submissionId)
    .first<{ status: string; contact_id: string }>()
  expect(row?.status).toBe('processed')
  const contacts = await wixPeer.contactsWith({ email })
  expect(contacts).toHaveLength(1)
  expect(row!.contact_id).toBe(contacts[0]!.id)
  const labels = contacts[0]!.info.labelKeys!.items
  expect([...labels].sort()).toEqual(['custom.demo-request', 'custom.website-lead'])
  return contacts[0]!
}

describe('the Wix backend under faults', () => {
  it.each<[string, Fault]>([
    [
      '429 with Retry-After',
      {
        match: 'POST /contacts/v4/contacts/query',
        action: 'status',
        status: 429,
        retryAfter: 1,
        times: 1,
      },
    ],
    ['a 500', { match: 'POST /contacts/v4/contacts', action: 'status', status: 500, times: 1 }],
    [
      'a request that never answers',
      { match: 'POST /contacts/v4/contacts/query', action: 'hang', times: 1 },
    ],
    [
      'an answer whose body never comes',
      { match: 'POST /contacts/v4/contacts/query', action: 'stall-body', times: 1 },
    ],
    [
      'a 409 race on create (another writer created the contact first)',
      { match: 'POST /contacts/v4/contacts ', action: 'race-create', times: 1 },
    ],
  ])(
    'processes the submission once after %s',
    async (_, fault) => {
      const siteId = await site([{ ...fault, match: fault.match.trimEnd() }])
      const email = uniqueEmail('fault')
      const stalls = fault.action === 'hang' || fault.action === 'stall-body'
      const timeoutMs = stalls ? HANG_TIMEOUT_MS : undefined
      const answer = await submit(siteId, email, {}, timeoutMs)
      expect(answer.status).toBe(202)
      await expectProcessedOnce(answer.submissionId, email)
    },
    20_000
  )

  it('processes an update once after a stale revision (another writer changed the contact)', async () => {
    const siteId = await site([
      { match: 'PATCH /contacts/v4/contacts/', action: 'race-update', times: 1 },
    ])
    const email = uniqueEmail('stale')
    await submit(siteId, email)
    const second = await submit(siteId, email, { phone: '+1 212 555 0111', company: 'Acme' })
    const contact = await expectProcessedOnce(second.submissionId, email)
    expect(contact.info.jobTitle).toBe('Changed by someone else') // the other writer's change is kept
    expect(contact.info.company).toBe('Acme')
    expect(contact.info.phones?.items.map((p) => p.e164Phone)).toEqual(['+12125550111'])
  }, 20_000)

  it('keeps a submission pending while Wix fails, retries it from the queue, and lists it as failed at the end', async () => {
    const siteId = await site([
      { match: 'POST /contacts/v4/', action: 'status', status: 500, times: 1000 },
    ])
    const email = uniqueEmail('doomed')
    const answer = await submit(siteId, email)
    expect(answer.status).toBe(202)
    const wixEnv = {
      ...env,
      CONTACTS_BACKEND: 'wix',
      WIX_API_BASE: proxy,
      WIX_API_KEY: inject('wixPeerKey'),
      WIX_SITE_ID: siteId,
      WIX_TIMEOUT_MS: '400',
    } as Env
    const message = (queue: string) =>
      createMessageBatch<SubmissionRetry>(queue, [
        {
          id: crypto.randomUUID(),
          timestamp: new Date(),
          attempts: 5,
          body: { submissionId: answer.submissionId },
        },
      ])
    const retried = message('contact-capture-submission-retries')
    await handleRetryBatch(retried, wixEnv)
    expect((await getQueueResult(retried, createExecutionContext())).retryMessages).toHaveLength(1)
    await handleRetryBatch(message('contact-capture-submission-retries-dlq'), wixEnv)
    const failed = await api('GET', '/v1/submissions?status=failed&paging.limit=1000')
    expect(failed.body.submissions).toContainEqual(
      expect.objectContaining({ id: answer.submissionId, status: 'failed' })
    )
    expect(await wixPeer.contactsWith({ email })).toHaveLength(0)
  }, 30_000)
})

describe('the Wix throttle', () => {
  it('holds 200 requests a minute per site under a burst of 500 submissions, losing none', async () => {
    const siteId = await site()
    const run = crypto.randomUUID().slice(0, 8)
    // Every request waits for its answer: with a 400 ms timeout a busy machine's slow answers were
    // abandoned and each of their 4 tries still took a token, so the 50 label look-ups of the
    // first 25 submissions could spend all 200 before any submission got through.
    const backend = backendFor(siteId)
    const ids: string[] = []
    for (let i = 0; i < 500; i += 25) {
      const batch = await Promise.all(
        Array.from({ length: 25 }, (_, k) =>
          acceptSubmission(env.DB, {
            formId: 'demo',
            form: forms.demo!,
            rawBody: JSON.stringify({
              values: { email: `burst-${run}-${i + k}@example.com`, consent: true },
            }),
            store: backend,
          })
        )
      )
      ids.push(...batch.map((a) => a.submissionId))
    }
    expect(await requestsFor(siteId)).toBeLessThanOrEqual(200)
    const { results } = await env.DB.prepare(
      `SELECT status, COUNT(*) AS n FROM submissions WHERE id IN (SELECT value FROM json_each(?)) GROUP BY status`
    )
      .bind(JSON.stringify(ids))
      .all<{ status: string; n: number }>()
    const by = Object.fromEntries(results.map((r) => [r.status, r.n]))
    expect((by.processed ?? 0) + (by.pending ?? 0)).toBe(500) // every submission recorded
    expect(by.processed ?? 0).toBeGreaterThan(0)
    const peer = await fetch(`${inject('wixPeerUrl')}/contacts/v4/contacts/query`, {
      method: 'POST',
      headers: { Authorization: inject('wixPeerKey'), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: {
          filter: { 'info.emails.email': { $startsWith: `burst-${run}-` } },
          paging: { limit: 1000 },
        },
      }),
    })
    expect(peer.status).toBe(200)
    // Every processed submission has its contact; a pending one may already have created its
    // contact before a later call was throttled (its retry finds it by email), never more.
    const atPeer = ((await peer.json()) as { pagingMetadata: { total: number } }).pagingMetadata
      .total
    expect(atPeer).toBeGreaterThanOrEqual(by.processed!)
    expect(atPeer).toBeLessThanOrEqual(by.processed! + (by.pending ?? 0))
  }, 90_000)
})
