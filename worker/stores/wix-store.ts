/**
 * @module
 * The Wix store: a submission's contact on a Wix site's contact list, through the Contacts v4
 * REST API, with Wix's own rules: find the duplicate by email (else phone) with Query Contacts;
 * create with `allowDuplicates: false` and, when a concurrent creator won (409
 * DUPLICATE_CONTACT_EXISTS), update that contact instead; update with the current revision,
 * reading again on CONTACT_ALREADY_CHANGED; labels and extended fields found or created once per
 * site and isolate, labels added with Label Contact. Only the fields the form maps are sent, and
 * under `append` nothing a contact already has is overwritten.
 */
import type { Contact, ContactInfo } from '../../shared/contact.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { coerceExtendedValue } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import type { CapturePlan } from './contact-store.ts'
import { markAttemptFailed, markProcessed } from '../db/submissions.ts'
import type { ContactStore } from './contact-store.ts'
import { RetryLater, wixClient } from './wix-client.ts'
import type { WixClientOptions } from './wix-client.ts'

export interface WixStoreOptions extends WixClientOptions {
  db: D1Database
}

/** Keys of labels and extended fields, per site and display name: they never change once made. */
const labelKeys = new Map<string, string>()
const fieldKeys = new Map<string, { key: string; dataType: ExtendedFieldDataType }>()

const MAX_UPDATE_TRIES = 12

export function wixStore(options: WixStoreOptions): ContactStore {
  const wix = wixClient(options)
  const site = options.siteId

  async function labelKey(displayName: string): Promise<string> {
    const cached = labelKeys.get(`${site}\n${displayName}`)
    if (cached) return cached
    const res = await wix.request('POST', '/contacts/v4/labels', { displayName })
    if (res.status !== 200) throw wixError('Find Or Create Label', res)
    labelKeys.set(`${site}\n${displayName}`, res.body.label.key)
    return res.body.label.key
  }

  async function fieldKey(displayName: string, dataType: ExtendedFieldDataType) {
    const cached = fieldKeys.get(`${site}\n${displayName}`)
    if (cached) return cached
    const res = await wix.request('POST', '/contacts/v4/extended-fields', { displayName, dataType })
    if (res.status !== 200) throw wixError('Find Or Create Extended Field', res)
    const field = {
      key: res.body.field.key as string,
      dataType: res.body.field.dataType as ExtendedFieldDataType,
    }
    fieldKeys.set(`${site}\n${displayName}`, field)
    return field
  }

  async function findDuplicate(plan: CapturePlan): Promise<Contact | undefined> {
    const filter = plan.email
      ? { 'info.emails.email': { $eq: plan.email.norm } }
      : plan.phone
        ? { 'info.phones.phone': { $eq: plan.phone.e164Phone } }
        : undefined
    if (!filter) return undefined
    const res = await wix.request('POST', '/contacts/v4/contacts/query', {
      query: { filter, sort: [{ fieldName: 'createdDate', order: 'ASC' }], paging: { limit: 1 } },
    })
    if (res.status !== 200) throw wixError('Query Contacts', res)
    return res.body.contacts?.[0]
  }

  async function getContact(id: string): Promise<Contact> {
    const res = await wix.request('GET', `/contacts/v4/contacts/${encodeURIComponent(id)}`)
    if (res.status !== 200) throw wixError('Get Contact', res)
    return res.body.contact
  }

  async function upsert(
    plan: CapturePlan,
    values: Record<string, string | number>,
    replaced: Set<string>,
    labels: string[]
  ): Promise<Contact> {
    let existing = await findDuplicate(plan)
    if (!existing) {
      const res = await wix.request('POST', '/contacts/v4/contacts', {
        info: {
          ...newInfo(plan, values),
          ...(labels.length ? { labelKeys: { items: labels } } : {}),
        },
        allowDuplicates: false,
      })
      if (res.status === 200) return res.body.contact
      const duplicate = res.body?.details?.applicationError
      if (res.status !== 409 || duplicate?.code !== 'DUPLICATE_CONTACT_EXISTS')
        throw wixError('Create Contact', res)
      // Another submission created it first: update that one.
      existing = await getContact(duplicate.data.duplicateContactId)
    }
    for (let attempt = 1; ; attempt++) {
      const info = changes(existing!, plan, values, replaced)
      if (!info) return existing!
      const res = await wix.request('PATCH', `/contacts/v4/contacts/${existing!.id}`, {
        revision: existing!.revision,
        info,
      })
      if (res.status === 200) return res.body.contact
      const code = res.body?.details?.applicationError?.code
      if (res.status !== 409 || code !== 'CONTACT_ALREADY_CHANGED' || attempt >= MAX_UPDATE_TRIES)
        throw wixError('Update Contact', res)
      // Changed since we read it: read again and apply the submission to what is there now.
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt))
      existing = await getContact(existing!.id)
    }
  }

  return {
    name: 'wix',
    async writeSubmission(submissionId, plan, now) {
      try {
        const labels = await Promise.all(plan.labels.map(labelKey))
        const values: Record<string, string | number> = {}
        const replaced = new Set<string>()
        for (const v of plan.extendedValues) {
          const field = await fieldKey(v.displayName, v.dataType)
          const value =
            field.dataType === v.dataType ? v.value : coerceExtendedValue(field.dataType, v.value)
          if (value !== undefined) values[field.key] = value
          if (v.onDuplicate === 'overwrite') replaced.add(field.key)
        }
        const contact = await upsert(plan, values, replaced, labels)
        const missing = labels.filter((key) => !contact.info.labelKeys?.items.includes(key))
        if (missing.length) {
          const res = await wix.request('POST', `/contacts/v4/contacts/${contact.id}/labels`, {
            labelKeys: missing,
          })
          if (res.status !== 200) throw wixError('Label Contact', res)
        }
        await markProcessed(options.db, submissionId, contact.id, now).run()
        return true
      } catch (err) {
        if (!(err instanceof RetryLater))
          console.error('Wix backend: submission kept pending', submissionId, err)
        await markAttemptFailed(options.db, submissionId, String(err))
          .run()
          .catch(() => {})
        return false
      }
    },
  }
}

