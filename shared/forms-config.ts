/**
 * @module
 * The site owner's form configuration (`forms.config.ts`): its schema and `defineForms`.
 */
import * as z from 'zod'
import type { CountryCode } from 'libphonenumber-js'
import { getCountries } from 'libphonenumber-js/min'
import { isValidEmail } from './email.ts'
import { checkExtendedValue, EXTENDED_FIELD_DATA_TYPES } from './extended-values.ts'
import { honeypotName } from './honeypot.ts'

/** Contact properties a form field can fill, as paths into the Wix contact's `info`. */
export const CONTACT_TARGETS = [
  'email',
  'phone',
  'name.first',
  'name.last',
  'company',
  'jobTitle',
] as const
export type ContactTarget = (typeof CONTACT_TARGETS)[number]

export const FIELD_TYPES = ['email', 'tel', 'text', 'textarea', 'select', 'consent'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

const displayName = z.string().trim().min(1).max(150)

/** Per-minute submission limits of the rate-limit bindings in wrangler.toml (keep them in step). */
export const RATE_LIMIT_DEFAULTS = { perAddress: 20, perEmail: 5 } as const

export const ON_DUPLICATE = ['append', 'overwrite'] as const
export type OnDuplicate = (typeof ON_DUPLICATE)[number]

const extendedFieldTarget = z.strictObject({
  extendedField: displayName,
  dataType: z.enum(EXTENDED_FIELD_DATA_TYPES).default('TEXT'),
  /**
   * What a returning visitor's value does to this field when the contact has one already; the
   * form's `onDuplicate` unless set (say `overwrite` on an append form, for the latest message).
   */
  onDuplicate: z.enum(ON_DUPLICATE).optional(),
})

const option = z.union([
  z.string().min(1).max(200),
  z.strictObject({ value: z.string().min(1).max(200), label: z.string().min(1).max(200) }),
])

const fieldSchema = z.strictObject({
  name: z
    .string()
    .regex(
      /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
      'must start with a letter and use only letters, digits and _'
    ),
  type: z.enum(FIELD_TYPES),
  label: z.string().trim().min(1).max(1000),
  required: z.boolean().default(false),
  maxLength: z.number().int().positive().max(10_000).optional(),
  placeholder: z.string().max(200).optional(),
  autocomplete: z.string().max(100).optional(),
  options: z.array(option).min(1).max(200).optional(),
  maps: z.union([z.enum(CONTACT_TARGETS), extendedFieldTarget]).optional(),
  /** For a consent field: the version of the text the visitor agrees to. */
  version: z.string().min(1).max(100).optional(),
})

/** Page context a form can copy into extended fields (TEXT), e.g. `{ utm_source: 'UTM source' }`. */
export const CONTEXT_KEYS = [
  'pageUrl',
  'referrer',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
] as const
export type ContextKey = (typeof CONTEXT_KEYS)[number]

const constantExtendedField = z.strictObject({
  displayName,
  dataType: z.enum(EXTENDED_FIELD_DATA_TYPES).default('TEXT'),
  value: z.union([z.string().max(1000), z.number()]),
})

const origin = z.string().refine(isOrigin, 'must be an origin such as https://example.com')

const countries = new Set<string>(getCountries())

/**
 * A plain address that can stand in a mail header as it is: valid, and without anything that
 * would end or split a header or quote or bracket an address (CR, LF, `"`, `<`, `,` …).
 */
export function isMailboxAddress(s: string): boolean {
  return isValidEmail(s) && !/[\s"<>(),;:\\[\]]/.test(s)
}

/**
 * Who hears of the form's leads by email (Cloudflare Email Service; see README, "Notifications"):
 * an email per accepted submission, and optionally a daily digest.
 */
const notifySchema = z
  .strictObject({
    email: z
      .array(
        z.string().refine(isMailboxAddress, {
          error: (issue) => `${JSON.stringify(issue.input)} is not an email address`,
        })
      )
      .min(1, 'name at least one address')
      .max(20),
    /** An email as each lead arrives (default); `false` for the digest alone. */
    instant: z.boolean().default(true),
    /** A summary of each day's leads, sent after the day ends; none for a day without leads. */
    digest: z.enum(['daily']).optional(),
    /** Where the digest's days begin and end, and how its times read (IANA name). */
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin')
      .default('UTC'),
  })
  .superRefine((notify, ctx) => {
    const seen = new Set<string>()
    notify.email.forEach((address, i) => {
      const key = address.toLowerCase()
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['email', i],
          message: `"${address}" is listed twice`,
        })
      seen.add(key)
    })
    if (!notify.instant && !notify.digest)
      ctx.addIssue({
        code: 'custom',
        path: ['instant'],
        message: "with instant: false, set digest: 'daily', or no email is ever sent",
      })
  })

const formSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(1000).optional(),
    allowedOrigins: z.array(origin).default([]),
    fields: z.array(fieldSchema).min(1).max(50),
    labels: z.array(z.string().trim().min(1).max(180)).max(20).default([]),
    extendedFields: z.array(constantExtendedField).max(20).default([]),
    contextFields: z.partialRecord(z.enum(CONTEXT_KEYS), displayName).default({}),
    onDuplicate: z.enum(ON_DUPLICATE).default('append'),
    submitLabel: z.string().trim().min(1).max(100).default('Send'),
    successMessage: z.string().trim().min(1).max(1000).default('Thank you. We will be in touch.'),
    redirectUrl: z.url({ protocol: /^https?$/ }).optional(),
    spam: z
      .strictObject({
        /** A trap field people never see: `true` (named "website"), a field name, or `false`. */
        honeypot: z
          .union([z.boolean(), z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/)])
          .default(true),
        /** Submissions faster than this after the form was served are treated as bots. */
        minFillSeconds: z.number().min(0).max(600).default(2),
        /** How long the signed render token of a served form stays valid. */
        tokenMaxAgeHours: z.number().positive().max(168).default(24),
        /**
         * Accept the no-JavaScript fallback form, which carries no render token and no Turnstile
         * answer. Default: yes, unless the form uses Turnstile.
         */
        allowFallback: z.boolean().optional(),
        /** Cloudflare Turnstile, verified with siteverify (secret: TURNSTILE_SECRET_KEY). */
        turnstile: z
          .strictObject({
            siteKey: z.string().min(1).max(100),
            action: z
              .string()
              .regex(/^[\w-]{1,32}$/)
              .default('contact-form'),
          })
          .optional(),
      })
      .default({ honeypot: true, minFillSeconds: 2, tokenMaxAgeHours: 24 })
      .transform((spam) => ({ ...spam, allowFallback: spam.allowFallback ?? !spam.turnstile })),
    /**
     * Per-minute limits: a lower one per address than the binding's 20 (counted exactly in D1),
     * and another per email than 5.
     */
    rateLimit: z
      .strictObject({
        perAddress: z
          .number()
          .int()
          .min(1)
          .max(
            RATE_LIMIT_DEFAULTS.perAddress,
            `at most ${RATE_LIMIT_DEFAULTS.perAddress}; raise SUBMIT_BY_ADDRESS in wrangler.toml for more`
          )
          .optional(),
        perEmail: z.number().int().min(1).max(1000).optional(),
      })
      .default({}),
    notify: notifySchema.optional(),
    /** How phone numbers typed without a country code are read (ISO 3166 alpha-2). */
    defaultCountry: z
      .string()
      .refine((c) => countries.has(c), 'must be an ISO 3166 alpha-2 country code such as US')
      .optional(),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>()
    const mapped = new Set<string>()
    form.fields.forEach((field, i) => {
      const at = (key: string) => ['fields', i, key]
      if (seen.has(field.name))
        ctx.addIssue({ code: 'custom', path: at('name'), message: 'is used twice' })
      seen.add(field.name)
      if (field.type === 'select' && !field.options) {
        ctx.addIssue({
          code: 'custom',
          path: at('options'),
          message: 'a select field needs options',
        })
      }
      if (field.type !== 'select' && field.options) {
        ctx.addIssue({
          code: 'custom',
          path: at('options'),
          message: 'only a select field has options',
        })
      }
      if (field.type === 'consent') {
        if (!field.version) {
          ctx.addIssue({
            code: 'custom',
            path: at('version'),
            message: 'a consent field needs the version of its text',
          })
        }
        if (field.maps)
          ctx.addIssue({
            code: 'custom',
            path: at('maps'),
            message: 'a consent field maps to nothing',
          })
      }
      const expected = EXPECTED_TYPE[typeof field.maps === 'string' ? field.maps : '']
      if (expected && field.type !== expected) {
        ctx.addIssue({
          code: 'custom',
          path: at('maps'),
          message: `maps to ${field.maps}, so its type must be "${expected}"`,
        })
      }
      const target = typeof field.maps === 'string' ? field.maps : field.maps?.extendedField
      if (target) {
        if (mapped.has(target))
          ctx.addIssue({
            code: 'custom',
            path: at('maps'),
            message: `"${target}" is filled by another field too`,
          })
        mapped.add(target)
      }
    })
    const trap = honeypotName(form.spam.honeypot, form.fields)
    if (typeof form.spam.honeypot === 'string' && form.fields.some((f) => f.name === trap)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spam', 'honeypot'],
        message: `"${trap}" is also a real field`,
      })
    }
    if (!form.fields.some((f) => f.maps === 'email' || f.maps === 'phone')) {
      ctx.addIssue({
        code: 'custom',
        path: ['fields'],
        message: 'a form needs a field that maps to email or phone, to find the contact',
      })
    }
    for (const [key, name] of Object.entries(form.contextFields)) {
      if (mapped.has(name!))
        ctx.addIssue({
          code: 'custom',
          path: ['contextFields', key],
          message: `"${name}" is filled by another field too`,
        })
      mapped.add(name!)
    }
    form.extendedFields.forEach((constant, i) => {
      if (mapped.has(constant.displayName)) {
        ctx.addIssue({
          code: 'custom',
          path: ['extendedFields', i, 'displayName'],
          message: 'is also filled by a field',
        })
      }
      const problem = checkExtendedValue(constant.dataType, constant.value)
      if (problem)
        ctx.addIssue({ code: 'custom', path: ['extendedFields', i, 'value'], message: problem })
    })
  })

