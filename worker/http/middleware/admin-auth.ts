/**
 * @module
 * Admin authentication: `Authorization: <key>` (as Wix API keys are sent) or `Bearer <key>`.
 * Keys come from worker secrets and are compared in constant time:
 * - `ADMIN_API_KEY`, and any of the comma-separated `ADMIN_API_KEYS`: full access;
 * - any of the comma-separated `READ_API_KEYS`: reading only (GET, and POST …/query).
 */
import type { MiddlewareHandler } from 'hono'
import { applicationError } from '../../../shared/api-error.ts'

export type KeyKind = 'admin' | 'read'

/**
 * Refuses a request whose key is missing or wrong with 401 `UNAUTHENTICATED`, and a change made
 * with a read-only key with 403 `PERMISSION_DENIED`.
 *
 * @example
 * app.use('/contacts/v4/*', adminAuth())
 */
export function adminAuth(): MiddlewareHandler<{ Bindings: Env }> {
  return async function adminAuth(c, next) {
    const header = c.req.header('Authorization') ?? ''
    const given = header.replace(/^Bearer\s+/i, '').trim()
    const kind = given ? await keyKind(given, c.env) : undefined
    if (!kind) {
      throw applicationError(
        401,
        'UNAUTHENTICATED',
        'A valid API key is required in the Authorization header.'
      )
    }
    const reads =
      c.req.method === 'GET' ||
      c.req.method === 'HEAD' ||
      (c.req.method === 'POST' && c.req.path.endsWith('/query'))
    if (kind === 'read' && !reads) {
      throw applicationError(403, 'PERMISSION_DENIED', 'This API key may only read.')
    }
    await next()
  }
}

function split(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
}

async function keyKind(given: string, env: Env): Promise<KeyKind | undefined> {
  const admin = [...split(env.ADMIN_API_KEY), ...split(env.ADMIN_API_KEYS)]
  const read = split(env.READ_API_KEYS)
  // Every key is compared, whatever matches first, so the time taken says nothing about which.
  let kind: KeyKind | undefined
  for (const key of admin) if (await sameSecret(given, key)) kind ??= 'admin'
  for (const key of read) if ((await sameSecret(given, key)) && !kind) kind = 'read'
  return kind
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
