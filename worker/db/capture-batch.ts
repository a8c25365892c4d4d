/**
 * @module
 * One submission's contact change as a single atomic D1 batch: find the duplicate, update it or
 * create the contact, add email and phone, labels and extended-field values.
 *
 * D1 has no interactive transactions, but a batch is one SQL transaction and each database runs
 * one statement at a time. So the duplicate check and the insert that depends on it sit in the
 * same batch, and every statement finds its contact through the submission row, never through a
 * value read earlier: 20 concurrent submissions for one address end in one contact.
 */
import { newId } from '../../shared/ids.ts'
import type { CatalogEntry } from './catalog-lookup.ts'
import { CUSTOM_NAMESPACE } from './catalog-lookup.ts'
import { CONTACT_FQDN } from '../../shared/webhook-events.ts'

/** What a submission changes on its contact: its duplicate key, the fields it fills, the policy. */
export interface ContactChange {
  /** The email as typed (trimmed, NFC) and its duplicate key. */
  email?: { email: string; norm: string }
  phone?: { phone: string; e164Phone: string; countryCode?: string }
  firstName?: string
  lastName?: string
  company?: string
  jobTitle?: string
  onDuplicate: 'append' | 'overwrite'
}

/**
 * The contact a submission is recorded with when its contact change is in the same batch: the
 * duplicate found by this key (email first; phone only when there is no email), else a new
 * contact with the attempt's id. See insertSubmission.
 */
export interface ContactPin {
  attemptId: string
  emailNorm: string | null
  e164Phone: string | null
}

export function pinOf(attemptId: string, change: ContactChange): ContactPin {
  return {
    attemptId,
    emailNorm: change.email?.norm ?? null,
    e164Phone: change.email ? null : (change.phone?.e164Phone ?? null),
  }
}

/**
 * The duplicate contact for an email key, else (with no email) a phone key, given as SQL
 * parameters; oldest first when the admin API allowed several.
 */
export function duplicateContactSql(emailNorm: string, e164Phone: string): string {
  return `COALESCE(
    (SELECT e.contact_id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
      WHERE e.email_norm = ${emailNorm} ORDER BY c.created_date, c.id LIMIT 1),
    (SELECT p.contact_id FROM contact_phones p JOIN contacts c ON c.id = p.contact_id
      WHERE ${emailNorm} IS NULL AND p.e164_phone = ${e164Phone} ORDER BY c.created_date, c.id LIMIT 1))`
}

export interface CaptureBatchInput {
  submissionId: string
  /** The id a new contact gets; also marks this attempt, so a replayed batch changes nothing. */
  attemptId: string
  /**
   * The submission was inserted in this batch already pinned to its contact, with the contact's
   * event (insertSubmission and submissionEvents with a ContactPin): only the contact's own
   * statements are left.
   */
  pinnedAtInsert?: boolean
  now: string
  change: ContactChange
  labels: CatalogEntry[]
  /** Each value kept (`append`) or replaced (`overwrite`) where the contact has one already. */
  extendedFields: (CatalogEntry & { value: string | number; onDuplicate: 'append' | 'overwrite' })[]
}

