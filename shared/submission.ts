/**
 * @module
 * The submission payload (`POST /v1/forms/:formId/submissions`) and the schema that checks it,
 * built from a form's field list so the server enforces exactly what the widget shows.
 */
import * as z from './zod.ts'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min'
import { cleanEmail, isValidEmail } from './email.ts'
import { coerceExtendedValue } from './extended-values.ts'
import type { FieldConfig, FormConfig } from './forms-config.ts'
import { maxLengthOf, optionsOf } from './definition.ts'
import type { FieldViolation, ViolatedRule } from './errors.ts'
import { MESSAGES, message } from './messages.ts'
import type { MessageCode } from './messages.ts'

export interface SubmissionContext {
  pageUrl?: string
  referrer?: string
  utm?: Partial<Record<UtmKey, string>>
}

export const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const
export type UtmKey = (typeof UTM_KEYS)[number]

/** What the widget posts. `values` holds one entry per configured field name. */
export interface SubmissionPayload {
  values: Record<string, string | boolean>
  context?: SubmissionContext
  token?: string
  honeypot?: string
}

const httpUrl = z.url({ protocol: /^https?$/ }).check(z.maxLength(2048))

const contextSchema = z.strictObject({
  pageUrl: z.optional(httpUrl),
  referrer: z.optional(z.union([httpUrl, z.literal('')])),
  utm: z.optional(
    z.strictObject(
      Object.fromEntries(UTM_KEYS.map((k) => [k, z.optional(z.string().check(z.maxLength(200)))]))
    )
  ),
})

/** A value after validation: text trimmed, phone parsed, consent as a boolean. */
export type CleanValue =
  string | boolean | { phone: string; e164Phone: string; countryCode?: string }

/** Where a recorded submission is: contact not yet written, written, or given up on. */
export const SUBMISSION_STATUSES = ['pending', 'processed', 'failed'] as const
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number]

/** What the visitor agreed to, stored with a submission whose form has a ticked consent box. */
export interface ConsentRecord {
  /** The consent field's name. */
  field: string
  /** The text the box showed, and its version (the config requires one). */
  text: string
  version: string
  givenAt: string
  formId: string
  /** The origin of the page the form was on, when known. */
  pageOrigin: string | null
}

/**
 * A recorded submission as site owners read it: `GET /v1/submissions`,
 * `GET /v1/contacts/:id/submissions` and the `submitted` webhook.
 */
export interface SubmissionRecord {
  id: string
  formId: string
  status: SubmissionStatus
  /** The contact it was written to; null until then. */
  contactId: string | null
  createdDate: string
  processedDate: string | null
  /** Tries to write the contact, and the last one's error while it has not succeeded. */
  attempts: number
  lastError: string | null
  /** What the visitor sent, by field name, as validated (see CleanValue); `{}` once erased. */
  values: Record<string, CleanValue>
  /** The page the form was on; `{}` once erased. */
  context: SubmissionContext
  consent: ConsentRecord | null
  /** Its contact was deleted, and with it the values and page context. */
  erased: boolean
}

export interface ValidSubmission {
  values: Record<string, CleanValue>
  context: SubmissionContext
  token?: string
}

/**
 * Builds the zod schema for one form's submissions. Unknown keys are refused, in `values` and
 * at the top level, so a payload can never choose labels or extended fields.
 */
export function submissionSchema(form: FormConfig) {
  let schema = schemas.get(form)
  if (!schema) schemas.set(form, (schema = buildSubmissionSchema(form)))
  return schema
}

// Built once per form: a form's config does not change while the worker runs.
const schemas = new WeakMap<FormConfig, ReturnType<typeof buildSubmissionSchema>>()

function buildSubmissionSchema(form: FormConfig) {
  const shape: Record<string, z.ZodMiniType<CleanValue | undefined>> = {}
  for (const field of form.fields) shape[field.name] = valueSchema(field, form)
  return z.strictObject({
    values: z.strictObject(shape),
    context: z._default(contextSchema, {}),
    token: z.optional(z.string().check(z.maxLength(4096))),
    /** The trap field's value, when the definition describes a honeypot (people leave it empty). */
    honeypot: z.optional(z.string().check(z.maxLength(1000))),
  })
}

function rule(violatedRule: ViolatedRule, params: Record<string, unknown> = {}) {
  return { params: { violatedRule, ...params } }
}

