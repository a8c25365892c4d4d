/**
 * @module
 * Merging contacts as Wix does: the target keeps all its data; the sources' emails, phones,
 * addresses, labels and extended values are added (first source first) without repeating what the
 * target already has; empty target fields are filled from the sources. Items moved over get new
 * ids (the sources' rows are deleted in the same batch).
 */
import { newId } from '../../shared/ids.ts'
import type { Contact, ContactInfo } from '../../shared/contact.ts'
import { normalizeEmail } from '../../shared/email.ts'

export function mergeContacts(target: Contact, sources: Contact[], now: string): Contact {
  const info: ContactInfo = structuredClone(target.info)
  const emails = info.emails?.items ?? []
  const phones = info.phones?.items ?? []
  const addresses = info.addresses?.items ?? []
  const labels = new Set(info.labelKeys?.items ?? [])
  const values = { ...(info.extendedFields?.items ?? {}) }
  for (const source of sources) {
    const s = source.info
    for (const e of s.emails?.items ?? []) {
      if (!emails.some((x) => normalizeEmail(x.email) === normalizeEmail(e.email)))
        emails.push({ ...e, id: newId(), primary: false })
    }
    for (const p of s.phones?.items ?? []) {
      const same = (x: typeof p) =>
        (x.e164Phone && x.e164Phone === p.e164Phone) || x.phone === p.phone
      if (!phones.some(same)) phones.push({ ...p, id: newId(), primary: false })
    }
    for (const a of s.addresses?.items ?? []) {
      if (!addresses.some((x) => JSON.stringify(x.address) === JSON.stringify(a.address)))
        addresses.push({ ...a, id: newId() })
    }
    for (const key of s.labelKeys?.items ?? []) labels.add(key)
    for (const [key, value] of Object.entries(s.extendedFields?.items ?? {}))
      if (!(key in values)) values[key] = value
    if (!info.name?.first && s.name?.first) info.name = { ...info.name, first: s.name.first }
    if (!info.name?.last && s.name?.last) info.name = { ...info.name, last: s.name.last }
    info.company ??= s.company
    info.jobTitle ??= s.jobTitle
    info.birthdate ??= s.birthdate
    info.locale ??= s.locale
  }
  for (const list of [emails, phones])
    if (list.length && !list.some((x) => x.primary)) list[0]!.primary = true
  return {
    ...target,
    updatedDate: now,
    info: {
      ...info,
      emails: { items: emails },
      phones: { items: phones },
      addresses: { items: addresses },
      labelKeys: { items: [...labels] },
      extendedFields: { items: values },
    },
  }
}
