/**
 * @module
 * The server's field rules, checked in the browser without zod: required, length, options,
 * email (the very function the server uses) and a loose phone shape (the server parses the number
 * for real and its answer is shown on the field). The messages are the server's, by code.
 */
import type { PublicField } from '../shared/definition.ts'
import { isValidEmail } from '../shared/email.ts'
import type { Say } from './strings.ts'

/** The message for a value, or '' when it is fine. */
export function validateField(field: PublicField, value: string | boolean, say: Say): string {
  if (field.type === 'consent') {
    return field.required && value !== true ? say('consentRequired') : ''
  }
  const text = String(value).trim()
  if (text === '') return field.required ? say('required') : ''
  if (field.maxLength && text.length > field.maxLength) {
    return say('tooLong', { max: field.maxLength })
  }
  switch (field.type) {
    case 'email':
      return isValidEmail(text) ? '' : say('invalidEmail')
    case 'tel':
      return looksLikePhone(text) ? '' : say('invalidPhone')
    case 'select':
      return field.options?.some((o) => o.value === text) ? '' : say('invalidOption')
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
