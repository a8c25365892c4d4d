/**
 * @module
 * CSV imports in D1. An import is a bulk job (type IMPORT) whose items are the file's rows: staged
 * while the file is read (the job LOADING), then run chunk by chunk. A chunk's contact writes,
 * their webhook events and its rows' outcomes are one atomic batch; a write happens only while
 * every row behind it is still to do, and a row is settled only if its write happened, so a chunk
 * run twice (two runners, or one killed and resumed) imports no row twice.
 */
import { CONTACT_FQDN } from '../../shared/webhook-events.ts'

/** A staged row: its position is its row number in the file; `data` the CsvRow as JSON. */
export interface StagedRow {
  position: number
  data: string
}

/** One contact written by a chunk: created when `revision` is null, else updated from it. */
export interface ContactWriteRow {
  id: string
  writeId: string
  eventId: string
  revision: number | null
  first: string | null
  last: string | null
  company: string | null
  jobTitle: string | null
  birthdate: string | null
  locale: string | null
  emails: {
    id: string
    position: number
    tag: string
    email: string
    norm: string
    primary: 0 | 1
  }[]
  phones: {
    id: string
    position: number
    tag: string
    phone: string
    countryCode: string | null
    e164: string | null
    primary: 0 | 1
  }[]
  addresses: { id: string; position: number; tag: string; address: string }[]
  labels: string[]
  /** Extended values, each as JSON. */
  values: { key: string; value: string }[]
  /** Keys this write adds: it happens only if no other contact has one of them. */
  dupEmails: string[]
  dupPhones: string[]
  /** The rows behind it: it happens only while all of them are still to do. */
  positions: number[]
}

/** How a row ended; with `writeId`, only if that write happened to `contactId`. */
export interface RowSettle {
  position: number
  outcome: string
  contactId: string | null
  writeId: string | null
  /** The row's problems (JSON), for a failed row; its data is kept for the report then. */
  detail: string | null
}

export function insertImportJob(
  db: D1Database,
  job: { id: string; request: unknown; now: string }
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO bulk_jobs (id, type, status, request, created_date, started_date, heartbeat_date)
       VALUES (?1, 'IMPORT', 'LOADING', ?2, ?3, ?3, ?3)`
    )
    .bind(job.id, JSON.stringify(job.request), job.now)
}

/** Stages rows of a LOADING import (and says it is alive). */
export function stageRowsStatements(
  db: D1Database,
  jobId: string,
  rows: StagedRow[],
  now: string
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO bulk_job_items (job_id, position, data)
         SELECT ?1, json_extract(value, '$.position'), json_extract(value, '$.data') FROM json_each(?2)
         WHERE EXISTS (SELECT 1 FROM bulk_jobs WHERE id = ?1 AND status = 'LOADING')`
      )
      .bind(jobId, JSON.stringify(rows)),
    db.prepare(`UPDATE bulk_jobs SET heartbeat_date = ?2 WHERE id = ?1`).bind(jobId, now),
  ]
}

