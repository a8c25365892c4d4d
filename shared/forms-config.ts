/**
 * @module
 * The site owner's form configuration (`forms.config.ts`): its schema and `defineForms`.
 */
import * as z from './zod.ts'
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

/** Text that may not be empty once trimmed. */
const text = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max))

const displayName = text(150)

/** Per-minute submission limits of the rate-limit bindings in wrangler.toml (keep them in step). */
export const RATE_LIMIT_DEFAULTS = { perAddress: 20, perEmail: 5 } as const

export const ON_DUPLICATE = ['append', 'overwrite'] as const
export type OnDuplicate = (typeof ON_DUPLICATE)[number]

/** Text from 1 to `max` characters, kept as written. */
const word = (max: number) => z.string().check(z.minLength(1), z.maxLength(max))
const upTo = (max: number) => z.string().check(z.maxLength(max))

const extendedFieldTarget = z.strictObject({
  extendedField: displayName,
  dataType: z._default(z.enum(EXTENDED_FIELD_DATA_TYPES), 'TEXT'),
  /**
   * What a returning visitor's value does to this field when the contact has one already; the
   * form's `onDuplicate` unless set (say `overwrite` on an append form, for the latest message).
   */
  onDuplicate: z.optional(z.enum(ON_DUPLICATE)),
})

const option = z.union([word(200), z.strictObject({ value: word(200), label: word(200) })])

const fieldSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.regex(
        /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
        'must start with a letter and use only letters, digits and _'
      )
    ),
  type: z.enum(FIELD_TYPES),
  label: text(1000),
  required: z._default(z.boolean(), false),
  maxLength: z.optional(z.int().check(z.positive(), z.lte(10_000))),
  placeholder: z.optional(upTo(200)),
  autocomplete: z.optional(upTo(100)),
  options: z.optional(z.array(option).check(z.minLength(1), z.maxLength(200))),
  maps: z.optional(z.union([z.enum(CONTACT_TARGETS), extendedFieldTarget])),
  /** For a consent field: the version of the text the visitor agrees to. */
  version: z.optional(word(100)),
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
  dataType: z._default(z.enum(EXTENDED_FIELD_DATA_TYPES), 'TEXT'),
  value: z.union([upTo(1000), z.number()]),
})

const origin = z.string().check(z.refine(isOrigin, 'must be an origin such as https://example.com'))

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
        z.string().check(
          z.refine(isMailboxAddress, {
            error: (issue) => `${JSON.stringify(issue.input)} is not an email address`,
          })
        )
      )
      .check(z.minLength(1, 'name at least one address'), z.maxLength(20)),
    /** An email as each lead arrives (default); `false` for the digest alone. */
    instant: z._default(z.boolean(), true),
    /** A summary of each day's leads, sent after the day ends; none for a day without leads. */
    digest: z.optional(z.enum(['daily'])),
    /** Where the digest's days begin and end, and how its times read (IANA name). */
    timeZone: z._default(
      z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin')),
      'UTC'
    ),
  })
  .check(
    z.superRefine((notify, ctx) => {
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
  )

const formSchema = z
  .strictObject({
    title: text(200),
    description: z.optional(upTo(1000)),
    allowedOrigins: z._default(z.array(origin), []),
    fields: z.array(fieldSchema).check(z.minLength(1), z.maxLength(50)),
    labels: z._default(z.array(text(180)).check(z.maxLength(20)), []),
    extendedFields: z._default(z.array(constantExtendedField).check(z.maxLength(20)), []),
    contextFields: z._default(z.partialRecord(z.enum(CONTEXT_KEYS), displayName), {}),
    onDuplicate: z._default(z.enum(ON_DUPLICATE), 'append'),
    submitLabel: z._default(text(100), 'Send'),
    successMessage: z._default(text(1000), 'Thank you. We will be in touch.'),
    redirectUrl: z.optional(z.url({ protocol: /^https?$/ })),
    spam: z.pipe(
      z._default(
        z.strictObject({
          /** A trap field people never see: `true` (named "website"), a field name, or `false`. */
          honeypot: z._default(
            z.union([z.boolean(), z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/))]),
            true
          ),
          /** Submissions faster than this after the form was served are treated as bots. */
          minFillSeconds: z._default(z.number().check(z.gte(0), z.lte(600)), 2),
          /** How long the signed render token of a served form stays valid. */
          tokenMaxAgeHours: z._default(z.number().check(z.positive(), z.lte(168)), 24),
          /**
           * Accept the no-JavaScript fallback form, which carries no render token and no Turnstile
           * answer. Default: yes, unless the form uses Turnstile.
           */
          allowFallback: z.optional(z.boolean()),
          /** Cloudflare Turnstile, verified with siteverify (secret: TURNSTILE_SECRET_KEY). */
          turnstile: z.optional(
            z.strictObject({
              siteKey: word(100),
              action: z._default(z.string().check(z.regex(/^[\w-]{1,32}$/)), 'contact-form'),
            })
          ),
        }),
        { honeypot: true, minFillSeconds: 2, tokenMaxAgeHours: 24 }
      ),
      z.transform((spam) => ({ ...spam, allowFallback: spam.allowFallback ?? !spam.turnstile }))
    ),
    /**
     * Per-minute limits: a lower one per address than the binding's 20 (counted exactly in D1),
     * and another per email than 5.
     */
    rateLimit: z._default(
      z.strictObject({
        perAddress: z.optional(
          z
            .int()
            .check(
              z.gte(1),
              z.lte(
                RATE_LIMIT_DEFAULTS.perAddress,
                `at most ${RATE_LIMIT_DEFAULTS.perAddress}; raise SUBMIT_BY_ADDRESS in wrangler.toml for more`
              )
            )
        ),
        perEmail: z.optional(z.int().check(z.gte(1), z.lte(1000))),
      }),
      {}
    ),
    notify: z.optional(notifySchema),
    /** How phone numbers typed without a country code are read (ISO 3166 alpha-2). */
    defaultCountry: z.optional(
      z
        .string()
        .check(
          z.refine((c) => countries.has(c), 'must be an ISO 3166 alpha-2 country code such as US')
        )
    ),
  })
  .check(
    z.superRefine((form, ctx) => {
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
  )

const EXPECTED_TYPE: Record<string, FieldType> = { email: 'email', phone: 'tel' }

/** What a form id may be: its key in forms.config.ts. */
export const formIdSchema = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'form ids use lower-case letters, digits and -'))

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