// A visitor's mistake is named by its message code (shared/messages.ts); toFieldViolations words it.
function valueSchema(field: FieldConfig, form: FormConfig): z.ZodMiniType<CleanValue | undefined> {
  const missing: MessageCode = field.type === 'consent' ? 'consentRequired' : 'required'
  const required = { error: missing, ...rule('REQUIRED_FIELD') }
  if (field.type === 'consent') {
    const box = z.boolean({ error: 'Must be true or false' })
    return field.required
      ? box.check(z.refine((v) => v, { message: missing, ...rule('REQUIRED_FIELD') }))
      : z.optional(box)
  }
  const max = maxLengthOf(field)
  let text = z
    .string({ error: (iss) => (iss.input === undefined ? required.error : 'Must be text') })
    .check(z.trim())
  if (max) text = text.check(z.maxLength(max, { message: 'tooLong' satisfies MessageCode }))
  const present = z.pipe(
    z.pipe(text, z.string().check(z.minLength(1, required))),
    typed(field, form)
  )
  if (field.required) return present
  // An optional field left empty is simply absent.
  return z.pipe(
    z.transform((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v)),
    z.optional(present)
  )
}

function typed(field: FieldConfig, form: FormConfig): z.ZodMiniType<CleanValue, string> {
  switch (field.type) {
    case 'email':
      return z.pipe(
        z.string().check(z.refine(isValidEmail, { message: 'invalidEmail', ...rule('FORMAT') })),
        z.transform(cleanEmail)
      )
    case 'tel':
      return z.pipe(
        z.string(),
        z.transform((raw, ctx) => {
          const phone = parsePhone(raw, form.defaultCountry as CountryCode | undefined)
          if (phone) return phone
          ctx.issues.push({
            code: 'custom',
            message: 'invalidPhone',
            input: raw,
            ...rule('FORMAT'),
          })
          return z.NEVER
        })
      )
    case 'select': {
      const values = (optionsOf(field) ?? []).map((o) => o.value)
      return z.string().check(
        z.refine((v) => values.includes(v), {
          message: 'invalidOption',
          ...rule('INVALID_ENUM_VALUE'),
        })
      )
    }
    default: {
      const target = field.maps
      if (typeof target === 'object' && target.dataType !== 'TEXT') {
        const { dataType } = target
        return z.string().check(
          z.refine((v) => coerceExtendedValue(dataType, v) !== undefined, {
            message: 'invalidValue',
            ...rule('FORMAT', {
              type: dataType === 'URL' ? 'web address' : dataType.toLowerCase(),
            }),
          })
        )
      }
      return z.string()
    }
  }
}

/**
 * Reads a phone number strictly (no extraction from surrounding text) into E.164.
 * Numbers without a country code are read in the form's `defaultCountry`.
 */
export function parsePhone(
  raw: string,
  defaultCountry?: CountryCode
): { phone: string; e164Phone: string; countryCode?: string } | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), { defaultCountry, extract: false })
  if (!parsed?.isPossible()) return undefined
  return {
    phone: raw.trim(),
    e164Phone: parsed.number,
    ...(parsed.country ? { countryCode: parsed.country } : {}),
  }
}

/**
 * Turns zod issues into Wix field violations. Paths inside `values` are named by the bare field
 * name (`email`), which is what the widget maps errors onto; other paths keep their dots.
 */
export function toFieldViolations(issues: z.core.$ZodIssue[]): FieldViolation[] {
  const out: FieldViolation[] = []
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push(notInForm(fieldName([...issue.path, key])))
      }
      continue
    }
    const { violatedRule, ...params } =
      ('params' in issue ? (issue.params as { violatedRule?: ViolatedRule }) : undefined) ?? {}
    const code = Object.hasOwn(MESSAGES, issue.message) ? (issue.message as MessageCode) : undefined
    if (issue.code === 'too_big') Object.assign(params, { max: issue.maximum })
    out.push({
      field: fieldName(issue.path),
      description: code ? message(code, params) : issue.message,
      violatedRule: violatedRule ?? ruleFor(issue),
      ...(code ? { data: { messageCode: code, ...params } } : {}),
    })
  }
  return out
}

/** A value for a field the form does not have. */
export function notInForm(field: string): FieldViolation {
  return {
    field,
    description: message('notInForm'),
    violatedRule: 'FIELD_NOT_ALLOWED',
    data: { messageCode: 'notInForm' },
  }
}

function fieldName(path: PropertyKey[]): string {
  const parts = path.map(String)
  return parts[0] === 'values' && parts.length > 1
    ? parts.slice(1).join('.')
    : parts.join('.') || 'body'
}

function ruleFor(issue: z.core.$ZodIssue): ViolatedRule {
  if (issue.code === 'too_big') return 'MAX_LENGTH'
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'REQUIRED_FIELD'
  if (issue.code === 'too_small') return 'REQUIRED_FIELD'
  if (issue.code === 'invalid_value') return 'INVALID_ENUM_VALUE'
  if (issue.code === 'invalid_format') return 'FORMAT'
  return 'VALIDATION'
}
