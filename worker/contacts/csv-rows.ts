/**
 * @module
 * One row of an import: its cells read into contact values (each cell checked as the API checks
 * that field, every problem named with its column and value), and what those values do to a
 * contact. The rules are the form's: a duplicate is found by email, else phone; `append` fills
 * empty fields only and adds new emails and phones as non-primary; `overwrite` replaces the
 * values given (a phone given becomes the primary one); labels are only ever added. Pure: no I/O.
 */
import type { CountryCode } from 'libphonenumber-js'
import type { ContactInfo } from '../../shared/contact.ts'
import { LIST_SEPARATOR } from '../../shared/contact-csv.ts'
import type { ContactCsvField, ImportOnDuplicate } from '../../shared/contact-csv.ts'
import { cleanEmail, EMAIL_MAX_LENGTH, isValidEmail, normalizeEmail } from '../../shared/email.ts'
import { checkExtendedValue, coerceExtendedValue } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { parsePhone } from '../../shared/submission.ts'
import { MAX_CELL_CHARS } from './csv-read.ts'
import type { CsvRow } from './csv-read.ts'
import { unneutralize } from './csv-write.ts'

/** A column that is imported, and where to. */
export interface ColumnPlan {
  column: number
  header: string
  field?: ContactCsvField
  extendedField?: { key: string; displayName: string; dataType: ExtendedFieldDataType }
}

/** Why a row is not imported: one problem, with the cell it is in when it is in one. */
export interface RowError {
  code: string
  message: string
  column?: string
  value?: string
}

export interface Phone {
  phone: string
  e164Phone: string
  countryCode?: string
}

/** What a row says about its contact. */
export interface RowValues {
  first?: string
  last?: string
  company?: string
  jobTitle?: string
  birthdate?: string
  locale?: string
  /** From the Email column, then Other emails. */
  email?: { email: string; norm: string }
  otherEmails: { email: string; norm: string }[]
  phone?: Phone
  otherPhones: Phone[]
  address?: Record<string, string>
  labelNames: string[]
  /** Extended values by field key, in the field's own type. */
  values: Record<string, string | number>
}

const LABEL_NAME_MAX = 180

/** The longest value each field takes (as the Contacts API's schema). */
const MAX_LENGTH: Partial<Record<ContactCsvField, number>> = {
  'name.first': 1000,
  'name.last': 1000,
  company: 1000,
  jobTitle: 1000,
  email: EMAIL_MAX_LENGTH,
  emails: MAX_CELL_CHARS,
  phone: 50,
  phones: MAX_CELL_CHARS,
  'address.addressLine': 1000,
  'address.addressLine2': 1000,
  'address.city': 1000,
  'address.subdivision': 100,
  'address.postalCode': 100,
  labels: MAX_CELL_CHARS,
}

