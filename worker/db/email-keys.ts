/**
 * @module
 * Email duplicate keys made under an earlier normalisation rule (migration 0009), to be recomputed.
 */

export async function selectStaleEmailKeys(
  db: D1Database,
  limit: number
): Promise<{ id: string; email: string }[]> {
  const { results } = await db
    .prepare('SELECT id, email FROM contact_emails WHERE key_version = 1 LIMIT ?')
    .bind(limit)
    .all<{ id: string; email: string }>()
  return results
}

/** Sets the current key of an email row (only if its address is still the one read). */
export function rekeyEmail(
  db: D1Database,
  id: string,
  email: string,
  key: string
): D1PreparedStatement {
  return db
    .prepare('UPDATE contact_emails SET email_norm = ?, key_version = 2 WHERE id = ? AND email = ?')
    .bind(key, id, email)
}
