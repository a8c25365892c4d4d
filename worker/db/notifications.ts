/**
 * @module
 * Notification emails to site owners: one row per email and recipient (a lead's written in the
 * batch that records its submission, a digest's by the cron), claimed by a consumer before it
 * sends, and one row per attempt. Rows hold ids only; what a message says is read when it is sent.
 */

/** A new lead's email to each recipient, as one statement of the batch that records the submission. */
export function insertLeadNotifications(
  db: D1Database,
  submissionId: string,
  formId: string,
  recipients: string[],
  now: string
): D1PreparedStatement {
  // Only when this request inserted the submission: never for a replay, never for a refused one.
  return db
    .prepare(
      `INSERT INTO notifications (id, kind, form_id, submission_id, recipient, status, created_date, updated_date)
       SELECT json_extract(r.value, '$.id'), 'lead', ?2, ?1, json_extract(r.value, '$.to'), 'queued', ?3, ?3
       FROM json_each(?4) r WHERE EXISTS (SELECT 1 FROM submissions WHERE id = ?1)
       ON CONFLICT DO NOTHING`
    )
    .bind(submissionId, formId, now, withIds(recipients))
}

export interface DigestPeriod {
  formId: string
  /** The day summed up, YYYY-MM-DD in the form's time zone. */
  day: string
  /** That day's bounds as UTC instants: start inclusive, end exclusive. */
  start: string
  end: string
}

/**
 * A digest of the period to each recipient, unless the period had no submission or the digest was
 * written already (once per form, day and recipient); answers how many were written.
 */
export async function insertDigestNotifications(
  db: D1Database,
  period: DigestPeriod,
  recipients: string[],
  now: string
): Promise<number> {
  const result = await db
    .prepare(
      `INSERT INTO notifications (id, kind, form_id, digest_day, period_start, period_end, recipient, status,
         created_date, updated_date)
       SELECT json_extract(r.value, '$.id'), 'digest', ?1, ?2, ?3, ?4, json_extract(r.value, '$.to'), 'queued', ?5, ?5
       FROM json_each(?6) r
       WHERE EXISTS (SELECT 1 FROM submissions WHERE form_id = ?1 AND created_date >= ?3 AND created_date < ?4)
       ON CONFLICT DO NOTHING`
    )
    .bind(period.formId, period.day, period.start, period.end, now, withIds(recipients))
    .run()
  return result.meta.changes
}

function withIds(recipients: string[]): string {
  return JSON.stringify(recipients.map((to) => ({ id: crypto.randomUUID(), to })))
}

