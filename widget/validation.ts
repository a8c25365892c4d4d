/**
 * @module
 * The server's field rules, checked in the browser without zod: required, length, options,
 * email (the very function the server uses) and a loose phone shape (the server parses the number
 * for real and its answer is shown on the field).
 */
import type { PublicField } from '../shared/definition.ts'
import { isValidEmail } from '../shared/email.ts'
import type { Strings } from './strings.ts'

/** The message for a value, or '' when it is fine. */
export function validateField(
  field: PublicField,
  value: string | boolean,
  strings: Strings
): string {
  if (field.type === 'consent') {
    return field.required && value !== true ? strings.consentRequired : ''
  }
  const text = String(value).trim()
  if (text === '') return field.required ? strings.required : ''
  if (field.maxLength && text.length > field.maxLength) {
    return strings.tooLong.replace('{max}', String(field.maxLength))
  }
  switch (field.type) {
    case 'email':
      return isValidEmail(text) ? '' : strings.invalidEmail
    case 'tel':
      return looksLikePhone(text) ? '' : strings.invalidPhone
    case 'select':
      return field.options?.some((o) => o.value === text) ? '' : strings.invalidOption
    default:
      return ''
  }
}

// Digits with the usual separators, 6 to 17 digits; libphonenumber on the server has the last word.
function looksLikePhone(text: string): boolean {
  if (!/^\+?[\d\s().\-/]+$/.test(text)) return false
  const digits = text.replace(/\D/g, '').length
  return digits >= 6 && digits <= 17
}