/** Reads a row; answers its values, or every problem it has. */
export function readRow(
  row: CsvRow,
  columns: ColumnPlan[],
  headerLength: number,
  defaultCountry?: string
): { values: RowValues } | { errors: RowError[] } {
  if (row.tooLong) {
    const message = 'The row is longer than an import reads (1,000,000 characters).'
    return { errors: [{ code: 'ROW_TOO_LONG', message }] }
  }
  const errors: RowError[] = []
  if (row.problem) errors.push({ code: 'MALFORMED_ROW', message: `The row has ${row.problem}.` })
  const extra = row.cells.slice(headerLength)
  if (row.cells.length < headerLength || extra.some((cell) => cell.trim())) {
    errors.push({
      code: 'RAGGED_ROW',
      message: `The row has ${row.cells.length} cells; the header has ${headerLength}. Check for a missing or extra delimiter, or a line break outside quotes.`,
    })
  }
  if (errors.length) return { errors }

  const values: RowValues = { otherEmails: [], otherPhones: [], labelNames: [], values: {} }
  const fail = (column: ColumnPlan, raw: string, code: string, message: string) =>
    errors.push({ code, message, column: column.header, value: shown(raw) })
  for (const column of columns) {
    const raw = row.cells[column.column] ?? ''
    const text = unneutralize(raw).trim()
    if (!text) continue
    const max = column.field ? (MAX_LENGTH[column.field] ?? 1000) : 1000
    if (row.cut?.includes(column.column) || text.length > max) {
      fail(column, raw, 'VALUE_TOO_LONG', `is longer than ${max.toLocaleString('en')} characters`)
      continue
    }
    if (column.extendedField) {
      const { key, dataType } = column.extendedField
      const value = coerceExtendedValue(dataType, text)
      if (value === undefined)
        fail(column, raw, 'INVALID_EXTENDED_FIELD_VALUE', checkExtendedValue(dataType, null)!)
      else values.values[key] = value
      continue
    }
    switch (column.field) {
      case 'name.first':
        values.first = text
        break
      case 'name.last':
        values.last = text
        break
      case 'company':
        values.company = text
        break
      case 'jobTitle':
        values.jobTitle = text
        break
      case 'email':
      case 'emails':
        for (const one of column.field === 'email' ? [text] : list(text, /[;,\s]+/)) {
          if (!isValidEmail(one) || one.length > EMAIL_MAX_LENGTH) {
            fail(column, one, 'INVALID_EMAIL', 'is not a valid email address')
            continue
          }
          const email = { email: cleanEmail(one), norm: normalizeEmail(one) }
          if (column.field === 'email') values.email = email
          else values.otherEmails.push(email)
        }
        break
      case 'phone':
      case 'phones':
        for (const one of column.field === 'phone' ? [text] : list(text, LIST_SEPARATOR)) {
          const phone =
            one.length <= 50
              ? parsePhone(one, defaultCountry as CountryCode | undefined)
              : undefined
          if (!phone) {
            fail(
              column,
              one,
              'INVALID_PHONE',
              defaultCountry || one.startsWith('+')
                ? 'cannot be read as a phone number'
                : 'cannot be read as a phone number; a number without its +country code needs the defaultCountry option'
            )
            continue
          }
          if (column.field === 'phone') values.phone = phone
          else values.otherPhones.push(phone)
        }
        break
      case 'address.country':
        if (!/^[a-z]{2}$/i.test(text))
          fail(
            column,
            raw,
            'INVALID_COUNTRY',
            'must be a two-letter ISO 3166 country code, such as US'
          )
        else (values.address ??= {}).country = text.toUpperCase()
        break
      case 'birthdate':
        if (checkExtendedValue('DATE', text))
          fail(column, raw, 'INVALID_DATE', 'must be a date as YYYY-MM-DD')
        else values.birthdate = text
        break
      case 'locale':
        if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(text))
          fail(column, raw, 'INVALID_LOCALE', 'must be a language tag such as en-us')
        else values.locale = text.toLowerCase()
        break
      case 'labels': {
        const long = list(text, LIST_SEPARATOR).find((name) => name.length > LABEL_NAME_MAX)
        if (long)
          fail(
            column,
            long,
            'INVALID_LABEL',
            `a label name is at most ${LABEL_NAME_MAX} characters`
          )
        else values.labelNames = labelNamesIn(raw)
        break
      }
      default:
        // address.addressLine, addressLine2, city, subdivision, postalCode
        ;(values.address ??= {})[column.field!.slice('address.'.length)] = text
    }
  }
  if (
    !errors.length &&
    !values.first &&
    !values.last &&
    !values.email &&
    !values.otherEmails.length &&
    !values.phone &&
    !values.otherPhones.length
  ) {
    errors.push({
      code: 'INSUFFICIENT_CONTACT_DATA',
      message: 'The row has no name, email or phone; a contact needs at least one.',
    })
  }
  return errors.length ? { errors } : { values }
}

/** The label names of a label cell: separated by semicolons, each at most 180 characters. */
export function labelNamesIn(cell: string): string[] {
  const names = list(unneutralize(cell).trim(), LIST_SEPARATOR)
  return [...new Set(names.filter((name) => name.length <= LABEL_NAME_MAX))]
}

function list(text: string, separator: string | RegExp): string[] {
  return text
    .split(separator)
    .map((item) => item.trim())
    .filter(Boolean)
}

