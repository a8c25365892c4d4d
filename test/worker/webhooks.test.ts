/**
 * Webhook delivery to a real receiver on loopback (test/support/webhook-receiver.ts): signatures,
 * envelopes, retries, 410, dead letters, and the sweep that re-sends what a crash left behind.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import { verifyWebhook } from '../../shared/webhooks.ts'
import {
  deliver,
  deliveryDelaySeconds,
  handleDeliveryBatch,
} from '../../worker/webhooks/deliver.ts'
import type { DeliveryMessage } from '../../worker/webhooks/dispatch.ts'
import { dispatchOutbox, resendStaleDeliveries } from '../../worker/webhooks/dispatch.ts'
import { webhookEndpoints } from '../../worker/webhooks/endpoints.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'
import { api, createContact, renderToken, submit } from './helpers.ts'

const receiver = inject('receiverUrl')

interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

async function receivedAt(path: string): Promise<Received[]> {
  const all = (await (await fetch(`${receiver}/__received`)).json()) as Received[]
  return all.filter((r) => r.path === path)
}

/** An env whose endpoints include `path` on the receiver. */
function withEndpoint(path: string, events: string[] = ['*']): Env {
  return {
    ...env,
    WEBHOOK_ENDPOINTS: JSON.stringify([
      { url: `${receiver}${path}`, events, secret: TEST_WEBHOOK_SECRET },
    ]),
  } as Env
}

/** A contact event in the outbox and one delivery of it to `path`, as the dispatcher makes them. */
async function deliveryTo(
  path: string
): Promise<{ deliveryId: string; contactId: string; eventId: string }> {
  const contact = await createContact({ name: { first: 'Hook' } })
  const eventId = crypto.randomUUID()
  const deliveryId = crypto.randomUUID()
  const now = new Date().toISOString()
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date, dispatched_date)
       VALUES (?, 'wix.contacts.v4.contact_updated', 'wix.contacts.v4.contact', 'updated', ?, '{}', ?, ?)`
    ).bind(eventId, contact.id, now, now),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, created_date, updated_date) VALUES (?, ?, ?, 'queued', ?, ?)`
    ).bind(deliveryId, eventId, `${receiver}${path}`, now, now),
  ])
  return { deliveryId, contactId: contact.id, eventId }
}

const status = async (deliveryId: string) =>
  env.DB.prepare('SELECT status, attempts, last_status FROM webhook_deliveries WHERE id = ?')
    .bind(deliveryId)
    .first()

