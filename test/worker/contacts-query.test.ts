import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { admin, call, queryContacts, submit, uniqueEmail, VALID } from './helpers.ts'

/** Inserts contacts straight into D1, created at the given instants (several per millisecond). */
async function seedContacts(createdDates: string[]): Promise<string[]> {
  const rows = createdDates.map((createdDate) => ({ id: crypto.randomUUID(), createdDate }))
  // Inserted in random order, so that only the query's ORDER BY (not insertion order) sorts them.
  const shuffled = [...rows].sort(() => Math.random() - 0.5)
  await env.DB.prepare(
    `INSERT INTO contacts (id, source_type, created_date, updated_date, last_activity_date, last_activity_type)
     SELECT json_extract(value, '$.id'), 'OTHER', json_extract(value, '$.createdDate'), json_extract(value, '$.createdDate'),
            json_extract(value, '$.createdDate'), 'CONTACT_CREATED'
     FROM json_each(?)`
  )
    .bind(JSON.stringify(shuffled))
    .run()
  return rows.map((r) => r.id)
}

describe('admin authentication', () => {
  it.each([
    ['no key', {}],
    ['a wrong key', { Authorization: 'wrong-key' }],
    ['a wrong bearer key', { Authorization: 'Bearer wrong-key' }],
    ['an empty bearer', { Authorization: 'Bearer ' }],
  ])('gives 401 with %s', async (_, headers) => {
    for (const res of [
      await call('/contacts/v4/contacts/some-id', { headers }),
      await call('/contacts/v4/contacts/query', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: '{}',
      }),
    ]) {
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({
        details: { applicationError: { code: 'UNAUTHENTICATED' } },
      })
    }
  })

  it('accepts the key bare and as a Bearer token', async () => {
    expect(
      (
        await call('/contacts/v4/contacts/query', {
          method: 'POST',
          headers: { Authorization: 'test-admin-key' },
          body: '{}',
        })
      ).status
    ).toBe(200)
    expect(
      (
        await call('/contacts/v4/contacts/query', {
          method: 'POST',
          headers: { Authorization: 'Bearer test-admin-key' },
          body: '{}',
        })
      ).status
    ).toBe(200)
  })
})

describe('GET /contacts/v4/contacts/:id', () => {
  it('gives 404 CONTACT_NOT_FOUND for an unknown id', async () => {
    const res = await admin('/contacts/v4/contacts/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      details: { applicationError: { code: 'CONTACT_NOT_FOUND' } },
    })
  })
})

