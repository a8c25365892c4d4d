/**
 * @module
 * The per-address rate limit for requests that cost something before any record is written: a
 * Turnstile siteverify call, a bot's blocked count. By default the Workers Rate Limiting binding
 * counts (approximate, per Cloudflare location, at the limit set in wrangler.toml); a form with its
 * own, lower limit (`rateLimit.perAddress` in forms.config.ts) is counted exactly, per minute, in
 * D1. Submissions that get as far as being recorded are counted per address and per email in the
 * batch that records them (worker/capture/accept.ts). Every answer is the same plain 429, with a
 * `Retry-After` of the seconds left in the window (a minute when that is not known).
 */
import type { FormConfig } from '../../shared/forms-config.ts'
import { countRequest, pruneRateCounters } from '../db/rate-counters.ts'
import { forgetAddressKeys } from '../db/submissions.ts'
import { rateLimited } from '../../shared/api-error.ts'

export async function limitByAddress(
  env: Env,
  formId: string,
  form: FormConfig,
  address: string | undefined
) {
  if (!address) return
  const key = `address:${formId}:${address}`
  if (form.rateLimit.perAddress) {
    const now = Date.now()
    if (!(await countInMinute(env.DB, key, form.rateLimit.perAddress, now)))
      throw rateLimited((60_000 - (now % 60_000)) / 1000)
  } else if (!(await env.SUBMIT_BY_ADDRESS.limit({ key })).success) {
    // The binding does not say when its window ends: a whole period, at most.
    throw rateLimited(60)
  }
}

/** Counts one more request for `key` in this minute; true while within `limit`. */
async function countInMinute(
  db: D1Database,
  key: string,
  limit: number,
  now = Date.now()
): Promise<boolean> {
  return (await countRequest(db, key, Math.floor(now / 60_000))) <= limit
}

/**
 * From the cron sweep: drops the counters of past minutes, and the address keys of submissions
 * older than the limit's window (they serve the limit only, and an address is personal data).
 */
export async function sweepRateLimits(db: D1Database, now = Date.now()): Promise<void> {
  await db.batch([
    pruneRateCounters(db, Math.floor(now / 60_000) - 1),
    forgetAddressKeys(db, new Date(now - 2 * 60_000).toISOString()),
  ])
}
