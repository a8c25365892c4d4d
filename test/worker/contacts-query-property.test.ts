/**
 * Property test of POST /contacts/v4/contacts/query: random filters, sorts and pages must never
 * give a 500 or an SQL error, and must select exactly what an in-memory evaluation of the same
 * filter selects from the same contacts, in the same order.
 */
import fc from 'fast-check'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Contact } from '../../shared/contact.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { api, createContact, extendedField, label } from './helpers.ts'

type Filter = Record<string, unknown>

const FIRST = ['Ann', 'ann', 'Bob', 'Cy']
const LAST = ['Lee', 'Li', 'Low']
const COMPANIES = ['Acme', 'acme co', 'Beta']
const TITLES = ['CEO', 'Buyer']
const EMAILS = ['a@x.io', 'B@x.io', 'c@y.io', 'd@y.io']
const PHONES = ['+12125550101', '+12125550102', '+442079460958']
const CITIES = ['Paris', 'Oslo', 'Porto']
const STREETS = ['1 Main St', '2 High St']
const SUBDIVISIONS = ['FR-75', 'NO-03']
const STATUSES = ['NOT_SET', 'SUBSCRIBED', 'UNSUBSCRIBED']
const COUNTRIES = ['FR', 'NO', 'PT']
const DAYS = ['1980-01-01', '1990-06-15', '2001-12-31']
const LOCALES = ['en-us', 'fr-fr']
const COLORS = ['red', 'blue', 'Red']
const SEATS = [1, 5, 10]

let marker: string
let labels: string[]
let colorKey: string
let seatsKey: string
let sinceKey: string
let contacts: Contact[]
/** Subscription status per contact id (stored on the contact, not shown without a primary email). */
let subscription: Map<string, string>

const pick = <T>(xs: readonly T[], n: number): T | undefined => (n < xs.length ? xs[n] : undefined)

beforeAll(async () => {
  const run = crypto.randomUUID().slice(0, 8)
  marker = await label(`Property ${run}`)
  labels = [
    await label(`Prop L1 ${run}`),
    await label(`Prop L2 ${run}`),
    await label(`Prop L3 ${run}`),
  ]
  colorKey = await extendedField(`Prop color ${run}`, 'TEXT')
  seatsKey = await extendedField(`Prop seats ${run}`, 'NUMBER')
  sinceKey = await extendedField(`Prop since ${run}`, 'DATE')
  // A deterministic spread of 36 contacts over small value domains, so filters often collide.
  for (let i = 0; i < 36; i++) {
    const emails = [pick(EMAILS, i % 5), pick(EMAILS, (i * 3) % 7)].filter(
      (e, k, all): e is string => !!e && all.indexOf(e) === k
    )
    const phones = [pick(PHONES, i % 4)].filter((p): p is string => !!p)
    const ext: Record<string, string | number> = {}
    if (pick(COLORS, i % 4)) ext[colorKey] = pick(COLORS, i % 4)!
    if (pick(SEATS, i % 4)) ext[seatsKey] = pick(SEATS, i % 4)!
    if (pick(DAYS, (i * 5) % 4)) ext[sinceKey] = pick(DAYS, (i * 5) % 4)!
    await createContact(
      {
        name: { first: pick(FIRST, i % 5) ?? '', last: pick(LAST, (i * 7) % 4) ?? '' },
        emails: { items: emails.map((email) => ({ email })) },
        phones: { items: phones.map((phone) => ({ phone })) },
        addresses: {
          items:
            i % 3 === 0
              ? []
              : [
                  {
                    address: {
                      city: pick(CITIES, i % 3)!,
                      country: pick(COUNTRIES, (i * 2) % 3)!,
                      ...(i % 4 ? { addressLine: pick(STREETS, i % 2)! } : {}),
                      ...(i % 5 ? { subdivision: pick(SUBDIVISIONS, i % 2)! } : {}),
                    },
                  },
                ],
        },
        ...(pick(COMPANIES, i % 4) ? { company: pick(COMPANIES, i % 4) } : {}),
        ...(pick(TITLES, i % 3) ? { jobTitle: pick(TITLES, i % 3) } : {}),
        ...(pick(DAYS, i % 4) ? { birthdate: pick(DAYS, i % 4) } : {}),
        ...(pick(LOCALES, i % 3) ? { locale: pick(LOCALES, i % 3) } : {}),
        labelKeys: { items: [marker, ...labels.filter((_, k) => (i >> k) & 1)] },
        extendedFields: { items: ext },
      },
      true
    )
  }
  // Some subscription states, as email marketing would set them.
  await env.DB.prepare(
    `UPDATE contacts SET subscription_status = CASE abs(random()) % 3 WHEN 0 THEN 'SUBSCRIBED' WHEN 1 THEN 'UNSUBSCRIBED' ELSE 'NOT_SET' END
     WHERE id IN (SELECT contact_id FROM contact_labels WHERE label_key = ?)`
  )
    .bind(marker)
    .run()
  const status = await env.DB.prepare(
    'SELECT id, subscription_status FROM contacts WHERE id IN (SELECT contact_id FROM contact_labels WHERE label_key = ?)'
  )
    .bind(marker)
    .all<{ id: string; subscription_status: string }>()
  subscription = new Map(status.results.map((r) => [r.id, r.subscription_status]))
  const res = await api('POST', '/contacts/v4/contacts/query', {
    query: { filter: { 'info.labelKeys': { $hasSome: [marker] } }, paging: { limit: 1000 } },
  })
  contacts = res.body.contacts
  expect(contacts).toHaveLength(36)
})