describe('a webhook delivery', () => {
  it('is signed (Standard Webhooks) and carries a Wix-style envelope with the current contact', async () => {
    const path = `/ok-${crypto.randomUUID()}`
    const { deliveryId, contactId, eventId } = await deliveryTo(path)
    expect(await deliver(withEndpoint(path), deliveryId)).toEqual({})
    expect(await status(deliveryId)).toEqual({ status: 'delivered', attempts: 1, last_status: 204 })
    const [request] = await receivedAt(path)
    expect(request!.headers['webhook-id']).toBe(eventId)
    expect(await verifyWebhook(TEST_WEBHOOK_SECRET, request!.headers, request!.body)).toBe(true)
    expect(
      await verifyWebhook(
        TEST_WEBHOOK_SECRET,
        request!.headers,
        request!.body.replace('Hook', 'Hack')
      )
    ).toBe(false)
    const envelope = JSON.parse(request!.body)
    expect(envelope).toMatchObject({
      id: eventId,
      entityFqdn: 'wix.contacts.v4.contact',
      slug: 'updated',
      entityId: contactId,
      eventTime: expect.any(String),
      entityEventSequence: expect.any(Number),
      updatedEvent: { currentEntity: { id: contactId, info: { name: { first: 'Hook' } } } },
    })
    // Delivered once: a repeated message does not send it again.
    await deliver(withEndpoint(path), deliveryId)
    expect(await receivedAt(path)).toHaveLength(1)
  })

  it('is retried after 500s until the receiver answers 2xx, with the same webhook-id', async () => {
    const path = `/flaky-2-${crypto.randomUUID()}`
    const { deliveryId } = await deliveryTo(path)
    const hooks = withEndpoint(path)
    expect(await deliver(hooks, deliveryId)).toEqual({ retryAfterSeconds: null })
    expect(await deliver(hooks, deliveryId)).toEqual({ retryAfterSeconds: null })
    expect(await deliver(hooks, deliveryId)).toEqual({})
    expect(await status(deliveryId)).toEqual({ status: 'delivered', attempts: 3, last_status: 204 })
    const requests = await receivedAt(path)
    expect(new Set(requests.map((r) => r.headers['webhook-id'])).size).toBe(1)
    for (const r of requests)
      expect(await verifyWebhook(TEST_WEBHOOK_SECRET, r.headers, r.body)).toBe(true)
  })

  it('honours Retry-After, and backs off exponentially otherwise', async () => {
    const path = `/slow-${crypto.randomUUID()}`
    const { deliveryId } = await deliveryTo(path)
    expect(await deliver(withEndpoint(path), deliveryId)).toEqual({ retryAfterSeconds: 1 })
    const hooks = { ...env, WEBHOOK_RETRY_BASE_SECONDS: '30' } as Env
    for (let n = 1; n <= 12; n++) {
      const delay = Math.min(3600, 30 * 2 ** (n - 1)) // doubling, at most an hour
      const d = deliveryDelaySeconds(hooks, n)
      expect(d).toBeGreaterThanOrEqual(Math.round(delay / 2))
      expect(d).toBeLessThanOrEqual(delay)
    }
  })

  it('disables an endpoint that answers 410', async () => {
    const path = `/gone-${crypto.randomUUID()}`
    const first = await deliveryTo(path)
    const second = await deliveryTo(path)
    await deliver(withEndpoint(path), first.deliveryId)
    expect(await status(first.deliveryId)).toMatchObject({ status: 'disabled', last_status: 410 })
    await deliver(withEndpoint(path), second.deliveryId)
    expect(await status(second.deliveryId)).toMatchObject({ status: 'disabled', attempts: 0 })
    expect(await receivedAt(path)).toHaveLength(1)
  })

  it('ends in the dead-letter listing when the receiver fails for good', async () => {
    const path = `/fail-${crypto.randomUUID()}`
    const { deliveryId } = await deliveryTo(path)
    const message = (attempts: number) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts,
      body: { deliveryId },
    })
    const batch = createMessageBatch<DeliveryMessage>('contact-capture-webhook-deliveries', [
      message(8),
    ])
    await handleDeliveryBatch(batch, withEndpoint(path))
    expect((await getQueueResult(batch, createExecutionContext())).retryMessages).toHaveLength(1)
    const dead = createMessageBatch<DeliveryMessage>('contact-capture-webhook-deliveries-dlq', [
      message(9),
    ])
    await handleDeliveryBatch(dead, withEndpoint(path))
    const listing = await api('GET', '/v1/webhooks/deliveries?status=failed&paging.limit=1000')
    expect(listing.body.deliveries).toContainEqual(
      expect.objectContaining({
        id: deliveryId,
        status: 'failed',
        attempts: 1,
        lastStatus: 500,
        lastError: 'gave up after the last retry',
      })
    )
    const again = await api('POST', `/v1/webhooks/deliveries/${deliveryId}/redeliver`)
    expect(again.body).toEqual({ delivery: { id: deliveryId, status: 'queued' } })
  })
})

describe('no event lost', () => {
  it('an event committed but never dispatched (the worker stopped) is found by the sweep and delivered', async () => {
    const contact = await createContact({ name: { first: 'Orphan' } })
    const eventId = crypto.randomUUID()
    await env.DB.prepare(
      `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
       VALUES (?, 'wix.contacts.v4.contact_updated', 'wix.contacts.v4.contact', 'updated', ?, '{}', ?)`
    )
      .bind(eventId, contact.id, new Date().toISOString())
      .run()
    await dispatchOutbox(env)
    const delivery = await env.DB.prepare('SELECT id FROM webhook_deliveries WHERE event_id = ?')
      .bind(eventId)
      .first<{ id: string }>()
    expect(delivery).not.toBeNull()
    // The queue delivers it to the receiver (the test endpoint `/ok`).
    await expect
      .poll(async () => (await status(delivery!.id))?.status, { timeout: 10_000 })
      .toBe('delivered')
    const got = (await receivedAt('/ok')).filter((r) => r.headers['webhook-id'] === eventId)
    expect(got).toHaveLength(1)
  })

  it('a delivery created but never queued is queued again by the sweep', async () => {
    const { deliveryId } = await deliveryTo(`/ok-${crypto.randomUUID()}`)
    await env.DB.prepare('UPDATE webhook_deliveries SET created_date = ? WHERE id = ?')
      .bind(new Date(Date.now() - 10 * 60_000).toISOString(), deliveryId)
      .run()
    const sent: string[] = []
    const queue = {
      sendBatch: async (all: { body: DeliveryMessage }[]) =>
        void sent.push(...all.map((m) => m.body.deliveryId)),
    }
    await resendStaleDeliveries({ ...env, WEBHOOK_DELIVERIES: queue } as unknown as Env)
    expect(sent).toContain(deliveryId)
  })
})

