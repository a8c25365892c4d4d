/**
 * @module
 * The delivery queue's consumer: sends one signed webhook per message. 2xx: delivered. 410: the
 * endpoint is disabled. Anything else (or no answer): tried again with exponential backoff and
 * jitter (never sooner than a Retry-After asks), until the queue's last try; then the dead-letter
 * queue's consumer records it as failed. A consumer claims a delivery before sending it, so a
 * duplicate message never sends it twice, and an entity's events reach an endpoint in order.
 */
import { signWebhook } from '../../shared/webhooks.ts'
import { webhookEndpoints } from './endpoints.ts'
import type { DeliveryMessage } from './dispatch.ts'
import { buildEnvelope } from './envelope.ts'
import type { OutboxEvent } from './envelope.ts'

const TIMEOUT_MS = 15_000
const LEASE_MS = 60_000
const MAX_DELAY_SECONDS = 3600

/** Seconds before the n-th retry: base · 2^(n-1), at most an hour, with jitter above half of it. */
export function deliveryDelaySeconds(env: Env, attempts: number): number {
  const base = Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? 30) || 30
  const delay = Math.min(MAX_DELAY_SECONDS, base * 2 ** Math.max(0, attempts - 1))
  return Math.max(1, Math.round(delay / 2 + (Math.random() * delay) / 2))
}

export async function handleDeliveryBatch(
  batch: MessageBatch<DeliveryMessage>,
  env: Env
): Promise<void> {
  const deadLetters = batch.queue.endsWith('-dlq')
  for (const message of batch.messages) {
    try {
      if (deadLetters) {
        await record(env, message.body.deliveryId, {
          status: 'failed',
          error: 'gave up after the last retry',
        })
        message.ack()
        continue
      }
      const outcome = await deliver(env, message.body.deliveryId)
      if (outcome.retryAfterSeconds === undefined) message.ack()
      else {
        const backoff = deliveryDelaySeconds(env, message.attempts)
        message.retry({ delaySeconds: Math.max(backoff, outcome.retryAfterSeconds ?? 0) })
      }
    } catch (err) {
      console.error('webhook delivery failed', message.body.deliveryId, err)
      message.retry({ delaySeconds: deliveryDelaySeconds(env, message.attempts) })
    }
  }
}

interface Outcome {
  /** Set when the delivery should be tried again (the value: seconds a Retry-After asked for). */
  retryAfterSeconds?: number | null
}

type Row = OutboxEvent & {
  status: string
  endpoint_url: string
  event_id: string
  disabled: number
  earlier: number
}

/** One attempt to deliver; safe to repeat (a delivery that is done, or claimed, is left alone). */
export async function deliver(env: Env, deliveryId: string): Promise<Outcome> {
  const now = Date.now()
  const row = await env.DB.prepare(
    `SELECT d.id, d.status, d.endpoint_url, o.id AS event_id, o.seq AS sequence, o.entity_fqdn, o.slug,
       o.entity_id, o.body, o.created_date,
       EXISTS (SELECT 1 FROM webhook_endpoints_disabled x WHERE x.endpoint_url = d.endpoint_url) AS disabled,
       EXISTS (SELECT 1 FROM webhook_deliveries d2 JOIN outbox o2 ON o2.id = d2.event_id
               WHERE d2.endpoint_url = d.endpoint_url AND o2.entity_id = o.entity_id AND o2.seq < o.seq
                 AND d2.status IN ('queued', 'sending')) AS earlier
     FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id WHERE d.id = ?`
  )
    .bind(deliveryId)
    .first<Row>()
  if (!row || (row.status !== 'queued' && row.status !== 'sending')) return {}
  if (row.disabled) {
    await record(env, deliveryId, {
      status: 'disabled',
      error: 'the endpoint answered 410 Gone earlier',
    })
    return {}
  }
  // An earlier event of this entity is still on its way to this endpoint: this one waits its turn.
  if (row.earlier) return { retryAfterSeconds: null }
  const endpoint = webhookEndpoints(env).find((e) => e.url === row.endpoint_url)
  if (!endpoint) {
    await record(env, deliveryId, {
      status: 'failed',
      error: 'the endpoint is no longer configured',
    })
    return {}
  }
  const claimed = await env.DB.prepare(
    `UPDATE webhook_deliveries SET status = 'sending', lease_until = ?1, updated_date = ?2
     WHERE id = ?3 AND (status = 'queued' OR (status = 'sending' AND lease_until < ?2)) RETURNING id`
  )
    .bind(new Date(now + LEASE_MS).toISOString(), new Date(now).toISOString(), deliveryId)
    .first()
  if (!claimed) return {} // another consumer has it

  const body = JSON.stringify(await buildEnvelope(env.DB, { ...row, id: row.event_id }))
  const timestamp = Math.floor(Date.now() / 1000)
  let response: Response
  try {
    response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'contact-capture-webhooks/1',
        'webhook-id': row.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await signWebhook(endpoint.secret, row.event_id, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: 'manual',
    })
  } catch (err) {
    await record(env, deliveryId, { status: 'queued', error: String(err), attempted: true })
    return { retryAfterSeconds: null }
  }
  await response.body?.cancel()
  if (response.ok) {
    await record(env, deliveryId, {
      status: 'delivered',
      httpStatus: response.status,
      attempted: true,
    })
    return {}
  }
  if (response.status === 410) {
    await env.DB.prepare(
      `INSERT INTO webhook_endpoints_disabled (endpoint_url, disabled_date) VALUES (?, ?) ON CONFLICT DO NOTHING`
    )
      .bind(endpoint.url, new Date().toISOString())
      .run()
    await record(env, deliveryId, {
      status: 'disabled',
      httpStatus: 410,
      error: 'the endpoint answered 410 Gone',
      attempted: true,
    })
    return {}
  }
  await record(env, deliveryId, {
    status: 'queued',
    httpStatus: response.status,
    error: `HTTP ${response.status}`,
    attempted: true,
  })
  return { retryAfterSeconds: retryAfter(response.headers.get('Retry-After')) }
}

function retryAfter(value: string | null): number | null {
  if (!value) return null
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000
  return Number.isFinite(seconds) ? Math.min(12 * 3600, Math.max(0, Math.ceil(seconds))) : null
}

async function record(
  env: Env,
  deliveryId: string,
  change: { status: string; httpStatus?: number; error?: string; attempted?: boolean }
): Promise<void> {
  await env.DB.prepare(
    `UPDATE webhook_deliveries SET status = ?, lease_until = NULL, last_status = COALESCE(?, last_status),
       last_error = ?, attempts = attempts + ?, updated_date = ? WHERE id = ?`
  )
    .bind(
      change.status,
      change.httpStatus ?? null,
      change.error ?? null,
      change.attempted ? 1 : 0,
      new Date().toISOString(),
      deliveryId
    )
    .run()
}
