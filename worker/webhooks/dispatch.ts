/**
 * @module
 * From the outbox to the delivery queue. A dispatcher run claims undispatched events in one
 * batch, creates one delivery per subscribed, enabled endpoint, and queues them. It runs after
 * every change (in the background) and from the cron sweep, which also re-queues deliveries that
 * were created but never sent (the worker stopped between the D1 commit and the queue send).
 */
import { claimOutboxEvents, selectStaleDeliveries } from '../db/webhook-deliveries.ts'
import { webhookEndpoints } from './endpoints.ts'

export interface DeliveryMessage {
  deliveryId: string
}

/** Claims up to `limit` events and queues their deliveries; answers how many deliveries were queued. */
export async function dispatchOutbox(env: Env, limit = 100): Promise<number> {
  const subscriptions = webhookEndpoints(env).map((e) => ({ url: e.url, events: e.events }))
  const now = new Date().toISOString()
  return send(env, await claimOutboxEvents(env.DB, subscriptions, now, limit))
}

/**
 * Queues again the deliveries whose message was lost: created a while ago and never attempted
 * (the worker stopped between the D1 commit and the queue send), or claimed by a consumer that
 * stopped before finishing (its lease ran out). The claim in `deliver` keeps a duplicate message
 * from sending twice.
 */
export async function resendStaleDeliveries(env: Env, now = Date.now()): Promise<number> {
  const createdBefore = new Date(now - 2 * 60_000).toISOString()
  return send(env, await selectStaleDeliveries(env.DB, createdBefore, new Date(now).toISOString()))
}

async function send(env: Env, ids: string[]): Promise<number> {
  for (let i = 0; i < ids.length; i += 100) {
    await env.WEBHOOK_DELIVERIES.sendBatch(
      ids.slice(i, i + 100).map((deliveryId) => ({ body: { deliveryId } }))
    )
  }
  return ids.length
}
