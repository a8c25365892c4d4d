/**
 * @module
 * From the outbox to the delivery queue. A dispatcher run claims undispatched events in one
 * batch, creates one delivery per subscribed, enabled endpoint, and queues them. It runs after
 * every change (in the background) and from the cron sweep, which also re-queues deliveries that
 * were created but never sent (the worker stopped between the D1 commit and the queue send).
 */
import { webhookEndpoints } from './endpoints.ts'

export interface DeliveryMessage {
  deliveryId: string
}

/** Claims up to `limit` events and queues their deliveries; answers how many deliveries were queued. */
export async function dispatchOutbox(env: Env, limit = 100): Promise<number> {
  const endpoints = webhookEndpoints(env).map((e) => ({ url: e.url, events: e.events }))
  const claim = crypto.randomUUID()
  const now = new Date().toISOString()
  const [, , queued] = await env.DB.batch<{ id: string }>([
    env.DB.prepare(
      `UPDATE outbox SET dispatched_date = ?1, dispatch_id = ?2
       WHERE id IN (SELECT id FROM outbox WHERE dispatched_date IS NULL ORDER BY seq LIMIT ?3)`
    ).bind(now, claim, limit),
    env.DB.prepare(
      `INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, created_date, updated_date)
       SELECT lower(hex(randomblob(16))), o.id, json_extract(e.value, '$.url'), 'queued', ?1, ?1
       FROM outbox o, json_each(?2) e
       WHERE o.dispatch_id = ?3
         AND EXISTS (SELECT 1 FROM json_each(json_extract(e.value, '$.events')) ev WHERE ev.value IN ('*', o.slug))
         AND json_extract(e.value, '$.url') NOT IN (SELECT endpoint_url FROM webhook_endpoints_disabled)
       ON CONFLICT (event_id, endpoint_url) DO NOTHING`
    ).bind(now, JSON.stringify(endpoints), claim),
    env.DB.prepare(
      `SELECT d.id FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
       WHERE o.dispatch_id = ? ORDER BY o.seq`
    ).bind(claim),
  ])
  return send(
    env,
    queued!.results.map((r) => r.id)
  )
}

/**
 * Queues again the deliveries whose message was lost: created a while ago and never attempted
 * (the worker stopped between the D1 commit and the queue send), or claimed by a consumer that
 * stopped before finishing (its lease ran out). The claim in `deliver` keeps a duplicate message
 * from sending twice.
 */
export async function resendStaleDeliveries(env: Env, now = Date.now()): Promise<number> {
  const { results } = await env.DB.prepare(
    `SELECT id FROM webhook_deliveries
     WHERE (status = 'queued' AND attempts = 0 AND created_date < ?1) OR (status = 'sending' AND lease_until < ?2)
     LIMIT 100`
  )
    .bind(new Date(now - 2 * 60_000).toISOString(), new Date(now).toISOString())
    .all<{ id: string }>()
  return send(
    env,
    results.map((r) => r.id)
  )
}

async function send(env: Env, ids: string[]): Promise<number> {
  for (let i = 0; i < ids.length; i += 100) {
    await env.WEBHOOK_DELIVERIES.sendBatch(
      ids.slice(i, i + 100).map((deliveryId) => ({ body: { deliveryId } }))
    )
  }
  return ids.length
}
