/**
 * @module
 * The spam folder in D1: submissions refused as automated, with what they sent, the newest
 * `SPAM_CAP_PER_FORM` a form, for `SPAM_DAYS` days.
 */

/** How many suspected-spam submissions a form keeps (the newest); each is at most 16 KiB. */
export const SPAM_CAP_PER_FORM = 500
export const SPAM_DAYS = 30

export interface SpamRow {
  id: string
  form_id: string
  reason: string
  payload: string
  origin: string | null
  created_date: string
}

/** Keeps one, and drops the form's oldest beyond the cap, in one batch. */
export function keepSpamStatements(db: D1Database, row: SpamRow): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO spam_submissions (id, form_id, reason, payload, origin, created_date)
         VALUES (?, ?, ?, ?, ?, ?)`
      )
      .bind(row.id, row.form_id, row.reason, row.payload, row.origin, row.created_date),
    db
      .prepare(
        `DELETE FROM spam_submissions WHERE id IN (SELECT id FROM spam_submissions WHERE form_id = ?1
           ORDER BY created_date DESC, id DESC LIMIT -1 OFFSET ?2)`
      )
      .bind(row.form_id, SPAM_CAP_PER_FORM),
  ]
}

export interface SpamFilter {
  formId?: string | undefined
  reason?: string | undefined
}

/** Newest first, with the total. */
export async function listSpam(
  db: D1Database,
  filter: SpamFilter,
  paging: { limit: number; offset: number }
): Promise<{ rows: SpamRow[]; total: number }> {
  const where = `(?1 IS NULL OR form_id = ?1) AND (?2 IS NULL OR reason = ?2)`
  const params = [filter.formId ?? null, filter.reason ?? null]
  const [page, count] = await db.batch([
    db
      .prepare(
        `SELECT * FROM spam_submissions WHERE ${where} ORDER BY created_date DESC, id DESC LIMIT ?3 OFFSET ?4`
      )
      .bind(...params, paging.limit, paging.offset),
    db.prepare(`SELECT COUNT(*) AS total FROM spam_submissions WHERE ${where}`).bind(...params),
  ])
  return {
    rows: page!.results as SpamRow[],
    total: (count!.results[0] as { total: number }).total,
  }
}

export async function selectSpam(db: D1Database, id: string): Promise<SpamRow | undefined> {
  return (
    (await db.prepare(`SELECT * FROM spam_submissions WHERE id = ?`).bind(id).first<SpamRow>()) ??
    undefined
  )
}

/** True when it was there. */
export async function deleteSpam(db: D1Database, id: string): Promise<boolean> {
  const result = await db.prepare(`DELETE FROM spam_submissions WHERE id = ?`).bind(id).run()
  return result.meta.changes > 0
}

/** Drops what is older than `before` (an ISO time). */
export async function sweepSpam(db: D1Database, before: string): Promise<void> {
  await db.prepare(`DELETE FROM spam_submissions WHERE created_date < ?`).bind(before).run()
}
