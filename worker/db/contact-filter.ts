/**
 * @module
 * Compiles a Wix API Query Language filter for contacts into a SQL condition on `contacts c`.
 * Each supported field is written so SQLite answers it from an index: emails by `email_norm`,
 * labels from `contact_labels_by_label`, dates from `contacts_by_created`.
 */
import { normalizeEmail } from '../../shared/email.ts'
import { applicationError } from '../errors.ts'

export interface SqlCondition {
  sql: string
  params: unknown[]
}

type Operator =
  | '$eq'
  | '$ne'
  | '$in'
  | '$gt'
  | '$gte'
  | '$lt'
  | '$lte'
  | '$hasSome'
  | '$hasAll'
  | '$exists'
  | '$startsWith'

interface FieldRule {
  operators: Operator[]
  compile(op: Operator, value: unknown): SqlCondition
}

const COMPARE: Partial<Record<Operator, string>> = {
  $eq: '=',
  $ne: '<>',
  $gt: '>',
  $gte: '>=',
  $lt: '<',
  $lte: '<=',
}

/** A date field: values are ISO-8601 instants, compared as stored (UTC, milliseconds). */
function dateField(column: string): FieldRule {
  return {
    operators: ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'],
    compile(op, value) {
      return { sql: `${column} ${COMPARE[op]} ?`, params: [toInstant(value)] }
    },
  }
}

/** A column of `contacts`. */
function textColumn(column: string): FieldRule {
  return {
    operators: ['$eq', '$ne', '$in', '$exists', '$startsWith'],
    compile(op, value) {
      switch (op) {
        case '$in':
          return {
            sql: `${column} IN (SELECT value FROM json_each(?))`,
            params: [JSON.stringify(strings(value))],
          }
        case '$exists':
          return { sql: `${column} IS ${boolean(value) ? 'NOT NULL' : 'NULL'}`, params: [] }
        case '$startsWith':
          return {
            sql: `lower(${column}) LIKE ? ESCAPE '\\'`,
            params: [`${escapeLike(string(value).toLowerCase())}%`],
          }
        case '$ne':
          return { sql: `${column} IS NOT ?`, params: [string(value)] }
        default:
          return { sql: `${column} = ?`, params: [string(value)] }
      }
    },
  }
}

/** Emails match by their normalised form, so a filter finds an address in any case. */
function emailField(primaryOnly: boolean): FieldRule {
  const scope = primaryOnly ? ' AND is_primary = 1' : ''
  const having = (cond: string) =>
    `c.id IN (SELECT contact_id FROM contact_emails WHERE ${cond}${scope})`
  return {
    operators: ['$eq', '$ne', '$in', '$exists'],
    compile(op, value) {
      switch (op) {
        case '$in':
          return {
            sql: having('email_norm IN (SELECT value FROM json_each(?))'),
            params: [JSON.stringify(strings(value).map(normalizeEmail))],
          }
        case '$exists':
          return { sql: `${boolean(value) ? '' : 'NOT '}${having('1')}`, params: [] }
        case '$ne':
          return { sql: `NOT ${having('email_norm = ?')}`, params: [normalizeEmail(string(value))] }
        default:
          return { sql: having('email_norm = ?'), params: [normalizeEmail(string(value))] }
      }
    },
  }
}

const labelKeys: FieldRule = {
  operators: ['$hasSome', '$hasAll'],
  compile(op, value) {
    const keys = strings(value)
    const inKeys = 'label_key IN (SELECT value FROM json_each(?))'
    if (op === '$hasSome') {
      return {
        sql: `c.id IN (SELECT contact_id FROM contact_labels WHERE ${inKeys})`,
        params: [JSON.stringify(keys)],
      }
    }
    return {
      sql: `c.id IN (SELECT contact_id FROM contact_labels WHERE ${inKeys} GROUP BY contact_id HAVING COUNT(*) = ?)`,
      params: [JSON.stringify(keys), new Set(keys).size],
    }
  },
}

const FIELDS: Record<string, FieldRule> = {
  id: textColumn('c.id'),
  createdDate: dateField('c.created_date'),
  updatedDate: dateField('c.updated_date'),
  'lastActivity.activityDate': dateField('c.last_activity_date'),
  'primaryInfo.email': emailField(true),
  'info.emails.email': emailField(false),
  'info.name.first': textColumn('c.first_name'),
  'info.name.last': textColumn('c.last_name'),
  'info.company': textColumn('c.company'),
  'info.jobTitle': textColumn('c.job_title'),
  'info.labelKeys': labelKeys,
}

/** Sortable fields and their columns. */
export const SORT_COLUMNS: Record<string, string> = {
  createdDate: 'c.created_date',
  'info.name.first': 'c.first_name',
  'info.name.last': 'c.last_name',
  'info.company': 'c.company',
  'info.jobTitle': 'c.job_title',
  'lastActivity.activityDate': 'c.last_activity_date',
}

/** `{}` or undefined means every contact. */
export function compileContactFilter(filter: unknown): SqlCondition {
  if (filter === undefined || filter === null) return { sql: '1', params: [] }
  if (!isPlainObject(filter)) throw filterError('MALFORMED_FILTER', 'The filter must be an object.')
  const parts: SqlCondition[] = []
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0)
        throw filterError('MALFORMED_FILTER', `${key} takes a list of filters.`)
      const inner = value.map(compileContactFilter)
      parts.push(join(inner, key === '$and' ? ' AND ' : ' OR '))
    } else if (key === '$not') {
      const inner = compileContactFilter(value)
      parts.push({ sql: `NOT (${inner.sql})`, params: inner.params })
    } else {
      parts.push(compileField(key, value))
    }
  }
  return parts.length ? join(parts, ' AND ') : { sql: '1', params: [] }
}

function compileField(field: string, condition: unknown): SqlCondition {
  const rule = FIELDS[field]
  if (!rule)
    throw filterError(
      'UNSUPPORTED_FILTER_FIELD_UNKNOWN',
      `Contacts cannot be filtered by "${field}".`,
      { field }
    )
  // A bare value means $eq.
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

function join(parts: SqlCondition[], glue: string): SqlCondition {
  if (parts.length === 1) return parts[0]!
  return { sql: parts.map((p) => `(${p.sql})`).join(glue), params: parts.flatMap((p) => p.params) }
}

function toInstant(value: unknown): string {
  const date = typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined
  if (!date || Number.isNaN(date.getTime())) {
    throw filterError(
      'UNSUPPORTED_FILTER_VALUE',
      'Dates are ISO-8601 strings such as 2026-01-31T12:00:00.000Z.'
    )
  }
  return date.toISOString()
}

function string(value: unknown): string {
  if (typeof value !== 'string')
    throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', 'This filter takes a string.')
  return value
}

function strings(value: unknown): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > 1000 ||
    !value.every((v) => typeof v === 'string')
  ) {
    throw filterError(
      'UNSUPPORTED_FILTER_VALUE_TYPE',
      'This filter takes a list of 1 to 1000 strings.'
    )
  }
  return value
}

function boolean(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', '$exists takes true or false.')
  return value
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (ch) => `\\${ch}`)
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function filterError(code: string, message: string, data: Record<string, unknown> = {}) {
  return applicationError(400, code, message, data)
}