/** Takes up to `limit` notifications that have no queue message yet; answers their ids. */
export async function claimUnqueued(db: D1Database, now: string, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE notifications SET queued_date = ?1, updated_date = ?1
       WHERE id IN (SELECT id FROM notifications WHERE queued_date IS NULL ORDER BY created_date LIMIT ?2)
       RETURNING id`
    )
    .bind(now, limit)
    .all<{ id: string }>()
  return results.map((r) => r.id)
}

/** When a waiting notification counts as having lost its queue message. */
export interface StaleBounds {
  /** Never tried and untouched since then (longer than any wait for its contact). */
  untriedSince: string
  /** Tried and untouched since then (longer than any backoff between tries). */
  triedSince: string
  now: string
}

/**
 * Notifications whose queue message was lost, touched now and answered to be queued again:
 * waiting and untouched for too long, or claimed by a consumer whose lease ran out.
 */
export async function requeueStale(db: D1Database, bounds: StaleBounds): Promise<string[]> {
  const { results } = await db
    .prepare(
      `UPDATE notifications SET updated_date = ?3
       WHERE id IN (SELECT id FROM notifications
         WHERE (status = 'queued' AND queued_date IS NOT NULL
                AND updated_date < CASE WHEN attempts = 0 THEN ?1 ELSE ?2 END)
            OR (status = 'sending' AND lease_until < ?3) LIMIT 100)
       RETURNING id`
    )
    .bind(bounds.untriedSince, bounds.triedSince, bounds.now)
    .all<{ id: string }>()
  return results.map((r) => r.id)
}

/** A notification with what its lead's message needs, read when it is sent. */
export interface NotificationToSend {
  id: string
  kind: 'lead' | 'digest'
  form_id: string
  recipient: string
  status: string
  digest_day: string | null
  period_start: string | null
  period_end: string | null
  submission_id: string | null
  submission_status: string | null
  submitted_date: string | null
  submitted_values: string | null
  context: string | null
  /** The contact it was written to, as it is now (after merges); null when not in this D1. */
  contact_id: string | null
  /** The contact as the submission recorded it (set also when contacts live on Wix). */
  recorded_contact_id: string | null
  contact_created_date: string | null
  /** JSON array of the contact's label names. */
  label_names: string | null
  /** The contact's other submissions, recorded before this one. */
  earlier_submissions: number
}

export async function selectNotificationToSend(
  db: D1Database,
  id: string
): Promise<NotificationToSend | undefined> {
  const row = await db
    .prepare(
      `SELECT n.id, n.kind, n.form_id, n.recipient, n.status, n.digest_day, n.period_start, n.period_end,
         s.id AS submission_id, s.status AS submission_status, s.created_date AS submitted_date,
         s.submitted_values, s.context, s.contact_id AS recorded_contact_id,
         c.id AS contact_id, c.created_date AS contact_created_date,
         (SELECT json_group_array(display_name) FROM (
            SELECT l.display_name FROM contact_labels cl JOIN labels l ON l.key = cl.label_key
            WHERE cl.contact_id = c.id ORDER BY l.display_name)) AS label_names,
         (SELECT COUNT(*) FROM submissions p
          WHERE p.id <> s.id AND p.created_date <= s.created_date
            AND p.contact_id IN (SELECT s.contact_id UNION SELECT c.id
                                 UNION SELECT source_id FROM contact_aliases WHERE target_id = c.id)
         ) AS earlier_submissions
       FROM notifications n
       LEFT JOIN submissions s ON s.id = n.submission_id
       LEFT JOIN contacts c ON c.id = COALESCE(
         (SELECT target_id FROM contact_aliases WHERE source_id = s.contact_id), s.contact_id)
       WHERE n.id = ?`
    )
    .bind(id)
    .first<NotificationToSend>()
  return row ?? undefined
}

/** One lead of a digest. */
export interface DigestLeadRow {
  id: string
  created_date: string
  status: string
  submitted_values: string
  contact_id: string | null
  /** 1 when the submission created its contact, 0 when the contact existed, null when unknown. */
  new_contact: number | null
}

export interface DigestLeads {
  leads: DigestLeadRow[]
  total: number
  newContacts: number
}

/**
 * The period's submissions of a form, oldest first, up to `limit`, with the counts of all; those
 * whose contact was deleted are left out.
 */
export async function selectDigestLeads(
  db: D1Database,
  formId: string,
  start: string,
  end: string,
  limit: number
): Promise<DigestLeads> {
  const from = `FROM submissions s LEFT JOIN contacts c ON c.id = COALESCE(
      (SELECT target_id FROM contact_aliases WHERE source_id = s.contact_id), s.contact_id)
    WHERE s.form_id = ?1 AND s.created_date >= ?2 AND s.created_date < ?3
      AND s.submitted_values <> '{"erased":true}'`
  const isNew = 'CASE WHEN c.id IS NULL THEN NULL ELSE c.created_date >= s.created_date END'
  const [page, counts] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT s.id, s.created_date, s.status, s.submitted_values, COALESCE(c.id, s.contact_id) AS contact_id,
           ${isNew} AS new_contact ${from} ORDER BY s.created_date, s.id LIMIT ?4`
      )
      .bind(formId, start, end, limit),
    db
      .prepare(`SELECT COUNT(*) AS total, COALESCE(SUM(${isNew}), 0) AS new_contacts ${from}`)
      .bind(formId, start, end),
  ])
  const count = counts!.results[0] as { total: number; new_contacts: number }
  return {
    leads: page!.results as unknown as DigestLeadRow[],
    total: count.total,
    newContacts: count.new_contacts,
  }
}

/** Takes a notification for one consumer until `leaseUntil`; false when another has it or it is done. */
export async function claimNotification(
  db: D1Database,
  id: string,
  now: string,
  leaseUntil: string
): Promise<boolean> {
  const claimed = await db
    .prepare(
      `UPDATE notifications SET status = 'sending', lease_until = ?1, updated_date = ?2
       WHERE id = ?3 AND (status = 'queued' OR (status = 'sending' AND lease_until < ?2)) RETURNING id`
    )
    .bind(leaseUntil, now, id)
    .first()
  return !!claimed
}