// ---- The in-memory oracle: the documented semantics, written independently of the SQL.

type Value = string | number | undefined
const get = {
  id: (c: Contact) => [c.id],
  createdDate: (c: Contact) => [c.createdDate],
  updatedDate: (c: Contact) => [c.updatedDate],
  'info.name.first': (c: Contact) => [c.info.name?.first],
  'info.name.last': (c: Contact) => [c.info.name?.last],
  'info.company': (c: Contact) => [c.info.company],
  'info.jobTitle': (c: Contact) => [c.info.jobTitle],
  'info.birthdate': (c: Contact) => [c.info.birthdate],
  'info.locale': (c: Contact) => [c.info.locale],
  'lastActivity.activityDate': (c: Contact) => [c.lastActivity.activityDate],
  'info.extendedFields.emailSubscriptions.subscriptionStatus': (c: Contact) => [
    subscription.get(c.id),
  ],
  'info.extendedFields.members.membershipStatus': () => [undefined],
} as Record<string, (c: Contact) => Value[]>

const lists: Record<string, (c: Contact) => string[][]> = {
  'info.emails.email': (c) => (c.info.emails?.items ?? []).map((e) => [normalizeEmail(e.email)]),
  'primaryInfo.email': (c) =>
    (c.info.emails?.items ?? []).filter((e) => e.primary).map((e) => [normalizeEmail(e.email)]),
  'info.phones.phone': (c) =>
    (c.info.phones?.items ?? []).map((p) => [p.phone, ...(p.e164Phone ? [p.e164Phone] : [])]),
  'info.addresses.city': (c) =>
    (c.info.addresses?.items ?? []).flatMap((a) => (a.address.city ? [[a.address.city]] : [])),
  'info.addresses.street': (c) =>
    (c.info.addresses?.items ?? []).flatMap((a) =>
      a.address.addressLine ? [[a.address.addressLine]] : []
    ),
  'info.addresses.subdivision': (c) =>
    (c.info.addresses?.items ?? []).flatMap((a) =>
      a.address.subdivision ? [[a.address.subdivision]] : []
    ),
  'primaryInfo.phone': (c) =>
    (c.info.phones?.items ?? [])
      .filter((p) => p.primary)
      .map((p) => [p.phone, ...(p.e164Phone ? [p.e164Phone] : [])]),
  'info.extendedFields.emailSubscriptions.effectiveEmail': (c) =>
    (c.info.emails?.items ?? []).filter((e) => e.primary).map((e) => [normalizeEmail(e.email)]),
  'info.addresses.country': (c) =>
    (c.info.addresses?.items ?? []).flatMap((a) =>
      a.address.country ? [[a.address.country]] : []
    ),
}

const emailFields = new Set(['info.emails.email', 'primaryInfo.email'])

function scalarValue(field: string, c: Contact): Value {
  if (get[field]) return get[field]!(c)[0]
  if (field.startsWith('info.extendedFields.'))
    return c.info.extendedFields?.items[field.slice('info.extendedFields.'.length)]
  return get[field]!(c)[0]
}

