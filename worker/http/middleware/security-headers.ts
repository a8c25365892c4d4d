/**
 * @module
 * Security headers on every answer of the worker: no sniffing, no referrer leaks, no framing;
 * the HTML pages (thanks, corrections) get a strict Content-Security-Policy. The static demo
 * page and bundle get theirs from dist/public/_headers.
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

export function securityHeaders(): MiddlewareHandler {
  const base = secureHeaders({
    contentSecurityPolicy: undefined,
    crossOriginResourcePolicy: false,
    crossOriginOpenerPolicy: false,
    referrerPolicy: 'strict-origin-when-cross-origin',
    xFrameOptions: 'DENY',
  })
  return async function securityHeaders(c, next) {
    await base(c, next)
    if (c.res.headers.get('Content-Type')?.startsWith('text/html'))
      c.res.headers.set('Content-Security-Policy', PAGE_CSP)
  }
}
