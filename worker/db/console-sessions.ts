/**
 * @module
 * Console sessions and sign-in attempts in D1. Sessions are found by the hash of their id only;
 * the id itself never reaches this layer.
 */

export interface ConsoleSessionRow {
  access: 'admin' | 'read'
  key_proof: string
  created_date: string
  expires_date: string
}

export function insertSession(
  db: D1Database,
  session: {
    idHash: string
    access: 'admin' | 'read'
    keyProof: string
    created: string
    expires: string
  }
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO console_sessions (id_hash, access, key_proof, created_date, expires_date)
       VALUES (?, ?, ?, ?, ?)`
    )
    .bind(session.idHash, session.access, session.keyProof, session.created, session.expires)
}

/** The session with this id hash, unless it expired by `now`. */
export async function selectLiveSession(
  db: D1Database,
  idHash: string,
  now: string
): Promise<ConsoleSessionRow | undefined> {
  const row = await db
    .prepare(
      `SELECT access, key_proof, created_date, expires_date FROM console_sessions
       WHERE id_hash = ? AND expires_date > ?`
    )
    .bind(idHash, now)
    .first<ConsoleSessionRow>()
  return row ?? undefined
}

export function deleteSession(db: D1Database, idHash: string): D1PreparedStatement {
  return db.prepare('DELETE FROM console_sessions WHERE id_hash = ?').bind(idHash)
}

export function deleteExpiredSessions(db: D1Database, now: string): D1PreparedStatement {
  return db.prepare('DELETE FROM console_sessions WHERE expires_date <= ?').bind(now)
}

/**
 * Records a sign-in attempt for `addressKey` unless it already has `limit` attempts after `since`,
 * in one statement so that parallel attempts cannot all slip under the limit. Answers the new
 * attempt's id, or undefined when over the limit.
 */
export async function insertSignInAttempt(
  db: D1Database,
  attempt: { addressKey: string; now: string; since: string; limit: number }
): Promise<number | undefined> {
  const row = await db
    .prepare(
      `INSERT INTO console_sign_in_attempts (address_key, attempted_date)
       SELECT ?1, ?2 WHERE (SELECT COUNT(*) FROM console_sign_in_attempts
                            WHERE address_key = ?1 AND attempted_date > ?3) < ?4
       RETURNING id`
    )
    .bind(attempt.addressKey, attempt.now, attempt.since, attempt.limit)
    .first<{ id: number }>()
  return row?.id
}

/** The oldest attempt for `addressKey` after `since`: when the window lets it in again. */
export async function selectOldestSignInAttempt(
  db: D1Database,
  addressKey: string,
  since: string
): Promise<string | undefined> {
  const row = await db
    .prepare(
      `SELECT MIN(attempted_date) AS oldest FROM console_sign_in_attempts
       WHERE address_key = ? AND attempted_date > ?`
    )
    .bind(addressKey, since)
    .first<{ oldest: string | null }>()
  return row?.oldest ?? undefined
}

export function deleteSignInAttempt(db: D1Database, id: number): D1PreparedStatement {
  return db.prepare('DELETE FROM console_sign_in_attempts WHERE id = ?').bind(id)
}

export function pruneSignInAttempts(db: D1Database, before: string): D1PreparedStatement {
  return db.prepare('DELETE FROM console_sign_in_attempts WHERE attempted_date <= ?').bind(before)
}
