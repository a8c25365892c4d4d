/**
 * @module
 * The console's sign-in, `/admin/api/session`: `POST { key }` exchanges an admin or read-only key
 * for a session cookie, `GET` answers the current session, `DELETE` signs out (the session is
 * deleted server-side). The key travels once, in the body; the cookie is HttpOnly, SameSite=Strict
 * and Secure (except over plain http to a loopback host, as under `npm start`). Every call must
 * come from the worker's own origin (worker/http/middleware/admin-auth.ts), sign-in included, so
 * no other site can sign a browser in to its own session.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import type { CookieOptions } from 'hono/utils/cookie'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { keyKind } from '../guards/admin-keys.ts'
import { clientAddress } from '../guards/client-address.ts'
import {
  countSignInAttempt,
  endSession,
  forgetSignInAttempt,
  SESSION_SECONDS,
  startSession,
} from '../guards/console-sessions.ts'
import {
  currentSession,
  requireSameOrigin,
  SESSION_COOKIE,
  sessionIds,
} from './middleware/admin-auth.ts'
import { limitBody } from './middleware/limit-body.ts'
import { jsonBody } from './middleware/validate.ts'

const signInBody = z.strictObject({ key: z.string().check(z.minLength(1), z.maxLength(1024)) })

export const consoleSessionRoutes = new Hono<{ Bindings: Env }>()

consoleSessionRoutes.use('/admin/api/*', async function noStore(c, next) {
  await next()
  c.res.headers.set('Cache-Control', 'no-store')
})

consoleSessionRoutes.post(
  '/admin/api/session',
  async function sameOriginSignIn(c, next) {
    requireSameOrigin(c, true)
    await next()
  },
  limitBody(4 * 1024, 'A sign-in'),
  jsonBody(signInBody),
  async (c) => {
    const attempt = await countSignInAttempt(c.env.DB, clientAddress(c.req.raw.headers))
    const { key } = c.req.valid('json')
    const access = await keyKind(key, c.env)
    if (!access) {
      throw applicationError(401, 'UNAUTHENTICATED', 'That is not an admin or read-only API key.')
    }
    await forgetSignInAttempt(c.env.DB, attempt)
    // Whatever session id the browser brought is ended, never adopted: every sign-in gets a new one.
    for (const id of sessionIds(c)) await endSession(c.env.DB, id)
    const { id, session } = await startSession(c.env.DB, key, access)
    setCookie(c, SESSION_COOKIE, id, cookieOptions(c, SESSION_SECONDS))
    return c.json({ session })
  }
)

consoleSessionRoutes.get('/admin/api/session', async (c) => {
  requireSameOrigin(c, false)
  const session = await currentSession(c)
  if (!session) throw applicationError(401, 'UNAUTHENTICATED', 'Not signed in to the console.')
  return c.json({ session })
})

consoleSessionRoutes.delete('/admin/api/session', async (c) => {
  requireSameOrigin(c, true)
  for (const id of sessionIds(c)) await endSession(c.env.DB, id)
  deleteCookie(c, SESSION_COOKIE, cookieOptions(c, 0))
  return c.json({})
})

function cookieOptions(c: Context, maxAge: number): CookieOptions {
  const url = new URL(c.req.url)
  // Browsers keep a Secure cookie from http only on loopback, and not all of them: `npm start`
  // serves plain http on 127.0.0.1 / localhost, so the flag is left off there alone.
  const loopbackHttp = url.protocol === 'http:' && isLoopback(url.hostname)
  return { path: '/', httpOnly: true, secure: !loopbackHttp, sameSite: 'Strict', maxAge }
}

function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}
