/**
 * @module
 * Reads contacts and turns rows into the Wix v4 contact shape. A page of contacts and all their
 * emails, phones, addresses, labels and extended values come back in one round trip.
 */
import type { Contact, ContactEmail, ContactPhone } from '../../shared/contact.ts'
import { bindable } from './query/compile.ts'
import type { SqlCondition } from './query/compile.ts'
import { withDerivedFields } from '../../shared/contact.ts'

interface ContactRow {
  id: string
  revision: number
  source_type: string
  created_date: string
  updated_date: string
  last_activity_date: string
  last_activity_type: string
  first_name: string | null
  last_name: string | null
  company: string | null
  job_title: string | null
  birthdate: string | null
  locale: string | null
  subscription_status: string
  deliverability_status: string
}

interface EmailRow {
  id: string
  contact_id: string
  tag: ContactEmail['tag']
  email: string
  is_primary: number
}

interface PhoneRow {
  id: string
  contact_id: string
  tag: ContactPhone['tag']
  phone: string
  country_code: string | null
  e164_phone: string | null
  is_primary: number
}

interface AddressRow {
  id: string
  contact_id: string
  tag: string
  address: string
}

interface LabelRow {
  contact_id: string
  label_key: string
}

interface ValueRow {
  contact_id: string
  field_key: string
  value: string
}

export interface ContactPage {
  contacts: Contact[]
  total: number
}

/** Totals of recent queries, per isolate (see selectContacts). */
const totals = new Map<string, { total: number; until: number }>()
const TOTAL_TTL_MS = 10_000

export interface ContactSelection {
  where: SqlCondition
  orderBy: string
  limit: number
  offset: number
}

/** The contact a merged-away id now lives on, if any. */
export async function resolveAlias(db: D1Database, id: string): Promise<string | undefined> {
  const row = await db
    .prepare('SELECT target_id FROM contact_aliases WHERE source_id = ?')
    .bind(id)
    .first<{ target_id: string }>()
  return row?.target_id
}

