/**
 * Contacts v4 facets: shapes, paging, errors, and each facet's count equal to the number of
 * contacts its own queryFilter selects in Query Contacts (a property over random label assignments).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { api, appError, createContact, label } from './helpers.ts'

interface Facet {
  facetType: string
  facetKey?: string
  count: number
  queryFilter: string
}

async function facets(filter?: Record<string, unknown>): Promise<Facet[]> {
  const res = filter
    ? await api('POST', '/contacts/v4/contacts/facets/query', {
        filter,
        paging: { limit: 1000 },
      })
    : await api('GET', '/contacts/v4/contacts/facets?paging.limit=1000')
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.facets
}

async function countOf(queryFilter: string): Promise<number> {
  const res = await api('POST', '/contacts/v4/contacts/query', {
    query: { filter: JSON.parse(queryFilter), paging: { limit: 1 } },
  })
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.pagingMetadata.total
}

describe('GET /contacts/v4/contacts/facets', () => {
  it('answers the facets in Wix’s shape (no longer taken for a contact id)', async () => {
    const key = await label('Facet shape')
    await createContact({ name: { first: 'Labelled' }, labelKeys: { items: [key] } })
    await createContact({ name: { first: 'Plain' } })
    const res = await api('GET', '/contacts/v4/contacts/facets')
    expect(res.status).toBe(200)
    const all: Facet[] = res.body.facets
    expect(all[0]).toEqual({ facetType: 'ALL_CONTACTS', count: 2, queryFilter: '{}' })
    expect(all[1]).toEqual({
      facetType: 'NOT_LABELED',
      count: 1,
      queryFilter: JSON.stringify({ 'info.labelKeys': { $exists: false } }),
    })
    expect(all.find((f) => f.facetKey === key)).toEqual({
      facetType: 'LABEL',
      namespace: 'custom',
      namespaceDisplayName: 'Custom',
      facetKey: key,
      facetDisplayName: 'Facet shape',
      count: 1,
      queryFilter: JSON.stringify({ 'info.labelKeys': { $hasSome: [key] } }),
    })
    expect(all.filter((f) => f.facetType === 'SUBSCRIPTION_STATUS').map((f) => f.facetKey)).toEqual(
      ['SUBSCRIBED', 'UNSUBSCRIBED', 'PENDING', 'NOT_SET']
    )
    expect(res.body.pagingMetadata).toEqual({
      count: all.length,
      offset: 0,
      total: all.length,
      tooManyToCount: false,
    })
  })

  it('pages the facet list and refuses bad paging', async () => {
    const page = await api('GET', '/contacts/v4/contacts/facets?paging.limit=2&paging.offset=1')
    expect(page.body.facets.map((f: Facet) => f.facetType)).toEqual(['NOT_LABELED', 'LABEL'])
    expect(page.body.pagingMetadata).toMatchObject({ count: 2, offset: 1 })
    const bad = await api('GET', '/contacts/v4/contacts/facets?paging.limit=0')
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual(appError('ILLEGAL_LIMIT'))
    const word = await api('GET', '/contacts/v4/contacts/facets?paging.limit=many')
    expect(word.status).toBe(400)
  })

  it('refuses a bad filter, an unknown body field and a body that is not JSON', async () => {
    const field = await api('POST', '/contacts/v4/contacts/facets/query', {
      filter: { 'info.shoeSize': 1 },
    })
    expect(field.body).toEqual(appError('UNSUPPORTED_FILTER_FIELD_UNKNOWN'))
    const typo = await api('POST', '/contacts/v4/contacts/facets/query', { filtre: {} })
    expect(typo.status).toBe(400)
  })

  it('is readable with a read-only key', async () => {
    expect(
      (await api('GET', '/contacts/v4/contacts/facets', undefined, 'test-read-key')).status
    ).toBe(200)
    const query = await api('POST', '/contacts/v4/contacts/facets/query', {}, 'test-read-key')
    expect(query.status).toBe(200)
  })
})

describe('facet counts', () => {
  it('equal the count of their own queryFilter, with and without a filter (property)', async () => {
    const keys = [await label('P one'), await label('P two'), await label('P three')]
    const companies = ['Acme', 'Globex']
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            labels: fc.subarray(keys),
            company: fc.constantFrom(...companies),
          }),
          { minLength: 1, maxLength: 6 }
        ),
        fc.constantFrom(undefined, { 'info.company': 'Acme' }),
        async (people, filter) => {
          for (const p of people) {
            await createContact({
              name: { first: 'Prop' },
              company: p.company,
              labelKeys: { items: p.labels },
            })
          }
          for (const facet of await facets(filter)) {
            expect(facet.count, facet.queryFilter).toBe(await countOf(facet.queryFilter))
          }
        }
      ),
      { numRuns: 8 }
    )
  })
})
