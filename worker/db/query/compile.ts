/**
 * @module
 * The Wix API Query Language, compiled to parameterised SQL. Each resource lists its fields as
 * rules (an allowlist of operators and how each becomes SQL); anything else is refused with the
 * matching `UNSUPPORTED_FILTER_*` error. Values are always bound, never spliced into the SQL.
 *
 * Semantics shared by every resource:
 * - a bare value means `$eq`; several operators on one field must all hold;
 * - `$ne` and `$nin` also match a missing value; `$eq`, `$in`, ranges and `$startsWith` never do;
 * - `$startsWith` ignores case (ASCII), as Wix documents;
 * - on a list (emails, phones, addresses), `$eq`/`$in`/`$startsWith`/`$exists: true` hold when
 *   some item matches, `$ne`/`$exists: false` when none does.
 */
import { applicationError } from '../../../shared/api-error.ts'

export interface SqlCondition {
  sql: string
  params: unknown[]
}

export type Operator =
  | '$eq'
  | '$ne'
  | '$in'
  | '$nin'
  | '$gt'
  | '$gte'
  | '$lt'
  | '$lte'
  | '$hasSome'
  | '$hasAll'
  | '$exists'
  | '$startsWith'

export interface FieldRule {
  operators: readonly Operator[]
  compile(op: Operator, value: unknown): SqlCondition
}

const COMPARE: Partial<Record<Operator, string>> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }

/** Compiles `filter` with the rules `resolve` gives for each field name. `{}` means everything. */
export function compileFilter(
  filter: unknown,
  resolve: (field: string) => FieldRule | undefined
): SqlCondition {
  return compileLevel(filter, resolve, 0, { conditions: 0 })
}

/** Limits that keep a filter far below SQLite's expression-depth and size limits. */
const MAX_DEPTH = 6
const MAX_CONDITIONS = 100

function compileLevel(
  filter: unknown,
  resolve: (field: string) => FieldRule | undefined,
  depth: number,
  budget: { conditions: number }
): SqlCondition {
  if (depth > MAX_DEPTH)
    throw filterError('MALFORMED_FILTER', `Filters nest at most ${MAX_DEPTH} levels deep.`)
  if (filter === undefined || filter === null) return TRUE
  if (!isPlainObject(filter)) throw filterError('MALFORMED_FILTER', 'A filter is an object.')
  // An empty sub-filter costs nothing to write but still becomes SQL: it counts as a condition.
  if (depth > 0 && Object.keys(filter).length === 0) countCondition(budget)
  const parts: SqlCondition[] = []
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0 || value.length > 50) {
        throw filterError('MALFORMED_FILTER', `${key} takes a list of 1 to 50 filters.`)
      }
      parts.push(
        join(
          value.map((f) => compileLevel(f, resolve, depth + 1, budget)),
          key === '$and' ? ' AND ' : ' OR '
        )
      )
    } else if (key === '$not') {
      if (!isPlainObject(value))
        throw filterError('MALFORMED_FILTER', '$not takes a filter object.')
      const inner = compileLevel(value, resolve, depth + 1, budget)
      parts.push({ sql: `NOT (${inner.sql})`, params: inner.params })
    } else if (key.startsWith('$')) {
      throw filterError('MALFORMED_FILTER', `${key} is not a logical operator ($and, $or, $not).`)
    } else {
      countCondition(budget)
      parts.push(compileField(key, value, resolve(key)))
    }
  }
  return parts.length ? join(parts, ' AND ') : TRUE
}

function countCondition(budget: { conditions: number }): void {
  if (++budget.conditions > MAX_CONDITIONS)
    throw filterError('MALFORMED_FILTER', `A filter holds at most ${MAX_CONDITIONS} conditions.`)
}

/** D1 binds at most 100 values to one statement. */
const MAX_BOUND_VALUES = 100

/**
 * The condition ready to bind beside `reserved` more values: as it is when that fits D1's limit,
 * else with all its values in one bound JSON array (`?1`), each read by its position. A filter
 * within the documented limits may bind several hundred values (50 phone conditions bind two
 * each); SQLite still answers the lookups from indexes, as the values are constants.
 */
export function bindable(where: SqlCondition, reserved = 0): SqlCondition {
  if (where.params.length + reserved <= MAX_BOUND_VALUES) return where
  let i = 0
  return {
    // The compiler writes every value as a bare `?` and never a `?` of its own in SQL text.
    sql: where.sql.replace(/\?(?!\d)/g, () => `json_extract(?1, '$[${i++}]')`),
    params: [JSON.stringify(where.params)],
  }
}

function compileField(
  field: string,
  condition: unknown,
  rule: FieldRule | undefined
): SqlCondition {
  if (!rule)
    throw filterError('UNSUPPORTED_FILTER_FIELD_UNKNOWN', `"${field}" cannot be filtered on.`, {
      field,
    })
  const ops = isPlainObject(condition) ? Object.entries(condition) : [['$eq', condition] as const]
  if (ops.length === 0)
    throw filterError('MALFORMED_FILTER', `The condition on "${field}" is empty.`, { field })
  return join(
    ops.map(([op, value]) => {
      if (!rule.operators.includes(op as Operator)) {
        throw filterError('UNSUPPORTED_FILTER_OPERATOR', `"${field}" does not support ${op}.`, {
          field,
          operator: op,
        })
      }
      return rule.compile(op as Operator, value)
    }),
    ' AND '
  )
}

