/**
 * @module
 * The contact in the Wix Contacts v4 JSON shape, as the admin API returns it.
 */
import * as z from './zod.ts'

const isoDate = z.iso.datetime()
const text = (max: number) => z.string().check(z.maxLength(max))
const optionalText = (max: number) => z.optional(text(max))

export const contactEmailSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'MAIN', 'HOME', 'WORK']),
  email: text(320),
  primary: z.boolean(),
})

export const contactPhoneSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'MAIN', 'HOME', 'MOBILE', 'WORK', 'FAX']),
  countryCode: z.optional(z.string().check(z.length(2))),
  phone: text(50),
  e164Phone: z.optional(z.string()),
  primary: z.boolean(),
})

export const contactAddressSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'HOME', 'WORK', 'BILLING', 'SHIPPING']),
  address: z.object({
    country: z.optional(z.string()),
    subdivision: optionalText(100),
    city: optionalText(1000),
    postalCode: optionalText(100),
    addressLine: optionalText(1000),
    addressLine2: optionalText(1000),
  }),
})

export const extendedValueSchema = z.union([z.string(), z.number()])

/** `{ items: [...] }` with at most `max` items. */
const items = <T extends z.core.$ZodType>(item: T, max: number) =>
  z.object({ items: z.array(item).check(z.maxLength(max)) })

export const contactInfoSchema = z.object({
  name: z.optional(z.object({ first: optionalText(1000), last: optionalText(1000) })),
  emails: z.optional(items(contactEmailSchema, 50)),
  phones: z.optional(items(contactPhoneSchema, 50)),
  addresses: z.optional(items(contactAddressSchema, 50)),
  company: optionalText(1000),
  jobTitle: optionalText(1000),
  birthdate: z.optional(z.iso.date()),
  locale: z.optional(z.string()),
  labelKeys: z.optional(items(z.string(), 2000)),
  extendedFields: z.optional(z.object({ items: z.record(z.string(), extendedValueSchema) })),
})

export const ACTIVITY_TYPES = [
  'CONTACT_CREATED',
  'FORM_SUBMITTED',
  'GENERAL',
  'CONTACT_MERGED',
] as const

export const contactSchema = z.object({
  id: z.string(),
  revision: z.int().check(z.positive()),
  source: z.object({ sourceType: z.string(), appId: z.optional(z.string()) }),
  createdDate: isoDate,
  updatedDate: isoDate,
  lastActivity: z.object({ activityDate: isoDate, activityType: z.string() }),
  primaryInfo: z.object({ email: z.optional(z.string()), phone: z.optional(z.string()) }),
  primaryEmail: z.optional(
    z.object({
      email: z.string(),
      subscriptionStatus: z.string(),
      deliverabilityStatus: z.string(),
    })
  ),
  primaryPhone: z.optional(z.omit(contactPhoneSchema, { id: true, tag: true, primary: true })),
  info: contactInfoSchema,
})

export type Contact = z.infer<typeof contactSchema>
export type ContactInfo = z.infer<typeof contactInfoSchema>
export type ContactEmail = z.infer<typeof contactEmailSchema>
export type ContactPhone = z.infer<typeof contactPhoneSchema>

/** Fills the derived, read-only parts of a contact from its info. */
export function withDerivedFields(contact: Contact): Contact {
  const primaryEmail = contact.info.emails?.items.find((e) => e.primary)
  const primaryPhone = contact.info.phones?.items.find((p) => p.primary)
  const { primaryEmail: _e, primaryPhone: _p, ...rest } = contact
  return {
    ...rest,
    primaryInfo: {
      ...(primaryEmail ? { email: primaryEmail.email } : {}),
      ...(primaryPhone ? { phone: primaryPhone.phone } : {}),
    },
    ...(primaryEmail
      ? {
          primaryEmail: {
            email: primaryEmail.email,
            subscriptionStatus: contact.primaryEmail?.subscriptionStatus ?? 'NOT_SET',
            deliverabilityStatus: contact.primaryEmail?.deliverabilityStatus ?? 'NOT_SET',
          },
        }
      : {}),
    ...(primaryPhone
      ? {
          primaryPhone: {
            ...(primaryPhone.countryCode ? { countryCode: primaryPhone.countryCode } : {}),
            ...(primaryPhone.e164Phone ? { e164Phone: primaryPhone.e164Phone } : {}),
            phone: primaryPhone.phone,
          },
        }
      : {}),
  }
}

