/** Edge cases of the Contacts v4 API: concurrency guards, limits, ids, search, subscriptions. */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { Contact } from '../../shared/contact.ts'
import { writeContactStatements } from '../../worker/db/contact-writes.ts'
import { api, appError, createContact, extendedField, label, uniqueEmail } from './helpers.ts'

const CONTACTS = '/contacts/v4/contacts'

describe('merge guard', () => {
  it('writes nothing when a source changed after it was read', async () => {
    const target: Contact = await createContact({ name: { first: 'T' } })
    const source: Contact = await createContact({ name: { first: 'S' } })
    await api('PATCH', `${CONTACTS}/${source.id}`, {
      revision: 1,
      info: { company: 'Changed meanwhile' },
    })
    const [first] = await env.DB.batch(
      writeContactStatements(
        env.DB,
        { ...target, info: { ...target.info, company: 'Merged' } },
        {
          writeId: crypto.randomUUID(),
          expectedRevision: 1,
          sources: [{ id: source.id, revision: 1 }],
        }
      )
    )
    expect(first!.meta.changes).toBe(0)
    expect((await api('GET', `${CONTACTS}/${target.id}`)).body.contact).toMatchObject({
      revision: 1,
    })
  })

  it('refuses a merge that would pass 50 emails', async () => {
    const many = (p: string) => ({
      emails: {
        items: Array.from({ length: 30 }, (_, i) => ({
          email: `${p}${i}-${crypto.randomUUID().slice(0, 6)}@example.com`,
        })),
      },
    })
    const target = await createContact(many('t'))
    const source = await createContact(many('s'))
    const res = await api('POST', `${CONTACTS}/${target.id}/merge`, {
      targetContactRevision: 1,
      sourceContactIds: [source.id],
    })
    expect(res.status).toBe(400)
    expect(res.body.details.validationError.fieldViolations).toEqual([
      {
        field: 'info.emails.items',
        description: 'A contact has at most 50; this would make 60',
        violatedRule: 'MAX_SIZE',
      },
    ])
    expect((await api('GET', `${CONTACTS}/${source.id}`)).body.responseType).toBe('REGULAR')
  })
})

describe('item ids', () => {
  it('gives a copied email its own id, and keeps the ids of a contact’s own items', async () => {
    const a = await createContact({ emails: { items: [{ email: uniqueEmail('a') }] } })
    const copiedId = a.info.emails.items[0].id
    const b = await createContact({
      emails: { items: [{ id: copiedId, email: uniqueEmail('b') }] },
    })
    expect(b.info.emails.items[0].id).not.toBe(copiedId)
    const kept = await api('PATCH', `${CONTACTS}/${a.id}`, {
      revision: 1,
      info: { emails: { items: [...a.info.emails.items, { email: uniqueEmail('a2') }] } },
    })
    expect(kept.status).toBe(200)
    expect(kept.body.contact.info.emails.items[0].id).toBe(copiedId)
  })
})

describe('search', () => {
  it('finds by first or last name (any case), email or phone, exactly', async () => {
    const last = `Zyx${crypto.randomUUID().slice(0, 6)}`
    const email = uniqueEmail('search')
    const c = await createContact({
      name: { last },
      emails: { items: [{ email }] },
      phones: { items: [{ phone: '+12125559876' }] },
    })
    for (const search of [last.toUpperCase(), email, '+12125559876']) {
      const res = await api('POST', `${CONTACTS}/query`, { query: {}, search })
      expect(res.body.contacts.map((x: Contact) => x.id)).toEqual([c.id])
    }
    const partial = await api('POST', `${CONTACTS}/query`, { query: {}, search: last.slice(0, 4) })
    expect(partial.body.contacts.map((x: Contact) => x.id)).not.toContain(c.id)
  })
})

describe('email subscription', () => {
  it('starts over when the primary email changes', async () => {
    const c = await createContact({ emails: { items: [{ email: uniqueEmail('sub') }] } })
    await env.DB.prepare(`UPDATE contacts SET subscription_status = 'SUBSCRIBED' WHERE id = ?`)
      .bind(c.id)
      .run()
    const same = await api('PATCH', `${CONTACTS}/${c.id}`, {
      revision: 1,
      info: { company: 'Still subscribed' },
    })
    expect(same.body.contact.primaryEmail.subscriptionStatus).toBe('SUBSCRIBED')
    const moved = await api('PATCH', `${CONTACTS}/${c.id}`, {
      revision: 2,
      info: { emails: { items: [{ email: uniqueEmail('new') }] } },
    })
    expect(moved.body.contact.primaryEmail.subscriptionStatus).toBe('NOT_SET')
  })
})

describe('input checks', () => {
  it('refuses a number for a TEXT field, a huge offset and $not without a filter', async () => {
    const key = await extendedField(`Text only ${crypto.randomUUID().slice(0, 6)}`, 'TEXT')
    const res = await api('POST', CONTACTS, {
      info: { name: { first: 'N' }, extendedFields: { items: { [key]: 42 } } },
    })
    expect(res.body).toEqual(appError('INVALID_EXTENDED_FIELD_VALUE', { key }))
    expect((await api('GET', `${CONTACTS}?paging.offset=1e20`)).status).toBe(400)
    expect((await api('GET', '/contacts/v4/labels?paging.offset=1e300')).status).toBe(400)
    expect(
      (await api('POST', `${CONTACTS}/query`, { query: { filter: { $not: null } } })).body
    ).toEqual(appError('MALFORMED_FILTER'))
  })
})

describe('deleting a label', () => {
  it('is an update of each contact that had it: revision + 1 and an updated event', async () => {
    const key = await label(`Going away ${crypto.randomUUID().slice(0, 6)}`)
    const c = await createContact({ name: { first: 'L' }, labelKeys: { items: [key] } })
    await api('DELETE', `/contacts/v4/labels/${key}`)
    expect((await api('GET', `${CONTACTS}/${c.id}`)).body.contact).toMatchObject({
      revision: 2,
      info: { labelKeys: { items: [] } },
    })
    const events = await env.DB.prepare(
      `SELECT slug FROM outbox WHERE entity_id = ? ORDER BY created_date, rowid`
    )
      .bind(c.id)
      .all<{ slug: string }>()
    expect(events.results.map((e) => e.slug)).toEqual(['created', 'updated'])
  })
})
