/**
 * @module
 * The submission log: every accepted submission is written here before any contact changes,
 * and read back whole by site owners (the admin API and the `submitted` webhook).
 */
import { newId } from '../../shared/ids.ts'
import type { ConsentRecord, SubmissionRecord, SubmissionStatus } from '../../shared/submission.ts'
import { CONTACT_FQDN, SUBMISSION_FQDN } from '../../shared/webhook-events.ts'
import { contactEventSelect, duplicateContactSql } from './capture-batch.ts'
import type { ContactPin } from './capture-batch.ts'

export interface SubmissionRow {
  id: string
  formId: string
  idempotencyKey: string | null
  bodyHash: string
  values: unknown
  context: unknown
  consent: unknown
  responseStatus: number
  responseBody: string
  createdDate: string
  renderNonce: string | null
  /** The per-email rate limit's key: a hash of the normalised email; null without an email. */
  emailKey: string | null
  /** At most this many submissions per form and email key since `limitSince`. */
  emailLimit: number
  /** The per-address rate limit's key: a hash of the client address; null when unknown. */
  addressKey: string | null
  addressLimit: number
  limitSince: string
}

export interface StoredAnswer {
  id: string
  status: 'pending' | 'processed' | 'failed'
  attempts: number
  created_date: string
  body_hash: string
  response_status: number
  response_body: string
}

/**
 * Records a submission, unless its form already recorded `emailLimit` for the same email key or
 * `addressLimit` for the same address key since `limitSince` (the rate limits), or one with the
 * same Idempotency-Key or render token.
 */
export function insertSubmission(
  db: D1Database,
  row: SubmissionRow,
  /** When the contact change follows in the same batch: recorded processed, with its contact. */
  pin?: ContactPin
): D1PreparedStatement {
  // Pinned here rather than by an UPDATE after the insert: one statement less in every capture.
  const outcome = pin
    ? `'processed', ?17, COALESCE(${duplicateContactSql('?18', '?19')}, ?17), 1, ?10`
    : `'pending', NULL, NULL, 0, NULL`
  return db
    .prepare(
      `INSERT INTO submissions (id, form_id, idempotency_key, body_hash, submitted_values, context, consent,
         response_status, response_body, created_date, render_nonce, email_key, address_key,
         status, attempt_id, contact_id, attempts, processed_date)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?15, ${outcome}
       WHERE (?12 IS NULL
         OR (SELECT COUNT(*) FROM submissions WHERE form_id = ?2 AND email_key = ?12 AND created_date > ?13) < ?14)
         AND (?15 IS NULL
         OR (SELECT COUNT(*) FROM submissions WHERE form_id = ?2 AND address_key = ?15 AND created_date > ?13) < ?16)
       ON CONFLICT DO NOTHING`
    )
    .bind(
      row.id,
      row.formId,
      row.idempotencyKey,
      row.bodyHash,
      JSON.stringify(row.values),
      JSON.stringify(row.context),
      row.consent === undefined ? null : JSON.stringify(row.consent),
      row.responseStatus,
      row.responseBody,
      row.createdDate,
      row.renderNonce,
      row.emailKey,
      row.limitSince,
      row.emailLimit,
      row.addressKey,
      row.addressLimit,
      ...(pin ? [pin.attemptId, pin.emailNorm, pin.e164Phone] : [])
    )
}

/** Whether the row's form already recorded its limit of submissions for its email or address. */
export function selectOverLimit(db: D1Database, row: SubmissionRow): D1PreparedStatement {
  const recent = (column: string, key: string) =>
    `(SELECT COUNT(*) FROM submissions WHERE form_id = ?1 AND ${column} = ${key} AND created_date > ?2)`
  return db
    .prepare(
      `SELECT ${recent('email_key', '?5')} >= ?3 OR ${recent('address_key', '?6')} >= ?4 AS over`
    )
    .bind(
      row.formId,
      row.limitSince,
      row.emailLimit,
      row.addressLimit,
      row.emailKey,
      row.addressKey
    )
}

