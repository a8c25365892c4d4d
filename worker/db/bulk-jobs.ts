/**
 * @module
 * Bulk jobs in D1: the job rows, the contact ids each job works on (fixed once, when it loads),
 * and the statements that apply one chunk of a job. A chunk's change, its webhook events and its
 * items' outcomes are one atomic batch, and every statement acts only on items still to do, so a
 * chunk applied twice (two runners, or a runner killed and resumed) changes nothing the second time.
 */
import { CONTACT_FQDN } from '../../shared/webhook-events.ts'
import { bindable } from './query/compile.ts'
import type { SqlCondition } from './query/compile.ts'

import type { BulkJobStatus, BulkJobType } from '../../shared/bulk-jobs.ts'

export type { BulkJobStatus, BulkJobType }

export interface BulkJobRow {
  id: string
  type: BulkJobType
  status: BulkJobStatus
  request: string
  created_date: string
  started_date: string | null
  finished_date: string | null
  total_items: number
}

export interface OutcomeCount {
  outcome: string
  count: number
}

/** An item of a DELETE, UPDATE or ADD_REMOVE_LABELS job (import rows are read by db/imports.ts). */
export interface ChunkItem {
  position: number
  contact_id: string
}

/** A chunk: the items still to do whose positions lie in [first, last]. */
export interface ChunkRange {
  jobId: string
  first: number
  last: number
}

const JOB_COLUMNS = `id, type, status, request, created_date, started_date, finished_date, total_items`

export function insertJob(
  db: D1Database,
  job: { id: string; type: BulkJobType; request: unknown; now: string }
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO bulk_jobs (id, type, status, request, created_date, heartbeat_date)
       VALUES (?1, ?2, 'NEW', ?3, ?4, ?4)`
    )
    .bind(job.id, job.type, JSON.stringify(job.request), job.now)
}

export async function selectJob(db: D1Database, id: string): Promise<BulkJobRow | undefined> {
  const row = await db
    .prepare(`SELECT ${JOB_COLUMNS} FROM bulk_jobs WHERE id = ?`)
    .bind(id)
    .first<BulkJobRow>()
  return row ?? undefined
}

/** The newest jobs first. */
export async function selectJobs(db: D1Database, limit: number): Promise<BulkJobRow[]> {
  const { results } = await db
    .prepare(`SELECT ${JOB_COLUMNS} FROM bulk_jobs ORDER BY created_date DESC, rowid DESC LIMIT ?`)
    .bind(limit)
    .all<BulkJobRow>()
  return results
}

/** How many items of each job ended how (outcome 'OK' or an error code); items to do are left out. */
export async function selectOutcomes(
  db: D1Database,
  ids: string[]
): Promise<(OutcomeCount & { job_id: string })[]> {
  const { results } = await db
    .prepare(
      `SELECT job_id, outcome, COUNT(*) AS count FROM bulk_job_items
       WHERE job_id IN (SELECT value FROM json_each(?)) AND outcome IS NOT NULL
       GROUP BY job_id, outcome`
    )
    .bind(JSON.stringify(ids))
    .all<OutcomeCount & { job_id: string }>()
  return results
}

/** NEW (or LOADING, after a runner died while loading) → LOADING, with the start time kept. */
export function markLoading(db: D1Database, id: string, now: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE bulk_jobs SET status = 'LOADING', started_date = coalesce(started_date, ?2), heartbeat_date = ?2
       WHERE id = ?1 AND status IN ('NEW', 'LOADING')`
    )
    .bind(id, now)
}

/**
 * Fixes the job's contacts (those matching `where`, over contacts `c`) and sets it RUNNING, in
 * one batch: a runner killed while loading leaves the job LOADING with no items, to load again.
 */
export function loadItemsStatements(
  db: D1Database,
  id: string,
  where: SqlCondition,
  now: string
): D1PreparedStatement[] {
  const condition = bindable(where, 1)
  // The job id goes last so that a condition folded into one JSON array (bindable) stays ?1.
  const jobParam = `?${condition.params.length + 1}`
  const sql = numbered(condition.sql)
  return [
    db
      .prepare(
        `INSERT INTO bulk_job_items (job_id, position, contact_id)
         SELECT ${jobParam}, row_number() OVER (ORDER BY c.id), c.id FROM contacts c
         WHERE ${sql} AND NOT EXISTS (SELECT 1 FROM bulk_job_items WHERE job_id = ${jobParam})`
      )
      .bind(...condition.params, id),
    db
      .prepare(
        `UPDATE bulk_jobs SET status = 'RUNNING', heartbeat_date = ?2,
           total_items = (SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ?1)
         WHERE id = ?1 AND status = 'LOADING'`
      )
      .bind(id, now),
  ]
}

