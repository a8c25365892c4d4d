/**
 * @module
 * Per-minute request counters, for the forms whose own per-address limit is counted exactly.
 */

/** Counts one more request for `key` in the minute `window`; answers the count so far. */
export async function countRequest(db: D1Database, key: string, window: number): Promise<number> {
  const row = await db
    .prepare(
      `INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1)
       ON CONFLICT (key, window) DO UPDATE SET count = count + 1 RETURNING count`
    )
    .bind(key, window)
    .first<{ count: number }>()
  return row?.count ?? 0
}

/** Drops the counters of minutes before `window`. */
export function pruneRateCounters(db: D1Database, window: number): D1PreparedStatement {
  return db.prepare('DELETE FROM rate_counters WHERE window < ?').bind(window)
}
