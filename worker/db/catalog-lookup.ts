/**
 * @module
 * Labels and extended-field definitions, looked up by display name to find or create them with
 * Wix's keys (`custom.<slug>`).
 */
import { customKey } from '../../shared/slug.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'

export const CUSTOM_NAMESPACE = 'custom'

/** How many suffixed keys (`-2`, `-3`, …) are tried when another name already has the slug. */
const KEY_CANDIDATES = 5

export interface CatalogRow {
  key: string
  display_name: string
  data_type?: ExtendedFieldDataType
}

export interface CatalogEntry {
  key: string
  displayName: string
  /** For extended fields: the stored type, which wins over the configured one (as on Wix). */
  dataType?: ExtendedFieldDataType
  /** Not in the catalog when looked up: whoever writes with it creates it. */
  isNew?: true
}

export type CatalogTable = 'labels' | 'extended_fields'

/** Existing entries that have one of these display names, or one of the keys they would get. */
export function selectCatalog(
  db: D1Database,
  table: CatalogTable,
  displayNames: string[]
): D1PreparedStatement {
  const columns = table === 'labels' ? 'key, display_name' : 'key, display_name, data_type'
  return db
    .prepare(
      `SELECT ${columns} FROM ${table} WHERE namespace = ?1
         AND (display_name IN (SELECT value FROM json_each(?2)) OR key IN (SELECT value FROM json_each(?3)))`
    )
    .bind(
      CUSTOM_NAMESPACE,
      JSON.stringify(displayNames),
      JSON.stringify(displayNames.flatMap(keyCandidates))
    )
}

/**
 * The key for each display name: the existing entry's, else the first free `custom.<slug>` form.
 * Two names with one slug (`Demo request`, `demo request`) get distinct keys.
 */
export function resolveCatalog(
  displayNames: string[],
  rows: CatalogRow[]
): Map<string, CatalogEntry> {
  const byName = new Map(rows.map((r) => [r.display_name, r]))
  const taken = new Set(rows.map((r) => r.key))
  const out = new Map<string, CatalogEntry>()
  for (const name of displayNames) {
    if (out.has(name)) continue
    const existing = byName.get(name)
    if (existing) {
      out.set(name, {
        key: existing.key,
        displayName: name,
        ...(existing.data_type ? { dataType: existing.data_type } : {}),
      })
      continue
    }
    const key =
      keyCandidates(name).find((k) => !taken.has(k)) ??
      `${customKey(name)}-${crypto.randomUUID().slice(0, 8)}`
    taken.add(key)
    out.set(name, { key, displayName: name, isNew: true })
  }
  return out
}

function keyCandidates(displayName: string): string[] {
  const base = customKey(displayName)
  return [base, ...Array.from({ length: KEY_CANDIDATES - 1 }, (_, i) => `${base}-${i + 2}`)]
}

// Labels and fields known by display name, per isolate. A key never changes, so this can only be
// stale after a rename or a delete; then the capture batch fails, and its retry looks them up again.
const known = {
  labels: new Map<string, CatalogRow>(),
  extended_fields: new Map<string, CatalogRow>(),
}

/** The cached rows for these names, and the names still to look up. */
export function cachedCatalog(
  table: CatalogTable,
  displayNames: string[]
): { rows: CatalogRow[]; missing: string[] } {
  const rows: CatalogRow[] = []
  const missing: string[] = []
  for (const name of displayNames) {
    const row = known[table].get(name)
    if (row) rows.push(row)
    else missing.push(name)
  }
  return { rows, missing }
}

export function rememberCatalog(table: CatalogTable, rows: CatalogRow[]): void {
  for (const row of rows) known[table].set(row.display_name, row)
}

export function forgetCatalog(): void {
  known.labels.clear()
  known.extended_fields.clear()
}
