/**
 * @module
 * The contact in the Wix Contacts v4 JSON shape, as the admin API returns it.
 */
import * as z from 'zod'

const isoDate = z.iso.datetime()

export const contactEmailSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'MAIN', 'HOME', 'WORK']),
  email: z.string().max(320),
  primary: z.boolean(),
})

export const contactPhoneSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'MAIN', 'HOME', 'MOBILE', 'WORK', 'FAX']),
  countryCode: z.string().length(2).optional(),
  phone: z.string().max(50),
  e164Phone: z.string().optional(),
  primary: z.boolean(),
})

export const contactAddressSchema = z.object({
  id: z.string(),
  tag: z.enum(['UNTAGGED', 'HOME', 'WORK', 'BILLING', 'SHIPPING']),
  address: z.object({
    country: z.string().optional(),
    subdivision: z.string().max(100).optional(),
    city: z.string().max(1000).optional(),
    postalCode: z.string().max(100).optional(),
    addressLine: z.string().max(1000).optional(),
    addressLine2: z.string().max(1000).optional(),
  }),
})

export const extendedValueSchema = z.union([z.string(), z.number()])

export const contactInfoSchema = z.object({
  name: z
    .object({ first: z.string().max(1000).optional(), last: z.string().max(1000).optional() })
    .optional(),
  emails: z.object({ items: z.array(contactEmailSchema).max(50) }).optional(),
  phones: z.object({ items: z.array(contactPhoneSchema).max(50) }).optional(),
  addresses: z.object({ items: z.array(contactAddressSchema).max(50) }).optional(),
  company: z.string().max(1000).optional(),
  jobTitle: z.string().max(1000).optional(),
  birthdate: z.iso.date().optional(),
  locale: z.string().optional(),
  labelKeys: z.object({ items: z.array(z.string()).max(2000) }).optional(),
  extendedFields: z.object({ items: z.record(z.string(), extendedValueSchema) }).optional(),
})

export const ACTIVITY_TYPES = [
  'CONTACT_CREATED',
  'FORM_SUBMITTED',
  'GENERAL',
  'CONTACT_MERGED',
] as const

export const contactSchema = z.object({
  id: z.string(),
  revision: z.number().int().positive(),
  source: z.object({ sourceType: z.string(), appId: z.string().optional() }),
  createdDate: isoDate,
  updatedDate: isoDate,
  lastActivity: z.object({ activityDate: isoDate, activityType: z.string() }),
  primaryInfo: z.object({ email: z.string().optional(), phone: z.string().optional() }),
  primaryEmail: z
    .object({ email: z.string(), subscriptionStatus: z.string(), deliverabilityStatus: z.string() })
    .optional(),
  primaryPhone: contactPhoneSchema.omit({ id: true, tag: true, primary: true }).optional(),
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

const text1000 = z.string().max(1000)

export const contactInfoInputSchema = z.strictObject({
  name: z.object({ first: text1000.optional(), last: text1000.optional() }).optional(),
  emails: z
    .object({
      items: z
        .array(
          z.object({
            id: z.string().max(100).optional(),
            tag: z.enum(EMAIL_TAGS).default('UNTAGGED'),
            email: z.string().trim().min(1).max(320),
            primary: z.boolean().optional(),
          })
        )
        .max(50),
    })
    .optional(),
  phones: z
    .object({
      items: z
        .array(
          z.object({
            id: z.string().max(100).optional(),
            tag: z.enum(PHONE_TAGS).default('UNTAGGED'),
            countryCode: z
              .string()
              .regex(/^[A-Za-z]{2}$/, 'Use an ISO 3166 alpha-2 country code')
              .transform((c) => c.toUpperCase())
              .optional(),
            phone: z.string().trim().min(1).max(50),
            primary: z.boolean().optional(),
          })
        )
        .max(50),
    })
    .optional(),
  addresses: z
    .object({
      items: z
        .array(
          z.object({
            id: z.string().max(100).optional(),
            tag: z.enum(ADDRESS_TAGS).default('UNTAGGED'),
            address: z.strictObject({
              country: z
                .string()
                .regex(/^[A-Z]{2}$/, 'Use an ISO 3166 alpha-2 country code')
                .optional(),
              subdivision: z.string().max(100).optional(),
              city: text1000.optional(),
              postalCode: z.string().max(100).optional(),
              addressLine: text1000.optional(),
              addressLine2: text1000.optional(),
              streetAddress: z
                .object({ number: z.string().max(100).optional(), name: text1000.optional() })
                .optional(),
            }),
          })
        )
        .max(50),
    })
    .optional(),
  company: text1000.optional(),
  jobTitle: text1000.optional(),
  birthdate: z.iso.date().optional(),
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'Use an IETF BCP 47 language tag such as en-us')
    .optional(),
  labelKeys: z.object({ items: z.array(z.string().min(1).max(80)).max(2000) }).optional(),
  extendedFields: z
    .object({
      items: z.record(z.string().min(1).max(80), z.union([z.string().max(1000), z.number()])),
    })
    .optional(),
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
