/**
 * @module
 * Bulk jobs (Contacts v4: bulk delete, update, add/remove labels) on the D1 contact list. A job is
 * checked and recorded (NEW) by the request, then run from the bulk-jobs queue: LOADING fixes the
 * matching contact ids once, RUNNING applies them chunk by chunk, COMPLETED when none is left. A
 * runner works for a while, then queues the job's next turn; the cron resumes jobs whose runner
 * went quiet (a worker killed mid-job). Chunks are idempotent (see db/bulk-jobs.ts), so a job
 * resumed or run twice at once still changes each contact once. CSV imports are bulk jobs too
 * (type IMPORT, see ./imports.ts): their items are the file's rows, staged while LOADING.
 */
import { applicationError, validationError } from '../../shared/api-error.ts'
import type { ContactInfoInput } from '../../shared/contact.ts'
import { getContacts } from '../db/contact-reads.ts'
import { writeContactStatements } from '../db/contact-writes.ts'
import {
  completeIfDone,
  deleteChunkStatements,
  failItem,
  heartbeat,
  insertJob,
  loadItemsStatements,
  markLoading,
  relabelChunkStatements,
  selectJob,
  selectJobs,
  selectNextItems,
  selectOutcomes,
  selectStalledJobs,
  settleWrittenItem,
} from '../db/bulk-jobs.ts'
import type { BulkJobRow, BulkJobType, ChunkItem } from '../db/bulk-jobs.ts'
import type { ContactBulkJob } from '../../shared/bulk-jobs.ts'
import { applyInfo, checkLimits, hasContactData, normalizeInfo } from './build.ts'
import { matchingContacts } from './contact-query.ts'
import {
  abandonImport,
  IMPORT_CHUNK_ROWS,
  IMPORT_MESSAGES,
  ROW_DONE,
  runImportChunk,
} from './imports.ts'
import { checkReferences, requireLabels } from './references.ts'
import { ApiError } from '../../shared/api-error.ts'

export type { BulkJobType, ContactBulkJob }

/** Which contacts: Query Contacts' filter language and plain-text search. */
export interface Selection {
  filter?: Record<string, unknown> | undefined
  search?: string | undefined
}

export type BulkRequest = Selection &
  (
    | { type: 'DELETE' }
    | { type: 'UPDATE'; info: ContactInfoInput }
    | { type: 'ADD_REMOVE_LABELS'; labelKeysToAdd: string[]; labelKeysToRemove: string[] }
  )

export interface BulkQueueMessage {
  jobId: string
}

const ERROR_MESSAGES: Record<string, string> = {
  ...IMPORT_MESSAGES,
  CONTACT_NOT_FOUND: 'The contact was deleted or merged before the job reached it.',
  LABEL_LIMIT_REACHED: 'The contact would have more than 2,000 labels.',
  INSUFFICIENT_UPDATE_CONTACT_DATA: 'The contact would have no name, phone or email left.',
  FIELD_VIOLATION: 'The contact would break one of its limits.',
}

/** Set-based chunks (labels, delete), per-contact ones (update) and import rows, sized to D1's limits. */
export const CHUNK_SIZE = { sets: 500, contacts: 25, rows: IMPORT_CHUNK_ROWS }
const MAX_LABELS = 2000
/** How long one runner works before it queues the job's next turn. */
const TURN_MS = 20_000
/** A job not COMPLETED whose runner has been quiet this long is resumed by the cron. */
const STALLED_MS = 2 * 60_000
const MAX_LISTED = 100

/**
 * Checks the request (its filter compiles; labels exist; the update is valid for any contact),
 * records the job NEW and queues it. Answers the job id.
 */
export async function startBulkJob(
  db: D1Database,
  queue: Queue<BulkQueueMessage>,
  request: BulkRequest
): Promise<string> {
  if (!request.search && request.filter === undefined) {
    throw applicationError(
      400,
      'NEITHER_FILTER_NOR_SEARCH',
      'Send a filter, a search, or both; a bulk job never runs on every contact unasked. ({"filter": {}} selects all.)'
    )
  }
  await matchingContacts(db, request.filter, request.search)
  const stored = await checkedRequest(db, request)
  const id = crypto.randomUUID()
  await insertJob(db, {
    id,
    type: request.type,
    request: stored,
    now: new Date().toISOString(),
  }).run()
  // If this send is lost, the cron finds the job NEW and quiet, and queues it again.
  await queue.send({ jobId: id })
  return id
}

