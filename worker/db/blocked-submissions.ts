/**
 * @module
 * Submissions refused as automated, counted per form, reason and day (nothing they sent is kept).
 */

export async function countBlocked(
  db: D1Database,
  formId: string,
  reason: string,
  day: string
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO blocked_submissions (form_id, reason, day, count) VALUES (?, ?, ?, 1)
       ON CONFLICT (form_id, reason, day) DO UPDATE SET count = count + 1`
    )
    .bind(formId, reason, day)
    .run()
}

/** Refused submissions per form and reason since `sinceDay` (YYYY-MM-DD). */
export async function selectBlockedCounts(db: D1Database, sinceDay: string) {
  const { results } = await db
    .prepare(
      'SELECT form_id, reason, SUM(count) AS count FROM blocked_submissions WHERE day >= ? GROUP BY form_id, reason'
    )
    .bind(sinceDay)
    .all<{ form_id: string; reason: string; count: number }>()
  return results
}
