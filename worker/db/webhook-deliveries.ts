/**
 * @module
 * Webhook deliveries: one row per event and subscribed endpoint, claimed by a consumer before it
 * sends, with the attempts and last answer recorded; and endpoints disabled by a 410.
 */
import type { OutboxRow } from './outbox.ts'

/** An endpoint's subscription, as dispatch matches it against events. */
export interface Subscription {
  url: string
  events: string[]
}

/**
 * Claims up to `limit` undispatched outbox events and creates one delivery per subscribed, enabled
 * endpoint, in one batch; answers the ids of the deliveries to queue, in event order.
 */
export async function claimOutboxEvents(
  db: D1Database,
  subscriptions: Subscription[],
  now: string,
  limit: number
): Promise<string[]> {
  const claim = crypto.randomUUID()
  const [, , queued] = await db.batch<{ id: string }>([
    db
      .prepare(
        `UPDATE outbox SET dispatched_date = ?1, dispatch_id = ?2
       WHERE id IN (SELECT id FROM outbox WHERE dispatched_date IS NULL ORDER BY seq LIMIT ?3)`
      )
      .bind(now, claim, limit),
    db
      .prepare(
        `INSERT INTO webhook_deliveries (id, event_id, endpoint_url, status, created_date, updated_date)
       SELECT lower(hex(randomblob(16))), o.id, json_extract(e.value, '$.url'), 'queued', ?1, ?1
       FROM outbox o, json_each(?2) e
       WHERE o.dispatch_id = ?3
         AND EXISTS (SELECT 1 FROM json_each(json_extract(e.value, '$.events')) ev WHERE ev.value IN ('*', o.slug))
         AND json_extract(e.value, '$.url') NOT IN (SELECT endpoint_url FROM webhook_endpoints_disabled)
       ON CONFLICT (event_id, endpoint_url) DO NOTHING`
      )
      .bind(now, JSON.stringify(subscriptions), claim),
    db
      .prepare(
        `SELECT d.id FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
       WHERE o.dispatch_id = ? ORDER BY o.seq`
      )
      .bind(claim),
  ])
  return queued!.results.map((r) => r.id)
}

/**
 * Deliveries whose queue message was lost: created before `createdBefore` and never attempted, or
 * claimed by a consumer whose lease ran out by `now`.
 */
export async function selectStaleDeliveries(
  db: D1Database,
  createdBefore: string,
  now: string
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM webhook_deliveries
     WHERE (status = 'queued' AND attempts = 0 AND created_date < ?1) OR (status = 'sending' AND lease_until < ?2)
     LIMIT 100`
    )
    .bind(createdBefore, now)
    .all<{ id: string }>()
  return results.map((r) => r.id)
}

export type DeliveryWithEvent = OutboxRow & {
  status: string
  endpoint_url: string
  event_id: string
  /** The endpoint answered 410 Gone to some delivery. */
  disabled: number
  /** An earlier event of the same entity is still on its way to this endpoint. */
  earlier: number
}

export async function selectDelivery(
  db: D1Database,
  deliveryId: string
): Promise<DeliveryWithEvent | undefined> {
  const row = await db
    .prepare(
      `SELECT d.id, d.status, d.endpoint_url, o.id AS event_id, o.seq AS sequence, o.entity_fqdn, o.slug,
       o.entity_id, o.body, o.created_date,
       EXISTS (SELECT 1 FROM webhook_endpoints_disabled x WHERE x.endpoint_url = d.endpoint_url) AS disabled,
       EXISTS (SELECT 1 FROM webhook_deliveries d2 JOIN outbox o2 ON o2.id = d2.event_id
               WHERE d2.endpoint_url = d.endpoint_url AND o2.entity_id = o.entity_id AND o2.seq < o.seq
                 AND d2.status IN ('queued', 'sending')) AS earlier
     FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id WHERE d.id = ?`
    )
    .bind(deliveryId)
    .first<DeliveryWithEvent>()
  return row ?? undefined
}

/** Takes a delivery for one consumer until `leaseUntil`; false when another has it or it is done. */
export async function claimDelivery(
  db: D1Database,
  deliveryId: string,
  now: string,
  leaseUntil: string
): Promise<boolean> {
  const claimed = await db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'sending', lease_until = ?1, updated_date = ?2
     WHERE id = ?3 AND (status = 'queued' OR (status = 'sending' AND lease_until < ?2)) RETURNING id`
    )
    .bind(leaseUntil, now, deliveryId)
    .first()
  return !!claimed
}

export async function disableEndpoint(db: D1Database, url: string, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO webhook_endpoints_disabled (endpoint_url, disabled_date) VALUES (?, ?) ON CONFLICT DO NOTHING`
    )
    .bind(url, now)
    .run()
}

export interface DeliveryChange {
  status: string
  httpStatus?: number
  error?: string
  /** A request was sent (counts as an attempt). */
  attempted?: boolean
}

export async function recordDelivery(
  db: D1Database,
  deliveryId: string,
  change: DeliveryChange,
  now: string
): Promise<void> {
  await db
    .prepare(
      `UPDATE webhook_deliveries SET status = ?, lease_until = NULL, last_status = COALESCE(?, last_status),
       last_error = ?, attempts = attempts + ?, updated_date = ? WHERE id = ?`
    )
    .bind(
      change.status,
      change.httpStatus ?? null,
      change.error ?? null,
      change.attempted ? 1 : 0,
      now,
      deliveryId
    )
    .run()
}

export interface DeliveryListRow {
  id: string
  event_id: string
  slug: string
  entity_id: string
  endpoint_url: string
  status: string
  attempts: number
  last_status: number | null
  last_error: string | null
  created_date: string
  updated_date: string
}

/** Deliveries, newest first, optionally of one status. */
export async function listDeliveries(
  db: D1Database,
  q: { status?: string; limit: number; offset: number }
): Promise<DeliveryListRow[]> {
  const { results } = await db
    .prepare(
      `SELECT d.id, d.event_id, o.slug, o.entity_id, d.endpoint_url, d.status, d.attempts, d.last_status, d.last_error,
       d.created_date, d.updated_date
     FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
     WHERE (?1 IS NULL OR d.status = ?1) ORDER BY d.created_date DESC, d.id LIMIT ?2 OFFSET ?3`
    )
    .bind(q.status ?? null, q.limit, q.offset)
    .all<DeliveryListRow>()
  return results
}

/** Puts a delivery back in the queue's hands; false when there is no such delivery. */
export async function requeueDelivery(
  db: D1Database,
  deliveryId: string,
  now: string
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE webhook_deliveries SET status = 'queued', updated_date = ? WHERE id = ? RETURNING id`
    )
    .bind(now, deliveryId)
    .first<{ id: string }>()
  return !!result
}
