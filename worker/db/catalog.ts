/**
 * @module
 * Labels and extended-field definitions, looked up by display name to find or create them with
 * Wix's keys (`custom.<slug>`).
 */
import { customKey } from '../../shared/slug.ts'
import type { ExtendedFieldDataType } from '../../shared/forms.ts'

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
    out.set(name, { key, displayName: name })
  }
  return out
}

function keyCandidates(displayName: string): string[] {
  const base = customKey(displayName)
  return [base, ...Array.from({ length: KEY_CANDIDATES - 1 }, (_, i) => `${base}-${i + 2}`)]
}
