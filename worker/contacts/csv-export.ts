/**
 * @module
 * CSV exports, streamed: contacts (the same filter and search as Query Contacts, or a list of
 * ids) and a form's submissions. Pages of 1,000 are read by key (created date, then id) as the
 * stream is consumed, so an export of 100,000 contacts never holds more than one page.
 */
import { applicationError } from '../../shared/api-error.ts'
import type { Contact } from '../../shared/contact.ts'
import {
  CONTACT_CSV_FIELDS,
  DATE_HEADERS,
  extendedFieldHeader,
  LIST_SEPARATOR,
} from '../../shared/contact-csv.ts'
import type { ContactCsvField } from '../../shared/contact-csv.ts'
import type { FormConfig } from '../../shared/forms-config.ts'
import {
  selectContactPageAfter,
  selectCustomFields,
  selectLabelNames,
  selectSubmissionPageAfter,
} from '../db/exports.ts'
import type { PageKey } from '../db/exports.ts'
import { matchingContacts } from './contact-query.ts'
import type { Selection } from './bulk-jobs.ts'
import { BOM, csvRow } from './csv-write.ts'

export const EXPORT_PAGE = 1000
/** Ids an export takes besides (and joined by AND with) its filter. */
export const MAX_EXPORT_IDS = 10_000

/** Which contacts to export: a filter and/or search, and/or these ids. */
export interface ExportSelection extends Selection {
  ids?: string[] | undefined
}

/**
 * The contacts a selection matches as a CSV stream (UTF-8 with BOM, CRLF, one row per contact,
 * oldest first). The selection is checked before the stream starts, so a bad filter is a 400.
 */
export async function exportContacts(
  db: D1Database,
  selection: ExportSelection
): Promise<ReadableStream<Uint8Array>> {
  // No ids (or an empty list) means no narrowing by id.
  const ids = selection.ids?.length ? selection.ids : undefined
  if (ids && ids.length > MAX_EXPORT_IDS) {
    throw applicationError(
      400,
      'TOO_MANY_IDS',
      `An export takes at most ${MAX_EXPORT_IDS.toLocaleString('en')} ids; send a filter instead.`
    )
  }
  // Query Contacts takes at most 1,000 values in one $in.
  const byId = ids && {
    $or: Array.from({ length: Math.ceil(ids.length / 1000) }, (_, i) => ({
      id: { $in: ids.slice(i * 1000, i * 1000 + 1000) },
    })),
  }
  const filter =
    byId && selection.filter ? { $and: [selection.filter, byId] } : (byId ?? selection.filter)
  const where = await matchingContacts(db, filter, selection.search)
  const [fields, labels] = await Promise.all([selectCustomFields(db), selectLabelNames(db)])
  const header = [
    ...CONTACT_CSV_FIELDS.map((f) => f.header),
    ...fields.map((f) => extendedFieldHeader(f.displayName)),
    DATE_HEADERS.created,
    DATE_HEADERS.updated,
  ]
  const row = (contact: Contact) =>
    csvRow([
      ...CONTACT_CSV_FIELDS.map((f) => cell(contact, f.field, labels)),
      ...fields.map((f) => contact.info.extendedFields?.items[f.key]),
      contact.createdDate,
      contact.updatedDate,
    ])
  return pagedCsv(header, (after) => selectContactPageAfter(db, where, after, EXPORT_PAGE), row)
}

/** One contact field as a cell; lists (other emails and phones, labels) joined by semicolons. */
function cell(contact: Contact, field: ContactCsvField, labels: Map<string, string>): string {
  const { info } = contact
  const emails = info.emails?.items ?? []
  const phones = info.phones?.items ?? []
  const address = info.addresses?.items[0]?.address as Record<string, unknown> | undefined
  const join = (items: string[]) => items.join(`${LIST_SEPARATOR} `)
  switch (field) {
    case 'name.first':
      return info.name?.first ?? ''
    case 'name.last':
      return info.name?.last ?? ''
    case 'email':
      return emails.find((e) => e.primary)?.email ?? ''
    case 'emails':
      return join(emails.filter((e) => !e.primary).map((e) => e.email))
    case 'phone':
      return phones.find((p) => p.primary)?.phone ?? ''
    case 'phones':
      return join(phones.filter((p) => !p.primary).map((p) => p.phone))
    case 'company':
      return info.company ?? ''
    case 'jobTitle':
      return info.jobTitle ?? ''
    case 'birthdate':
      return info.birthdate ?? ''
    case 'locale':
      return info.locale ?? ''
    case 'labels':
      // A label deleted meanwhile has no name: left out.
      return join((info.labelKeys?.items ?? []).flatMap((key) => labels.get(key) ?? []))
    default: {
      const value = address?.[field.slice('address.'.length)]
      return typeof value === 'string' ? value : ''
    }
  }
}

/**
 * A form's submissions as a CSV stream, one row per submission, oldest first: its id, date,
 * status and contact, then one column per field of the form (the value as validated; `yes` for a
 * ticked box; empty once its contact was erased), the consent version and the page context.
 */
export function exportSubmissions(
  db: D1Database,
  formId: string,
  form: FormConfig
): ReadableStream<Uint8Array> {
  const labels = form.fields.map((f) => f.label)
  const fieldHeaders = form.fields.map((f, i) =>
    labels.indexOf(f.label) === i && labels.lastIndexOf(f.label) === i
      ? f.label
      : `${f.label} (${f.name})`
  )
  const context = ['pageUrl', 'referrer'] as const
  const utm = ['source', 'medium', 'campaign', 'term', 'content'] as const
  const header = [
    'Submission ID',
    'Submitted',
    'Status',
    'Contact ID',
    ...fieldHeaders,
    'Consent version',
    'Page URL',
    'Referrer',
    ...utm.map((u) => `UTM ${u}`),
  ]
  return pagedCsv(
    header,
    (after) => selectSubmissionPageAfter(db, formId, after, EXPORT_PAGE),
    (s) => {
      const utmValues = (s.context.utm ?? {}) as Record<string, unknown>
      return csvRow([
        s.id,
        s.createdDate,
        s.status,
        s.contactId,
        ...form.fields.map((f) => shown(s.values[f.name])),
        s.consent?.version,
        ...context.map((k) => shown(s.context[k])),
        ...utm.map((u) => shown(utmValues[u])),
      ])
    }
  )
}

function shown(value: unknown): string {
  if (value === undefined || value === null || value === false) return ''
  if (value === true) return 'yes'
  if (typeof value === 'object') return String((value as { phone?: unknown }).phone ?? '')
  return String(value)
}

/** A CSV stream: BOM and header first, then a page of rows each time the reader wants more. */
function pagedCsv<T extends PageKey>(
  header: string[],
  page: (after: PageKey | undefined) => Promise<T[]>,
  row: (item: T) => string
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let after: PageKey | undefined
  let started = false
  let done = false
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true
          controller.enqueue(encoder.encode(BOM + csvRow(header)))
          return
        }
        if (done) return controller.close()
        const items = await page(after)
        if (items.length < EXPORT_PAGE) done = true
        if (!items.length) return controller.close()
        const last = items.at(-1)!
        after = { createdDate: last.createdDate, id: last.id }
        controller.enqueue(encoder.encode(items.map(row).join('')))
      },
    },
    // One page at a time: the next is read only once this one has been taken.
    { highWaterMark: 0 }
  )
}
