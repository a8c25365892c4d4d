/**
 * @module
 * The delivery queue's consumer: sends one signed webhook per message. 2xx: delivered. 410: the
 * endpoint is disabled. Anything else (or no answer): tried again with exponential backoff and
 * jitter, honouring Retry-After, until the queue's last try; then the dead-letter queue's consumer
 * records it as failed.
 */
import { signWebhook } from '../../shared/webhooks.ts'
import { webhookEndpoints } from './endpoints.ts'
import type { DeliveryMessage } from './dispatch.ts'
import { buildEnvelope } from './envelope.ts'
import type { OutboxEvent } from './envelope.ts'

const TIMEOUT_MS = 15_000
const MAX_DELAY_SECONDS = 12 * 3600

/** Seconds before the n-th retry: base · 2^(n-1), with full jitter above half of it. */
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
      else
        message.retry({
          delaySeconds: outcome.retryAfterSeconds ?? deliveryDelaySeconds(env, message.attempts),
        })
    } catch (err) {
      console.error('webhook delivery failed', message.body.deliveryId, err)
      message.retry({ delaySeconds: deliveryDelaySeconds(env, message.attempts) })
    }
  }
}

interface Outcome {
  /** Set when the delivery should be tried again (the value: seconds asked for by Retry-After). */
  retryAfterSeconds?: number | null
}

/** One attempt to deliver; safe to repeat (a delivered or disabled delivery is left alone). */
export async function deliver(env: Env, deliveryId: string): Promise<Outcome> {
  const row = await env.DB.prepare(
    `SELECT d.id, d.status, d.endpoint_url, o.id AS event_id, o.rowid AS sequence, o.entity_fqdn, o.slug,
       o.entity_id, o.body, o.created_date,
       EXISTS (SELECT 1 FROM webhook_endpoints_disabled x WHERE x.endpoint_url = d.endpoint_url) AS disabled
     FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id WHERE d.id = ?`
  )
    .bind(deliveryId)
    .first<
      OutboxEvent & { status: string; endpoint_url: string; event_id: string; disabled: number }
    >()
  if (!row || row.status !== 'queued') return {}
  if (row.disabled) {
    await record(env, deliveryId, {
      status: 'disabled',
      error: 'the endpoint answered 410 Gone earlier',
    })
    return {}
  }
  const endpoint = webhookEndpoints(env).find((e) => e.url === row.endpoint_url)
  if (!endpoint) {
    await record(env, deliveryId, {
      status: 'failed',
      error: 'the endpoint is no longer configured',
    })
    return {}
  }
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
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO webhook_endpoints_disabled (endpoint_url, disabled_date) VALUES (?, ?) ON CONFLICT DO NOTHING`
      ).bind(endpoint.url, new Date().toISOString()),
    ])
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
  return Number.isFinite(seconds)
    ? Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(seconds)))
    : null
}

async function record(
  env: Env,
  deliveryId: string,
  change: { status: string; httpStatus?: number; error?: string; attempted?: boolean }
): Promise<void> {
  await env.DB.prepare(
    `UPDATE webhook_deliveries SET status = ?, last_status = COALESCE(?, last_status), last_error = ?,
       attempts = attempts + ?, updated_date = ? WHERE id = ?`
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
