/**
 * @module
 * Writing whole contacts (create, update, merge, delete) as atomic D1 batches. A contact row
 * carries the id of the write that last changed it (`write_id`); every statement after the first
 * acts only when that write happened, so a stale revision or a duplicate found by the first
 * statement leaves the batch without effect. The outbox rows for webhooks go in the same batch.
 */
import { newId } from '../../shared/ids.ts'
import type { Contact } from '../../shared/contact.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { CONTACT_FQDN } from '../../shared/webhook-events.ts'

export type ContactEventSlug = 'created' | 'updated' | 'deleted' | 'merged'

export interface DuplicateKeys {
  emailNorms: string[]
  e164Phones: string[]
}

export interface WriteContactOptions {
  writeId: string
  /** For an update: the revision the caller read; the write happens only if it is still current. */
  expectedRevision?: number
  /** When set, the write happens only if no other contact has one of these keys. */
  duplicates?: DuplicateKeys
  originatedFrom?: string
  /** The primary email changed: its subscription and deliverability start over (they belong to an address). */
  resetSubscription?: boolean
  /** For a merge: the write happens only if each source still has the revision it was read at. */
  sources?: { id: string; revision: number }[]
}

/** The duplicate keys of a contact, Wix style: its emails, or its phones when it has no email. */
export function duplicateKeysOf(contact: Contact): DuplicateKeys {
  const emails = (contact.info.emails?.items ?? []).map((e) => normalizeEmail(e.email))
  const phones = emails.length
    ? []
    : (contact.info.phones?.items ?? []).flatMap((p) => (p.e164Phone ? [p.e164Phone] : []))
  return { emailNorms: emails, e164Phones: phones }
}

/** SQL that holds when another contact than ?1 has one of the keys, the key list bound as ?n. */
function duplicateCondition(
  keys: DuplicateKeys | undefined,
  n: number
): { sql: string; params: unknown[] } {
  if (keys?.emailNorms.length) {
    return {
      sql: `EXISTS (SELECT 1 FROM contact_emails WHERE email_norm IN (SELECT value FROM json_each(?${n})) AND contact_id <> ?1)`,
      params: [JSON.stringify(keys.emailNorms)],
    }
  }
  if (keys?.e164Phones.length) {
    return {
      sql: `EXISTS (SELECT 1 FROM contact_phones WHERE e164_phone IN (SELECT value FROM json_each(?${n})) AND contact_id <> ?1)`,
      params: [JSON.stringify(keys.e164Phones)],
    }
  }
  return { sql: '0', params: [] }
}

/** Holds when the contact ?1 was changed by the write ?2 (the first statement of the batch). */
const WRITTEN = `EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND write_id = ?2)`

/**
 * Statements that create (no `expectedRevision`) or update the contact, replacing its emails,
 * phones, addresses, labels and extended values. The first statement's `meta.changes` is 1 when
 * the write happened.
 */
