/**
 * @module
 * The contacts query's fields: which can be filtered (with which operators) and sorted, and the
 * SQL for each against `contacts c`. List fields are written as `c.id IN (SELECT contact_id …)`
 * so SQLite answers them from the child table's index (emails by `email_norm`, labels by key).
 */
import { normalizeEmail } from '../../../shared/email.ts'
import type { ExtendedFieldDataType } from '../../../shared/extended-values.ts'
import {
  compileFilter,
  filterError,
  multi,
  readDay,
  readInstant,
  readNumber,
  readString,
  scalar,
} from './compile.ts'
import type { FieldRule, Operator, SqlCondition, ValueReader } from './compile.ts'

const RANGE: Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']
const TEXT: Operator[] = ['$eq', '$ne', '$in', '$exists', '$startsWith']
const ENUM: Operator[] = ['$eq', '$ne', '$in', '$exists']
const STATUS: Operator[] = ['$eq', '$ne', '$in', '$nin']

const readEmail: ValueReader = (v) => normalizeEmail(readString(v) as string)

const emails = (cond: string) => `c.id IN (SELECT contact_id FROM contact_emails WHERE ${cond})`
const primaryEmails = (cond: string) => emails(`is_primary = 1 AND (${cond})`)
const phones = (cond: string) => `c.id IN (SELECT contact_id FROM contact_phones WHERE ${cond})`
const primaryPhones = (cond: string) => phones(`is_primary = 1 AND (${cond})`)
const addresses = (cond: string) =>
  `c.id IN (SELECT contact_id FROM contact_addresses WHERE ${cond})`
const addressPart = (path: string) => `json_extract(address, '$.${path}')`

function keySet(table: 'contact_labels', column: string): FieldRule {
  return {
    operators: ['$hasSome', '$hasAll', '$exists'],
    compile(op, value) {
      // `$exists: false` is "not labelled" (the NOT_LABELED facet's filter).
      if (op === '$exists') {
        if (typeof value !== 'boolean')
          throw filterError('UNSUPPORTED_FILTER_VALUE_TYPE', '$exists takes true or false.')
        return {
          sql: `${value ? '' : 'NOT '}EXISTS (SELECT 1 FROM ${table} WHERE contact_id = c.id)`,
          params: [],
        }
      }
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        value.length > 1000 ||
        !value.every((v) => typeof v === 'string')
      ) {
        throw filterError(
          'UNSUPPORTED_FILTER_VALUE_TYPE',
          `${op} takes a list of 1 to 1000 strings.`
        )
      }
      // Written as a lookup, its condition in parentheses, so that a page of a label most
      // contacts have can test it per contact instead (see labelsTestedPerContact).
      const inList = `(${column} IN (SELECT value FROM json_each(?)))`
      if (op === '$hasSome')
        return {
          sql: `c.id IN (SELECT contact_id FROM ${table} WHERE ${inList})`,
          params: [JSON.stringify(value)],
        }
      return {
        sql: `c.id IN (SELECT contact_id FROM ${table} WHERE ${inList} GROUP BY contact_id HAVING COUNT(*) = ?)`,
        params: [JSON.stringify(value), new Set(value).size],
      }
    },
  }
}

// No contact here has locations (an internal Wix field); the filter is accepted and matches none.
const noLocations: FieldRule = {
  operators: ['$hasSome', '$hasAll'],
  compile: () => ({ sql: '0', params: [] }),
}

