/**
 * @module
 * The submission payload (`POST /v1/forms/:formId/submissions`) and the schema that checks it,
 * built from a form's field list so the server enforces exactly what the widget shows.
 */
import { z } from 'zod'
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min'
import { cleanEmail, isValidEmail } from './email.ts'
import { coerceExtendedValue } from './extended-values.ts'
import type { FieldConfig, FormConfig } from './forms-config.ts'
import { maxLengthOf, optionsOf } from './definition.ts'
import type { FieldViolation, ViolatedRule } from './errors.ts'

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

const httpUrl = z.url({ protocol: /^https?$/ }).max(2048)

const contextSchema = z.strictObject({
  pageUrl: httpUrl.optional(),
  referrer: z.union([httpUrl, z.literal('')]).optional(),
  utm: z
    .strictObject(Object.fromEntries(UTM_KEYS.map((k) => [k, z.string().max(200).optional()])))
    .optional(),
})

/** A value after validation: text trimmed, phone parsed, consent as a boolean. */
export type CleanValue =
  string | boolean | { phone: string; e164Phone: string; countryCode?: string }

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
  const shape: Record<string, z.ZodType<CleanValue | undefined>> = {}
  for (const field of form.fields) shape[field.name] = valueSchema(field, form)
  return z.strictObject({
    values: z.strictObject(shape),
    context: contextSchema.default({}),
    token: z.string().max(4096).optional(),
    /** The trap field's value, when the definition describes a honeypot (people leave it empty). */
    honeypot: z.string().max(1000).optional(),
  })
}

function rule(violatedRule: ViolatedRule) {
  return { params: { violatedRule } }
}

function valueSchema(field: FieldConfig, form: FormConfig): z.ZodType<CleanValue | undefined> {
  const required = { error: requiredMessage(field), ...rule('REQUIRED_FIELD') }
  if (field.type === 'consent') {
    const box = z.boolean({ error: 'Must be true or false' })
    return field.required
      ? box.refine((v) => v, { message: requiredMessage(field), ...rule('REQUIRED_FIELD') })
      : box.optional()
  }
  const max = maxLengthOf(field)
  let text = z
    .string({ error: (iss) => (iss.input === undefined ? required.error : 'Must be text') })
    .trim()
  if (max) text = text.max(max, { message: `Use at most ${max} characters`, ...rule('MAX_LENGTH') })
  const present = text.pipe(z.string().min(1, required)).pipe(typed(field, form))
  if (field.required) return present
  // An optional field left empty is simply absent.
  return z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    present.optional()
  )
}

function typed(field: FieldConfig, form: FormConfig): z.ZodType<CleanValue, string> {
  switch (field.type) {
    case 'email':
      return z
        .string()
        .refine(isValidEmail, { message: 'Enter a valid email address', ...rule('FORMAT') })
        .transform(cleanEmail)
    case 'tel':
      return z.string().transform((raw, ctx) => {
        const phone = parsePhone(raw, form.defaultCountry as CountryCode | undefined)
        if (phone) return phone
        ctx.addIssue({ code: 'custom', message: 'Enter a valid phone number', ...rule('FORMAT') })
        return z.NEVER
      })
    case 'select': {
      const values = (optionsOf(field) ?? []).map((o) => o.value)
      return z.string().refine((v) => values.includes(v), {
        message: 'Choose one of the options',
        ...rule('INVALID_ENUM_VALUE'),
      })
    }
    default: {
      const target = field.maps
      if (typeof target === 'object' && target.dataType !== 'TEXT') {
        const { dataType } = target
        return z.string().refine((v) => coerceExtendedValue(dataType, v) !== undefined, {
          message: `Enter a valid ${dataType === 'URL' ? 'web address' : dataType.toLowerCase()}`,
          ...rule('FORMAT'),
        })
      }
      return z.string()
    }
  }
}

function requiredMessage(field: FieldConfig): string {
  return field.type === 'consent'
    ? 'Please tick this box to continue'
    : `${field.label} is required`
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
        out.push({
          field: fieldName([...issue.path, key]),
          description: 'This field is not part of the form',
          violatedRule: 'FIELD_NOT_ALLOWED',
        })
      }
      continue
    }
    const params =
      'params' in issue ? (issue.params as { violatedRule?: ViolatedRule } | undefined) : undefined
    out.push({
      field: fieldName(issue.path),
      description: issue.message,
      violatedRule: params?.violatedRule ?? ruleFor(issue),
    })
  }
  return out
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
