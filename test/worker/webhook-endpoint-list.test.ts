/**
 * `GET /v1/webhooks/endpoints`: the endpoints of WEBHOOK_ENDPOINTS as the console shows them —
 * url and events, never the secret — with their state and recent deliveries by status.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import worker from '../../worker/index.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'
import { ADMIN_KEY, appError } from './helpers.ts'

const receiver = inject('receiverUrl')

/** The list, from a worker whose WEBHOOK_ENDPOINTS is `endpoints` (raw text or endpoints). */
async function listWith(
  endpoints: unknown,
  key: string | null = ADMIN_KEY
): Promise<{ status: number; body: any }> {
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request('http://localhost/v1/webhooks/endpoints', {
      headers: key ? { Authorization: key } : {},
    }),
    {
      ...env,
      WEBHOOK_ENDPOINTS: typeof endpoints === 'string' ? endpoints : JSON.stringify(endpoints),
    } as Env,
    ctx
  )
  await waitOnExecutionContext(ctx)
  return { status: res.status, body: await res.json() }
}

/** An endpoint of its own on the loopback receiver, so no test sees another's deliveries. */
function endpoint(events = ['*']) {
  return { url: `${receiver}/ok-${crypto.randomUUID()}`, events, secret: TEST_WEBHOOK_SECRET }
}

/** Deliveries of new events to `url` with these statuses, written as the dispatcher writes them. */
async function deliveries(url: string, statuses: string[]): Promise<void> {
  const now = new Date().toISOString()
  await env.DB.batch(
    statuses.flatMap((status) => {
      const eventId = crypto.randomUUID()
      return [
        env.DB.prepare(
          `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date, dispatched_date)
           VALUES (?, 'wix.contacts.v4.contact_created', 'wix.contacts.v4.contact', 'created', ?, '{}', ?, ?)`
        ).bind(eventId, crypto.randomUUID(), now, now),
        env.DB.prepare(
          `INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, attempts, created_date, updated_date)
           VALUES (?, ?, ?, ?, 1, ?, ?)`
        ).bind(crypto.randomUUID(), eventId, url, status, now, now),
      ]
    })
  )
}

describe('GET /v1/webhooks/endpoints', () => {
  it('lists each endpoint with its events and recent deliveries by status, without its secret', async () => {
    const one = endpoint()
    const two = endpoint(['created', 'deleted'])
    await deliveries(one.url, ['delivered', 'delivered', 'failed', 'queued'])
    // An endpoint since removed from the secret is not listed.
    await deliveries('https://old.example.com/hook', ['failed'])
    const { status, body } = await listWith([one, two])
    expect(status).toBe(200)
    expect(body).toEqual({
      endpoints: [
        {
          url: one.url,
          events: ['*'],
          state: 'active',
          recentDeliveries: { queued: 1, sending: 0, delivered: 2, failed: 1, disabled: 0 },
        },
        {
          url: two.url,
          events: ['created', 'deleted'],
          state: 'active',
          recentDeliveries: { queued: 0, sending: 0, delivered: 0, failed: 0, disabled: 0 },
        },
      ],
      recentDeliveriesCounted: expect.any(Number),
    })
    expect(body.recentDeliveriesCounted).toBeGreaterThanOrEqual(5)
    expect(JSON.stringify(body)).not.toContain(TEST_WEBHOOK_SECRET.slice('whsec_'.length))
    expect(JSON.stringify(body)).not.toContain('whsec_')
  })

  it('says an endpoint is disabled once it answered 410 Gone', async () => {
    const gone = endpoint()
    await deliveries(gone.url, ['delivered', 'disabled'])
    const { body } = await listWith([gone])
    expect(body.endpoints[0]).toMatchObject({
      state: 'disabled',
      recentDeliveries: { delivered: 1, disabled: 1 },
    })
  })

  it('may be read with a read-only key, and not without a key', async () => {
    expect((await listWith([endpoint()], 'test-read-key')).status).toBe(200)
    const refused = await listWith([endpoint()], null)
    expect(refused).toEqual({ status: 401, body: appError('UNAUTHENTICATED', {}) })
  })

  it('answers a malformed WEBHOOK_ENDPOINTS with what is wrong in it, in the error envelope', async () => {
    const { status, body } = await listWith('[{"url": "ftp://hooks.example.com"}]')
    expect(status).toBe(500)
    expect(body).toEqual(appError('WEBHOOK_ENDPOINTS_INVALID', {}))
    expect(body.message).toContain('WEBHOOK_ENDPOINTS[0].url')
  })

  it('lists none when the secret is not set', async () => {
    expect((await listWith('')).body.endpoints).toEqual([])
  })
})