/** What one attempt to send came to. */
export type AttemptOutcome =
  | { outcome: 'sent'; messageId: string }
  /** `status`: `queued` to try again, `failed` when it never can pass. */
  | { outcome: 'failed'; error: string; status: 'queued' | 'failed' }

/** Records an attempt, and the notification's state after it, in one batch. */
export async function recordAttempt(
  db: D1Database,
  id: string,
  attempt: AttemptOutcome,
  now: string
): Promise<void> {
  const sent = attempt.outcome === 'sent'
  const error = sent ? null : attempt.error.slice(0, 1000)
  const messageId = sent ? attempt.messageId : null
  await db.batch([
    db
      .prepare(
        `INSERT INTO notification_attempts (notification_id, attempt, attempted_date, outcome, error, message_id)
         SELECT id, attempts + 1, ?2, ?3, ?4, ?5 FROM notifications WHERE id = ?1`
      )
      .bind(id, now, attempt.outcome, error, messageId),
    db
      .prepare(
        `UPDATE notifications SET attempts = attempts + 1, status = ?2, lease_until = NULL, last_error = ?3,
           message_id = COALESCE(?4, message_id), sent_date = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_date END,
           updated_date = ?5
         WHERE id = ?1`
      )
      .bind(id, sent ? 'sent' : attempt.status, error, messageId, now),
  ])
}

/**
 * Ends a notification that is still to be sent: `failed` (gave up; the last attempt's error is
 * kept after the reason) or `skipped`, with why.
 */
export async function closeNotification(
  db: D1Database,
  id: string,
  status: 'failed' | 'skipped',
  reason: string,
  now: string
): Promise<void> {
  await db
    .prepare(
      `UPDATE notifications SET status = ?2, lease_until = NULL, updated_date = ?4,
         last_error = ?3 || CASE WHEN ?2 = 'failed' AND last_error IS NOT NULL
                            THEN ' (last error: ' || last_error || ')' ELSE '' END
       WHERE id = ?1 AND status IN ('queued', 'sending')`
    )
    .bind(id, status, reason, now)
    .run()
}

/** Notes that a notification waits (its lead's contact is still being written). */
export async function touchNotification(db: D1Database, id: string, now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE notifications SET status = 'queued', lease_until = NULL, updated_date = ?2
       WHERE id = ?1 AND status IN ('queued', 'sending')`
    )
    .bind(id, now)
    .run()
}

export interface NotificationFilter {
  status?: string
  formId?: string
  kind?: string
  submissionId?: string
}

export interface NotificationListRow {
  id: string
  kind: string
  form_id: string
  submission_id: string | null
  digest_day: string | null
  recipient: string
  status: string
  attempts: number
  last_error: string | null
  message_id: string | null
  created_date: string
  updated_date: string
  sent_date: string | null
  /** JSON array of `{ attempt, date, outcome, error, messageId }`. */
  history: string
}

/** Notifications newest first (the id breaks ties), each with its attempts, and the total. */
export async function listNotifications(
  db: D1Database,
  filter: NotificationFilter,
  paging: { limit: number; offset: number }
): Promise<{ rows: NotificationListRow[]; total: number }> {
  const where = `WHERE (?1 IS NULL OR n.status = ?1) AND (?2 IS NULL OR n.form_id = ?2)
    AND (?3 IS NULL OR n.kind = ?3) AND (?4 IS NULL OR n.submission_id = ?4)`
  const params = [
    filter.status ?? null,
    filter.formId ?? null,
    filter.kind ?? null,
    filter.submissionId ?? null,
  ]
  const [page, count] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        `SELECT n.id, n.kind, n.form_id, n.submission_id, n.digest_day, n.recipient, n.status, n.attempts,
           n.last_error, n.message_id, n.created_date, n.updated_date, n.sent_date,
           (SELECT json_group_array(json_object('attempt', a.attempt, 'date', a.attempted_date,
              'outcome', a.outcome, 'error', a.error, 'messageId', a.message_id))
            FROM (SELECT * FROM notification_attempts WHERE notification_id = n.id ORDER BY attempt) a
           ) AS history
         FROM notifications n ${where} ORDER BY n.created_date DESC, n.id DESC LIMIT ?5 OFFSET ?6`
      )
      .bind(...params, paging.limit, paging.offset),
    db.prepare(`SELECT COUNT(*) AS total FROM notifications n ${where}`).bind(...params),
  ])
  return {
    rows: page!.results as unknown as NotificationListRow[],
    total: (count!.results[0] as { total: number }).total,
  }
}