const TRUE: SqlCondition = { sql: '1', params: [] }

export function join(parts: SqlCondition[], glue: string): SqlCondition {
  if (parts.length === 1) return parts[0]!
  return { sql: parts.map((p) => `(${p.sql})`).join(glue), params: parts.flatMap((p) => p.params) }
}

/** How a value of the filter is read before comparing (e.g. an email is normalised). */
export type ValueReader = (value: unknown) => unknown

export const readString: ValueReader = (value) => {
  if (typeof value !== 'string')
    throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', 'This filter takes a string.')
  return value
}

export const readInstant: ValueReader = (value) => {
  const date = typeof value === 'string' ? new Date(value) : undefined
  if (!date || Number.isNaN(date.getTime())) {
    throw filterError(
      'UNSUPPORTED_FILTER_VALUE',
      'Dates are ISO-8601 strings such as 2026-01-31T12:00:00.000Z.'
    )
  }
  return date.toISOString()
}

export const readDay: ValueReader = (value) => {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw filterError('UNSUPPORTED_FILTER_VALUE', 'This date is written YYYY-MM-DD.')
  }
  return value
}

export const readNumber: ValueReader = (value) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', 'This filter takes a number.')
  }
  return value
}

function list(value: unknown, read: ValueReader): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > 1000) {
    throw filterError(
      'UNSUPPORTED_FILTER_VALUE_TYPE',
      'This operator takes a list of 1 to 1000 values.'
    )
  }
  return value.map(read)
}

function flag(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', '$exists takes true or false.')
  return value
}

function prefix(value: unknown): string {
  return `${escapeLike(String(readString(value)).toLowerCase())}%`
}

/**
 * A single value per row, given by the SQL expression `expr` (may be NULL).
 * `operators` picks what the field allows.
 */
export function scalar(
  expr: string,
  operators: readonly Operator[],
  read: ValueReader = readString
): FieldRule {
  // Every condition is true or false, never NULL, so that $not and $or mean what they say when a
  // value is missing. `expr IS NOT NULL AND …` keeps ranges answerable from an index.
  const present = (cond: string) => `(${expr} IS NOT NULL AND ${cond})`
  return {
    operators,
    compile(op, value) {
      switch (op) {
        case '$eq':
          return { sql: `${expr} IS ?`, params: [read(value)] }
        case '$ne':
          return { sql: `${expr} IS NOT ?`, params: [read(value)] }
        case '$in':
          return {
            sql: present(`${expr} IN (SELECT value FROM json_each(?))`),
            params: [JSON.stringify(list(value, read))],
          }
        case '$nin':
          return {
            sql: `(${expr} IS NULL OR ${expr} NOT IN (SELECT value FROM json_each(?)))`,
            params: [JSON.stringify(list(value, read))],
          }
        case '$exists':
          return { sql: `${expr} IS ${flag(value) ? 'NOT NULL' : 'NULL'}`, params: [] }
        case '$startsWith':
          return { sql: present(`lower(${expr}) LIKE ? ESCAPE '\\'`), params: [prefix(value)] }
        default:
          return { sql: present(`${expr} ${COMPARE[op]} ?`), params: [read(value)] }
      }
    },
  }
}

/**
 * Several values per row: `items(cond)` returns SQL that holds when some item satisfies `cond`,
 * e.g. `c.id IN (SELECT contact_id FROM contact_emails WHERE cond)`. An item matches a value when
 * any of its `columns` does (a phone by its digits as typed or in E.164).
 */
export function multi(
  items: (cond: string) => string,
  columns: readonly string[],
  operators: readonly Operator[],
  read: ValueReader = readString
): FieldRule {
  const any = (test: (column: string) => string) => columns.map(test).join(' OR ')
  const each = (value: unknown) => columns.map(() => value)
  return {
    operators,
    compile(op, value) {
      switch (op) {
        case '$eq':
          return { sql: items(any((c) => `${c} = ?`)), params: each(read(value)) }
        case '$ne':
          return { sql: `NOT ${items(any((c) => `${c} = ?`))}`, params: each(read(value)) }
        case '$in':
          return {
            sql: items(any((c) => `${c} IN (SELECT value FROM json_each(?))`)),
            params: each(JSON.stringify(list(value, read))),
          }
        case '$exists':
          return {
            sql: `${flag(value) ? '' : 'NOT '}${items(any((c) => `${c} IS NOT NULL`))}`,
            params: [],
          }
        case '$startsWith':
          return {
            sql: items(any((c) => `lower(${c}) LIKE ? ESCAPE '\\'`)),
            params: each(prefix(value)),
          }
        default:
          throw filterError('UNSUPPORTED_FILTER_OPERATOR', `${op} is not supported here.`)
      }
    },
  }
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function filterError(code: string, message: string, data: Record<string, unknown> = {}) {
  return applicationError(400, code, message, data)
}