export function writeContactStatements(
  db: D1Database,
  contact: Contact,
  opts: WriteContactOptions
): D1PreparedStatement[] {
  const { id, info } = contact
  const columns = [
    info.name?.first ?? null,
    info.name?.last ?? null,
    info.company ?? null,
    info.jobTitle ?? null,
    info.birthdate ?? null,
    info.locale ?? null,
    contact.updatedDate,
    contact.lastActivity.activityDate,
    contact.lastActivity.activityType,
  ]
  const creating = opts.expectedRevision === undefined
  let first: D1PreparedStatement
  if (creating) {
    const dup = duplicateCondition(opts.duplicates, 14)
    first = db
      .prepare(
        `INSERT INTO contacts (id, write_id, revision, source_type, created_date, first_name, last_name, company,
           job_title, birthdate, locale, updated_date, last_activity_date, last_activity_type)
         SELECT ?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13 WHERE NOT ${dup.sql}`
      )
      .bind(
        id,
        opts.writeId,
        contact.source.sourceType,
        contact.createdDate,
        ...columns,
        ...dup.params
      )
  } else {
    const dup = duplicateCondition(opts.duplicates, 15)
    // ?14: the merge sources with the revisions they were read at, all still so.
    const sourcesUnchanged = `(SELECT COUNT(*) FROM contacts s JOIN json_each(?14) j
        ON s.id = json_extract(j.value, '$.id') AND s.revision = json_extract(j.value, '$.revision')) = json_array_length(?14)`
    first = db
      .prepare(
        `UPDATE contacts SET write_id = ?2, revision = revision + 1, first_name = ?3, last_name = ?4, company = ?5,
           job_title = ?6, birthdate = ?7, locale = ?8, updated_date = ?9, last_activity_date = ?10,
           last_activity_type = ?11,
           subscription_status = CASE WHEN ?13 THEN 'NOT_SET' ELSE subscription_status END,
           deliverability_status = CASE WHEN ?13 THEN 'NOT_SET' ELSE deliverability_status END
         WHERE id = ?1 AND revision = ?12 AND ${sourcesUnchanged} AND NOT ${dup.sql}`
      )
      .bind(
        id,
        opts.writeId,
        ...columns,
        opts.expectedRevision,
        opts.resetSubscription ? 1 : 0,
        JSON.stringify(opts.sources ?? []),
        ...dup.params
      )
  }

  const emails = (info.emails?.items ?? []).map((e, i) => ({
    id: e.id,
    position: i,
    tag: e.tag,
    email: e.email,
    norm: normalizeEmail(e.email),
    primary: e.primary ? 1 : 0,
  }))
  const phones = (info.phones?.items ?? []).map((p, i) => ({
    id: p.id,
    position: i,
    tag: p.tag,
    phone: p.phone,
    countryCode: p.countryCode ?? null,
    e164: p.e164Phone ?? null,
    primary: p.primary ? 1 : 0,
  }))
  const addresses = (info.addresses?.items ?? []).map((a, i) => ({
    id: a.id,
    position: i,
    tag: a.tag,
    address: JSON.stringify(a.address),
  }))
  const values = Object.entries(info.extendedFields?.items ?? {}).map(([key, value]) => ({
    key,
    value: JSON.stringify(value),
  }))
  const w = [id, opts.writeId] as const
  const item = (path: string) => `json_extract(value, '$.${path}')`
  return [
    first,
    ...(creating
      ? []
      : (
          [
            'contact_emails',
            'contact_phones',
            'contact_addresses',
            'contact_labels',
            'contact_extended_values',
          ] as const
        ).map((table) =>
          db.prepare(`DELETE FROM ${table} WHERE contact_id = ?1 AND ${WRITTEN}`).bind(...w)
        )),
    db
      .prepare(
        `INSERT INTO contact_emails (id, contact_id, position, tag, email, email_norm, is_primary)
         SELECT ${item('id')}, ?1, ${item('position')}, ${item('tag')}, ${item('email')}, ${item('norm')}, ${item('primary')}
         FROM json_each(?3) WHERE ${WRITTEN}`
      )
      .bind(...w, JSON.stringify(emails)),
    db
      .prepare(
        `INSERT INTO contact_phones (id, contact_id, position, tag, phone, country_code, e164_phone, is_primary)
         SELECT ${item('id')}, ?1, ${item('position')}, ${item('tag')}, ${item('phone')}, ${item('countryCode')},
           ${item('e164')}, ${item('primary')}
         FROM json_each(?3) WHERE ${WRITTEN}`
      )
      .bind(...w, JSON.stringify(phones)),
    db
      .prepare(
        `INSERT INTO contact_addresses (id, contact_id, position, tag, address)
         SELECT ${item('id')}, ?1, ${item('position')}, ${item('tag')}, ${item('address')}
         FROM json_each(?3) WHERE ${WRITTEN}`
      )
      .bind(...w, JSON.stringify(addresses)),
    db
      .prepare(
        `INSERT INTO contact_labels (contact_id, label_key)
         SELECT DISTINCT ?1, value FROM json_each(?3) WHERE ${WRITTEN}`
      )
      .bind(...w, JSON.stringify(info.labelKeys?.items ?? [])),
    db
      .prepare(
        `INSERT INTO contact_extended_values (contact_id, field_key, value)
         SELECT ?1, ${item('key')}, ${item('value')} FROM json_each(?3) WHERE ${WRITTEN}`
      )
      .bind(...w, JSON.stringify(values)),
    outboxStatement(db, {
      slug: creating ? 'created' : 'updated',
      entityId: id,
      when: { writtenContact: id, writeId: opts.writeId },
      body: opts.originatedFrom ? { originatedFrom: opts.originatedFrom } : {},
      now: contact.updatedDate,
    }),
  ]
}

export interface OutboxEvent {
  slug: ContactEventSlug
  entityId: string
  body: Record<string, unknown>
  now: string
  /** Only when this write happened, or only while this contact exists; otherwise unconditionally. */
  when?: { writtenContact: string; writeId: string } | { existingContact: string }
}