function test(field: string, op: string, arg: unknown, c: Contact): boolean {
  if (field === 'info.locations') return false
  if (op === '$nin') {
    const v = scalarValue(field, c)
    return v === undefined || !(arg as unknown[]).includes(v)
  }
  if (field === 'info.labelKeys') {
    const have = new Set(c.info.labelKeys?.items ?? [])
    const want = arg as string[]
    return op === '$hasSome' ? want.some((k) => have.has(k)) : want.every((k) => have.has(k))
  }
  if (lists[field]) {
    const items = lists[field]!(c)
    const norm = (v: unknown) => (emailFields.has(field) ? normalizeEmail(String(v)) : v)
    const matches = (pred: (x: string) => boolean) => items.some((columns) => columns.some(pred))
    switch (op) {
      case '$eq':
        return matches((x) => x === norm(arg))
      case '$ne':
        return !matches((x) => x === norm(arg))
      case '$in':
        return matches((x) => (arg as unknown[]).map(norm).includes(x))
      case '$exists':
        return items.length > 0 === arg
      case '$startsWith':
        return matches((x) => x.toLowerCase().startsWith(String(arg).toLowerCase()))
    }
  }
  const v = scalarValue(field, c)
  switch (op) {
    case '$eq':
      return v === arg
    case '$ne':
      return v !== arg
    case '$in':
      return v !== undefined && (arg as unknown[]).includes(v)
    case '$exists':
      return (v !== undefined) === arg
    case '$startsWith':
      return typeof v === 'string' && v.toLowerCase().startsWith(String(arg).toLowerCase())
    case '$gt':
      return v !== undefined && v > (arg as string | number)
    case '$gte':
      return v !== undefined && v >= (arg as string | number)
    case '$lt':
      return v !== undefined && v < (arg as string | number)
    case '$lte':
      return v !== undefined && v <= (arg as string | number)
  }
  throw new Error(`oracle: ${field} ${op}`)
}

function evaluate(filter: Filter, c: Contact): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === '$and') return (value as Filter[]).every((f) => evaluate(f, c))
    if (key === '$or') return (value as Filter[]).some((f) => evaluate(f, c))
    if (key === '$not') return !evaluate(value as Filter, c)
    const ops =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? Object.entries(value)
        : [['$eq', value]]
    return ops.every(([op, arg]) => test(key, op as string, arg, c))
  })
}

function sortKey(field: string, c: Contact): Value {
  if (
    field === 'primaryInfo.email' ||
    field === 'info.extendedFields.emailSubscriptions.effectiveEmail'
  ) {
    return lists['primaryInfo.email']!(c)[0]?.[0]
  }
  return scalarValue(field, c)
}

/** SQLite order: NULLs first ascending (last descending), then by value, then by id. */
function compare(field: string, order: 'ASC' | 'DESC') {
  return (a: Contact, b: Contact) => {
    const x = sortKey(field, a)
    const y = sortKey(field, b)
    let d = 0
    if (x === undefined && y !== undefined) d = -1
    else if (x !== undefined && y === undefined) d = 1
    else if (x !== undefined && y !== undefined) d = x < y ? -1 : x > y ? 1 : 0
    if (d === 0) d = a.id < b.id ? -1 : a.id > b.id ? 1 : 0
    return order === 'ASC' ? d : -d
  }
}

// ---- Generators

const TEXT_OPS = ['$eq', '$ne', '$in', '$exists', '$startsWith'] as const
const RANGE_OPS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'] as const

function leaf(): fc.Arbitrary<Filter> {
  const text = (field: string, pool: readonly string[], ops: readonly string[] = TEXT_OPS) =>
    fc
      .tuple(
        fc.constantFrom(...ops),
        fc.constantFrom(...pool),
        fc.subarray([...pool], { minLength: 1 }),
        fc.boolean()
      )
      .map(([op, v, vs, b]) => ({
        [field]:
          op === '$in' || op === '$nin'
            ? { [op]: vs }
            : op === '$exists'
              ? { $exists: b }
              : op === '$startsWith'
                ? { $startsWith: v.slice(0, 2) }
                : { [op]: v },
      }))
  const range = (field: string, pool: readonly (string | number)[]) =>
    fc
      .tuple(fc.constantFrom(...RANGE_OPS), fc.constantFrom(...pool))
      .map(([op, v]) => ({ [field]: { [op]: v } }))
  const dates = contacts.map((c) => c.createdDate)
  return fc.oneof(
    text('info.name.first', [...FIRST, 'Zed']),
    text('info.name.last', LAST),
    text('info.company', COMPANIES),
    text('info.jobTitle', TITLES),
    text('info.locale', LOCALES, ['$eq', '$ne', '$in', '$exists']),
    text('info.emails.email', [...EMAILS, 'A@X.IO']),
    text('primaryInfo.email', EMAILS),
    text('info.phones.phone', [...PHONES, '2125550101']),
    text('info.addresses.city', CITIES),
    text('info.addresses.street', STREETS),
    text('info.addresses.subdivision', SUBDIVISIONS, ['$eq', '$ne', '$in', '$exists']),
    text('primaryInfo.phone', [...PHONES, '2125550101']),
    text('info.extendedFields.emailSubscriptions.effectiveEmail', EMAILS, ['$exists']),
    text('info.extendedFields.emailSubscriptions.subscriptionStatus', STATUSES, [
      '$eq',
      '$ne',
      '$in',
      '$nin',
    ]),
    text('info.extendedFields.members.membershipStatus', ['MEMBER'], ['$eq', '$ne', '$in', '$nin']),
    fc
      .tuple(fc.constantFrom('$hasSome', '$hasAll'), fc.subarray(labels, { minLength: 1 }))
      .map(([op, ks]) => ({ 'info.locations': { [op]: ks } })),
    range('updatedDate', dates),
    range('lastActivity.activityDate', dates),
    text('info.addresses.country', COUNTRIES, ['$eq', '$ne', '$in', '$exists']),
    text('id', contacts.map((c) => c.id).slice(0, 6), ['$eq', '$ne', '$in', '$exists']),
    range('createdDate', dates),
    range('info.birthdate', DAYS),
    fc
      .tuple(fc.constantFrom('$hasSome', '$hasAll'), fc.subarray(labels, { minLength: 1 }))
      .map(([op, ks]) => ({ 'info.labelKeys': { [op]: ks } })),
    fc
      .constant(null)
      .chain(() =>
        text(`info.extendedFields.${colorKey}`, COLORS, ['$eq', '$ne', '$in', '$startsWith'])
      ),
    fc.constant(null).chain(() => range(`info.extendedFields.${seatsKey}`, SEATS)),
    fc.constant(null).chain(() => range(`info.extendedFields.${sinceKey}`, DAYS))
  )
}

