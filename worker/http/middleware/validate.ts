/**
 * @module
 * Request validation with zod, so every failure becomes the same 400 envelope: `validate()` for the
 * query string and path, `jsonBody()` for bodies.
 */
import { zValidator } from '@hono/zod-validator'
import type { Env as HonoEnv, MiddlewareHandler, ValidationTargets } from 'hono'
import type * as z from '../../../shared/zod.ts'
import { validationError } from '../../../shared/api-error.ts'
import { toFieldViolations } from '../../../shared/submission.ts'
import { parseJson } from '../../capture/accept.ts'

// Both parse synchronously (no schema here has an async check): under an async parse, zod/mini
// settles each transform after the plain fields beside it, which would reorder the violations.

export const validate = <T extends z.ZodMiniType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T
) =>
  zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) throw validationError(toFieldViolations(result.error.issues))
    },
    {
      // zod-validator types the result as full zod's, whose error adds methods (format(), …) that
      // the hook above never calls.
      validationFunction: (s, value) => s.safeParse(value) as never,
    }
  )

/**
 * The body read as JSON whatever its Content-Type (`curl -d` sends it form-encoded, and Wix-style
 * clients do not always say), then checked with `schema`. A body is never ignored: one that is not
 * JSON is a 400 `MALFORMED_BODY`; only an empty one reads as `{}`.
 */
export function jsonBody<T extends z.ZodMiniType>(
  schema: T
): MiddlewareHandler<HonoEnv, string, { in: { json: z.input<T> }; out: { json: z.output<T> } }> {
  return async function jsonBody(c, next) {
    const text = await c.req.text()
    const result = schema.safeParse(text.trim() ? parseJson(text) : {})
    if (!result.success) throw validationError(toFieldViolations(result.error.issues))
    c.req.addValidatedData('json', result.data as object)
    await next()
  }
}
