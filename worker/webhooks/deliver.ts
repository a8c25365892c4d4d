/**
 * @module
 * The delivery queue's consumer: sends one signed webhook per message. 2xx: delivered. 410: the
 * endpoint is disabled. Anything else (or no answer): tried again with exponential backoff and
 * jitter (never sooner than a Retry-After asks), until the queue's last try; then the dead-letter
 * queue's consumer records it as failed. A consumer claims a delivery before sending it, so a
 * duplicate message never sends it twice, and an entity's events reach an endpoint in order.
 */
import { backoffSeconds } from '../../shared/backoff.ts'
import { signWebhook } from '../../shared/webhooks.ts'
import {
  claimDelivery,
  disableEndpoint,
  recordDelivery,
  selectDelivery,
} from '../db/webhook-deliveries.ts'
import type { DeliveryChange } from '../db/webhook-deliveries.ts'
import { webhookEndpoints } from './endpoints.ts'
import type { DeliveryMessage } from './dispatch.ts'
import { buildEnvelope } from './envelope.ts'

const TIMEOUT_MS = 15_000
const LEASE_MS = 60_000
const MAX_DELAY_SECONDS = 3600

/** Seconds before the n-th retry: base · 2^(n-1), at most an hour, with jitter above half of it. */
export function deliveryDelaySeconds(env: Env, attempts: number): number {
  const baseSeconds = Number(env.WEBHOOK_RETRY_BASE_SECONDS ?? 30) || 30
  return backoffSeconds(attempts, { baseSeconds, maxSeconds: MAX_DELAY_SECONDS })
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

/** One attempt to deliver; safe to repeat (a delivery that is done, or claimed, is left alone). */
export async function deliver(env: Env, deliveryId: string): Promise<Outcome> {
  const now = Date.now()
  const row = await selectDelivery(env.DB, deliveryId)
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
  const claimed = await claimDelivery(
    env.DB,
    deliveryId,
    new Date(now).toISOString(),
    new Date(now + LEASE_MS).toISOString()
  )
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
    await disableEndpoint(env.DB, endpoint.url, new Date().toISOString())
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

async function record(env: Env, deliveryId: string, change: DeliveryChange): Promise<void> {
  await recordDelivery(env.DB, deliveryId, change, new Date().toISOString())
}
