/**
 * @module
 * Admin authentication, by one of:
 * - `Authorization: <key>` (as Wix API keys are sent) or `Bearer <key>`, for scripts and
 *   integrations; keys come from worker secrets (worker/guards/admin-keys.ts);
 * - the console's `cc_session` cookie (worker/http/console-session.ts). A browser attaches a cookie
 *   on its own, so a request made with it must come from this worker's own origin: a change needs
 *   `Sec-Fetch-Site: same-origin` or an `Origin` equal to ours, and no sign of another site.
 * Admin keys and sessions may do everything; read-only ones may only read (GET, and POST …/query).
 */
import type { Context, MiddlewareHandler } from 'hono'
import { applicationError } from '../../../shared/api-error.ts'
import { keyKind } from '../../guards/admin-keys.ts'
import type { KeyKind } from '../../guards/admin-keys.ts'
import { findSession } from '../../guards/console-sessions.ts'
import type { ConsoleSession } from '../../guards/console-sessions.ts'

export const SESSION_COOKIE = 'cc_session'

/**
 * Refuses a request with neither a right key nor a live session with 401 `UNAUTHENTICATED`, a
 * session's request from another origin with 403 `ORIGIN_NOT_ALLOWED`, and a change made with
 * read-only access with 403 `PERMISSION_DENIED`. Answers to session requests are `no-store`.
 *
 * @example
 * app.use('/contacts/v4/*', adminAuth())
 */
export function adminAuth(): MiddlewareHandler<{ Bindings: Env }> {
  return async function adminAuth(c, next) {
    const header = c.req.header('Authorization')
    let access: KeyKind | undefined
    let bySession = false
    // A request that carries a key is judged by the key alone, whatever cookie comes with it.
    if (header !== undefined) {
      const given = header.replace(/^Bearer\s+/i, '').trim()
      access = given ? await keyKind(given, c.env) : undefined
    } else if (sessionIds(c).length) {
      bySession = true
      // The POST …/query reads count as changes here: a cross-site form can send a POST.
      requireSameOrigin(c, !['GET', 'HEAD'].includes(c.req.method))
      access = (await currentSession(c))?.access
    }
    if (!access) {
      throw applicationError(
        401,
        'UNAUTHENTICATED',
        'A valid API key is required in the Authorization header, or a console session.'
      )
    }
    const reads =
      c.req.method === 'GET' ||
      c.req.method === 'HEAD' ||
      (c.req.method === 'POST' && c.req.path.endsWith('/query'))
    if (access === 'read' && !reads) {
      throw applicationError(
        403,
        'PERMISSION_DENIED',
        bySession ? 'This console session may only read.' : 'This API key may only read.'
      )
    }
    await next()
    if (bySession) c.res.headers.set('Cache-Control', 'no-store')
  }
}

/**
 * Throws 403 `ORIGIN_NOT_ALLOWED` when the browser says the request comes from another site
 * (`Sec-Fetch-Site` other than `same-origin`, or an `Origin` other than ours), and, for a change,
 * also when it says nothing either way.
 */
export function requireSameOrigin(c: Context, change: boolean): void {
  const site = c.req.header('Sec-Fetch-Site')
  const origin = c.req.header('Origin')
  const own = new URL(c.req.url).origin
  // `none`: the user opened the address; never a change a page could make.
  const siteForeign = site !== undefined && site !== 'same-origin' && (change || site !== 'none')
  const foreign = siteForeign || (origin !== undefined && origin !== own)
  const shown = site === 'same-origin' || origin === own
  if (foreign || (change && !shown)) {
    throw applicationError(
      403,
      'ORIGIN_NOT_ALLOWED',
      'With a console session, requests must come from the console on this same origin.'
    )
  }
}

/**
 * Every `cc_session` value in the Cookie header. More than one means a cookie was planted from
 * elsewhere (a sibling domain, another path): such a request has no session.
 */
export function sessionIds(c: Context): string[] {
  return (c.req.header('Cookie') ?? '')
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair.startsWith(`${SESSION_COOKIE}=`))
    .map((pair) => pair.slice(SESSION_COOKIE.length + 1))
}

/** The live session of the request's cookie, if it has exactly one and it is live. */
export async function currentSession(
  c: Context<{ Bindings: Env }>
): Promise<ConsoleSession | undefined> {
  const ids = sessionIds(c)
  return ids.length === 1 ? findSession(c.env, ids[0]!) : undefined
}
