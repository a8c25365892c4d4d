/**
 * @module
 * Submission rate limits: per form and client address, and per form and email (hashed, so no
 * address is used as a key). By default the Workers Rate Limiting binding counts (approximate, per
 * Cloudflare location, at the limits set in wrangler.toml); a form with its own, lower limits
 * (`rateLimit` in forms.config.ts) is counted exactly, per minute, in D1. The answer is a plain 429
 * that does not say which limit was hit.
 */
import type { FormConfig } from '../../shared/forms.ts'
import { applicationError } from '../errors.ts'

export async function limitByAddress(
  env: Env,
  formId: string,
  form: FormConfig,
  address: string | undefined
) {
  if (!address) return
  const key = `address:${formId}:${address}`
  const ok = form.rateLimit.perAddress
    ? await countInMinute(env.DB, key, form.rateLimit.perAddress)
    : (await env.SUBMIT_BY_ADDRESS.limit({ key })).success
  if (!ok) throw tooMany()
}

export async function limitByEmail(
  env: Env,
  formId: string,
  form: FormConfig,
  emailNorm: string | undefined
) {
  if (!emailNorm) return
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(emailNorm))
  const hash = [...new Uint8Array(digest).slice(0, 16)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
  const key = `email:${formId}:${hash}`
  const ok = form.rateLimit.perEmail
    ? await countInMinute(env.DB, key, form.rateLimit.perEmail)
    : (await env.SUBMIT_BY_EMAIL.limit({ key })).success
  if (!ok) throw tooMany()
}

/** Counts one more request for `key` in this minute; true while within `limit`. */
async function countInMinute(
  db: D1Database,
  key: string,
  limit: number,
  now = Date.now()
): Promise<boolean> {
  const row = await db
    .prepare(
      `INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1)
       ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count`
    )
    .bind(key, Math.floor(now / 60_000))
    .first<{ count: number }>()
  return (row?.count ?? 0) <= limit
}

/** Drops counters of past minutes (from the cron sweep). */
export function pruneRateCounters(db: D1Database, now = Date.now()) {
  return db
    .prepare('DELETE FROM rate_counters WHERE window < ?')
    .bind(Math.floor(now / 60_000) - 1)
    .run()
}

function tooMany() {
  return applicationError(429, 'RATE_LIMITED', 'Too many submissions. Please try again later.')
}