/** The statements, in order. Run them with `db.batch()`. */
export function captureStatements(db: D1Database, input: CaptureBatchInput): D1PreparedStatement[] {
  const { submissionId, attemptId, now, change } = input
  // The contact this attempt works on, as pinned by the first statement.
  const TARGET = `(SELECT contact_id FROM submissions WHERE id = ?1 AND attempt_id = ?2)`
  const ids = [submissionId, attemptId] as const
  const statements: D1PreparedStatement[] = []

  // 1. Pin the duplicate (email first; phone only when there is no email), else the new id.
  if (!input.pinnedAtInsert) {
    const pin = pinOf(attemptId, change)
    statements.push(
      db
        .prepare(
          `UPDATE submissions SET attempt_id = ?2, status = 'processed', processed_date = ?3,
             attempts = attempts + 1, last_error = NULL,
             contact_id = COALESCE(${duplicateContactSql('?4', '?5')}, ?2)
           WHERE id = ?1 AND status = 'pending'`
        )
        .bind(...ids, now, pin.emailNorm, pin.e164Phone)
    )
  }

  // 2. Create the contact when the pin is the new id, else update the duplicate (one upsert):
  // append fills its empty fields only, overwrite replaces the fields given; others stay.
  const given = (
    [
      ['first_name', change.firstName],
      ['last_name', change.lastName],
      ['company', change.company],
      ['job_title', change.jobTitle],
    ] as const
  ).filter(([, value]) => value !== undefined && value !== null)
  const update = given.map(([column]) =>
    change.onDuplicate === 'overwrite'
      ? `, ${column} = excluded.${column}`
      : `, ${column} = COALESCE(${column}, excluded.${column})`
  )
  statements.push(
    db
      .prepare(
        `INSERT INTO contacts (id, revision, source_type, created_date, updated_date, last_activity_date,
           last_activity_type, first_name, last_name, company, job_title)
         SELECT t.id, 1, 'OTHER', ?3, ?3, ?3, 'FORM_SUBMITTED', ?4, ?5, ?6, ?7
         FROM (SELECT ${TARGET} AS id) t WHERE t.id IS NOT NULL
         ON CONFLICT (id) DO UPDATE SET revision = revision + 1, updated_date = excluded.updated_date,
           last_activity_date = excluded.last_activity_date, last_activity_type = 'FORM_SUBMITTED'${update.join('')}`
      )
      .bind(
        ...ids,
        now,
        ...[change.firstName, change.lastName, change.company, change.jobTitle].map(
          (v) => v ?? null
        )
      )
  )

  // 3. The email, unless the contact has it already; primary only when it is the first.
  if (change.email) {
    statements.push(
      db
        .prepare(
          `INSERT INTO contact_emails (id, contact_id, position, tag, email, email_norm, is_primary)
           SELECT ?3, t.id, (SELECT COUNT(*) FROM contact_emails WHERE contact_id = t.id),
             'UNTAGGED', ?4, ?5, NOT EXISTS (SELECT 1 FROM contact_emails WHERE contact_id = t.id)
           FROM (SELECT ${TARGET} AS id) t
           WHERE t.id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM contact_emails WHERE contact_id = t.id AND email_norm = ?5)`
        )
        .bind(...ids, newId(), change.email.email, change.email.norm)
    )
  }

  // 4. The phone, compared in E.164; added as non-primary under append, made primary under overwrite.
  if (change.phone) {
    const { phone, e164Phone, countryCode } = change.phone
    if (change.onDuplicate === 'overwrite') {
      statements.push(
        db
          .prepare(
            `UPDATE contact_phones SET is_primary = (e164_phone IS ?3) WHERE contact_id = ${TARGET}`
          )
          .bind(...ids, e164Phone)
      )
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO contact_phones (id, contact_id, position, tag, phone, country_code, e164_phone, is_primary)
           SELECT ?3, t.id, (SELECT COUNT(*) FROM contact_phones WHERE contact_id = t.id),
             'UNTAGGED', ?4, ?5, ?6,
             ?7 OR NOT EXISTS (SELECT 1 FROM contact_phones WHERE contact_id = t.id AND is_primary = 1)
           FROM (SELECT ${TARGET} AS id) t
           WHERE t.id IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM contact_phones WHERE contact_id = t.id AND e164_phone = ?6)`
        )
        .bind(
          ...ids,
          newId(),
          phone,
          countryCode ?? null,
          e164Phone,
          change.onDuplicate === 'overwrite' ? 1 : 0
        )
    )
  }

  // 5. Labels: create those new to the catalog (a clash on the name only is ignored: another
  // writer created it; a key taken meanwhile by another name fails the batch, and the retry picks
  // a free key), then add them all, found by name (never removed by a submission). A label that
  // is gone since it was looked up leaves a NULL key, which fails the batch: its retry creates it.
  const item = (path: string) => `json_extract(value, '$.${path}')`
  const named = (entries: CatalogEntry[]) =>
    JSON.stringify(entries.map((e) => ({ key: e.key, name: e.displayName })))
  const newLabels = input.labels.filter((l) => l.isNew)
  if (newLabels.length) {
    statements.push(
      db
        .prepare(
          `INSERT INTO labels (key, namespace, display_name, label_type, created_date, updated_date)
           SELECT ${item('key')}, ?1, ${item('name')}, 'USER_DEFINED', ?2, ?2 FROM json_each(?3)
           WHERE true ON CONFLICT (namespace, display_name) DO NOTHING`
        )
        .bind(CUSTOM_NAMESPACE, now, named(newLabels))
    )
  }
  if (input.labels.length) {
    statements.push(
      db
        .prepare(
          `INSERT INTO contact_labels (contact_id, label_key)
           SELECT ${TARGET}, (SELECT key FROM labels WHERE namespace = ?3 AND display_name = ${item('name')})
           FROM json_each(?4) WHERE ${TARGET} IS NOT NULL
           ON CONFLICT DO NOTHING`
        )
        .bind(...ids, CUSTOM_NAMESPACE, named(input.labels))
    )
  }

  // 6. Extended fields the same way (the stored type wins), then the values.
  const newFields = input.extendedFields.filter((f) => f.isNew)
  if (newFields.length) {
    const fields = JSON.stringify(
      newFields.map((f) => ({ key: f.key, name: f.displayName, type: f.dataType ?? 'TEXT' }))
    )
    statements.push(
      db
        .prepare(
          `INSERT INTO extended_fields (key, namespace, display_name, data_type, field_type, created_date, updated_date)
           SELECT ${item('key')}, ?1, ${item('name')}, ${item('type')}, 'USER_DEFINED', ?2, ?2 FROM json_each(?3)
           WHERE true ON CONFLICT (namespace, display_name) DO NOTHING`
        )
        .bind(CUSTOM_NAMESPACE, now, fields)
    )
  }
  // A value the contact has already is kept under append (the submission log holds the new one)
  // and replaced under overwrite.
  for (const [policy, onConflict] of [
    ['append', 'DO NOTHING'],
    ['overwrite', 'DO UPDATE SET value = excluded.value'],
  ] as const) {
    const given = input.extendedFields.filter((f) => f.onDuplicate === policy)
    if (!given.length) continue
    const values = JSON.stringify(
      given.map((f) => ({ name: f.displayName, value: JSON.stringify(f.value) }))
    )
    statements.push(
      db
        .prepare(
          `INSERT INTO contact_extended_values (contact_id, field_key, value)
           SELECT ${TARGET},
             (SELECT key FROM extended_fields WHERE namespace = ?3 AND display_name = ${item('name')}),
             ${item('value')}
           FROM json_each(?4) WHERE ${TARGET} IS NOT NULL
           ON CONFLICT (contact_id, field_key) ${onConflict}`
        )
        .bind(...ids, CUSTOM_NAMESPACE, values)
    )
  }

  // 7. The domain event for webhooks: created or updated, whichever happened.
  if (input.pinnedAtInsert) return statements
  statements.push(
    db
      .prepare(
        `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
         ${contactEventSelect('?1', '?2', '?3', '?4', '?5')}`
      )
      .bind(...ids, newId(), CONTACT_FQDN, now)
  )
  return statements
}

/**
 * The contact's webhook event as outbox columns: created or updated, whichever the attempt did;
 * no row when the attempt did not write the submission's contact. Arguments are SQL parameters.
 */
export function contactEventSelect(
  submissionId: string,
  attemptId: string,
  eventId: string,
  fqdn: string,
  now: string
): string {
  return `SELECT ${eventId}, ${fqdn} || '_' || slug, ${fqdn}, slug, contact_id, '{}', ${now}
    FROM (SELECT contact_id, CASE WHEN contact_id = attempt_id THEN 'created' ELSE 'updated' END AS slug
      FROM submissions WHERE id = ${submissionId} AND attempt_id = ${attemptId} AND contact_id IS NOT NULL)`
}
