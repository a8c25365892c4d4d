/**
 * @module
 * The one place that turns errors into the Wix-shaped envelope (`app.onError`, `app.notFound`).
 */
import type { Context } from 'hono'
import { ApiError, applicationError } from '../../shared/api-error.ts'

/** `app.onError`: typed errors keep their envelope; anything else is logged and becomes a plain 500. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value)
    return c.json(err.body, err.status)
  }
  console.error(err)
  const body = applicationError(
    500,
    'INTERNAL',
    'Something went wrong on our side. Please try again.'
  ).body
  return c.json(body, 500)
}

/** `app.notFound`: unknown paths get the same envelope as everything else. */
export function handleNotFound(c: Context): Response {
  const err = applicationError(
    404,
    'NOT_FOUND',
    `No route for ${c.req.method} ${new URL(c.req.url).pathname}`
  )
  return c.json(err.body, 404)
}
