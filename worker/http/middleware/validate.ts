/**
 * @module
 * `zValidator` wrapped once, so every validation failure becomes the same 400 envelope.
 */
import { zValidator } from '@hono/zod-validator'
import type { ValidationTargets } from 'hono'
import type { z } from 'zod'
import { toFieldViolations } from '../../../shared/submission.ts'
import { validationError } from '../../../shared/api-error.ts'

export const validate = <T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(toFieldViolations(result.error.issues))
  })
