/**
 * @module
 * The typed error every route throws, and the one place that turns errors into the Wix-shaped
 * envelope (`app.onError`).
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorBody, FieldViolation } from '../../shared/errors.ts'

/** An error with a status and an envelope: thrown anywhere, answered by `handleError`. */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: ContentfulStatusCode
  readonly body: ErrorBody
  readonly headers: Record<string, string>

  constructor(status: ContentfulStatusCode, body: ErrorBody, headers: Record<string, string> = {}) {
    super(body.message)
    this.status = status
    this.body = body
    this.headers = headers
  }
}

/** A business error: `{ message, details: { applicationError: { code, description, data } } }`. */
export function applicationError(
  status: ContentfulStatusCode,
  code: string,
  message: string,
  data: Record<string, unknown> = {}
): ApiError {
  return new ApiError(status, {
    message,
    details: { applicationError: { code, description: message, data } },
  })
}

/** A 400 naming each field that broke a rule. */
export function validationError(fieldViolations: FieldViolation[], message?: string): ApiError {
  const first = fieldViolations[0]
  return new ApiError(400, {
    message: message ?? (first ? `${first.field}: ${first.description}` : 'Invalid request'),
    details: { validationError: { fieldViolations } },
  })
}

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
