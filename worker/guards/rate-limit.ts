/**
 * @module
 * The per-address submission rate limit, checked before any other work. By default the Workers
 * Rate Limiting binding counts (approximate, per Cloudflare location, at the limit set in
 * wrangler.toml); a form with its own, lower limit (`rateLimit.perAddress` in forms.config.ts) is
 * counted exactly, per minute, in D1. The per-email limit is counted where the submission is
 * recorded (worker/capture/pipeline.ts). Either answer is the same plain 429.
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
  if (!ok) throw rateLimited()
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

export function rateLimited() {
  return applicationError(429, 'RATE_LIMITED', 'Too many submissions. Please try again later.')
}