/** `pagingMetadata` of list and query answers (offset paging). */
export interface PagingMetadata {
  count: number
  offset: number
  total: number
  tooManyToCount: boolean
}

// ---- What integrations send (create, update). Read-only item fields (e164Phone…) are ignored.

export const EMAIL_TAGS = ['UNTAGGED', 'MAIN', 'HOME', 'WORK'] as const
export const PHONE_TAGS = ['UNTAGGED', 'MAIN', 'HOME', 'MOBILE', 'WORK', 'FAX'] as const
export const ADDRESS_TAGS = ['UNTAGGED', 'HOME', 'WORK', 'BILLING', 'SHIPPING'] as const

const COUNTRY_CODE = 'Use an ISO 3166 alpha-2 country code'
const itemId = optionalText(100)
const required = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max))

export const contactInfoInputSchema = z.strictObject({
  name: z.optional(z.object({ first: optionalText(1000), last: optionalText(1000) })),
  emails: z.optional(
    items(
      z.object({
        id: itemId,
        tag: z._default(z.enum(EMAIL_TAGS), 'UNTAGGED'),
        email: required(320),
        primary: z.optional(z.boolean()),
      }),
      50
    )
  ),
  phones: z.optional(
    items(
      z.object({
        id: itemId,
        tag: z._default(z.enum(PHONE_TAGS), 'UNTAGGED'),
        countryCode: z.optional(
          z.string().check(z.regex(/^[A-Za-z]{2}$/, COUNTRY_CODE), z.toUpperCase())
        ),
        phone: required(50),
        primary: z.optional(z.boolean()),
      }),
      50
    )
  ),
  addresses: z.optional(
    items(
      z.object({
        id: itemId,
        tag: z._default(z.enum(ADDRESS_TAGS), 'UNTAGGED'),
        address: z.strictObject({
          country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, COUNTRY_CODE))),
          subdivision: optionalText(100),
          city: optionalText(1000),
          postalCode: optionalText(100),
          addressLine: optionalText(1000),
          addressLine2: optionalText(1000),
          streetAddress: z.optional(
            z.object({ number: optionalText(100), name: optionalText(1000) })
          ),
        }),
      }),
      50
    )
  ),
  company: optionalText(1000),
  jobTitle: optionalText(1000),
  birthdate: z.optional(z.iso.date()),
  locale: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/,
          'Use an IETF BCP 47 language tag such as en-us'
        )
      )
  ),
  labelKeys: z.optional(items(z.string().check(z.minLength(1), z.maxLength(80)), 2000)),
  extendedFields: z.optional(
    z.object({
      items: z.record(
        z.string().check(z.minLength(1), z.maxLength(80)),
        z.union([text(1000), z.number()])
      ),
    })
  ),
})

export type ContactInfoInput = z.infer<typeof contactInfoInputSchema>

/** The parts of a contact `fields` can name; `id` and `revision` always come back. */
export const CONTACT_FIELDS = [
  'source',
  'createdDate',
  'updatedDate',
  'lastActivity',
  'primaryInfo',
  'primaryEmail',
  'primaryPhone',
  'info.name',
  'info.emails',
  'info.phones',
  'info.addresses',
  'info.company',
  'info.jobTitle',
  'info.picture',
  'info.birthdate',
  'info.locale',
  'info.labelKeys',
  'info.locations',
  'info.extendedFields',
] as const

export const FIELDSETS = {
  BASIC: ['primaryInfo', 'info.name'],
  COMMUNICATION_DETAILS: [
    'primaryInfo',
    'info.name',
    'info.emails',
    'info.phones',
    'info.addresses',
  ],
  EXTENDED: ['primaryInfo', 'info.name', 'info.extendedFields'],
  FULL: CONTACT_FIELDS,
} as const satisfies Record<string, readonly string[]>

export type Fieldset = keyof typeof FIELDSETS