/** Filters nested at most `depth` logical levels (the worker accepts six). */
function filterArb(depth = 3): fc.Arbitrary<Filter> {
  if (depth === 0) return leaf()
  const inner = filterArb(depth - 1)
  return fc.oneof(
    leaf(),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((fs) => ({ $and: fs })),
    fc.array(inner, { minLength: 1, maxLength: 3 }).map((fs) => ({ $or: fs })),
    inner.map((f) => ({ $not: f }))
  )
}

const SORTABLE = [
  'createdDate',
  'info.name.first',
  'info.name.last',
  'info.company',
  'info.jobTitle',
  'info.birthdate',
  'primaryInfo.email',
]

describe('POST /contacts/v4/contacts/query, property', () => {
  it('selects, orders and pages exactly as the in-memory evaluation does', async () => {
    const sortArb = fc.record({
      fieldName: fc.constantFrom(
        ...SORTABLE,
        'lastActivity.activityDate',
        'info.extendedFields.emailSubscriptions.effectiveEmail',
        `info.extendedFields.${sinceKey}`,
        `info.extendedFields.${seatsKey}`,
        `info.extendedFields.${colorKey}`
      ),
      order: fc.constantFrom('ASC' as const, 'DESC' as const),
    })
    await fc.assert(
      fc.asyncProperty(
        filterArb(),
        sortArb,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        async (filter, sort, limit, offset) => {
          const res = await api('POST', '/contacts/v4/contacts/query', {
            query: {
              filter: { $and: [{ 'info.labelKeys': { $hasSome: [marker] } }, filter] },
              sort: [sort],
              paging: { limit, offset },
            },
          })
          expect(res.status, JSON.stringify(res.body)).toBe(200)
          const matching = contacts
            .filter((c) => evaluate(filter, c))
            .sort(compare(sort.fieldName, sort.order))
          expect(res.body.pagingMetadata).toEqual({
            count: Math.max(0, Math.min(limit, matching.length - offset)),
            offset,
            total: matching.length,
            tooManyToCount: false,
          })
          expect(res.body.contacts.map((c: Contact) => c.id)).toEqual(
            matching.slice(offset, offset + limit).map((c) => c.id)
          )
        }
      ),
      { numRuns: 300 }
    )
    // 300 queries of up to three round trips each: seconds on a busy machine.
  }, 60_000)

  it('answers any malformed query with a 400 envelope, never a 500', async () => {
    const junk = fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.dictionary(
        fc.constantFrom(
          'id',
          'createdDate',
          'info.labelKeys',
          'info.emails.email',
          '$and',
          '$or',
          '$not',
          'constructor',
          '__proto__',
          'toString',
          'x'
        ),
        fc.anything({ maxDepth: 2 })
      )
    )
    await fc.assert(
      fc.asyncProperty(
        junk,
        fc.anything({ maxDepth: 1 }),
        fc.anything({ maxDepth: 1 }),
        async (filter, sort, paging) => {
          const res = await api('POST', '/contacts/v4/contacts/query', {
            query: { filter, sort, paging },
          })
          expect([200, 400], JSON.stringify({ filter, sort, paging, body: res.body })).toContain(
            res.status
          )
          if (res.status === 400) expect(res.body.details).toBeTypeOf('object')
        }
      ),
      { numRuns: 300 }
    )
  })
})
