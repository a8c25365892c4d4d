/**
 * @module
 * Admin authentication: `Authorization: <key>` (as Wix API keys are sent) or `Bearer <key>`,
 * checked against the `ADMIN_API_KEY` secret in constant time.
 */
import type { MiddlewareHandler } from 'hono'
import { applicationError } from '../errors.ts'

/**
 * Refuses a request whose key is missing or wrong with 401 `UNAUTHENTICATED`.
 *
 * @example
 * app.use('/contacts/v4/*', adminAuth())
 */
export function adminAuth(): MiddlewareHandler<{ Bindings: Env }> {
  return async function adminAuth(c, next) {
    const expected = c.env.ADMIN_API_KEY
    const header = c.req.header('Authorization') ?? ''
    const given = header.replace(/^Bearer\s+/i, '').trim()
    if (!expected || !given || !(await sameSecret(given, expected))) {
      throw applicationError(
        401,
        'UNAUTHENTICATED',
        'A valid API key is required in the Authorization header.'
      )
    }
    await next()
  }
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
