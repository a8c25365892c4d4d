/**
 * @module
 * The contacts backend of this deployment: `CONTACTS_BACKEND` is `d1` (default) or `wix`.
 */
import type { ContactsBackend } from './types.ts'
import { d1Backend } from './d1.ts'
import { wixBackend } from './wix.ts'
import { siteThrottle } from './wix-throttle.ts'

export const WIX_API_BASE = 'https://www.wixapis.com'

/** What `CONTACTS_BACKEND=wix` still needs, or an empty list. */
export function missingWixSettings(env: Partial<Record<string, string | undefined>>): string[] {
  return ['WIX_API_KEY', 'WIX_SITE_ID'].filter((name) => !env[name])
}

export function contactsBackend(env: Env): ContactsBackend {
  const kind = env.CONTACTS_BACKEND ?? 'd1'
  if (kind === 'd1') return d1Backend(env.DB)
  if (kind !== 'wix') throw new Error(`CONTACTS_BACKEND must be "d1" or "wix", not "${kind}"`)
  const missing = missingWixSettings(env as unknown as Record<string, string | undefined>)
  if (missing.length) throw new Error(`CONTACTS_BACKEND=wix needs ${missing.join(' and ')}`)
  return wixBackend({
    db: env.DB,
    apiBase: env.WIX_API_BASE || WIX_API_BASE,
    apiKey: env.WIX_API_KEY!,
    siteId: env.WIX_SITE_ID!,
    throttle: siteThrottle(env, env.WIX_SITE_ID!),
    ...(env.WIX_TIMEOUT_MS ? { timeoutMs: Number(env.WIX_TIMEOUT_MS) } : {}),
  })
}