describe('WEBHOOK_ENDPOINTS', () => {
  const parse = (value: unknown, allowLoopback = 'true') =>
    webhookEndpoints({
      ...env,
      WEBHOOK_ENDPOINTS: JSON.stringify(value),
      WEBHOOKS_ALLOW_LOOPBACK: allowLoopback,
    } as Env)
  const RULE =
    'must be https:// on a host name, without user:password@ (loopback only while developing)'

  it('takes https endpoints on host names; http only on loopback, and only while developing', () => {
    expect(parse([{ url: 'https://hooks.example.com/in', secret: TEST_WEBHOOK_SECRET }])).toEqual([
      { url: 'https://hooks.example.com/in', events: ['*'], secret: TEST_WEBHOOK_SECRET },
    ])
    for (const url of [
      'http://hooks.example.com/in',
      'https://10.0.0.5/in',
      'https://[fd00::1]/in',
      'https://user:pw@hooks.example.com/in',
    ]) {
      expect(() => parse([{ url, secret: TEST_WEBHOOK_SECRET }])).toThrow(
        `WEBHOOK_ENDPOINTS[0].url: ${RULE}`
      )
    }
    const local = [
      { url: 'http://127.0.0.1:9/in', events: ['created', 'deleted'], secret: TEST_WEBHOOK_SECRET },
    ]
    expect(parse(local)[0]!.events).toEqual(['created', 'deleted'])
    expect(() => parse(local, 'false')).toThrow(RULE)
  })

  it('refuses unknown event slugs and weak or malformed secrets', () => {
    expect(() =>
      parse([
        { url: 'https://hooks.example.com/in', events: ['renamed'], secret: TEST_WEBHOOK_SECRET },
      ])
    ).toThrow('events')
    expect(() =>
      parse([{ url: 'https://hooks.example.com/in', secret: 'whsec_c2hvcnQ=' }])
    ).toThrow('24 to 64 random bytes')
    expect(() => parse([{ url: 'https://hooks.example.com/in', secret: 'plain-secret' }])).toThrow(
      'whsec_'
    )
  })
})

describe('the submitted event', () => {
  it('is written with the submission, once, even when the same request is replayed', async () => {
    const key = crypto.randomUUID()
    const body = JSON.stringify({
      values: { email: `hooked-${key}@example.com`, consent: true },
      token: await renderToken(),
    })
    const first = await submit({}, { idempotencyKey: key, body })
    const { submissionId } = await first.json<{ submissionId: string }>()
    const replay = await submit({}, { idempotencyKey: key, body })
    expect(await replay.json()).toEqual({ submissionId, status: 'accepted' })
    const rows = await env.DB.prepare(`SELECT slug, entity_fqdn FROM outbox WHERE entity_id = ?`)
      .bind(submissionId)
      .all()
    expect(rows.results).toEqual([
      { slug: 'submitted', entity_fqdn: 'contact-capture.v1.form_submission' },
    ])
  })
})

describe('delivery claims and order', () => {
  it('sends a delivery once when two consumers get its message at the same time', async () => {
    const path = `/ok-${crypto.randomUUID()}`
    const { deliveryId } = await deliveryTo(path)
    await Promise.all([
      deliver(withEndpoint(path), deliveryId),
      deliver(withEndpoint(path), deliveryId),
    ])
    expect(await receivedAt(path)).toHaveLength(1)
    expect(await status(deliveryId)).toMatchObject({ status: 'delivered', attempts: 1 })
  })

  it('holds back an entity’s later event while an earlier one to the same endpoint is undelivered', async () => {
    const path = `/ok-${crypto.randomUUID()}`
    const first = await deliveryTo(path)
    // A second event of the same contact, to the same endpoint.
    const laterEvent = crypto.randomUUID()
    const later = crypto.randomUUID()
    const now = new Date().toISOString()
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date, dispatched_date)
         VALUES (?, 'wix.contacts.v4.contact_deleted', 'wix.contacts.v4.contact', 'deleted', ?, '{}', ?, ?)`
      ).bind(laterEvent, first.contactId, now, now),
      env.DB.prepare(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, created_date, updated_date) VALUES (?, ?, ?, 'queued', ?, ?)`
      ).bind(later, laterEvent, `${receiver}${path}`, now, now),
    ])
    expect(await deliver(withEndpoint(path), later)).toEqual({ retryAfterSeconds: null })
    expect(await receivedAt(path)).toHaveLength(0)
    await deliver(withEndpoint(path), first.deliveryId)
    await deliver(withEndpoint(path), later)
    expect((await receivedAt(path)).map((r) => JSON.parse(r.body).slug)).toEqual([
      'updated',
      'deleted',
    ])
  })
})
