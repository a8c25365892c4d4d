/**
 * @module
 * Request validation with zod, so every failure becomes the same 400 envelope: `validate()` for the
 * query string and path, `jsonBody()` for bodies.
 */
import { zValidator } from '@hono/zod-validator'
import type { Env as HonoEnv, MiddlewareHandler, ValidationTargets } from 'hono'
import type * as z from 'zod'
import { validationError } from '../../../shared/api-error.ts'
import { toFieldViolations } from '../../../shared/submission.ts'
import { parseJson } from '../../capture/accept.ts'

export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(toFieldViolations(result.error.issues))
  })

/**
 * The body read as JSON whatever its Content-Type (`curl -d` sends it form-encoded, and Wix-style
 * clients do not always say), then checked with `schema`. A body is never ignored: one that is not
 * JSON is a 400 `MALFORMED_BODY`; only an empty one reads as `{}`.
 */
export function jsonBody<T extends z.ZodType>(
  schema: T
): MiddlewareHandler<HonoEnv, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async function jsonBody(c, next) {
    const text = await c.req.text()
    const result = await schema.safeParseAsync(text.trim() ? parseJson(text) : {})
    if (!result.success) throw validationError(toFieldViolations(result.error.issues))
    c.req.addValidatedData('json', result.data as object)
    await next()
  }
}