/** The submission that holds this form's Idempotency-Key, with the answer it was given. */
export function selectAnswerByKey(
  db: D1Database,
  formId: string,
  idempotencyKey: string
): D1PreparedStatement {
  return db
    .prepare(
      `SELECT id, status, attempts, created_date, body_hash, response_status, response_body FROM submissions
       WHERE form_id = ? AND idempotency_key = ?`
    )
    .bind(formId, idempotencyKey)
}

/** Notes a failed attempt to write the contact; the submission stays pending for a retry. */
export function markAttemptFailed(
  db: D1Database,
  submissionId: string,
  error: string,
  tries = 1
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE submissions SET attempts = attempts + ?, last_error = ? WHERE id = ? AND status = 'pending'`
    )
    .bind(tries, error.slice(0, 1000), submissionId)
}

/** Clears the per-address keys of submissions recorded before `before`. */
export function forgetAddressKeys(db: D1Database, before: string): D1PreparedStatement {
  return db
    .prepare(
      'UPDATE submissions SET address_key = NULL WHERE address_key IS NOT NULL AND created_date < ?'
    )
    .bind(before)
}

/** Frees an Idempotency-Key whose stored answer has expired. */
export function forgetIdempotencyKey(db: D1Database, submissionId: string): D1PreparedStatement {
  return db.prepare('UPDATE submissions SET idempotency_key = NULL WHERE id = ?').bind(submissionId)
}

/** Which submissions a list shows; each filter left out matches all. */
export interface SubmissionFilter {
  formId?: string
  /** A contact's id, or the id of a contact since merged into it. */
  contactId?: string
  statuses?: SubmissionStatus[]
  /** Created at or after this instant (ISO-8601 UTC, as stored). */
  createdFrom?: string
  /** Created before this instant. */
  createdBefore?: string
}

/**
 * Submissions newest first (the id breaks ties, so offset pages neither skip nor repeat), with
 * the number that match the filter.
 */
export async function listSubmissions(
  db: D1Database,
  filter: SubmissionFilter,
  paging: { limit: number; offset: number }
): Promise<{ submissions: SubmissionRecord[]; total: number }> {
  const where: string[] = []
  const params: unknown[] = []
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition)
    params.push(...values)
  }
  if (filter.formId !== undefined) add('form_id = ?', filter.formId)
  if (filter.contactId !== undefined) {
    add(
      'contact_id = COALESCE((SELECT target_id FROM contact_aliases WHERE source_id = ?), ?)',
      filter.contactId,
      filter.contactId
    )
  }
  if (filter.statuses?.length)
    add('status IN (SELECT value FROM json_each(?))', JSON.stringify(filter.statuses))
  if (filter.createdFrom !== undefined) add('created_date >= ?', filter.createdFrom)
  if (filter.createdBefore !== undefined) add('created_date < ?', filter.createdBefore)
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : ''
  const [page, count] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT ${RECORD_COLUMNS} FROM submissions ${whereSql}
         ORDER BY created_date DESC, id DESC LIMIT ? OFFSET ?`
      )
      .bind(...params, paging.limit, paging.offset),
    db.prepare(`SELECT COUNT(*) AS total FROM submissions ${whereSql}`).bind(...params),
  ])
  return {
    submissions: (page!.results as unknown as RecordRow[]).map(toRecord),
    total: (count!.results[0] as { total: number }).total,
  }
}

/** One submission as owners read it (the `submitted` webhook), or undefined. */
export async function selectSubmissionRecord(
  db: D1Database,
  id: string
): Promise<SubmissionRecord | undefined> {
  const row = await db
    .prepare(`SELECT ${RECORD_COLUMNS} FROM submissions WHERE id = ?`)
    .bind(id)
    .first<RecordRow>()
  return row ? toRecord(row) : undefined
}

