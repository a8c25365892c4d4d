/**
 * @module
 * Notification emails to site owners: one row per email and recipient (a lead's written in the
 * batch that records its submission, a digest's by the cron), claimed by a consumer before it
 * sends, and one row per attempt. Rows hold ids only; what a message says is read when it is sent.
 * A lead waits in its form and recipient's window while one is open (notification_windows): the
 * window's queue message sends the leads that gathered there as one email.
 */

/**
 * A new lead's notification to each recipient, as statements of the batch that records the
 * submission. Where its window is open the lead waits there (queued_date set: the window's
 * message covers it); elsewhere it opens the window, and is left for its request to queue.
 */
export function insertLeadNotifications(
  db: D1Database,
  submissionId: string,
  formId: string,
  recipients: string[],
  now: string
): D1PreparedStatement[] {
  // Only when this request inserted the submission: never for a replay, never for a refused one.
  const inserted = 'EXISTS (SELECT 1 FROM submissions WHERE id = ?1)'
  return [
    db
      .prepare(
        `INSERT INTO notifications (id, kind, form_id, submission_id, recipient, status, queued_date,
           created_date, updated_date)
         SELECT json_extract(r.value, '$.id'), 'lead', ?2, ?1, json_extract(r.value, '$.to'), 'queued',
           (SELECT ?3 FROM notification_windows w WHERE w.form_id = ?2 AND w.recipient = json_extract(r.value, '$.to')),
           ?3, ?3
         FROM json_each(?4) r WHERE ${inserted}
         ON CONFLICT DO NOTHING`
      )
      .bind(submissionId, formId, now, withIds(recipients)),
    db
      .prepare(
        `INSERT INTO notification_windows (form_id, recipient, opened_date, updated_date)
         SELECT ?2, r.value, ?3, ?3 FROM json_each(?4) r WHERE ${inserted}
         ON CONFLICT DO NOTHING`
      )
      .bind(submissionId, formId, now, JSON.stringify(recipients)),
  ]
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

/** A notification to queue: a digest by its id, a lead by its form and recipient's window. */
export interface ToQueue {
  id: string
  kind: 'lead' | 'digest'
  form_id: string
  recipient: string
}

/** Takes up to `limit` notifications that have no queue message yet. */
export async function claimUnqueued(
  db: D1Database,
  now: string,
  limit: number
): Promise<ToQueue[]> {
  const { results } = await claimUnqueuedStatement(db, now, limit).all<ToQueue>()
  return results
}

/**
 * Takes up to `limit` notifications that have no queue message yet, and reads a form's open
 * windows (each with its last flush), in one round trip.
 */
export async function claimUnqueuedSeeingWindows(
  db: D1Database,
  now: string,
  limit: number,
  formId: string
): Promise<{ rows: ToQueue[]; windows: { recipient: string; updated_date: string }[] }> {
  const [claimed, windows] = await db.batch<Record<string, unknown>>([
    claimUnqueuedStatement(db, now, limit),
    db
      .prepare('SELECT recipient, updated_date FROM notification_windows WHERE form_id = ?')
      .bind(formId),
  ])
  return {
    rows: claimed!.results as unknown as ToQueue[],
    windows: windows!.results as unknown as { recipient: string; updated_date: string }[],
  }
}

function claimUnqueuedStatement(db: D1Database, now: string, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE notifications SET queued_date = ?1, updated_date = ?1
       WHERE id IN (SELECT id FROM notifications WHERE queued_date IS NULL ORDER BY created_date LIMIT ?2)
       RETURNING id, kind, form_id, recipient`
    )
    .bind(now, limit)
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
 * waiting and untouched for too long, or claimed by a consumer whose lease ran out; and open
 * windows without a waiting lead that no flush touched for as long (as leads, by their window).
 */
export async function requeueStale(db: D1Database, bounds: StaleBounds): Promise<ToQueue[]> {
  const [rows, windows] = await db.batch<ToQueue>([
    db
      .prepare(
        `UPDATE notifications SET updated_date = ?3
         WHERE id IN (SELECT id FROM notifications
           WHERE (status = 'queued' AND queued_date IS NOT NULL
                  AND updated_date < CASE WHEN attempts = 0 THEN ?1 ELSE ?2 END)
              OR (status = 'sending' AND lease_until < ?3) LIMIT 100)
         RETURNING id, kind, form_id, recipient`
      )
      .bind(bounds.untriedSince, bounds.triedSince, bounds.now),
    // Left as they are: their last flush tells requests how long they stay open at least.
    db
      .prepare(
        `SELECT 'window' AS id, 'lead' AS kind, form_id, recipient FROM notification_windows w
         WHERE updated_date < ?1 AND NOT EXISTS (${WAITING_LEADS} AND n.form_id = w.form_id AND n.recipient = w.recipient)
         LIMIT 100`
      )
      .bind(bounds.untriedSince),
  ])
  return [...rows!.results, ...windows!.results]
}

const WAITING_LEADS = `SELECT 1 FROM notifications n WHERE n.kind = 'lead' AND n.status IN ('queued', 'sending')`

/** What a flush of a window took. */
export interface WindowClaim {
  /** The leads it took to send (oldest first), each now `sending` until the lease ends. */
  ids: string[]
  /** Whether it closed the window: nothing was waiting in it. */
  closed: boolean
}

/**
 * Takes the leads waiting in a form and recipient's window (up to `limit`, oldest first) for one
 * consumer until `leaseUntil`; when none waits, closes the window, in the same transaction: a lead
 * recorded after that opens a new one.
 */
export async function claimWindowLeads(
  db: D1Database,
  window: { formId: string; recipient: string },
  now: string,
  leaseUntil: string,
  limit: number
): Promise<WindowClaim> {
  const [claimed, closed] = await db.batch<{ id: string }>([
    db
      .prepare(
        `UPDATE notifications SET status = 'sending', queued_date = COALESCE(queued_date, ?3),
           lease_until = ?4, updated_date = ?3
         WHERE id IN (SELECT id FROM notifications
           WHERE kind = 'lead' AND form_id = ?1 AND recipient = ?2
             AND (status = 'queued' OR (status = 'sending' AND lease_until < ?3))
           ORDER BY created_date LIMIT ?5)
         RETURNING id, created_date`
      )
      .bind(window.formId, window.recipient, now, leaseUntil, limit),
    db
      .prepare(
        `DELETE FROM notification_windows WHERE form_id = ?1 AND recipient = ?2
           AND NOT EXISTS (${WAITING_LEADS} AND n.form_id = ?1 AND n.recipient = ?2)`
      )
      .bind(window.formId, window.recipient),
  ])
  const ids = (claimed!.results as unknown as { id: string; created_date: string }[])
    .sort((a, b) => a.created_date.localeCompare(b.created_date))
    .map((r) => r.id)
  return { ids, closed: closed!.meta.changes > 0 }
}

/** Keeps a window open (writing it again if it was closed) after its flush sent an email. */
export async function keepWindowOpen(
  db: D1Database,
  window: { formId: string; recipient: string },
  now: string
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO notification_windows (form_id, recipient, opened_date, updated_date) VALUES (?1, ?2, ?3, ?3)
       ON CONFLICT DO UPDATE SET updated_date = excluded.updated_date`
    )
    .bind(window.formId, window.recipient, now)
    .run()
}