const EXPECTED_TYPE: Record<string, FieldType> = { email: 'email', phone: 'tel' }

/** What a form id may be: its key in forms.config.ts. */
export const formIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'form ids use lower-case letters, digits and -')

const formsSchema = z.record(formIdSchema, formSchema)

export type FormsConfigInput = z.input<typeof formsSchema>
export type FormConfig = z.output<typeof formSchema>
export type FormsConfig = z.output<typeof formsSchema>
export type FieldConfig = FormConfig['fields'][number]
export type ExtendedFieldTarget = z.output<typeof extendedFieldTarget>
export type NotifyConfig = z.output<typeof notifySchema>

/** Raised for a forms.config.ts that does not fit the schema; the message names form and field. */
export class FormsConfigError extends Error {
  override name = 'FormsConfigError'
}

/**
 * Declares the forms of a site and checks them at once, so a mistake stops `npm start`,
 * `npm test` and `wrangler deploy` with a message that names the form and the field.
 *
 * @example
 * export default defineForms({
 *   newsletter: {
 *     title: 'Newsletter',
 *     allowedOrigins: ['https://example.com'],
 *     fields: [{ name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' }],
 *     labels: ['Newsletter'],
 *   },
 * })
 */
export function defineForms(input: FormsConfigInput): FormsConfig {
  const result = formsSchema.safeParse(input)
  if (result.success) return result.data
  const lines = result.error.issues
    .flatMap(optionMeant)
    .map((issue) => `  - ${describePath(input, issue.path)}: ${issue.message}`)
  throw new FormsConfigError(`forms.config.ts is invalid:\n${lines.join('\n')}`)
}

/**
 * A value that fits no option of a union (a field's `maps`) is told what is wrong with the option
 * it got furthest in, e.g. `maps.onDuplicate` of `{ extendedField }`, rather than "Invalid input".
 */
function optionMeant(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !issue.errors.length) return [issue]
  const depth = (issues: z.core.$ZodIssue[]) => Math.max(...issues.map((i) => i.path.length))
  const meant = issue.errors.reduce((best, next) => (depth(next) > depth(best) ? next : best))
  return meant.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))
}

function describePath(input: unknown, path: PropertyKey[]): string {
  const [formId, section, index, ...rest] = path.map(String)
  if (formId === undefined) return 'the config'
  let where = `form "${formId}"`
  if (section === 'fields' && index !== undefined) {
    const fields = (input as Record<string, { fields?: { name?: unknown }[] }>)[formId]?.fields
    const name = fields?.[Number(index)]?.name
    where += `, field ${typeof name === 'string' ? `"${name}"` : `#${Number(index) + 1}`}`
  } else if (section === 'extendedFields' && index !== undefined) {
    where += `, extendedFields[${index}]`
  } else if (section === 'notify') {
    // notify.email[1], not "notify.email (1)"
    const [key, item] = [index, ...rest]
    return `${where}, notify${key === undefined ? '' : `.${key}`}${item === undefined ? '' : `[${item}]`}`
  } else if (section !== undefined) {
    where += `, ${[section, index].filter((p) => p !== undefined).join('.')}`
  }
  return rest.length ? `${where} (${rest.join('.')})` : where
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name })
    return true
  } catch {
    return false
  }
}

function isOrigin(s: string): boolean {
  try {
    return new URL(s).origin === s
  } catch {
    return false
  }
}

export type { CountryCode }
