/**
 * @module
 * The public form definition served by `GET /v1/forms/:formId`: what a browser needs to render a
 * form, and nothing of the labels, extended-field mapping or webhook targets behind it.
 */
import type { FieldConfig, FieldType, FormConfig } from './forms-config.ts'
import { honeypotName } from './honeypot.ts'
import { MESSAGES } from './messages.ts'
import type { Messages } from './messages.ts'

export interface PublicField {
  name: string
  type: FieldType
  label: string
  required: boolean
  autocomplete?: string
  inputMode?: 'email' | 'tel' | 'text'
  maxLength?: number
  placeholder?: string
  options?: { value: string; label: string }[]
}

export interface FormDefinition {
  id: string
  title: string
  description?: string
  submitLabel: string
  successMessage: string
  redirectUrl?: string
  fields: PublicField[]
  consent?: { field: string; text: string; version: string }
  /** Set by the abuse-protection guard when the form uses a signed render token. */
  token?: string
  /** A trap field for bots: rendered out of sight and out of the accessibility tree, left empty by people. */
  honeypot?: { name: string }
  /** Cloudflare Turnstile, when the form uses it: its token goes back as `turnstile`. */
  turnstile?: { siteKey: string; action: string }
  /** What the visitor is told of a mistake, by code: the very words of the worker's field violations. */
  messages: Messages
}

/** Longest value accepted for each field type when the config sets no `maxLength`. */
export const DEFAULT_MAX_LENGTH: Record<FieldType, number | undefined> = {
  email: 320,
  tel: 50,
  text: 1000,
  textarea: 5000,
  select: undefined,
  consent: undefined,
}

const AUTOCOMPLETE: Record<string, string> = {
  email: 'email',
  phone: 'tel',
  'name.first': 'given-name',
  'name.last': 'family-name',
  company: 'organization',
  jobTitle: 'organization-title',
}

const INPUT_MODE: Partial<Record<FieldType, PublicField['inputMode']>> = {
  email: 'email',
  tel: 'tel',
}

/** The longest value a field accepts: its own `maxLength`, else the default for its type. */
export function maxLengthOf(field: FieldConfig): number | undefined {
  return field.maxLength ?? DEFAULT_MAX_LENGTH[field.type]
}

/** Options as `{ value, label }` pairs; a bare string is both. */
export function optionsOf(field: FieldConfig): { value: string; label: string }[] | undefined {
  return field.options?.map((o) => (typeof o === 'string' ? { value: o, label: o } : o))
}

export function toDefinition(id: string, form: FormConfig): FormDefinition {
  const consentField = form.fields.find((f) => f.type === 'consent')
  const honeypot = honeypotName(form.spam.honeypot, form.fields)
  return {
    id,
    title: form.title,
    ...(form.description ? { description: form.description } : {}),
    submitLabel: form.submitLabel,
    successMessage: form.successMessage,
    ...(form.redirectUrl ? { redirectUrl: form.redirectUrl } : {}),
    fields: form.fields.map((field) => toPublicField(field)),
    messages: MESSAGES,
    ...(honeypot ? { honeypot: { name: honeypot } } : {}),
    ...(form.spam.turnstile
      ? { turnstile: { siteKey: form.spam.turnstile.siteKey, action: form.spam.turnstile.action } }
      : {}),
    ...(consentField
      ? {
          consent: {
            field: consentField.name,
            text: consentField.label,
            version: consentField.version ?? '',
          },
        }
      : {}),
  }
}

function toPublicField(field: FieldConfig): PublicField {
  const autocomplete =
    field.autocomplete ?? (typeof field.maps === 'string' ? AUTOCOMPLETE[field.maps] : undefined)
  const maxLength = maxLengthOf(field)
  const inputMode = INPUT_MODE[field.type]
  const options = optionsOf(field)
  return {
    name: field.name,
    type: field.type,
    label: field.label,
    required: field.required,
    ...(autocomplete ? { autocomplete } : {}),
    ...(inputMode ? { inputMode } : {}),
    ...(maxLength ? { maxLength } : {}),
    ...(field.placeholder ? { placeholder: field.placeholder } : {}),
    ...(options ? { options } : {}),
  }
}
