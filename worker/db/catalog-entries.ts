/**
 * @module
 * Labels and extended-field definitions for the admin API: read, query, find-or-create, rename,
 * delete. The two tables have the same shape; `CatalogKind` names what differs.
 */
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { CUSTOM_NAMESPACE, resolveCatalog, selectCatalog } from './catalog-lookup.ts'
import type { CatalogRow } from './catalog-lookup.ts'
import { bindable } from './query/compile.ts'
import type { SqlCondition } from './query/compile.ts'
import { CONTACT_FQDN } from '../../shared/webhook-events.ts'

export type CatalogKind = 'labels' | 'extended_fields'

export interface Row {
  key: string
  namespace: string
  display_name: string
  label_type?: string
  data_type?: ExtendedFieldDataType
  field_type?: string
  created_date: string
  updated_date: string
}

export interface Label {
  namespace: string
  namespaceDisplayName: string
  key: string
  displayName: string
  labelType: string
  createdDate: string
  updatedDate: string
}

export interface ExtendedField {
  namespace: string
  key: string
  displayName: string
  dataType: ExtendedFieldDataType
  fieldType: string
  createdDate: string
  updatedDate: string
}

const NAMESPACE_NAMES: Record<string, string> = {
  custom: 'Custom',
  contacts: 'Contacts',
  emailSubscriptions: 'Email subscriptions',
}

export function toLabel(row: Row): Label {
  return {
    namespace: row.namespace,
    namespaceDisplayName: NAMESPACE_NAMES[row.namespace] ?? row.namespace,
    key: row.key,
    displayName: row.display_name,
    labelType: row.label_type ?? 'USER_DEFINED',
    createdDate: row.created_date,
    updatedDate: row.updated_date,
  }
}

export function toExtendedField(row: Row): ExtendedField {
  return {
    namespace: row.namespace,
    key: row.key,
    displayName: row.display_name,
    dataType: row.data_type ?? 'TEXT',
    fieldType: row.field_type ?? 'USER_DEFINED',
    createdDate: row.created_date,
    updatedDate: row.updated_date,
  }
}

export async function getCatalogEntry(
  db: D1Database,
  kind: CatalogKind,
  key: string
): Promise<Row | undefined> {
  return (
    (await db.prepare(`SELECT * FROM ${kind} WHERE key = ?`).bind(key).first<Row>()) ?? undefined
  )
}

export async function queryCatalog(
  db: D1Database,
  kind: CatalogKind,
  where: SqlCondition,
  orderBy: string,
  limit: number,
  offset: number
): Promise<{ rows: Row[]; total: number }> {
  where = bindable(where, 2)
  const [page, count] = await db.batch([
    db
      .prepare(`SELECT * FROM ${kind} c WHERE ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
      .bind(...where.params, limit, offset),
    db.prepare(`SELECT COUNT(*) AS total FROM ${kind} c WHERE ${where.sql}`).bind(...where.params),
  ])
  return {
    rows: page!.results as unknown as Row[],
    total: Number((count!.results[0] as { total: number }).total),
  }
}

/**
 * Finds the custom entry with this exact display name, or creates it with a `custom.<slug>` key.
 * Safe under concurrency: the insert ignores a conflict and the entry is read back by name.
 */
export async function findOrCreate(
  db: D1Database,
  kind: CatalogKind,
  displayName: string,
  dataType: ExtendedFieldDataType = 'TEXT'
): Promise<{ row: Row; created: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const existing = await selectCatalog(db, kind, [displayName]).all<CatalogRow>()
    const entry = resolveCatalog([displayName], existing.results).get(displayName)!
    const now = new Date().toISOString()
    const insert =
      kind === 'labels'
        ? db
            .prepare(
              `INSERT INTO labels (key, namespace, display_name, label_type, created_date, updated_date)
               VALUES (?, ?, ?, 'USER_DEFINED', ?, ?) ON CONFLICT (namespace, display_name) DO NOTHING`
            )
            .bind(entry.key, CUSTOM_NAMESPACE, displayName, now, now)
        : db
            .prepare(
              `INSERT INTO extended_fields (key, namespace, display_name, data_type, field_type, created_date, updated_date)
               VALUES (?, ?, ?, ?, 'USER_DEFINED', ?, ?) ON CONFLICT (namespace, display_name) DO NOTHING`
            )
            .bind(entry.key, CUSTOM_NAMESPACE, displayName, dataType, now, now)
    try {
      const [inserted, read] = await db.batch([
        insert,
        db
          .prepare(`SELECT * FROM ${kind} WHERE namespace = ? AND display_name = ?`)
          .bind(CUSTOM_NAMESPACE, displayName),
      ])
      return { row: read!.results[0] as unknown as Row, created: (inserted!.meta.changes ?? 0) > 0 }
    } catch (err) {
      // Another name took the key between the lookup and the insert: look again, once.
      if (attempt > 0) throw err
    }
  }
}

/** Renames a custom entry (its key never changes); false when another entry has the name. */
export async function renameEntry(
  db: D1Database,
  kind: CatalogKind,
  key: string,
  displayName: string
): Promise<boolean> {
  const result = await db
    .prepare(
      `UPDATE ${kind} SET display_name = ?, updated_date = ? WHERE key = ?
         AND NOT EXISTS (SELECT 1 FROM ${kind} o WHERE o.namespace = ${kind}.namespace AND o.display_name = ? AND o.key <> ?)`
    )
    .bind(displayName, new Date().toISOString(), key, displayName, key)
    .run()
  return (result.meta.changes ?? 0) > 0
}

/**
 * Deletes an entry; its links to contacts (labels) or its values (fields) go with it. Each contact
 * that loses one is an update: its revision moves on and an `updated` event is written.
 */
export async function deleteEntry(db: D1Database, kind: CatalogKind, key: string): Promise<void> {
  const [links, column] =
    kind === 'labels' ? ['contact_labels', 'label_key'] : ['contact_extended_values', 'field_key']
  const now = new Date().toISOString()
  await db.batch([
    db
      .prepare(
        `INSERT INTO outbox (id, event_type, entity_fqdn, slug, entity_id, body, created_date)
         SELECT lower(hex(randomblob(16))), ?1, ?2, 'updated', contact_id, '{}', ?3 FROM ${links} WHERE ${column} = ?4`
      )
      .bind(`${CONTACT_FQDN}_updated`, CONTACT_FQDN, now, key),
    db
      .prepare(
        `UPDATE contacts SET revision = revision + 1, updated_date = ?1
         WHERE id IN (SELECT contact_id FROM ${links} WHERE ${column} = ?2)`
      )
      .bind(now, key),
    db.prepare(`DELETE FROM ${kind} WHERE key = ?`).bind(key),
  ])
}

/** The keys among these that exist, with their data type for extended fields. */
export async function existingKeys(
  db: D1Database,
  kind: CatalogKind,
  keys: string[]
): Promise<Map<string, Row>> {
  if (keys.length === 0) return new Map()
  const { results } = await db
    .prepare(`SELECT * FROM ${kind} WHERE key IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify(keys))
    .all<Row>()
  return new Map(results.map((r) => [r.key, r]))
}

/** The data type of every user-defined extended field, by key (for filters and sorts on them). */
export async function customFieldTypes(
  db: D1Database
): Promise<Map<string, ExtendedFieldDataType>> {
  const { results } = await db
    .prepare(`SELECT key, data_type FROM extended_fields WHERE namespace = 'custom'`)
    .all<{ key: string; data_type: ExtendedFieldDataType }>()
  return new Map(results.map((r) => [r.key, r.data_type]))
}
