/**
 * @module
 * The one error envelope of every endpoint, shaped like Wix's so Wix-style clients read it.
 */

/** Wix's names for the rule a value broke. */
export type ViolatedRule =
  | 'REQUIRED_FIELD'
  | 'FORMAT'
  | 'MAX_LENGTH'
  | 'INVALID_ENUM_VALUE'
  | 'FIELD_NOT_ALLOWED'
  | 'MAX_SIZE'
  | 'VALIDATION'

export interface FieldViolation {
  field: string
  description: string
  violatedRule: ViolatedRule
  data?: Record<string, unknown>
}

export interface ApplicationErrorBody {
  message: string
  details: {
    applicationError: { code: string; description: string; data: Record<string, unknown> }
  }
}

export interface ValidationErrorBody {
  message: string
  details: { validationError: { fieldViolations: FieldViolation[] } }
}

export type ErrorBody = ApplicationErrorBody | ValidationErrorBody

export function isValidationError(body: unknown): body is ValidationErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    'details' in body &&
    typeof body.details === 'object' &&
    body.details !== null &&
    'validationError' in body.details
  )
}
