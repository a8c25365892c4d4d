/**
 * @module
 * The one place that chooses where this deployment's contacts live: `CONTACTS_BACKEND` is `d1`
 * (default) or `wix`.
 */
import { markAttemptFailed } from '../db/submissions.ts'
import type { ContactStore } from './contact-store.ts'
import { d1Store } from './d1-store.ts'
import { siteThrottle } from './wix-throttle.ts'
import { wixStore } from './wix-store.ts'

export const WIX_API_BASE = 'https://www.wixapis.com'

/** What `CONTACTS_BACKEND=wix` still needs, or an empty list. */
export function missingWixSettings(env: Partial<Record<string, string | undefined>>): string[] {
  return ['WIX_API_KEY', 'WIX_SITE_ID'].filter((name) => !env[name])
}

export function selectStore(env: Env): ContactStore {
  const kind = env.CONTACTS_BACKEND ?? 'd1'
  if (kind === 'd1') return d1Store(env.DB)
  const missing = missingWixSettings(env as unknown as Record<string, string | undefined>)
  if (kind !== 'wix' || missing.length) {
    // `npm start` and `npm run deploy` stop on this; should it happen anyway, submissions are still
    // recorded and kept pending until the settings are fixed and the retry queue finishes them.
    return unconfigured(
      env.DB,
      kind !== 'wix'
        ? `CONTACTS_BACKEND must be "d1" or "wix", not "${kind}"`
        : `CONTACTS_BACKEND=wix needs ${missing.join(' and ')}`
    )
  }
  return wixStore({
    db: env.DB,
    apiBase: env.WIX_API_BASE || WIX_API_BASE,
    apiKey: env.WIX_API_KEY!,
    siteId: env.WIX_SITE_ID!,
    throttle: siteThrottle(env, env.WIX_SITE_ID!),
    ...(env.WIX_TIMEOUT_MS ? { timeoutMs: Number(env.WIX_TIMEOUT_MS) } : {}),
  })
}

/** A store that writes nothing: the settings name no usable store. */
function unconfigured(db: D1Database, problem: string): ContactStore {
  return {
    name: 'unconfigured',
    async writeSubmission(submissionId) {
      console.error(`${problem}; submission ${submissionId} kept pending`)
      await markAttemptFailed(db, submissionId, problem).run()
      return false
    },
  }
}