async function checkedRequest(db: D1Database, request: BulkRequest): Promise<BulkRequest> {
  if (request.type === 'ADD_REMOVE_LABELS') {
    const { labelKeysToAdd: add, labelKeysToRemove: remove } = request
    if (!add.length && !remove.length) {
      throw applicationError(
        400,
        'INVALID_ARGUMENT',
        'Send labelKeysToAdd, labelKeysToRemove, or both.'
      )
    }
    const both = add.filter((key) => remove.includes(key))
    if (both.length) {
      throw applicationError(
        400,
        'INVALID_ARGUMENT',
        `A label cannot be both added and removed: ${both.map((k) => `"${k}"`).join(', ')}.`,
        { labelKeys: both }
      )
    }
    await requireLabels(db, [...new Set([...add, ...remove])])
    return request
  }
  if (request.type === 'UPDATE') {
    // Each contact's emails and phones are its duplicate keys: one value for many contacts
    // would make them all duplicates of one another.
    const keys = (['emails', 'phones'] as const).filter((part) => request.info[part])
    if (keys.length) {
      throw validationError(
        keys.map((part) => ({
          field: `info.${part}`,
          description: 'cannot be set on many contacts at once (it identifies a contact)',
          violatedRule: 'FIELD_NOT_ALLOWED',
        }))
      )
    }
    if (!Object.keys(request.info).length) {
      throw applicationError(400, 'INVALID_ARGUMENT', 'info names nothing to update.')
    }
    const info = normalizeInfo(request.info)
    await checkReferences(db, info)
    // Only the parts sent, in their stored form (extended values coerced to their field's type).
    const checked = Object.fromEntries(
      Object.keys(request.info).map((part) => [part, info[part as keyof typeof info]])
    ) as ContactInfoInput
    return { ...request, info: checked }
  }
  return request
}

export async function getBulkJob(db: D1Database, id: string): Promise<ContactBulkJob> {
  const row = await selectJob(db, id)
  if (!row)
    throw applicationError(404, 'BULK_JOB_NOT_FOUND', `There is no bulk job "${id}".`, { id })
  return (await withOutcomes(db, [row]))[0]!
}

/** The newest jobs first, at most 100. */
export async function listBulkJobs(db: D1Database): Promise<ContactBulkJob[]> {
  return withOutcomes(db, await selectJobs(db, MAX_LISTED))
}

async function withOutcomes(db: D1Database, rows: BulkJobRow[]): Promise<ContactBulkJob[]> {
  const outcomes = rows.length
    ? await selectOutcomes(
        db,
        rows.map((r) => r.id)
      )
    : []
  return rows.map((row) => {
    const mine = outcomes.filter((o) => o.job_id === row.id)
    const count = (outcome: string) => mine.find((o) => o.outcome === outcome)?.count ?? 0
    const errors = mine
      .filter((o) => !SUCCEEDED.has(o.outcome))
      .map((o) => ({
        count: o.count,
        code: o.outcome,
        message: ERROR_MESSAGES[o.outcome] ?? o.outcome,
      }))
    return {
      id: row.id,
      type: row.type,
      status: row.status,
      ...(row.started_date ? { startedDate: row.started_date } : {}),
      ...(row.finished_date ? { finishedDate: row.finished_date } : {}),
      totalItems: row.total_items,
      successTotal: [...SUCCEEDED].reduce((sum, outcome) => sum + count(outcome), 0),
      failedTotal: errors.reduce((sum, e) => sum + e.count, 0),
      errors,
      ...(row.type === 'IMPORT'
        ? {
            importSummary: {
              created: count('CREATED'),
              updated: count('UPDATED'),
              unchanged: count('UNCHANGED'),
              skipped: count('SKIPPED'),
              failed: errors.reduce((sum, e) => sum + e.count, 0),
              rejectedRowsUrl: `/v1/contacts/imports/${row.id}/rejected.csv`,
            },
          }
        : {}),
    }
  })
}

/** Item outcomes that count as done: 'OK', and how an import row went through. */
const SUCCEEDED = new Set<string>(['OK', ...ROW_DONE])

export interface RunOptions {
  /** Stop starting chunks after this many milliseconds (the rest is queued as the next turn). */
  turnMs?: number
  chunkSize?: Partial<typeof CHUNK_SIZE>
}

/**
 * Runs one turn of a job: loads it if it has not loaded, then applies chunks (at least one) until
 * the turn's time is up. Answers true when the job is COMPLETED.
 */
