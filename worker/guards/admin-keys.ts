/**
 * @module
 * The admin API's keys, from worker secrets: `ADMIN_API_KEY` and the comma-separated
 * `ADMIN_API_KEYS` may do everything; the comma-separated `READ_API_KEYS` may only read. Used by
 * the `Authorization` header check and by the console's sign-in.
 */

export type KeyKind = 'admin' | 'read'

export interface ApiKey {
  key: string
  kind: KeyKind
}

/** Every configured key with what it may do, admin keys first. */
export function apiKeys(env: Env): ApiKey[] {
  return [
    ...[...split(env.ADMIN_API_KEY), ...split(env.ADMIN_API_KEYS)].map((key) => ({
      key,
      kind: 'admin' as const,
    })),
    ...split(env.READ_API_KEYS).map((key) => ({ key, kind: 'read' as const })),
  ]
}

/**
 * What `given` may do, or undefined when it is no key. Compared in constant time.
 *
 * @example
 * const kind = await keyKind(c.req.header('Authorization') ?? '', c.env)
 */
export async function keyKind(given: string, env: Env): Promise<KeyKind | undefined> {
  // Every key is compared, whatever matches first, so the time taken says nothing about which.
  let kind: KeyKind | undefined
  for (const key of apiKeys(env)) if ((await sameSecret(given, key.key)) && !kind) kind = key.kind
  return kind
}

function split(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
}

// Digests first: timingSafeEqual needs equal lengths and would otherwise leak the key's length.
async function sameSecret(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder()
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ])
  return crypto.subtle.timingSafeEqual(da, db)
}