describe('POST /contacts/v4/contacts/query', () => {
  it('filters by info.emails.email and primaryInfo.email with $eq and $in, in any case', async () => {
    const a = uniqueEmail('qa')
    const b = uniqueEmail('qb')
    await submit({ ...VALID, email: a })
    await submit({ ...VALID, email: b })
    expect(
      (await queryContacts({ filter: { 'info.emails.email': a.toUpperCase() } })).contacts
    ).toHaveLength(1)
    expect(
      (await queryContacts({ filter: { 'primaryInfo.email': { $eq: b } } })).contacts
    ).toHaveLength(1)
    const both = await queryContacts({ filter: { 'info.emails.email': { $in: [a, b] } } })
    expect(both.contacts.map((c) => c.primaryInfo.email).sort()).toEqual([a, b].sort())
    expect(
      (await queryContacts({ filter: { 'primaryInfo.email': { $in: [b, 'nobody@example.com'] } } }))
        .contacts
    ).toHaveLength(1)
  })

  it('filters by info.labelKeys $hasSome', async () => {
    const email = uniqueEmail('label')
    await submit({ ...VALID, email })
    const found = await queryContacts({
      filter: {
        $and: [
          { 'info.labelKeys': { $hasSome: ['custom.demo-request', 'custom.none'] } },
          { 'info.emails.email': email },
        ],
      },
    })
    expect(found.contacts).toHaveLength(1)
    const none = await queryContacts({
      filter: {
        $and: [{ 'info.labelKeys': { $hasSome: ['custom.none'] } }, { 'info.emails.email': email }],
      },
    })
    expect(none.contacts).toHaveLength(0)
  })

  it('pages a label held by many contacts and by few alike: same order, exact totals', async () => {
    // 1,200 contacts (more than the count at which a page walks the sort's index instead of
    // looking the matches up) with label "many", every 100th also with "few".
    const start = Date.UTC(2091, 0, 1) + Math.floor(Math.random() * 1e10)
    const ids = await seedContacts(
      Array.from({ length: 1200 }, (_, i) => new Date(start + Math.floor(i / 2)).toISOString())
    )
    const tag = crypto.randomUUID().slice(0, 8)
    const [many, few] = [`custom.many-${tag}`, `custom.few-${tag}`]
    for (const key of [many, few])
      await env.DB.prepare(
        `INSERT INTO labels (key, namespace, display_name, label_type, created_date, updated_date)
         VALUES (?1, 'custom', ?1, 'USER_DEFINED', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')`
      )
        .bind(key)
        .run()
    const labelled = (key: string, every: number) =>
      env.DB.prepare(
        `INSERT INTO contact_labels (contact_id, label_key) SELECT value, ?2 FROM json_each(?1)`
      )
        .bind(JSON.stringify(ids.filter((_, i) => i % every === 0)), key)
        .run()
    await labelled(many, 1)
    await labelled(few, 100)
    const newestFirst = ids
      .map((id, i) => ({ id, at: Math.floor(i / 2) }))
      .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
    const sort = [{ fieldName: 'createdDate', order: 'DESC' }]
    for (const [key, offset, expected] of [
      [many, 0, newestFirst],
      [many, 1180, newestFirst],
      [few, 0, newestFirst.filter((r) => ids.indexOf(r.id) % 100 === 0)],
    ] as const) {
      const page = await queryContacts({
        filter: { 'info.labelKeys': { $hasSome: [key] } },
        sort,
        paging: { limit: 25, offset },
      })
      expect(page.pagingMetadata.total).toBe(expected.length)
      expect(page.contacts.map((c) => c.id)).toEqual(
        expected.slice(offset, offset + 25).map((r) => r.id)
      )
    }
  })

  it('pages through 2,500 contacts created after T in pages of 1,000 with no gap and no repeat', async () => {
    const start = Date.UTC(2090, 0, 1) + Math.floor(Math.random() * 1e10)
    // Three contacts per millisecond: ties that only the id can order.
    const ids = await seedContacts(
      Array.from({ length: 2500 }, (_, i) => new Date(start + Math.floor(i / 3)).toISOString())
    )
    const T = new Date(start - 1).toISOString()
    const seen: string[] = []
    const pages = []
    for (let offset = 0; ; offset += 1000) {
      const page = await queryContacts({
        filter: { createdDate: { $gt: T, $lt: new Date(start + 1e6).toISOString() } },
        sort: [{ fieldName: 'createdDate', order: 'ASC' }],
        paging: { limit: 1000, offset },
      })
      pages.push(page.pagingMetadata)
      seen.push(...page.contacts.map((c) => c.id))
      if (page.contacts.length < 1000) break
    }
    expect(pages).toEqual([
      { count: 1000, offset: 0, total: 2500, tooManyToCount: false },
      { count: 1000, offset: 1000, total: 2500, tooManyToCount: false },
      { count: 500, offset: 2000, total: 2500, tooManyToCount: false },
    ])
    expect(new Set(seen).size).toBe(2500)
    // In createdDate order, ties broken by id.
    const expected = ids
      .map((id, i) => ({ id, at: Math.floor(i / 3) }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
      .map((r) => r.id)
    expect(seen).toEqual(expected)
    const dates = await queryContacts({
      filter: {
        createdDate: {
          $gte: new Date(start).toISOString(),
          $lte: new Date(start + 1).toISOString(),
        },
      },
      paging: { limit: 10 },
    })
    expect(dates.contacts.map((c) => c.createdDate)).toEqual([
      ...Array(3).fill(new Date(start).toISOString()),
      ...Array(3).fill(new Date(start + 1).toISOString()),
    ])
  })

  it.each([
    [{ filter: { 'info.shoeSize': 42 } }, 'UNSUPPORTED_FILTER_FIELD_UNKNOWN'],
    [{ filter: { createdDate: { $hasSome: ['x'] } } }, 'UNSUPPORTED_FILTER_OPERATOR'],
    [{ filter: { createdDate: { $gt: 'yesterday' } } }, 'UNSUPPORTED_FILTER_VALUE'],
    [{ sort: [{ fieldName: 'info.shoeSize' }] }, 'UNSUPPORTED_SORT_FIELD'],
    [{ paging: { limit: 1001 } }, 'ILLEGAL_LIMIT'],
  ])('refuses %j with 400 %s', async (query, code) => {
    const res = await admin('/contacts/v4/contacts/query', {
      method: 'POST',
      body: JSON.stringify({ query }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ details: { applicationError: { code } } })
  })
})
