/**
 * @module
 * Telling automated submissions from people: the honeypot, the render token (forged, expired, or
 * sent faster than a person fills a form) and, where a form uses it, Turnstile. A bot's
 * submission is counted and answered like any other, so it learns nothing about what gave it away.
 */
import type { FormConfig } from '../../shared/forms-config.ts'
import { honeypotName } from '../../shared/honeypot.ts'
import { ApiError, applicationError } from '../../shared/api-error.ts'
import { verifyToken } from './render-token.ts'
import { verifyTurnstile } from './turnstile.ts'

export type BotReason = 'honeypot' | 'token-missing' | 'token-reused' | 'turnstile'

export interface BotVerdict {
  /** Why the submission looks automated; undefined for a person. */
  reason?: BotReason
  /** The render token's nonce, recorded with the submission so the token serves only once. */
  renderNonce?: string
}

export interface BotCheckInput {
  formId: string
  form: FormConfig
  /** The parsed body: `{ values, token, honeypot, turnstile }` from the widget, flat from the fallback. */
  payload: unknown
  /** The no-JavaScript form: no render token or Turnstile to check, only the honeypot. */
  fallback: boolean
  remoteIp?: string
  /** The request's URL: with the form's origins, the hostnames a Turnstile token may come from. */
  selfUrl: string
  idempotencyKey?: string
}

/**
 * Whether a submission looks automated. A stale render token (expired, or signed with a key that
 * has since changed) is not a bot's mark but an old page: it gets an honest 403 that the widget
 * answers by fetching a fresh one; one sent faster than a person fills a form gets 425 with the
 * seconds to wait. Neither loses what a person typed.
 */
export async function detectBot(env: Env, input: BotCheckInput): Promise<BotVerdict> {
  const { form } = input
  const body = (
    typeof input.payload === 'object' && input.payload !== null ? input.payload : {}
  ) as Record<string, unknown>
  const trap = honeypotName(form.spam.honeypot, form.fields)
  const trapValue = input.fallback ? body[trap ?? ''] : body.honeypot
  if (trap && typeof trapValue === 'string' && trapValue.trim() !== '')
    return { reason: 'honeypot' }
  if (trap && trapValue !== undefined && typeof trapValue !== 'string')
    return { reason: 'honeypot' }
  if (input.fallback) return {}

  const token = await verifyToken(env, body.token, input.formId, {
    minFillMs: form.spam.minFillSeconds * 1000,
    maxAgeMs: form.spam.tokenMaxAgeHours * 3600_000,
  })
  if (token.verdict === 'missing') return { reason: 'token-missing' }
  if (token.verdict === 'forged' || token.verdict === 'expired') {
    throw applicationError(
      403,
      'FORM_TOKEN_EXPIRED',
      'This form has expired. Reload it and send again.'
    )
  }
  if (token.verdict === 'too-fast') {
    const seconds = Math.ceil((token.waitMs ?? 1000) / 1000)
    throw new ApiError(
      425,
      applicationError(425, 'TOO_EARLY', 'Please wait a moment and send again.').body,
      {
        'Retry-After': String(seconds),
      }
    )
  }

  if (form.spam.turnstile) {
    const human = await verifyTurnstile(env, {
      token: body.turnstile,
      action: form.spam.turnstile.action,
      hostnames: hostnamesOf(form, input.selfUrl),
      ...(input.remoteIp ? { remoteIp: input.remoteIp } : {}),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    })
    if (!human) return { reason: 'turnstile' }
  }
  return { renderNonce: token.nonce! }
}

/**
 * Hostnames a Turnstile token may name: those of the allowed origins and the worker's own. Worked
 * out only for a form with Turnstile: parsing the URLs is most of what the check costs otherwise.
 */
function hostnamesOf(form: FormConfig, selfUrl: string): string[] {
  return [...form.allowedOrigins, selfUrl].map((u) => new URL(u).hostname)
}
