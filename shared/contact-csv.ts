/**
 * @module
 * The contact CSV format that export writes and import reads: the contact fields a column can hold,
 * their headers, the header names an import recognises, and the options of an import. Shared so the
 * console's import page offers exactly the targets the worker accepts.
 */
import type { ExtendedFieldDataType } from './extended-values.ts'

/** The contact fields of the CSV, in export order, with the header names an import recognises. */
export const CONTACT_CSV_FIELDS = [
  { field: 'name.first', header: 'First name', also: ['first', 'given name', 'forename'] },
  { field: 'name.last', header: 'Last name', also: ['last', 'surname', 'family name'] },
  { field: 'email', header: 'Email', also: ['email address', 'e-mail', 'mail', 'primary email'] },
  { field: 'emails', header: 'Other emails', also: ['email 2', 'secondary email'] },
  { field: 'phone', header: 'Phone', also: ['phone number', 'telephone', 'tel', 'mobile'] },
  { field: 'phones', header: 'Other phones', also: ['phone 2', 'secondary phone'] },
  { field: 'address.addressLine', header: 'Address', also: ['address line', 'street'] },
  { field: 'address.addressLine2', header: 'Address line 2', also: ['address 2'] },
  { field: 'address.city', header: 'City', also: ['town'] },
  { field: 'address.subdivision', header: 'Region', also: ['state', 'province', 'county'] },
  { field: 'address.postalCode', header: 'Postal code', also: ['zip', 'zip code', 'postcode'] },
  { field: 'address.country', header: 'Country', also: ['country code'] },
  { field: 'company', header: 'Company', also: ['organization', 'organisation'] },
  { field: 'jobTitle', header: 'Job title', also: ['position', 'role'] },
  { field: 'birthdate', header: 'Birthdate', also: ['birthday', 'date of birth'] },
  { field: 'locale', header: 'Locale', also: ['language'] },
  { field: 'labels', header: 'Labels', also: ['label', 'tags'] },
] as const

export type ContactCsvField = (typeof CONTACT_CSV_FIELDS)[number]['field']

/** The export's last two columns; an import does not read them (a contact's dates are its own). */
export const DATE_HEADERS = { created: 'Created', updated: 'Updated' } as const

/** The two columns a rejected-rows report puts before the file's own. */
export const REJECTED_HEADERS = { row: 'Rejected row', reason: 'Rejection reason' } as const

/** Added to an extended field's header when its name alone would read as a contact field. */
export const EXTENDED_FIELD_SUFFIX = ' (extended field)'

/** Lists in one cell (other emails and phones, labels) are separated by semicolons. */
export const LIST_SEPARATOR = ';'

/**
 * Where an import puts a column: a contact field, an extended field (an existing one by its display
 * name, or a new one of `dataType`, TEXT by default), or nowhere.
 */
export type ImportTarget =
  ContactCsvField | 'skip' | { extendedField: string; dataType?: ExtendedFieldDataType }

/** What an import does to a contact found by a row's email (else phone). */
export const IMPORT_ON_DUPLICATE = ['append', 'overwrite', 'skip'] as const
export type ImportOnDuplicate = (typeof IMPORT_ON_DUPLICATE)[number]

/** The limits of one import. */
export const IMPORT_LIMITS = {
  bytes: 20 * 1024 * 1024,
  rows: 100_000,
  columns: 500,
  /** Distinct label names in a file's label cells. */
  labelNames: 1_000,
} as const

const IGNORED = ['created', 'updated', 'created date', 'updated date', 'contact id', 'id']

/** A header as compared: lower case, accents and punctuation dropped. */
function simplified(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '')
}

const BY_NAME = new Map<string, ContactCsvField>(
  CONTACT_CSV_FIELDS.flatMap((f) => [f.header, ...f.also].map((n) => [simplified(n), f.field]))
)
const SKIPPED = new Set([...IGNORED, REJECTED_HEADERS.row, REJECTED_HEADERS.reason].map(simplified))

/**
 * The target an import suggests for a header: the contact field it names, an existing extended
 * field of that display name (any case), nothing for dates, ids and report columns, and otherwise
 * a new TEXT extended field named like the header.
 *
 * @example
 * suggestTarget('E-mail', [])                                     // 'email'
 * suggestTarget('Shoe size', [{ displayName: 'Shoe Size', dataType: 'NUMBER' }])
 *   // { extendedField: 'Shoe Size', dataType: 'NUMBER' }
 */
export function suggestTarget(
  header: string,
  extendedFields: { displayName: string; dataType: ExtendedFieldDataType }[]
): ImportTarget {
  const name = header.trim()
  const forced = name.endsWith(EXTENDED_FIELD_SUFFIX)
  const fieldName = forced ? name.slice(0, -EXTENDED_FIELD_SUFFIX.length).trim() : name
  if (!fieldName) return 'skip'
  if (!forced) {
    const key = simplified(fieldName)
    const field = BY_NAME.get(key)
    if (field) return field
    if (SKIPPED.has(key)) return 'skip'
  }
  const lower = fieldName.toLowerCase()
  const existing = extendedFields.find((f) => f.displayName.toLowerCase() === lower)
  return existing
    ? { extendedField: existing.displayName, dataType: existing.dataType }
    : { extendedField: fieldName, dataType: 'TEXT' }
}

/** The header an export gives an extended field: its name, unless an import would read that as another column. */
export function extendedFieldHeader(displayName: string): string {
  const read = suggestTarget(displayName, [])
  return typeof read === 'object' && read.extendedField === displayName.trim()
    ? displayName
    : `${displayName}${EXTENDED_FIELD_SUFFIX}`
}

/** What `POST /v1/contacts/imports/preview` answers. */
export interface ImportPreview {
  encoding: 'UTF-8' | 'UTF-8 with BOM'
  delimiter: string
  header: string[]
  /** The first rows as read, with their row numbers in the file (the header is row 1). */
  rows: { row: number; cells: string[] }[]
  totalRows: number
  blankRows: number
  suggestedMapping: Record<string, ImportTarget>
}
