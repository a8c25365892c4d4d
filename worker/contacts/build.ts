/**
 * @module
 * Turns what an integration sends (`info`) into a stored contact: ids for new items, one primary
 * per list, phones in E.164 where they can be read, and the Wix rules on what a contact needs.
 */
import { newId } from '../../shared/ids.ts'
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import type { CountryCode } from 'libphonenumber-js'
import type { Contact, ContactInfo, ContactInfoInput } from '../../shared/contact.ts'
import { isValidEmail } from '../../shared/email.ts'
import type { FieldViolation } from '../../shared/errors.ts'
import { applicationError, validationError } from '../../shared/api-error.ts'

/** The info of a contact after `patch`: each part it names replaces that part whole. */
export function applyInfo(current: ContactInfo, patch: ContactInfoInput): ContactInfo {
  const info: ContactInfo = { ...current }
  for (const key of Object.keys(patch) as (keyof ContactInfoInput)[]) {
    ;(info as Record<string, unknown>)[key] = patch[key]
  }
  return normalizeInfo(info, itemIds(current))
}

/** The ids of a contact's emails, phones and addresses: the only item ids a client may send back. */
export function itemIds(info: ContactInfo): Set<string> {
  return new Set(
    [
      ...(info.emails?.items ?? []),
      ...(info.phones?.items ?? []),
      ...(info.addresses?.items ?? []),
    ].map((i) => i.id)
  )
}

/** Validates and completes a contact's info; throws the Wix errors for what cannot be stored. */
export function normalizeInfo(
  info: ContactInfo | ContactInfoInput,
  keepIds: Set<string> = new Set()
): ContactInfo {
  const violations: FieldViolation[] = []
  // An item keeps its id only if it already belongs to this contact (ids are unique across
  // contacts); a new item, or one copied from another contact, gets a fresh one.
  const used = new Set<string>()
  const idFor = (id: string | undefined) => {
    const keep = id && keepIds.has(id) && !used.has(id)
    const next = keep ? id : newId()
    used.add(next)
    return next
  }
  const emails = (info.emails?.items ?? []).map((e, i) => {
    if (!isValidEmail(e.email)) {
      violations.push({
        field: `info.emails.items[${i}].email`,
        description: 'is not a valid email address',
        violatedRule: 'FORMAT',
      })
    }
    return {
      id: idFor(e.id),
      tag: e.tag ?? 'UNTAGGED',
      email: e.email.trim().normalize('NFC'),
      primary: e.primary === true,
    }
  })
  const phones = (info.phones?.items ?? []).map((p) => {
    const parsed = parsePhoneNumberFromString(p.phone, {
      defaultCountry: p.countryCode as CountryCode | undefined,
      extract: false,
    })
    const valid = parsed?.isPossible() ? parsed : undefined
    const countryCode = p.countryCode ?? valid?.country
    return {
      id: idFor(p.id),
      tag: p.tag ?? 'UNTAGGED',
      ...(countryCode ? { countryCode } : {}),
      phone: p.phone,
      ...(valid ? { e164Phone: valid.number } : {}),
      primary: p.primary === true,
    }
  })
  const addresses = (info.addresses?.items ?? []).map((a) => ({
    id: idFor(a.id),
    tag: a.tag ?? 'UNTAGGED',
    address: a.address,
  }))
  if (violations.length) throw validationError(violations)
  for (const [list, name] of [
    [emails, 'emails'],
    [phones, 'phones'],
  ] as const) {
    if (list.filter((item) => item.primary).length > 1) {
      throw applicationError(
        400,
        'CANNOT_HAVE_MULTIPLE_PRIMARY_INFO',
        `Only one of info.${name}.items can be primary.`
      )
    }
    if (list.length && !list.some((item) => item.primary)) list[0]!.primary = true
  }
  const name = info.name && (info.name.first || info.name.last) ? info.name : undefined
  return {
    ...(name
      ? {
          name: {
            ...(name.first ? { first: name.first } : {}),
            ...(name.last ? { last: name.last } : {}),
          },
        }
      : {}),
    emails: { items: emails },
    phones: { items: phones },
    addresses: { items: addresses },
    ...(info.company ? { company: info.company } : {}),
    ...(info.jobTitle ? { jobTitle: info.jobTitle } : {}),
    ...(info.birthdate ? { birthdate: info.birthdate } : {}),
    ...(info.locale ? { locale: info.locale.toLowerCase() } : {}),
    labelKeys: { items: [...new Set(info.labelKeys?.items ?? [])] },
    extendedFields: { items: { ...(info.extendedFields?.items ?? {}) } },
  }
}

/** Wix: a contact needs at least a name, a phone or an email. */
export function hasContactData(info: ContactInfo): boolean {
  return !!(
    info.name?.first ||
    info.name?.last ||
    info.emails?.items.length ||
    info.phones?.items.length
  )
}

/** Wix's limits on a stored contact; merging or labelling must not go past them. */
export function checkLimits(info: ContactInfo): void {
  const violations: FieldViolation[] = []
  for (const [name, max] of [
    ['emails', 50],
    ['phones', 50],
    ['addresses', 50],
    ['labelKeys', 2000],
  ] as const) {
    const count = (info[name]?.items as unknown[] | undefined)?.length ?? 0
    if (count > max) {
      violations.push({
        field: `info.${name}.items`,
        description: `A contact has at most ${max}; this would make ${count}`,
        violatedRule: 'MAX_SIZE',
      })
    }
  }
  if (violations.length) throw validationError(violations)
}