/** Contacts by id, in no particular order. */
export async function getContacts(db: D1Database, ids: string[]): Promise<Contact[]> {
  const { contacts } = await selectContacts(
    db,
    {
      where: { sql: 'c.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(ids)] },
      orderBy: 'c.id',
      limit: ids.length,
      offset: 0,
    },
    false
  )
  return contacts
}

/** One contact by id, or undefined. */
export async function getContact(db: D1Database, id: string): Promise<Contact | undefined> {
  const { contacts } = await selectContacts(
    db,
    {
      where: { sql: 'c.id = ?', params: [id] },
      orderBy: 'c.id',
      limit: 1,
      offset: 0,
    },
    false
  )
  return contacts[0]
}

/**
 * The ids of one page of contacts: the query every read of contacts is built on. SQLite finds a
 * page of `c.id IN (contacts with label X)` by looking every such contact up and sorting them:
 * quick for a few, slow for 100,000. With `many`, each contact is tested for the label instead,
 * so it walks the sort's own index and stops when the page is full.
 */
export function pageQuery(sel: ContactSelection, many = false): { sql: string; params: unknown[] } {
  const where = many ? labelsTestedPerContact(sel.where.sql) : sel.where.sql
  return {
    sql: `SELECT c.id FROM contacts c WHERE ${where} ORDER BY ${sel.orderBy} LIMIT ? OFFSET ?`,
    params: [...sel.where.params, sel.limit, sel.offset],
  }
}

/** A label condition as the compiler writes it (worker/db/query/contact-fields.ts, keySet). */
const LABEL_LOOKUP = /c\.id IN \(SELECT contact_id FROM contact_labels WHERE \(/g
/** The same condition tested per contact, through the (label_key, contact_id) index. */
function labelsTestedPerContact(sql: string): string {
  return sql.replace(
    LABEL_LOOKUP,
    'EXISTS (SELECT 1 FROM contact_labels WHERE contact_id = c.id AND ('
  )
}
/** From this many matches on, a page tests each contact for its labels (see pageQuery). */
const MANY_MATCHES = 1000

/**
 * A page of contacts matching `where`, with the total count when asked. Two round trips: the page
 * (walked once, however deep the offset), then its emails, phones, addresses, labels and values by
 * id; a third first, to count up to MANY_MATCHES, when the condition names labels. A query's total, counted on its first page, is reused by the next pages for a few seconds,
 * so paging through an export counts once instead of once a page.
 */
export async function selectContacts(
  db: D1Database,
  sel: ContactSelection,
  withTotal = true
): Promise<ContactPage> {
  sel = { ...sel, where: bindable(sel.where, 2) }
  const countKey = JSON.stringify([sel.where.sql, sel.where.params])
  // The first page always counts; the pages after it reuse that count for a few seconds.
  let cachedTotal = withTotal && sel.offset > 0 ? totals.get(countKey) : undefined
  if (cachedTotal && cachedTotal.until <= Date.now()) cachedTotal = undefined
  let many = cachedTotal ? cachedTotal.total >= MANY_MATCHES : false
  if (withTotal && !cachedTotal && sel.where.sql.search(LABEL_LOOKUP) >= 0) {
    // How the page is best found depends on how many match: counted up to MANY_MATCHES, which
    // is also the total when fewer match. Counted per contact: a lookup would first gather every
    // contact with the label, however many. At worst (a rare label) this reads each contact once.
    const probe = await db
      .prepare(
        `SELECT COUNT(*) AS n FROM (SELECT 1 FROM contacts c WHERE ${labelsTestedPerContact(sel.where.sql)} LIMIT ${MANY_MATCHES})`
      )
      .bind(...sel.where.params)
      .first<{ n: number }>()
    many = probe!.n >= MANY_MATCHES
    if (!many) {
      cachedTotal = { total: probe!.n, until: Date.now() + TOTAL_TTL_MS }
      totals.set(countKey, cachedTotal)
    }
  }
  const { sql: page, params: pageParams } = pageQuery(sel, many)
  const needCount = withTotal && !cachedTotal
  const [rowsResult, totalResult] = await db.batch([
    db.prepare(page.replace('SELECT c.id FROM', 'SELECT c.* FROM')).bind(...pageParams),
    ...(needCount
      ? [
          db
            .prepare(
              `SELECT COUNT(*) AS total FROM contacts c WHERE ${many ? labelsTestedPerContact(sel.where.sql) : sel.where.sql}`
            )
            .bind(...sel.where.params),
        ]
      : []),
  ])
  const contactRows = rowsResult!.results as unknown as ContactRow[]
  let total = cachedTotal?.total ?? contactRows.length
  if (totalResult) {
    total = Number((totalResult.results[0] as { total: number }).total)
    totals.set(countKey, { total, until: Date.now() + TOTAL_TTL_MS })
    if (totals.size > 1000) totals.clear()
  }
  if (contactRows.length === 0) return { contacts: [], total }
  const ids = JSON.stringify(contactRows.map((r) => r.id))
  const children = (table: string, columns: string, order: string) =>
    db
      .prepare(
        `SELECT ${columns} FROM ${table} WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, ${order}`
      )
      .bind(ids)
  const [emails, phones, addresses, labels, values] = await db.batch([
    children('contact_emails', 'id, contact_id, tag, email, is_primary', 'position'),
    children(
      'contact_phones',
      'id, contact_id, tag, phone, country_code, e164_phone, is_primary',
      'position'
    ),
    children('contact_addresses', 'id, contact_id, tag, address', 'position'),
    children('contact_labels', 'contact_id, label_key', 'label_key'),
    children('contact_extended_values', 'contact_id, field_key, value', 'field_key'),
  ])
  const by = <T extends { contact_id: string }>(list: T[]) => {
    const map = new Map<string, T[]>()
    for (const item of list) map.set(item.contact_id, [...(map.get(item.contact_id) ?? []), item])
    return map
  }
  const emailsBy = by(emails!.results as unknown as EmailRow[])
  const phonesBy = by(phones!.results as unknown as PhoneRow[])
  const addressesBy = by(addresses!.results as unknown as AddressRow[])
  const labelsBy = by(labels!.results as unknown as LabelRow[])
  const valuesBy = by(values!.results as unknown as ValueRow[])
  const contacts = contactRows.map((row) =>
    toContact(row, {
      emails: emailsBy.get(row.id) ?? [],
      phones: phonesBy.get(row.id) ?? [],
      addresses: addressesBy.get(row.id) ?? [],
      labels: labelsBy.get(row.id) ?? [],
      values: valuesBy.get(row.id) ?? [],
    })
  )
  return {
    contacts,
    total,
  }
}

function toContact(
  row: ContactRow,
  related: {
    emails: EmailRow[]
    phones: PhoneRow[]
    addresses: AddressRow[]
    labels: LabelRow[]
    values: ValueRow[]
  }
): Contact {
  const emails: ContactEmail[] = related.emails.map((e) => ({
    id: e.id,
    tag: e.tag,
    email: e.email,
    primary: e.is_primary === 1,
  }))
  const phones: ContactPhone[] = related.phones.map((p) => ({
    id: p.id,
    tag: p.tag,
    ...(p.country_code ? { countryCode: p.country_code } : {}),
    phone: p.phone,
    ...(p.e164_phone ? { e164Phone: p.e164_phone } : {}),
    primary: p.is_primary === 1,
  }))
  const name = {
    ...(row.first_name !== null ? { first: row.first_name } : {}),
    ...(row.last_name !== null ? { last: row.last_name } : {}),
  }
  return withDerivedFields({
    id: row.id,
    revision: row.revision,
    source: { sourceType: row.source_type },
    createdDate: row.created_date,
    updatedDate: row.updated_date,
    lastActivity: { activityDate: row.last_activity_date, activityType: row.last_activity_type },
    primaryInfo: {},
    // The stored statuses; withDerivedFields keeps them on the primary email, if there is one.
    primaryEmail: {
      email: '',
      subscriptionStatus: row.subscription_status,
      deliverabilityStatus: row.deliverability_status,
    },
    info: {
      ...(Object.keys(name).length ? { name } : {}),
      emails: { items: emails },
      phones: { items: phones },
      addresses: {
        items: related.addresses.map((a) => ({
          id: a.id,
          tag: a.tag as 'UNTAGGED',
          address: JSON.parse(a.address),
        })),
      },
      ...(row.company !== null ? { company: row.company } : {}),
      ...(row.job_title !== null ? { jobTitle: row.job_title } : {}),
      ...(row.birthdate !== null ? { birthdate: row.birthdate } : {}),
      ...(row.locale !== null ? { locale: row.locale } : {}),
      labelKeys: { items: related.labels.map((l) => l.label_key) },
      extendedFields: {
        items: Object.fromEntries(
          related.values.map((v) => [v.field_key, JSON.parse(v.value) as string | number])
        ),
      },
    },
  })
}