/** One outbox row (event metadata and ids only; no contact data). */
export function outboxStatement(db: D1Database, event: OutboxEvent): D1PreparedStatement {
  const values = [
    newId(),
    `${CONTACT_FQDN}_${event.slug}`,
    CONTACT_FQDN,
    event.slug,
    event.entityId,
    JSON.stringify(event.body),
    event.now,
  ]
  const insert = `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
    SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7`
  if (!event.when) return db.prepare(insert).bind(...values)
  if ('existingContact' in event.when) {
    return db
      .prepare(`${insert} WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ?8)`)
      .bind(...values, event.when.existingContact)
  }
  return db
    .prepare(`${insert} WHERE EXISTS (SELECT 1 FROM contacts WHERE id = ?8 AND write_id = ?9)`)
    .bind(...values, event.when.writtenContact, event.when.writeId)
}

/**
 * Deletes a contact and everything that holds its personal data: emails, phones, addresses,
 * label links and extended values (by cascade), and the values and page context of its
 * submissions (the consent record and the answer stay, holding no personal data).
 */
export function deleteContactStatements(
  db: D1Database,
  id: string,
  now: string,
  originatedFrom?: string
): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE submissions SET submitted_values = '{"erased":true}', context = '{}', email_key = NULL,
           address_key = NULL
         WHERE contact_id = ?`
      )
      .bind(id),
    db.prepare(`DELETE FROM contact_aliases WHERE target_id = ?`).bind(id),
    // Only when the contact is still there: two concurrent deletes make one event.
    outboxStatement(db, {
      slug: 'deleted',
      entityId: id,
      body: originatedFrom ? { originatedFrom } : {},
      now,
      when: { existingContact: id },
    }),
    db.prepare(`DELETE FROM contacts WHERE id = ?`).bind(id),
  ]
}

/** Another contact than `contactId` holding one of the keys, and the email or phone it matched on. */
export async function selectDuplicateOwner(
  db: D1Database,
  contactId: string,
  keys: DuplicateKeys
): Promise<{ contact_id: string; matched: string } | undefined> {
  const [table, key, shown] = keys.emailNorms.length
    ? ['contact_emails', 'email_norm', 'email']
    : ['contact_phones', 'e164_phone', 'phone']
  const row = await db
    .prepare(
      `SELECT contact_id, ${shown} AS matched FROM ${table}
       WHERE ${key} IN (SELECT value FROM json_each(?)) AND contact_id <> ? LIMIT 1`
    )
    .bind(JSON.stringify(keys.emailNorms.length ? keys.emailNorms : keys.e164Phones), contactId)
    .first<{ contact_id: string; matched: string }>()
  return row ?? undefined
}

export interface MergeWrite {
  /** The target as merged, written with `writeId` if it still has `targetRevision`. */
  target: Contact
  targetRevision: number
  sources: { id: string; revision: number }[]
  writeId: string
  now: string
}

/**
 * A merge as one batch: the target written, then, only if that write happened, each source's
 * submissions and aliases moved to the target, an alias kept for its id, and the source deleted;
 * `merged` and `deleted` events with them. The first statement's `meta.changes` is 1 when it happened.
 */
export function mergeStatements(db: D1Database, merge: MergeWrite): D1PreparedStatement[] {
  const { target, writeId, now } = merge
  const written = `EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND write_id = ?2)`
  const onTarget = [target.id, writeId] as const
  const when = { writtenContact: target.id, writeId }
  const statements = [
    ...writeContactStatements(db, target, {
      writeId,
      expectedRevision: merge.targetRevision,
      originatedFrom: 'merge',
      sources: merge.sources,
    }),
    outboxStatement(db, {
      slug: 'merged',
      entityId: target.id,
      body: { targetContactId: target.id, sourceContactIds: merge.sources.map((s) => s.id) },
      now,
      when,
    }),
  ]
  for (const source of merge.sources) {
    statements.push(
      db
        .prepare(`UPDATE submissions SET contact_id = ?1 WHERE contact_id = ?3 AND ${written}`)
        .bind(...onTarget, source.id),
      db
        .prepare(`UPDATE contact_aliases SET target_id = ?1 WHERE target_id = ?3 AND ${written}`)
        .bind(...onTarget, source.id),
      db
        .prepare(
          `INSERT INTO contact_aliases (source_id, target_id, merged_date) SELECT ?3, ?1, ?4 WHERE ${written}`
        )
        .bind(...onTarget, source.id, now),
      outboxStatement(db, {
        slug: 'deleted',
        entityId: source.id,
        body: { originatedFrom: 'merge' },
        now,
        when,
      }),
      db.prepare(`DELETE FROM contacts WHERE id = ?3 AND ${written}`).bind(...onTarget, source.id)
    )
  }
  return statements
}
