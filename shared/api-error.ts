/**
 * @module
 * The one error type the worker throws: a status and the Wix-shaped envelope (./errors.ts). Any
 * layer may throw it; only the HTTP layer's `onError` turns it into a response.
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorBody, FieldViolation } from './errors.ts'
import { message } from './messages.ts'

/** An error with a status and an envelope: thrown anywhere, answered by `app.onError`. */
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

/**
 * Too many submissions: the same plain 429 for every limit, so it tells nothing of which, with
 * `Retry-After`: the seconds until the limit's window lets this client in again (at most a minute).
 */
export function rateLimited(retryAfterSeconds = 60): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds))
  const err = applicationError(429, 'RATE_LIMITED', message('rateLimited', { seconds }))
  err.headers['Retry-After'] = String(seconds)
  return err
}
