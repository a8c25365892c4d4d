/**
 * @module
 * Recomputes the duplicate keys of emails stored under the earlier normalisation rule (see
 * migration 0009), a few batches per cron run, until none is left.
 */
import { normalizeEmail } from '../../shared/email.ts'
import { rekeyEmail, selectStaleEmailKeys } from '../db/email-keys.ts'

const BATCH = 500
const BATCHES_PER_RUN = 10

/** Answers how many keys were recomputed. */
export async function rekeyStaleEmails(db: D1Database): Promise<number> {
  let done = 0
  for (let i = 0; i < BATCHES_PER_RUN; i++) {
    const rows = await selectStaleEmailKeys(db, BATCH)
    if (!rows.length) break
    await db.batch(rows.map((r) => rekeyEmail(db, r.id, r.email, normalizeEmail(r.email))))
    done += rows.length
    if (rows.length < BATCH) break
  }
  return done
}
