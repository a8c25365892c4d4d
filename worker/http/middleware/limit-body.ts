/**
 * @module
 * A cap on request bodies, counted while reading (so a chunked or lying body is cut off too), with
 * the project's 413 envelope.
 */
import { bodyLimit } from 'hono/body-limit'
import type { MiddlewareHandler } from 'hono'
import { applicationError } from '../../../shared/api-error.ts'

/** `what` names the body in the message, e.g. "A submission". */
export function limitBody(maxBytes: number, what: string): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw applicationError(
        413,
        'PAYLOAD_TOO_LARGE',
        `${what} may be at most ${maxBytes / 1024} KiB.`
      )
    },
  })
}
