/**
 * @module
 * Telling automated submissions from people: the honeypot, the render token (forged, expired, or
 * sent faster than a person fills a form) and, where a form uses it, Turnstile. A bot's
 * submission is counted and answered like any other, so it learns nothing about what gave it away.
 */
import type { FormConfig } from '../../shared/forms.ts'
import { honeypotName } from '../../shared/forms.ts'
import { verifyToken } from './render-token.ts'
import { verifyTurnstile } from './turnstile.ts'

export type BotReason =
  'honeypot' | 'token-missing' | 'token-forged' | 'token-expired' | 'too-fast' | 'turnstile'

export interface BotCheckInput {
  formId: string
  form: FormConfig
  /** The parsed body: `{ values, token, honeypot, turnstile }` from the widget, flat from the fallback. */
  payload: unknown
  /** The no-JavaScript form: no render token or Turnstile to check, only the honeypot. */
  fallback: boolean
  remoteIp?: string
  /** Hostnames a Turnstile token may come from: the form's origins and this worker's. */
  hostnames: string[]
  idempotencyKey?: string
}

/** The reason a submission looks automated, or undefined for a person. */
export async function detectBot(env: Env, input: BotCheckInput): Promise<BotReason | undefined> {
  const { form } = input
  const body = (
    typeof input.payload === 'object' && input.payload !== null ? input.payload : {}
  ) as Record<string, unknown>
  const trap = honeypotName(form.spam.honeypot, form.fields)
  const trapValue = input.fallback ? body[trap ?? ''] : body.honeypot
  if (trap && typeof trapValue === 'string' && trapValue.trim() !== '') return 'honeypot'
  if (trap && trapValue !== undefined && typeof trapValue !== 'string') return 'honeypot'
  if (input.fallback) return undefined

  const verdict = await verifyToken(env, body.token, input.formId, {
    minFillMs: form.spam.minFillSeconds * 1000,
    maxAgeMs: form.spam.tokenMaxAgeHours * 3600_000,
  })
  if (verdict === 'missing') return 'token-missing'
  if (verdict === 'forged') return 'token-forged'
  if (verdict === 'expired') return 'token-expired'
  if (verdict === 'too-fast') return 'too-fast'

  if (form.spam.turnstile) {
    const human = await verifyTurnstile(env, {
      token: body.turnstile,
      action: form.spam.turnstile.action,
      hostnames: input.hostnames,
      ...(input.remoteIp ? { remoteIp: input.remoteIp } : {}),
      ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
    })
    if (!human) return 'turnstile'
  }
  return undefined
}

/** Counts a refused submission per form, reason and day. */
export function countBlocked(db: D1Database, formId: string, reason: BotReason): Promise<unknown> {
  return db
    .prepare(
      `INSERT INTO blocked_submissions (form_id, reason, day, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (form_id, reason, day) DO UPDATE SET count = count + 1`
    )
    .bind(formId, reason, new Date().toISOString().slice(0, 10))
    .run()
}
