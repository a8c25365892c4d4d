/**
 * @module
 * Reads for CSV exports, in pages found by key (created date, then id) rather than by offset, so
 * each page costs the same however deep the export is: contacts matching a condition, a form's
 * submissions, and the names of labels and extended fields for the columns.
 */
import type { Contact } from '../../shared/contact.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import type { SubmissionStatus } from '../../shared/submission.ts'
import { selectContacts } from './contact-reads.ts'
import { join } from './query/compile.ts'
import type { SqlCondition } from './query/compile.ts'

/** Where a page starts: after this contact or submission. */
export interface PageKey {
  createdDate: string
  id: string
}

/** The next page of contacts matching `where` (over contacts `c`), oldest first. */
export async function selectContactPageAfter(
  db: D1Database,
  where: SqlCondition,
  after: PageKey | undefined,
  limit: number
): Promise<Contact[]> {
  const condition = after
    ? join(
        [where, { sql: '(c.created_date, c.id) > (?, ?)', params: [after.createdDate, after.id] }],
        ' AND '
      )
    : where
  const { contacts } = await selectContacts(
    db,
    { where: condition, orderBy: 'c.created_date, c.id', limit, offset: 0 },
    false
  )
  return contacts
}

/** The user-defined extended fields, oldest first: the export's columns after the contact fields. */
export async function selectCustomFields(
  db: D1Database
): Promise<{ key: string; displayName: string; dataType: ExtendedFieldDataType }[]> {
  const { results } = await db
    .prepare(
      `SELECT key, display_name, data_type FROM extended_fields WHERE namespace = 'custom'
       ORDER BY created_date, key`
    )
    .all<{ key: string; display_name: string; data_type: ExtendedFieldDataType }>()
  return results.map((r) => ({ key: r.key, displayName: r.display_name, dataType: r.data_type }))
}

/** Every label's display name, by key. */
export async function selectLabelNames(db: D1Database): Promise<Map<string, string>> {
  const { results } = await db
    .prepare(`SELECT key, display_name FROM labels`)
    .all<{ key: string; display_name: string }>()
  return new Map(results.map((r) => [r.key, r.display_name]))
}

/** A submission as its export row needs it; `values` and `context` are `{}` once erased. */
export interface SubmissionExportRow {
  id: string
  status: SubmissionStatus
  contactId: string | null
  createdDate: string
  values: Record<string, unknown>
  context: Record<string, unknown>
  consent: { version?: string; givenAt?: string } | null
}

/** The next page of a form's submissions, oldest first. */
export async function selectSubmissionPageAfter(
  db: D1Database,
  formId: string,
  after: PageKey | undefined,
  limit: number
): Promise<SubmissionExportRow[]> {
  const { results } = await db
    .prepare(
      `SELECT id, status, contact_id, created_date, submitted_values, context, consent FROM submissions
       WHERE form_id = ?1 AND (?2 IS NULL OR (created_date, id) > (?2, ?3))
       ORDER BY created_date, id LIMIT ?4`
    )
    .bind(formId, after?.createdDate ?? null, after?.id ?? null, limit)
    .all<{
      id: string
      status: SubmissionStatus
      contact_id: string | null
      created_date: string
      submitted_values: string
      context: string
      consent: string | null
    }>()
  return results.map((r) => {
    // Erasing a contact writes exactly this over its submissions' values (db/contact-writes.ts).
    const erased = r.submitted_values === '{"erased":true}'
    return {
      id: r.id,
      status: r.status,
      contactId: r.contact_id,
      createdDate: r.created_date,
      values: erased ? {} : (JSON.parse(r.submitted_values) as Record<string, unknown>),
      context: JSON.parse(r.context) as Record<string, unknown>,
      consent: r.consent ? JSON.parse(r.consent) : null,
    }
  })
}