const FIELDS: Record<string, FieldRule> = {
  id: scalar('c.id', ENUM),
  createdDate: scalar('c.created_date', RANGE, readInstant),
  updatedDate: scalar('c.updated_date', RANGE, readInstant),
  'lastActivity.activityDate': scalar('c.last_activity_date', RANGE, readInstant),
  'primaryInfo.email': multi(primaryEmails, ['email_norm'], TEXT, readEmail),
  'primaryInfo.phone': multi(primaryPhones, ['phone', 'e164_phone'], TEXT),
  'info.name.first': scalar('c.first_name', TEXT),
  'info.name.last': scalar('c.last_name', TEXT),
  'info.emails.email': multi(emails, ['email_norm'], TEXT, readEmail),
  'info.phones.phone': multi(phones, ['phone', 'e164_phone'], TEXT),
  'info.addresses.street': multi(
    addresses,
    [`coalesce(${addressPart('addressLine')}, ${addressPart('streetAddress.name')})`],
    TEXT
  ),
  'info.addresses.city': multi(addresses, [addressPart('city')], TEXT),
  'info.addresses.subdivision': multi(addresses, [addressPart('subdivision')], ENUM),
  'info.addresses.country': multi(addresses, [addressPart('country')], ENUM),
  'info.company': scalar('c.company', TEXT),
  'info.jobTitle': scalar('c.job_title', TEXT),
  'info.birthdate': scalar('c.birthdate', RANGE, readDay),
  'info.locale': scalar('c.locale', ENUM),
  'info.labelKeys': keySet('contact_labels', 'label_key'),
  'info.locations': noLocations,
  'info.extendedFields.emailSubscriptions.subscriptionStatus': scalar(
    'c.subscription_status',
    STATUS
  ),
  'info.extendedFields.emailSubscriptions.deliverabilityStatus': scalar(
    'c.deliverability_status',
    STATUS
  ),
  'info.extendedFields.emailSubscriptions.effectiveEmail': multi(
    primaryEmails,
    ['email_norm'],
    ['$exists']
  ),
  // Site membership is a Wix concept; no contact here is a member.
  'info.extendedFields.members.membershipStatus': scalar('NULL', STATUS),
}

const PRIMARY_EMAIL = `(SELECT email_norm FROM contact_emails WHERE contact_id = c.id AND is_primary = 1)`

const SORTS: Record<string, string> = {
  createdDate: 'c.created_date',
  'lastActivity.activityDate': 'c.last_activity_date',
  'primaryInfo.email': PRIMARY_EMAIL,
  'info.name.first': 'c.first_name',
  'info.name.last': 'c.last_name',
  'info.company': 'c.company',
  'info.jobTitle': 'c.job_title',
  'info.birthdate': 'c.birthdate',
  'info.extendedFields.emailSubscriptions.effectiveEmail': PRIMARY_EMAIL,
}

const CUSTOM_PREFIX = 'info.extendedFields.'

/** Extended-field keys (`custom.x`) by data type, for filters and sorts on custom fields. */
export type ExtendedFieldTypes = Map<string, ExtendedFieldDataType>

/** Whether a filter or sort names a custom extended field (then their types must be loaded). */
export function mentionsCustomField(filter: unknown, sortField?: string): boolean {
  return (
    JSON.stringify(filter ?? {}).includes(`"${CUSTOM_PREFIX}custom.`) ||
    !!sortField?.startsWith(`${CUSTOM_PREFIX}custom.`)
  )
}

function customValue(key: string): string {
  // Keys are generated here (`custom.` + [a-z0-9-]); anything else never reaches the SQL text.
  if (!/^custom\.[a-z0-9][a-z0-9-]*$/.test(key))
    throw filterError('UNSUPPORTED_FILTER_FIELD_UNKNOWN', `Unknown field "${key}".`)
  return `(SELECT json_extract(value, '$') FROM contact_extended_values WHERE contact_id = c.id AND field_key = '${key}')`
}

function customRule(key: string, dataType: ExtendedFieldDataType): FieldRule {
  const expr = customValue(key)
  if (dataType === 'NUMBER') return scalar(expr, RANGE, readNumber)
  if (dataType === 'DATE') return scalar(expr, RANGE, readDay)
  return scalar(expr, ['$eq', '$ne', '$in', '$startsWith'])
}

export function compileContactFilter(
  filter: unknown,
  custom: ExtendedFieldTypes = new Map()
): SqlCondition {
  return compileFilter(filter, (field) => {
    const known = own(FIELDS, field)
    if (known) return known
    if (!field.startsWith(`${CUSTOM_PREFIX}custom.`)) return undefined
    const key = field.slice(CUSTOM_PREFIX.length)
    const dataType = custom.get(key)
    return dataType ? customRule(key, dataType) : undefined
  })
}

/** The SQL expression to sort by, or undefined for a field that cannot be sorted. */
export function contactSortExpression(
  field: string,
  custom: ExtendedFieldTypes = new Map()
): string | undefined {
  const known = own(SORTS, field)
  if (known) return known
  if (!field.startsWith(`${CUSTOM_PREFIX}custom.`)) return undefined
  const key = field.slice(CUSTOM_PREFIX.length)
  return custom.has(key) ? customValue(key) : undefined
}

/** A property of a lookup table, never one inherited from Object.prototype (`constructor`…). */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined
}