/** Bare `?` placeholders numbered in order, so that more values can follow them by number. */
function numbered(sql: string): string {
  let n = 0
  return sql.replace(/\?(?!\d)/g, () => `?${++n}`)
}

/** The next items still to do, in order. */
export async function selectNextItems(
  db: D1Database,
  jobId: string,
  limit: number
): Promise<ChunkItem[]> {
  const { results } = await db
    .prepare(
      `SELECT position, contact_id FROM bulk_job_items
       WHERE job_id = ? AND outcome IS NULL ORDER BY position LIMIT ?`
    )
    .bind(jobId, limit)
    .all<ChunkItem>()
  return results
}

/** COMPLETED once no item is left to do; true when it is. */
export async function completeIfDone(db: D1Database, id: string, now: string): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE bulk_jobs SET status = 'COMPLETED', finished_date = ?2, heartbeat_date = ?2
       WHERE id = ?1 AND status = 'RUNNING'
         AND NOT EXISTS (SELECT 1 FROM bulk_job_items WHERE job_id = ?1 AND outcome IS NULL)`
    )
    .bind(id, now)
    .run()
  return result.meta.changes > 0
}

/** Jobs not COMPLETED whose runner has been quiet since `olderThan`. */
export async function selectStalledJobs(
  db: D1Database,
  olderThan: string,
  limit: number
): Promise<string[]> {
  const { results } = await db
    .prepare(
      `SELECT id FROM bulk_jobs WHERE status <> 'COMPLETED' AND heartbeat_date < ?
       ORDER BY heartbeat_date LIMIT ?`
    )
    .bind(olderThan, limit)
    .all<{ id: string }>()
  return results.map((r) => r.id)
}

// ---- Chunks. In each statement, ?1 ?2 ?3 are the job id and the chunk's first and last position.

const TO_DO = `SELECT contact_id FROM bulk_job_items
  WHERE job_id = ?1 AND position BETWEEN ?2 AND ?3 AND outcome IS NULL`

/** A version-4-shaped random id, made in SQL so that one statement can write many events. */
const SQL_UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
  || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`

function range(chunk: ChunkRange) {
  return [chunk.jobId, chunk.first, chunk.last] as const
}

/** One outbox row per contact of the chunk that still exists (ids and metadata only). */
function chunkEvents(
  db: D1Database,
  chunk: ChunkRange,
  slug: 'updated' | 'deleted',
  now: string
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
       SELECT ${SQL_UUID}, ?4, ?5, ?6, c.id, '{}', ?7 FROM contacts c WHERE c.id IN (${TO_DO})`
    )
    .bind(...range(chunk), `${CONTACT_FQDN}_${slug}`, CONTACT_FQDN, slug, now)
}

/** The chunk's items that are still to do: done ('OK') if their contact exists, else failed. */
function settleChunk(db: D1Database, chunk: ChunkRange, now: string): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE bulk_job_items SET outcome = CASE WHEN EXISTS (SELECT 1 FROM contacts WHERE id = contact_id)
           THEN 'OK' ELSE 'CONTACT_NOT_FOUND' END
         WHERE job_id = ?1 AND position BETWEEN ?2 AND ?3 AND outcome IS NULL`
      )
      .bind(...range(chunk)),
    db.prepare(`UPDATE bulk_jobs SET heartbeat_date = ?2 WHERE id = ?1`).bind(chunk.jobId, now),
  ]
}

/**
 * Adds and removes labels on the chunk's contacts. A contact the labels change gets revision + 1
 * and an `updated` event; one they would not change is done as it is; one that would pass
 * `maxLabels` is left alone and fails with LABEL_LIMIT_REACHED. Keys to add that are no longer
 * labels (deleted meanwhile) are skipped.
 */
