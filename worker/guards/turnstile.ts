/**
 * @module
 * Cloudflare Turnstile, checked server-side with siteverify. It fails closed: a missing secret,
 * a timeout or a 5xx never lets a submission through (the visitor is asked to retry, 503), and a
 * token must be for this form's action and one of its hostnames.
 */
import { applicationError } from '../../shared/api-error.ts'

export const SITEVERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify'
const TIMEOUT_MS = 5000

export interface TurnstileCheck {
  token: unknown
  action: string
  hostnames: string[]
  remoteIp?: string
  /** Sent as siteverify's idempotency_key, so a retried check of one token is not "already used". */
  idempotencyKey?: string
}

/** True for a human, false for a failed challenge; throws 503 when Turnstile cannot answer. */
export async function verifyTurnstile(env: Env, check: TurnstileCheck): Promise<boolean> {
  if (typeof check.token !== 'string' || check.token.length === 0 || check.token.length > 2048)
    return false
  if (!env.TURNSTILE_SECRET_KEY) {
    console.error('Turnstile is configured for a form but TURNSTILE_SECRET_KEY is not set')
    throw unavailable()
  }
  const body = new FormData()
  body.set('secret', env.TURNSTILE_SECRET_KEY)
  body.set('response', check.token)
  if (check.remoteIp) body.set('remoteip', check.remoteIp)
  if (check.idempotencyKey) body.set('idempotency_key', check.idempotencyKey)
  let outcome: { success?: boolean; action?: string; hostname?: string; 'error-codes'?: string[] }
  try {
    const res = await fetch(SITEVERIFY_URL, {
      method: 'POST',
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    if (!res.ok) throw new Error(`siteverify answered ${res.status}`)
    outcome = await res.json()
  } catch (err) {
    console.error('Turnstile siteverify failed', err)
    throw unavailable()
  }
  if (outcome['error-codes']?.includes('internal-error')) throw unavailable()
  return (
    outcome.success === true &&
    outcome.action === check.action &&
    typeof outcome.hostname === 'string' &&
    check.hostnames.includes(outcome.hostname)
  )
}

function unavailable() {
  return applicationError(
    503,
    'VERIFICATION_UNAVAILABLE',
    'We could not check this submission right now. Please try again.'
  )
}
