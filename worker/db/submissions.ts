/**
 * @module
 * The submission log: every accepted submission is written here before any contact changes.
 */

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
}

export interface StoredAnswer {
  id: string
  status: 'pending' | 'processed' | 'failed'
  body_hash: string
  response_status: number
  response_body: string
}

/** Records a submission; a second one with the same form and Idempotency-Key is ignored. */
export function insertSubmission(db: D1Database, row: SubmissionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO submissions (id, form_id, idempotency_key, body_hash, submitted_values, context, consent,
         status, response_status, response_body, created_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
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
      row.createdDate
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
      `SELECT id, status, body_hash, response_status, response_body FROM submissions
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