/** Every row staged: the request (with its catalog keys) fixed, the job RUNNING. */
export function markImportRunning(
  db: D1Database,
  jobId: string,
  request: unknown,
  now: string
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE bulk_jobs SET status = 'RUNNING', request = ?2, heartbeat_date = ?3,
         total_items = (SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ?1)
       WHERE id = ?1 AND status = 'LOADING'`
    )
    .bind(jobId, JSON.stringify(request), now)
}

/** A job and its items; for an import whose file never arrived whole. */
export function deleteJob(db: D1Database, jobId: string): D1PreparedStatement {
  return db.prepare(`DELETE FROM bulk_jobs WHERE id = ?`).bind(jobId)
}

/** The next rows still to do, in file order. */
export async function selectRowsToDo(
  db: D1Database,
  jobId: string,
  limit: number
): Promise<StagedRow[]> {
  const { results } = await db
    .prepare(
      `SELECT position, data FROM bulk_job_items WHERE job_id = ? AND outcome IS NULL
       ORDER BY position LIMIT ?`
    )
    .bind(jobId, limit)
    .all<StagedRow>()
  return results
}

/** The contacts that have one of these emails (normalised) or phones (E.164), with their age. */
export async function selectKeyOwners(
  db: D1Database,
  emailNorms: string[],
  e164Phones: string[]
): Promise<{ kind: 'email' | 'phone'; key: string; contact_id: string; created_date: string }[]> {
  if (!emailNorms.length && !e164Phones.length) return []
  const { results } = await db
    .prepare(
      `SELECT 'email' AS kind, e.email_norm AS key, e.contact_id, c.created_date
       FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
       WHERE e.email_norm IN (SELECT value FROM json_each(?1))
       UNION ALL
       SELECT 'phone', p.e164_phone, p.contact_id, c.created_date
       FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
       WHERE p.e164_phone IN (SELECT value FROM json_each(?2))`
    )
    .bind(JSON.stringify(emailNorms), JSON.stringify(e164Phones))
    .all<{ kind: 'email' | 'phone'; key: string; contact_id: string; created_date: string }>()
  return results
}

const w = (path: string) => `json_extract(w.value, '$.${path}')`
const x = (path: string) => `json_extract(x.value, '$.${path}')`
/** A field of the settle of the item row being updated (?2: the settles by `p<position>`). */
const s_ = (path: string) => `json_extract(?2, '$.p' || position || '.${path}')`
/** The write of `x` (its contact `c`, its write id `w`) happened: the contact carries that write id. */
const WRITTEN = `EXISTS (SELECT 1 FROM contacts c WHERE c.id = ${x('c')} AND c.write_id = ${x('w')})`
// Each list of a write is walked first (CROSS JOIN keeps that order), so every lookup uses an index.
/** Every row behind the write `w` is still to do (?2: the job). */
const ROWS_TO_DO = `NOT EXISTS (SELECT 1 FROM json_each(w.value, '$.positions') k CROSS JOIN bulk_job_items i
  WHERE i.job_id = ?2 AND i.position = k.value AND i.outcome IS NOT NULL)`
/** No other contact has a key the write `w` adds (the same rule as writeContactStatements). */
const NO_DUPLICATE = `NOT EXISTS (SELECT 1 FROM json_each(w.value, '$.dupEmails') k CROSS JOIN contact_emails e
    WHERE e.email_norm = k.value AND e.contact_id <> ${w('id')})
  AND NOT EXISTS (SELECT 1 FROM json_each(w.value, '$.dupPhones') k CROSS JOIN contact_phones p
    WHERE p.e164_phone = k.value AND p.contact_id <> ${w('id')})`

/** The child rows of each table, each with its contact (`c`) and that contact's write (`w`). */
const CHILDREN = {
  contact_emails: {
    of: (row: ContactWriteRow) => row.emails,
    columns: 'id, contact_id, position, tag, email, email_norm, is_primary',
    values: ['id', 'c', 'position', 'tag', 'email', 'norm', 'primary'],
  },
  contact_phones: {
    of: (row: ContactWriteRow) => row.phones,
    columns: 'id, contact_id, position, tag, phone, country_code, e164_phone, is_primary',
    values: ['id', 'c', 'position', 'tag', 'phone', 'countryCode', 'e164', 'primary'],
  },
  contact_addresses: {
    of: (row: ContactWriteRow) => row.addresses,
    columns: 'id, contact_id, position, tag, address',
    values: ['id', 'c', 'position', 'tag', 'address'],
  },
  // Labels and fields deleted since the chunk was planned are left out.
  contact_labels: {
    of: (row: ContactWriteRow) => [...new Set(row.labels)].map((key) => ({ key })),
    columns: 'contact_id, label_key',
    values: ['c', 'key'],
    only: `EXISTS (SELECT 1 FROM labels WHERE key = ${x('key')})`,
  },
  contact_extended_values: {
    of: (row: ContactWriteRow) => row.values,
    columns: 'contact_id, field_key, value',
    values: ['c', 'key', 'value'],
    only: `EXISTS (SELECT 1 FROM extended_fields WHERE key = ${x('key')})`,
  },
} satisfies Record<
  string,
  { of: (row: ContactWriteRow) => object[]; columns: string; values: string[]; only?: string }
>

/**
 * One chunk of an import as one batch: the contacts created and updated (each only if its rows
 * are still to do, its revision is the one read and it adds no key another contact has), their
 * emails, phones, addresses, labels and extended values, a `created` or `updated` event each, and
 * the rows settled. Statements with nothing to do are left out.
 */
export function importChunkStatements(
  db: D1Database,
  jobId: string,
  writes: ContactWriteRow[],
  settles: RowSettle[],
  now: string
): D1PreparedStatement[] {
  const contactRow = (r: ContactWriteRow) => ({
    id: r.id,
    writeId: r.writeId,
    revision: r.revision,
    first: r.first,
    last: r.last,
    company: r.company,
    jobTitle: r.jobTitle,
    birthdate: r.birthdate,
    locale: r.locale,
    dupEmails: r.dupEmails,
    dupPhones: r.dupPhones,
    positions: r.positions,
  })
  const creates = writes.filter((r) => r.revision === null).map(contactRow)
  const updates = writes.filter((r) => r.revision !== null).map(contactRow)
  const statements: D1PreparedStatement[] = []
  if (creates.length) {
    statements.push(
      db
        .prepare(
          `INSERT INTO contacts (id, write_id, revision, source_type, created_date, updated_date,
             last_activity_date, last_activity_type, first_name, last_name, company, job_title, birthdate, locale)
           SELECT ${w('id')}, ${w('writeId')}, 1, 'IMPORT', ?3, ?3, ?3, 'CONTACT_CREATED', ${w('first')},
             ${w('last')}, ${w('company')}, ${w('jobTitle')}, ${w('birthdate')}, ${w('locale')}
           FROM json_each(?1) w WHERE ${ROWS_TO_DO} AND ${NO_DUPLICATE}`
        )
        .bind(JSON.stringify(creates), jobId, now)
    )
  }
  if (updates.length) {
    const all = JSON.stringify(updates)
    statements.push(
      db
        .prepare(
          `UPDATE contacts SET write_id = ${w('writeId')}, revision = revision + 1, updated_date = ?3,
             first_name = ${w('first')}, last_name = ${w('last')}, company = ${w('company')},
             job_title = ${w('jobTitle')}, birthdate = ${w('birthdate')}, locale = ${w('locale')}
           FROM json_each(?1) AS w
           WHERE contacts.id = ${w('id')} AND contacts.revision = ${w('revision')} AND ${ROWS_TO_DO}
             AND ${NO_DUPLICATE}`
        )
        .bind(all, jobId, now),
      // An update writes its contact's lists whole, as writeContactStatements does.
      ...Object.keys(CHILDREN).map((table) =>
        db
          .prepare(
            `DELETE FROM ${table} WHERE contact_id IN (SELECT ${w('id')} FROM json_each(?1) w
               JOIN contacts c ON c.id = ${w('id')} AND c.write_id = ${w('writeId')})`
          )
          .bind(all)
      )
    )
  }
  for (const [table, child] of Object.entries(CHILDREN)) {
    const rows = writes.flatMap((r) =>
      (child.of(r) as object[]).map((item) => ({ ...item, c: r.id, w: r.writeId }))
    )
    if (!rows.length) continue
    const only = 'only' in child ? `AND ${child.only}` : ''
    statements.push(
      db
        .prepare(
          `INSERT INTO ${table} (${child.columns})
           SELECT ${child.values.map(x).join(', ')} FROM json_each(?1) x WHERE ${WRITTEN} ${only}`
        )
        .bind(JSON.stringify(rows))
    )
  }
  if (writes.length) {
    const events = writes.map((r) => ({
      id: r.eventId,
      c: r.id,
      w: r.writeId,
      slug: r.revision === null ? 'created' : 'updated',
    }))
    statements.push(
      db
        .prepare(
          `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
           SELECT ${x('id')}, ?2 || '_' || ${x('slug')}, ?2, ${x('slug')}, ${x('c')}, '{"originatedFrom":"import"}', ?3
           FROM json_each(?1) x WHERE ${WRITTEN}`
        )
        .bind(JSON.stringify(events), CONTACT_FQDN, now)
    )
  }
  statements.push(
    // Each row's settle is found by its position in a JSON object: walking the settles against
    // the items would not use the items' key.
    db
      .prepare(
        `UPDATE bulk_job_items SET outcome = ${s_('outcome')}, contact_id = ${s_('contactId')},
           detail = ${s_('detail')}, data = CASE WHEN ${s_('detail')} IS NULL THEN NULL ELSE data END
         WHERE job_id = ?1 AND position IN (SELECT value FROM json_each(?3)) AND outcome IS NULL
           AND (${s_('writeId')} IS NULL OR EXISTS (SELECT 1 FROM contacts c
             WHERE c.id = ${s_('contactId')} AND c.write_id = ${s_('writeId')}))`
      )
      .bind(
        jobId,
        JSON.stringify(Object.fromEntries(settles.map((r) => [`p${r.position}`, r]))),
        JSON.stringify(settles.map((r) => r.position))
      ),
    db.prepare(`UPDATE bulk_jobs SET heartbeat_date = ?2 WHERE id = ?1`).bind(jobId, now)
  )
  return statements
}

/** Failed rows of an import after `afterPosition`, in file order, with their data and problems. */
export async function selectRejectedRows(
  db: D1Database,
  jobId: string,
  afterPosition: number,
  limit: number,
  succeeded: readonly string[]
): Promise<{ position: number; outcome: string; data: string | null; detail: string | null }[]> {
  const { results } = await db
    .prepare(
      `SELECT position, outcome, data, detail FROM bulk_job_items
       WHERE job_id = ?1 AND position > ?2 AND outcome IS NOT NULL
         AND outcome NOT IN (SELECT value FROM json_each(?4))
       ORDER BY position LIMIT ?3`
    )
    .bind(jobId, afterPosition, limit, JSON.stringify(succeeded))
    .all<{ position: number; outcome: string; data: string | null; detail: string | null }>()
  return results
}