export async function runBulkJob(
  db: D1Database,
  id: string,
  options: RunOptions = {}
): Promise<boolean> {
  const job = await selectJob(db, id)
  if (!job || job.status === 'COMPLETED') return true
  if (job.type === 'IMPORT' && job.status !== 'RUNNING') {
    // Still LOADING when a runner finds it: the request staging its file died (it queues the
    // job only once the whole file is staged). Nothing was imported; the job goes.
    await abandonImport(db, id)
    return true
  }
  const request = JSON.parse(job.request) as BulkRequest
  if (job.type !== 'IMPORT' && (job.status === 'NEW' || job.status === 'LOADING')) {
    const now = new Date().toISOString()
    await markLoading(db, id, now).run()
    const where = await matchingContacts(db, request.filter, request.search)
    await db.batch(loadItemsStatements(db, id, where, new Date().toISOString()))
  }
  const sizes = { ...CHUNK_SIZE, ...options.chunkSize }
  const until = Date.now() + (options.turnMs ?? TURN_MS)
  for (;;) {
    const started = Date.now()
    if (job.type === 'IMPORT') {
      if (!(await runImportChunk(db, job, sizes.rows))) break
    } else {
      const items = await selectNextItems(
        db,
        id,
        request.type === 'UPDATE' ? sizes.contacts : sizes.sets
      )
      if (!items.length) break
      await runChunk(db, id, request, items)
    }
    if (Date.now() >= until) break
    // Twice as long for live traffic: a job holds D1 at most a third of the time, so form
    // submissions on the same database keep at least half their speed while it runs (they also
    // share the worker's CPU with it; with pauses only as long as its chunks, they kept 40 %).
    await new Promise((resolve) => setTimeout(resolve, 2 * (Date.now() - started)))
  }
  return completeIfDone(db, id, new Date().toISOString())
}

async function runChunk(
  db: D1Database,
  jobId: string,
  request: BulkRequest,
  items: ChunkItem[]
): Promise<void> {
  const now = new Date().toISOString()
  const chunk = { jobId, first: items[0]!.position, last: items.at(-1)!.position }
  if (request.type === 'DELETE') {
    await db.batch(deleteChunkStatements(db, chunk, now))
  } else if (request.type === 'ADD_REMOVE_LABELS') {
    const keys = { add: request.labelKeysToAdd, remove: request.labelKeysToRemove }
    await db.batch(relabelChunkStatements(db, chunk, keys, now, MAX_LABELS))
  } else {
    await db.batch(await updateStatements(db, jobId, request.info, items, now))
  }
}

/**
 * Each contact read, patched and written against the revision read, its item done in the same
 * batch only if that write happened; a contact changed meanwhile stays to do and is read again.
 */
async function updateStatements(
  db: D1Database,
  jobId: string,
  patch: ContactInfoInput,
  items: ChunkItem[],
  now: string
): Promise<D1PreparedStatement[]> {
  const contacts = new Map(
    (
      await getContacts(
        db,
        items.map((i) => i.contact_id)
      )
    ).map((c) => [c.id, c])
  )
  const statements = [heartbeat(db, jobId, now)]
  for (const item of items) {
    const current = contacts.get(item.contact_id)
    if (!current) {
      statements.push(failItem(db, jobId, item.position, 'CONTACT_NOT_FOUND'))
      continue
    }
    const problem = refusal(() => {
      const info = applyInfo(current.info, patch)
      checkLimits(info)
      if (!hasContactData(info)) throw applicationError(400, 'INSUFFICIENT_UPDATE_CONTACT_DATA', '')
      return info
    })
    if (typeof problem === 'string') {
      statements.push(failItem(db, jobId, item.position, problem))
      continue
    }
    const writeId = crypto.randomUUID()
    statements.push(
      ...writeContactStatements(
        db,
        { ...current, updatedDate: now, info: problem },
        { writeId, expectedRevision: current.revision }
      ),
      settleWrittenItem(db, jobId, item, writeId)
    )
  }
  return statements
}

/** The value `make` returns, or the error code it threw. */
function refusal<T>(make: () => T): T | string {
  try {
    return make()
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const body = err.body.details as { applicationError?: { code: string } }
    return body.applicationError?.code ?? 'FIELD_VIOLATION'
  }
}

/** The bulk-jobs queue's consumer: one turn per message. */
export async function handleBulkJobBatch(
  batch: MessageBatch<BulkQueueMessage>,
  env: Env
): Promise<void> {
  const chunkSize = Number(env.BULK_JOB_CHUNK_SIZE) || undefined
  const turnMs = env.BULK_JOB_TURN_MS ? Number(env.BULK_JOB_TURN_MS) : undefined
  const options: RunOptions = {
    ...(chunkSize ? { chunkSize: { sets: chunkSize, contacts: chunkSize, rows: chunkSize } } : {}),
    ...(turnMs !== undefined && Number.isFinite(turnMs) ? { turnMs } : {}),
  }
  for (const message of batch.messages) {
    const { jobId } = message.body
    // Not done within its turn: the rest is the next turn, queued behind other work.
    if (!(await runBulkJob(env.DB, jobId, options))) await env.BULK_JOBS.send({ jobId })
    message.ack()
  }
}

/** The cron: queues again the jobs whose runner went quiet (`now`: the cron's scheduled time). */
export async function resumeStalledJobs(env: Env, now = Date.now()): Promise<number> {
  const ids = await selectStalledJobs(env.DB, new Date(now - STALLED_MS).toISOString(), 100)
  if (ids.length) await env.BULK_JOBS.sendBatch(ids.map((jobId) => ({ body: { jobId } })))
  return ids.length
}