/** A value as a report shows it: long ones cut. */
function shown(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value
}

/** All of a row's emails, the Email column's first. */
export function rowEmails(values: RowValues) {
  return [...(values.email ? [values.email] : []), ...values.otherEmails]
}

/** All of a row's phones, the Phone column's first. */
export function rowPhones(values: RowValues): Phone[] {
  return [...(values.phone ? [values.phone] : []), ...values.otherPhones]
}

/** The info of a new contact from a row, with the labels the import adds. */
export function newInfo(values: RowValues, labelKeys: string[]): ContactInfo {
  return applyRow({}, values, 'overwrite', labelKeys)
}

/**
 * The info of a contact after a row under `policy` (`append` or `overwrite`), not yet normalised
 * (new items have no id). Emails are only added, never made primary; labels only added.
 */
export function applyRow(
  current: ContactInfo,
  values: RowValues,
  policy: Exclude<ImportOnDuplicate, 'skip'>,
  labelKeys: string[]
): ContactInfo {
  const fill = <T>(stored: T | undefined, given: T | undefined) =>
    policy === 'overwrite' ? (given ?? stored) : (stored ?? given)
  const first = fill(current.name?.first, values.first)
  const last = fill(current.name?.last, values.last)

  const emails = [...(current.emails?.items ?? [])]
  const norms = new Set(emails.map((e) => normalizeEmail(e.email)))
  for (const e of rowEmails(values)) {
    if (norms.has(e.norm)) continue
    norms.add(e.norm)
    emails.push({ email: e.email, tag: 'UNTAGGED', primary: false } as (typeof emails)[number])
  }

  let phones = [...(current.phones?.items ?? [])]
  const primary = policy === 'overwrite' ? values.phone : undefined
  if (primary) phones = phones.map((p) => ({ ...p, primary: p.e164Phone === primary.e164Phone }))
  for (const p of rowPhones(values)) {
    if (phones.some((q) => q.e164Phone === p.e164Phone)) continue
    phones.push({ ...p, tag: 'UNTAGGED', primary: p === primary } as (typeof phones)[number])
    if (p === primary) phones = phones.map((q) => ({ ...q, primary: q.e164Phone === p.e164Phone }))
  }

  const addresses = [...(current.addresses?.items ?? [])]
  if (values.address && (policy === 'overwrite' || !addresses.length)) {
    const address = values.address as (typeof addresses)[number]['address']
    if (addresses.length) addresses[0] = { ...addresses[0]!, address }
    else addresses.push({ tag: 'UNTAGGED', address } as (typeof addresses)[number])
  }

  const stored = current.extendedFields?.items ?? {}
  const extended = { ...stored }
  for (const [key, value] of Object.entries(values.values)) {
    if (policy === 'overwrite' || stored[key] === undefined) extended[key] = value
  }

  const company = fill(current.company, values.company)
  const jobTitle = fill(current.jobTitle, values.jobTitle)
  const birthdate = fill(current.birthdate, values.birthdate)
  const locale = fill(current.locale, values.locale)
  return {
    ...(first || last ? { name: { ...(first ? { first } : {}), ...(last ? { last } : {}) } } : {}),
    emails: { items: emails },
    phones: { items: phones },
    addresses: { items: addresses },
    ...(company ? { company } : {}),
    ...(jobTitle ? { jobTitle } : {}),
    ...(birthdate ? { birthdate } : {}),
    ...(locale ? { locale } : {}),
    labelKeys: { items: [...new Set([...(current.labelKeys?.items ?? []), ...labelKeys])] },
    extendedFields: { items: extended },
  }
}

/** Whether two infos hold the same data (labels and extended values in any order). */
export function sameInfo(a: ContactInfo, b: ContactInfo): boolean {
  const canonical = (info: ContactInfo) =>
    JSON.stringify({
      ...info,
      labelKeys: [...(info.labelKeys?.items ?? [])].sort(),
      extendedFields: Object.entries(info.extendedFields?.items ?? {}).sort(([x], [y]) =>
        x < y ? -1 : 1
      ),
    })
  return canonical(a) === canonical(b)
}