const RECORD_COLUMNS = `id, form_id, status, contact_id, created_date, processed_date, attempts,
  last_error, submitted_values, context, consent`

interface RecordRow {
  id: string
  form_id: string
  status: SubmissionStatus
  contact_id: string | null
  created_date: string
  processed_date: string | null
  attempts: number
  last_error: string | null
  submitted_values: string
  context: string
  consent: string | null
}

/** What deleting a contact leaves of its submissions' values (see deleteContactStatements). */
const ERASED_VALUES = '{"erased":true}'

function toRecord(row: RecordRow): SubmissionRecord {
  const erased = row.submitted_values === ERASED_VALUES
  return {
    id: row.id,
    formId: row.form_id,
    status: row.status,
    contactId: row.contact_id,
    createdDate: row.created_date,
    processedDate: row.processed_date,
    attempts: row.attempts,
    lastError: row.last_error,
    values: erased ? {} : (JSON.parse(row.submitted_values) as SubmissionRecord['values']),
    context: JSON.parse(row.context) as SubmissionRecord['context'],
    consent: row.consent === null ? null : (JSON.parse(row.consent) as ConsentRecord),
    erased,
  }
}

/** A stored submission, to write its contact again. */
export function selectSubmission(db: D1Database, id: string) {
  return db
    .prepare(
      'SELECT id, form_id, status, submitted_values, context, created_date FROM submissions WHERE id = ?'
    )
    .bind(id)
}

/** Gives up on a submission: its contact could not be written after the last retry. */
export function markFailed(db: D1Database, id: string, error: string) {
  return db
    .prepare(
      `UPDATE submissions SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'`
    )
    .bind(error.slice(0, 1000), id)
}

/** Pending submissions nobody is retrying: recorded a while ago and not finished. */
export function selectStalePending(db: D1Database, olderThan: string, limit: number) {
  return db
    .prepare(
      `SELECT id FROM submissions WHERE status = 'pending' AND created_date < ? ORDER BY created_date LIMIT ?`
    )
    .bind(olderThan, limit)
}

/**
 * The `submitted` event, written in the batch that records the submission (not for a replay);
 * with a pin (see insertSubmission), the contact's created or updated event too.
 */
export function submissionEvents(
  db: D1Database,
  submissionId: string,
  now: string,
  pin?: ContactPin
): D1PreparedStatement {
  const submitted = `SELECT ?1, ?2, ?3, 'submitted', ?4, '{}', ?5
    WHERE EXISTS (SELECT 1 FROM submissions WHERE id = ?4)`
  return db
    .prepare(
      `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
       ${pin ? `${submitted} UNION ALL ${contactEventSelect('?4', '?6', '?7', '?8', '?5')}` : submitted}`
    )
    .bind(
      newId(),
      `${SUBMISSION_FQDN}_submitted`,
      SUBMISSION_FQDN,
      submissionId,
      now,
      ...(pin ? [pin.attemptId, newId(), CONTACT_FQDN] : [])
    )
}

/** A submission's contact written by a store outside D1: processed, with the contact's id. */
export function markProcessed(
  db: D1Database,
  submissionId: string,
  contactId: string,
  now: string
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE submissions SET status = 'processed', contact_id = ?, processed_date = ?, attempts = attempts + 1,
         last_error = NULL WHERE id = ? AND status = 'pending'`
    )
    .bind(contactId, now, submissionId)
}

/** A failed (given up on) submission made pending again, for an admin's retry. */
export function reopenFailedSubmission(db: D1Database, submissionId: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE submissions SET status = 'pending' WHERE id = ? AND status = 'failed'`)
    .bind(submissionId)
}

/** A submission's status and contact, or undefined when there is no such submission. */
export async function selectSubmissionStatus(db: D1Database, id: string) {
  return (
    (await db
      .prepare('SELECT status, contact_id FROM submissions WHERE id = ?')
      .bind(id)
      .first<{ status: string; contact_id: string | null }>()) ?? undefined
  )
}
