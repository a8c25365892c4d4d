/**
 * Admin queries inside the documented limits (6 levels, 100 conditions, lists of 1,000) must be
 * answered, however many values they bind: D1 binds at most 100 per statement. What is past the
 * limits gets a 400 that says why, and a body past the admin cap a 413 — never a 500.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { api, appError, createContact, label } from './helpers.ts'

let marker: string
let ids: string[]

beforeAll(async () => {
  marker = await label(`Limits ${crypto.randomUUID().slice(0, 8)}`)
  ids = []
  for (let i = 0; i < 3; i++) {
    const contact = await createContact({
      name: { first: `Lim${i}` },
      emails: { items: [{ email: `limits-${i}-${crypto.randomUUID()}@example.com` }] },
      phones: { items: [{ phone: `+1212555${String(1000 + i)}` }] },
      labelKeys: { items: [marker] },
    })
    ids.push(contact.id)
  }
})

const query = (filter: unknown, extra: Record<string, unknown> = {}) =>
  api('POST', '/contacts/v4/contacts/query', {
    query: { filter, paging: { limit: 1000 } },
    ...extra,
  })

/** Conditions joined by $or, in groups of 50 (what one $or takes). */
const anyOf = (filters: unknown[]): unknown => ({
  $or: Array.from({ length: Math.ceil(filters.length / 50) }, (_, i) => ({
    $or: filters.slice(i * 50, i * 50 + 50),
  })),
})

const idsOf = (body: { contacts: { id: string }[] }) => body.contacts.map((c) => c.id).sort()

describe('queries that bind more than D1 allows in one statement', () => {
  it('answers 99 equality conditions and the label', async () => {
    const others = Array.from({ length: 98 }, (_, i) => ({ 'info.name.first': `Nobody${i}` }))
    const res = await query({
      $and: [
        { 'info.labelKeys': { $hasSome: [marker] } },
        anyOf([...others, { 'info.name.first': 'Lim1' }]),
      ],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(idsOf(res.body)).toEqual([ids[1]])
  })

  it('answers 50 phone conditions (two values bound each)', async () => {
    const phones = Array.from({ length: 49 }, (_, i) => ({
      'info.phones.phone': `+1999555${String(1000 + i)}`,
    }))
    const res = await query(anyOf([...phones, { 'info.phones.phone': '+12125551002' }]))
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(idsOf(res.body)).toEqual([ids[2]])
  })

  it('answers 94 conditions with a search', async () => {
    const others = Array.from({ length: 93 }, (_, i) => ({ 'info.name.last': `Nobody${i}` }))
    const res = await query(
      { $and: [{ 'info.labelKeys': { $hasSome: [marker] } }, { $not: anyOf(others) }] },
      { search: 'Lim0' }
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(idsOf(res.body)).toEqual([ids[0]])
  })

  it('answers 99 conditions on the labels query', async () => {
    const names = Array.from({ length: 98 }, (_, i) => ({ displayName: `Nothing ${i}` }))
    const res = await api('POST', '/contacts/v4/labels/query', {
      query: { filter: anyOf([...names, { key: marker }]) },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body.labels.map((l: { key: string }) => l.key)).toEqual([marker])
  })
})

describe('queries past the limits', () => {
  it('refuses 27,000 empty nested $or filters with a 400, not a 500', async () => {
    let filter: unknown = {}
    for (let depth = 0; depth < 3; depth++) filter = { $or: Array(30).fill(filter) }
    const res = await query(filter)
    expect(res.status, JSON.stringify(res.body)).toBe(400)
    expect(res.body).toEqual(appError('MALFORMED_FILTER'))
  })

  it('refuses an admin body over the cap with a 413', async () => {
    const res = await api('POST', '/contacts/v4/contacts/query', {
      query: { filter: { 'info.name.first': 'x'.repeat(600 * 1024) } },
    })
    expect(res.status).toBe(413)
    expect(res.body).toEqual(appError('PAYLOAD_TOO_LARGE'))
  })
})

describe('random filters up to the documented limits, property', () => {
  const names = ['Lim0', 'Lim1', 'Lim2', 'Nobody']
  const leaf = fc.oneof(
    fc.constantFrom(...names).map((n) => ({ 'info.name.first': n })),
    fc.constantFrom(...names).map((n) => ({ 'info.name.first': { $ne: n } })),
    fc
      .constantFrom('+12125551000', '+12125551001', '+19995550000')
      .map((p) => ({ 'info.phones.phone': p })),
    fc.constantFrom(...names).map((n) => ({ 'info.name.first': { $startsWith: n.slice(0, 3) } })),
    fc.constant({})
  )
  /** A filter of `n` leaves, grouped under $and/$or/$not up to `depth` levels. */
  const tree = (depth: number): fc.Arbitrary<unknown> =>
    depth === 0
      ? leaf
      : fc.oneof(
          leaf,
          fc
            .tuple(
              fc.constantFrom('$and', '$or'),
              fc.array(tree(depth - 1), { minLength: 1, maxLength: 8 })
            )
            .map(([op, fs]) => ({ [op]: fs })),
          tree(depth - 1).map((f) => ({ $not: f }))
        )

  it('never answers 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(leaf, { minLength: 60, maxLength: 99 }),
        tree(4),
        fc.boolean(),
        async (many, nested, withSearch) => {
          const res = await query(
            { $and: [anyOf(many), nested] },
            withSearch ? { search: 'Lim1' } : {}
          )
          expect([200, 400], JSON.stringify(res.body)).toContain(res.status)
        }
      ),
      { numRuns: 60 }
    )
  })
})