export function relabelChunkStatements(
  db: D1Database,
  chunk: ChunkRange,
  keys: { add: string[]; remove: string[] },
  now: string,
  maxLabels: number
): D1PreparedStatement[] {
  const add = JSON.stringify(keys.add)
  const remove = JSON.stringify(keys.remove)
  const item = `bulk_job_items.contact_id`
  const labelsAfter = `(SELECT COUNT(*) FROM (
      SELECT label_key FROM contact_labels WHERE contact_id = ${item}
        AND label_key NOT IN (SELECT value FROM json_each(?5))
      UNION SELECT key FROM labels WHERE key IN (SELECT value FROM json_each(?4))))`
  const changes = `(EXISTS (SELECT 1 FROM labels l WHERE l.key IN (SELECT value FROM json_each(?4))
        AND NOT EXISTS (SELECT 1 FROM contact_labels WHERE contact_id = ${item} AND label_key = l.key))
      OR EXISTS (SELECT 1 FROM contact_labels WHERE contact_id = ${item}
        AND label_key IN (SELECT value FROM json_each(?5))))`
  const toDo = `job_id = ?1 AND position BETWEEN ?2 AND ?3 AND outcome IS NULL
    AND EXISTS (SELECT 1 FROM contacts WHERE id = ${item})`
  return [
    db
      .prepare(
        `UPDATE bulk_job_items SET outcome = CASE WHEN ${changes} THEN 'LABEL_LIMIT_REACHED' ELSE 'OK' END
         WHERE ${toDo} AND (NOT ${changes} OR ${labelsAfter} > ?6)`
      )
      .bind(...range(chunk), add, remove, maxLabels),
    chunkEvents(db, chunk, 'updated', now),
    db
      .prepare(
        `INSERT OR IGNORE INTO contact_labels (contact_id, label_key)
         SELECT c.id, l.key FROM contacts c JOIN labels l ON l.key IN (SELECT value FROM json_each(?4))
         WHERE c.id IN (${TO_DO})`
      )
      .bind(...range(chunk), add),
    db
      .prepare(
        `DELETE FROM contact_labels WHERE contact_id IN (${TO_DO})
           AND label_key IN (SELECT value FROM json_each(?4))`
      )
      .bind(...range(chunk), remove),
    db
      .prepare(
        `UPDATE contacts SET revision = revision + 1, updated_date = ?4 WHERE id IN (${TO_DO})`
      )
      .bind(...range(chunk), now),
    ...settleChunk(db, chunk, now),
  ]
}

/**
 * Deletes the chunk's contacts as deleting one does (see deleteContactStatements): their
 * submissions' values erased, aliases dropped, a `deleted` event each.
 */
export function deleteChunkStatements(
  db: D1Database,
  chunk: ChunkRange,
  now: string
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE submissions SET submitted_values = '{"erased":true}', context = '{}', email_key = NULL,
           address_key = NULL
         WHERE contact_id IN (${TO_DO})`
      )
      .bind(...range(chunk)),
    db.prepare(`DELETE FROM contact_aliases WHERE target_id IN (${TO_DO})`).bind(...range(chunk)),
    chunkEvents(db, chunk, 'deleted', now),
    ...settleChunk(db, chunk, now),
    // Settled above: the items that found their contact are 'OK' now.
    db
      .prepare(
        `DELETE FROM contacts WHERE id IN (SELECT contact_id FROM bulk_job_items
           WHERE job_id = ?1 AND position BETWEEN ?2 AND ?3 AND outcome = 'OK')`
      )
      .bind(...range(chunk)),
  ]
}

/** Settles one item of an UPDATE job: done only if the write `writeId` happened to its contact. */
export function settleWrittenItem(
  db: D1Database,
  jobId: string,
  item: ChunkItem,
  writeId: string
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE bulk_job_items SET outcome = 'OK'
       WHERE job_id = ?1 AND position = ?2 AND outcome IS NULL
         AND EXISTS (SELECT 1 FROM contacts WHERE id = ?3 AND write_id = ?4)`
    )
    .bind(jobId, item.position, item.contact_id, writeId)
}

/** Settles one item as failed with `code`, unless it is settled already. */
export function failItem(
  db: D1Database,
  jobId: string,
  position: number,
  code: string
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE bulk_job_items SET outcome = ?3 WHERE job_id = ?1 AND position = ?2 AND outcome IS NULL`
    )
    .bind(jobId, position, code)
}

export function heartbeat(db: D1Database, id: string, now: string): D1PreparedStatement {
  return db.prepare(`UPDATE bulk_jobs SET heartbeat_date = ?2 WHERE id = ?1`).bind(id, now)
}