/** The info of a new contact: only what the form maps. */
function newInfo(plan: CapturePlan, values: Record<string, string | number>): Partial<ContactInfo> {
  return {
    ...(plan.firstName || plan.lastName
      ? {
          name: {
            ...(plan.firstName ? { first: plan.firstName } : {}),
            ...(plan.lastName ? { last: plan.lastName } : {}),
          },
        }
      : {}),
    ...(plan.email
      ? { emails: { items: [{ tag: 'MAIN', email: plan.email.email, primary: true }] } }
      : {}),
    ...(plan.phone ? { phones: { items: [phoneItem(plan, true)] } } : {}),
    ...(plan.company ? { company: plan.company } : {}),
    ...(plan.jobTitle ? { jobTitle: plan.jobTitle } : {}),
    ...(Object.keys(values).length ? { extendedFields: { items: values } } : {}),
  } as Partial<ContactInfo>
}

function phoneItem(plan: CapturePlan, primary: boolean) {
  const { e164Phone, countryCode } = plan.phone!
  return { tag: 'UNTAGGED', phone: e164Phone, ...(countryCode ? { countryCode } : {}), primary }
}

/**
 * What the submission changes on an existing contact, as whole parts of `info` (Wix replaces the
 * parts it is sent); undefined when nothing changes. `append` fills only what is empty; of the
 * extended values, only those whose key is in `replaced` overwrite one the contact has.
 */
function changes(
  contact: Contact,
  plan: CapturePlan,
  values: Record<string, string | number>,
  replaced: Set<string>
): Partial<ContactInfo> | undefined {
  const info = contact.info
  const out: Record<string, unknown> = {}
  const overwrite = plan.onDuplicate === 'overwrite'
  const name = { ...info.name }
  if (plan.firstName && (overwrite || !name.first) && name.first !== plan.firstName)
    name.first = plan.firstName
  if (plan.lastName && (overwrite || !name.last) && name.last !== plan.lastName)
    name.last = plan.lastName
  if (name.first !== info.name?.first || name.last !== info.name?.last) out.name = name
  for (const key of ['company', 'jobTitle'] as const) {
    const given = plan[key]
    if (given && (overwrite || !info[key]) && info[key] !== given) out[key] = given
  }
  const emails = info.emails?.items ?? []
  if (plan.email && !emails.some((e) => normalizeEmail(e.email) === plan.email!.norm)) {
    out.emails = {
      items: [
        ...emails,
        { tag: 'UNTAGGED', email: plan.email.email, primary: emails.length === 0 },
      ],
    }
  }
  const phones = info.phones?.items ?? []
  if (
    plan.phone &&
    !phones.some((p) => p.e164Phone === plan.phone!.e164Phone || p.phone === plan.phone!.e164Phone)
  ) {
    const makePrimary = overwrite || phones.length === 0
    out.phones = {
      items: [
        ...phones.map((p) => ({ ...p, primary: makePrimary ? false : p.primary })),
        phoneItem(plan, makePrimary),
      ],
    }
  }
  const current = info.extendedFields?.items ?? {}
  const given = Object.entries(values).filter(([k]) => replaced.has(k) || !(k in current))
  if (given.some(([k, v]) => current[k] !== v)) {
    out.extendedFields = { items: { ...current, ...Object.fromEntries(given) } }
  }
  return Object.keys(out).length ? (out as Partial<ContactInfo>) : undefined
}

function wixError(operation: string, res: { status: number; body: any }): Error {
  const code = res.body?.details?.applicationError?.code
  return new Error(
    `Wix ${operation} answered ${res.status}${code ? ` ${code}` : ''}: ${res.body?.message ?? ''}`
  )
}
