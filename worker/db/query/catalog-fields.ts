/**
 * @module
 * The fields of the Labels and Extended Fields queries: which can be filtered (with which
 * operators) and sorted, and the SQL for each against the table as `c`; the GET list's
 * query-string filters too.
 */
import type { CatalogKind } from '../catalog-entries.ts'
import { compileFilter, readInstant, scalar } from './compile.ts'
import type { FieldRule, Operator, SqlCondition } from './compile.ts'

const EQ: Operator[] = ['$eq', '$ne', '$in']
const NAME: Operator[] = ['$eq', '$ne', '$in', '$startsWith']
const RANGE: Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']
const common = {
  key: scalar('c.key', EQ),
  displayName: scalar('c.display_name', NAME),
  createdDate: scalar('c.created_date', RANGE, readInstant),
  updatedDate: scalar('c.updated_date', RANGE, readInstant),
  namespace: scalar('c.namespace', ['$eq', '$ne']),
}

const FILTERS: Record<CatalogKind, Record<string, FieldRule>> = {
  labels: { ...common, labelType: scalar('c.label_type', ['$eq']) },
  extended_fields: {
    ...common,
    fieldType: scalar('c.field_type', ['$eq']),
    dataType: scalar('c.data_type', ['$eq', '$ne']),
  },
}

/** The GET list's query-string filters (an exact match each), by parameter name. */
export const LIST_FILTERS = {
  labels: { labelType: 'c.label_type', namespace: 'c.namespace' },
  extended_fields: { fieldType: 'c.field_type', namespace: 'c.namespace' },
} as const satisfies Record<CatalogKind, Record<string, string>>

const SORTS: Record<string, string> = {
  displayName: 'c.display_name',
  createdDate: 'c.created_date',
  updatedDate: 'c.updated_date',
}

/** A query's filter in Wix's query language, as SQL; unknown fields and operators are refused. */
export function compileCatalogFilter(kind: CatalogKind, filter: unknown): SqlCondition {
  const rules = FILTERS[kind]
  return compileFilter(filter, (field) => (Object.hasOwn(rules, field) ? rules[field] : undefined))
}

/**
 * The GET list's filters: exact matches on the kind's list filters, and a display name starting
 * with `startsWith` (case-sensitive, as Wix documents for this parameter).
 */
export function catalogListCondition(
  kind: CatalogKind,
  params: Record<string, string | undefined>
): SqlCondition {
  const parts = Object.entries(LIST_FILTERS[kind]).flatMap(([name, column]) => {
    const value = params[name]
    return value === undefined ? [] : [{ sql: `${column} = ?`, params: [value] as unknown[] }]
  })
  const startsWith = params.startsWith
  if (startsWith)
    parts.push({
      sql: `substr(c.display_name, 1, ?) = ?`,
      params: [startsWith.length, startsWith],
    })
  return parts.length
    ? {
        sql: parts.map((p) => `(${p.sql})`).join(' AND '),
        params: parts.flatMap((p) => p.params),
      }
    : { sql: '1', params: [] }
}

/** ORDER BY for a sort field (the key breaks ties), or undefined when it cannot be sorted by. */
export function catalogOrderBy(fieldName: string, order: 'ASC' | 'DESC'): string | undefined {
  const column = Object.hasOwn(SORTS, fieldName) ? SORTS[fieldName] : undefined
  return column && `${column} ${order}, c.key ${order}`
}