/**
 * After a window's queue message gave up: its leads that were tried are failed with `reason`, and
 * the window is closed when no lead waits in it any more (one never tried waits for the sweep).
 */
export async function failWindowLeads(
  db: D1Database,
  window: { formId: string; recipient: string },
  reason: string,
  now: string
): Promise<void> {
  await db.batch([
    db
      .prepare(
        `UPDATE notifications SET status = 'failed', lease_until = NULL, updated_date = ?4,
           last_error = ?3 || COALESCE(' (last error: ' || last_error || ')', '')
         WHERE kind = 'lead' AND form_id = ?1 AND recipient = ?2 AND status IN ('queued', 'sending')
           AND attempts > 0`
      )
      .bind(window.formId, window.recipient, reason, now),
    db
      .prepare(
        `DELETE FROM notification_windows WHERE form_id = ?1 AND recipient = ?2
           AND NOT EXISTS (${WAITING_LEADS} AND n.form_id = ?1 AND n.recipient = ?2)`
      )
      .bind(window.formId, window.recipient),
  ])
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
  return (await selectNotificationsToSend(db, [id]))[0]
}

/** The notifications with these ids that exist, oldest submission first. */
export async function selectNotificationsToSend(
  db: D1Database,
  ids: string[]
): Promise<NotificationToSend[]> {
  const { results } = await db
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
       WHERE n.id IN (SELECT value FROM json_each(?))
       ORDER BY s.created_date, n.id`
    )
    .bind(JSON.stringify(ids))
    .all<NotificationToSend>()
  return results
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

/** Records an attempt (one email, which may tell of several leads) on each notification it sent, and their state after it, in one batch. */
export async function recordAttempt(
  db: D1Database,
  ids: string[],
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
         SELECT id, attempts + 1, ?2, ?3, ?4, ?5 FROM notifications WHERE id IN (SELECT value FROM json_each(?1))`
      )
      .bind(JSON.stringify(ids), now, attempt.outcome, error, messageId),
    db
      .prepare(
        `UPDATE notifications SET attempts = attempts + 1, status = ?2, lease_until = NULL, last_error = ?3,
           message_id = COALESCE(?4, message_id), sent_date = CASE WHEN ?2 = 'sent' THEN ?5 ELSE sent_date END,
           updated_date = ?5
         WHERE id IN (SELECT value FROM json_each(?1))`
      )
      .bind(JSON.stringify(ids), sent ? 'sent' : attempt.status, error, messageId, now),
  ])
}

/**
 * Ends a notification that is still to be sent: `failed` (gave up; the last attempt's error is
 * kept after the reason) or `skipped`, with why.
 */
export async function closeNotification(
  db: D1Database,
  ids: string[],
  status: 'failed' | 'skipped',
  reason: string,
  now: string
): Promise<void> {
  await db
    .prepare(
      `UPDATE notifications SET status = ?2, lease_until = NULL, updated_date = ?4,
         last_error = ?3 || CASE WHEN ?2 = 'failed' AND last_error IS NOT NULL
                            THEN ' (last error: ' || last_error || ')' ELSE '' END
       WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('queued', 'sending')`
    )
    .bind(JSON.stringify(ids), status, reason, now)
    .run()
}

/** Notes that notifications wait (their leads' contacts are still being written). */
export async function touchNotification(db: D1Database, ids: string[], now: string): Promise<void> {
  await db
    .prepare(
      `UPDATE notifications SET status = 'queued', lease_until = NULL, updated_date = ?2
       WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('queued', 'sending')`
    )
    .bind(JSON.stringify(ids), now)
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
