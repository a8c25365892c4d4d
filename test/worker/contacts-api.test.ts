import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactSchema } from '../../shared/contact.ts'
import { api, appError, createContact, extendedField, label, uniqueEmail } from './helpers.ts'

const CONTACTS = '/contacts/v4/contacts'

describe('POST /contacts/v4/contacts', () => {
  it('creates a contact in the Wix shape', async () => {
    const email = uniqueEmail('create')
    const key = await label('API created')
    const res = await api('POST', CONTACTS, {
      info: {
        name: { first: 'Ann', last: 'Lee' },
        emails: { items: [{ tag: 'MAIN', email, primary: true }] },
        phones: {
          items: [{ tag: 'MOBILE', countryCode: 'US', phone: '2125550134', primary: true }],
        },
        addresses: {
          items: [
            {
              tag: 'HOME',
              address: {
                country: 'US',
                subdivision: 'US-NY',
                city: 'New York',
                addressLine: '1 Main St',
              },
            },
          ],
        },
        company: 'Acme',
        jobTitle: 'Buyer',
        birthdate: '1980-12-01',
        locale: 'en-us',
        labelKeys: { items: [key] },
      },
    })
    expect(res.status).toBe(200)
    const c = contactSchema.parse(res.body.contact)
    expect(c).toMatchObject({
      revision: 1,
      lastActivity: { activityType: 'CONTACT_CREATED' },
      primaryInfo: { email, phone: '2125550134' },
      primaryEmail: { email, subscriptionStatus: 'NOT_SET', deliverabilityStatus: 'NOT_SET' },
      primaryPhone: { countryCode: 'US', e164Phone: '+12125550134', phone: '2125550134' },
      info: {
        name: { first: 'Ann', last: 'Lee' },
        company: 'Acme',
        jobTitle: 'Buyer',
        birthdate: '1980-12-01',
        locale: 'en-us',
        labelKeys: { items: [key] },
      },
    })
    expect(c.info.emails?.items).toEqual([
      { id: expect.any(String), tag: 'MAIN', email, primary: true },
    ])
    expect(c.info.addresses?.items[0]).toMatchObject({
      tag: 'HOME',
      address: { city: 'New York', addressLine: '1 Main St' },
    })
    expect((await api('GET', `${CONTACTS}/${c.id}`)).body.contact).toEqual(res.body.contact)
  })

  it('refuses an email used by another contact with 409 DUPLICATE_CONTACT_EXISTS, unless allowDuplicates', async () => {
    const email = uniqueEmail('dup')
    const first = await createContact({ emails: { items: [{ email }] } })
    const again = await api('POST', CONTACTS, {
      info: { emails: { items: [{ email: email.toUpperCase() }] } },
    })
    expect(again.status).toBe(409)
    expect(again.body).toEqual(
      appError('DUPLICATE_CONTACT_EXISTS', { duplicateContactId: first.id, duplicateEmail: email })
    )
    const allowed = await api('POST', CONTACTS, {
      info: { emails: { items: [{ email }] } },
      allowDuplicates: true,
    })
    expect(allowed.status).toBe(200)
    expect(allowed.body.contact.id).not.toBe(first.id)
  })

  it('checks the phone for duplicates only when there is no email', async () => {
    const phone = `+1646555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`
    const first = await createContact({ phones: { items: [{ phone }] } })
    const clash = await api('POST', CONTACTS, { info: { phones: { items: [{ phone }] } } })
    expect(clash.status).toBe(409)
    expect(clash.body).toEqual(
      appError('DUPLICATE_CONTACT_EXISTS', { duplicateContactId: first.id, duplicatePhone: phone })
    )
    const withEmail = await api('POST', CONTACTS, {
      info: { emails: { items: [{ email: uniqueEmail() }] }, phones: { items: [{ phone }] } },
    })
    expect(withEmail.status).toBe(200)
  })

  it.each([
    [{ company: 'Only a company' }, 400, 'INSUFFICIENT_CONTACT_DATA'],
    [
      {
        emails: {
          items: [
            { email: 'a@example.com', primary: true },
            { email: 'b@example.com', primary: true },
          ],
        },
      },
      400,
      'CANNOT_HAVE_MULTIPLE_PRIMARY_INFO',
    ],
    [
      { name: { first: 'X' }, labelKeys: { items: ['custom.no-such-label'] } },
      404,
      'LABEL_NOT_FOUND',
    ],
    [
      { name: { first: 'X' }, extendedFields: { items: { 'custom.no-such-field': 'x' } } },
      400,
      'INVALID_EXTENDED_FIELD_VALUE',
    ],
    [
      {
        name: { first: 'X' },
        extendedFields: { items: { 'emailSubscriptions.subscriptionStatus': 'SUBSCRIBED' } },
      },
      400,
      'INVALID_EXTENDED_FIELD_VALUE',
    ],
  ])('refuses %j with %i %s', async (info, status, code) => {
    const res = await api('POST', CONTACTS, { info })
    expect(res.status).toBe(status)
    expect(res.body).toEqual(appError(code))
  })

  it('checks extended values against the data type, and normalises URLs', async () => {
    const number = await extendedField('Seats', 'NUMBER')
    const site = await extendedField('Website', 'URL')
    const bad = await api('POST', CONTACTS, {
      info: { name: { first: 'N' }, extendedFields: { items: { [number]: 'many' } } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual(appError('INVALID_EXTENDED_FIELD_VALUE', { key: number }))
    const ok = await createContact({
      name: { first: 'N' },
      extendedFields: { items: { [number]: 12, [site]: 'example.com' } },
    })
    expect(ok.info.extendedFields.items).toEqual({ [number]: 12, [site]: 'https://example.com/' })
  })

  it('gives 400 with fieldViolations for a malformed email or an unknown info key', async () => {
    const bad = await api('POST', CONTACTS, { info: { emails: { items: [{ email: 'nope' }] } } })
    expect(bad.status).toBe(400)
    expect(bad.body.details.validationError.fieldViolations).toEqual([
      {
        field: 'info.emails.items[0].email',
        description: 'is not a valid email address',
        violatedRule: 'FORMAT',
      },
    ])
    const unknown = await api('POST', CONTACTS, { info: { name: { first: 'A' }, shoeSize: 42 } })
    expect(unknown.status).toBe(400)
    expect(unknown.body.details.validationError.fieldViolations).toEqual([
      expect.objectContaining({ field: 'info.shoeSize', violatedRule: 'FIELD_NOT_ALLOWED' }),
    ])
  })
})

describe('GET /contacts/v4/contacts/:id', () => {
  it('projects with fields and fieldsets, always keeping id and revision', async () => {
    const c = await createContact({
      name: { first: 'Pro' },
      emails: { items: [{ email: uniqueEmail() }] },
      company: 'Co',
    })
    const basic = await api('GET', `${CONTACTS}/${c.id}?fieldsets=BASIC`)
    expect(Object.keys(basic.body.contact).sort()).toEqual([
      'id',
      'info',
      'primaryInfo',
      'revision',
    ])
    expect(Object.keys(basic.body.contact.info)).toEqual(['name'])
    const some = await api('GET', `${CONTACTS}/${c.id}?fields=info.company&fields=createdDate`)
    expect(some.body.contact).toEqual({
      id: c.id,
      revision: 1,
      createdDate: c.createdDate,
      info: { company: 'Co' },
    })
    const bad = await api('GET', `${CONTACTS}/${c.id}?fieldsets=HUGE`)
    expect(bad.status).toBe(400)
  })
})

describe('PATCH /contacts/v4/contacts/:id', () => {
  it('replaces the parts of info it names, keeps the rest, and adds one to the revision', async () => {
    const email = uniqueEmail('upd')
    const c = await createContact({
      name: { first: 'Up', last: 'Date' },
      emails: { items: [{ email }] },
      company: 'Old',
    })
    const res = await api('PATCH', `${CONTACTS}/${c.id}`, {
      revision: 1,
      info: { company: 'Wix', name: { first: 'Upd' } },
    })
    expect(res.status).toBe(200)
    expect(res.body.contact).toMatchObject({
      revision: 2,
      info: { company: 'Wix', name: { first: 'Upd' } },
    })
    expect(res.body.contact.info.name.last).toBeUndefined()
    expect(res.body.contact.info.emails.items.map((e: { email: string }) => e.email)).toEqual([
      email,
    ])
  })

  it('refuses a stale revision with 409 CONTACT_ALREADY_CHANGED', async () => {
    const c = await createContact({ name: { first: 'Stale' } })
    await api('PATCH', `${CONTACTS}/${c.id}`, { revision: 1, info: { company: 'A' } })
    const stale = await api('PATCH', `${CONTACTS}/${c.id}`, { revision: 1, info: { company: 'B' } })
    expect(stale.status).toBe(409)
    expect(stale.body).toEqual(appError('CONTACT_ALREADY_CHANGED'))
    expect(stale.body.message).toBe('Contact has been updated since the requested revision.')
    expect((await api('GET', `${CONTACTS}/${c.id}`)).body.contact.info.company).toBe('A')
  })

  it('refuses an email another contact has, and an update that leaves no name, phone or email', async () => {
    const taken = uniqueEmail('taken')
    const other = await createContact({ emails: { items: [{ email: taken }] } })
    const c = await createContact({ name: { first: 'Mine' } })
    const dup = await api('PATCH', `${CONTACTS}/${c.id}`, {
      revision: 1,
      info: { emails: { items: [{ email: taken }] } },
    })
    expect(dup.status).toBe(409)
    expect(dup.body).toEqual(
      appError('DUPLICATE_CONTACT_EXISTS', { duplicateContactId: other.id, duplicateEmail: taken })
    )
    const empty = await api('PATCH', `${CONTACTS}/${c.id}`, { revision: 1, info: { name: {} } })
    expect(empty.status).toBe(400)
    expect(empty.body).toEqual(appError('INSUFFICIENT_UPDATE_CONTACT_DATA'))
    expect(
      (await api('PATCH', `${CONTACTS}/nope`, { revision: 1, info: { company: 'X' } })).body
    ).toEqual(appError('CONTACT_NOT_FOUND'))
  })
})

describe('DELETE /contacts/v4/contacts/:id', () => {
  it('deletes the contact and leaves no row holding its email anywhere in the database', async () => {
    const email = uniqueEmail('erase')
    const res = await (
      await import('./helpers.ts')
    ).submit({ email, phone: '+1 212 555 0199', firstName: 'Erin', consent: true })
    expect(res.status).toBe(202)
    const [contact] = (
      await api('POST', `${CONTACTS}/query`, { query: { filter: { 'info.emails.email': email } } })
    ).body.contacts
    const del = await api('DELETE', `${CONTACTS}/${contact.id}`)
    expect(del).toEqual({ status: 200, body: {} })
    expect((await api('GET', `${CONTACTS}/${contact.id}`)).status).toBe(404)

    const tables = await env.DB.prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`
    ).all<{ name: string }>()
    expect(tables.results.map((t) => t.name)).toContain('submissions')
    for (const { name } of tables.results) {
      const rows = await env.DB.prepare(`SELECT * FROM "${name}"`).all()
      const text = JSON.stringify(rows.results).toLowerCase()
      expect(text, `table ${name}`).not.toContain(email.toLowerCase())
      expect(text, `table ${name}`).not.toContain('erin')
    }
    expect((await api('DELETE', `${CONTACTS}/${contact.id}`)).body).toEqual(
      appError('CONTACT_NOT_FOUND')
    )
  })
})

describe('POST /contacts/v4/contacts/:id/merge', () => {
  it('moves emails, phones, labels and extended fields of the sources onto the target and deletes the sources', async () => {
    const [la, lb] = [await label('Merge A'), await label('Merge B')]
    const field = await extendedField('Merge note')
    const target = await createContact({
      name: { first: 'Target' },
      emails: { items: [{ email: uniqueEmail('t') }] },
      labelKeys: { items: [la] },
    })
    const s1Email = uniqueEmail('s1')
    const s1 = await createContact({
      name: { first: 'Source', last: 'One' },
      emails: { items: [{ email: s1Email }] },
      phones: { items: [{ phone: '+12125550101' }] },
      labelKeys: { items: [lb, la] },
      extendedFields: { items: { [field]: 'from s1' } },
    })
    const s2 = await createContact(
      {
        emails: { items: [{ email: s1Email.toUpperCase() }] },
        phones: { items: [{ phone: '+12125550102' }] },
      },
      true
    )

    const preview = await api('POST', `${CONTACTS}/${target.id}/preview-merge`, {
      sourceContactIds: [s1.id, s2.id],
    })
    expect(preview.status).toBe(200)
    expect((await api('GET', `${CONTACTS}/${s1.id}`)).body.responseType).toBe('REGULAR')

    const res = await api('POST', `${CONTACTS}/${target.id}/merge`, {
      targetContactRevision: 1,
      sourceContactIds: [s1.id, s2.id],
    })
    expect(res.status).toBe(200)
    const merged = res.body.contact
    expect(merged.revision).toBe(2)
    expect(merged.info.name).toEqual({ first: 'Target', last: 'One' })
    expect(
      merged.info.emails.items.map((e: { email: string; primary: boolean }) => [e.email, e.primary])
    ).toEqual([
      [target.info.emails.items[0].email, true],
      [s1Email, false],
    ])
    expect(merged.info.phones.items.map((p: { e164Phone: string }) => p.e164Phone)).toEqual([
      '+12125550101',
      '+12125550102',
    ])
    expect([...merged.info.labelKeys.items].sort()).toEqual([la, lb].sort())
    expect(merged.info.extendedFields.items).toEqual({ [field]: 'from s1' })
    // The preview showed what the merge then did (item ids are assigned on write).
    type Shape = {
      info: { emails: { items: { email: string; primary: boolean }[] }; labelKeys: unknown }
    }
    const shape = (c: Shape) => ({
      emails: c.info.emails.items.map((e) => [e.email, e.primary]),
      labels: c.info.labelKeys,
    })
    expect(shape(preview.body.contact)).toEqual(shape(merged))

    for (const source of [s1, s2]) {
      const got = await api('GET', `${CONTACTS}/${source.id}`)
      expect(got.body).toMatchObject({ responseType: 'MERGED', contact: { id: target.id } })
      const found = await api('POST', `${CONTACTS}/query`, { query: { filter: { id: source.id } } })
      expect(found.body.contacts).toEqual([])
    }
  })

  it.each([
    [
      'the target among the sources',
      (t: string) => ({ targetContactRevision: 1, sourceContactIds: [t] }),
      400,
      'ILLEGAL_MERGE',
    ],
    [
      'an unknown source',
      () => ({ targetContactRevision: 1, sourceContactIds: ['no-such-contact'] }),
      404,
      'CONTACT_NOT_FOUND',
    ],
    [
      'a stale target revision',
      (_: string, s: string) => ({ targetContactRevision: 7, sourceContactIds: [s] }),
      409,
      'CONTACT_ALREADY_CHANGED',
    ],
  ])('refuses %s with %i %s and changes nothing', async (_, body, status, code) => {
    const target = await createContact({ name: { first: 'T' } })
    const source = await createContact({ name: { first: 'S' } })
    const res = await api('POST', `${CONTACTS}/${target.id}/merge`, body(target.id, source.id))
    expect(res.status).toBe(status)
    expect(res.body).toEqual(appError(code))
    expect((await api('GET', `${CONTACTS}/${source.id}`)).body.responseType).toBe('REGULAR')
  })

  it('takes at most 5 sources', async () => {
    const target = await createContact({ name: { first: 'T' } })
    const res = await api('POST', `${CONTACTS}/${target.id}/merge`, {
      targetContactRevision: 1,
      sourceContactIds: ['a', 'b', 'c', 'd', 'e', 'f'],
    })
    expect(res.status).toBe(400)
    expect(res.body.details.validationError.fieldViolations[0].field).toBe('sourceContactIds')
  })
})

describe('labels on a contact', () => {
  it('adds existing labels (revision + 1) and removes them by body or query string', async () => {
    const [a, b] = [await label('Tag A'), await label('Tag B')]
    const c = await createContact({ name: { first: 'L' } })
    const added = await api('POST', `${CONTACTS}/${c.id}/labels`, { labelKeys: [a, b] })
    expect(added.body.contact).toMatchObject({
      revision: 2,
      info: { labelKeys: { items: expect.arrayContaining([a, b]) } },
    })
    const removed = await api('DELETE', `${CONTACTS}/${c.id}/labels`, { labelKeys: [a] })
    expect(removed.body.contact.info.labelKeys.items).toEqual([b])
    const viaQuery = await api(
      'DELETE',
      `${CONTACTS}/${c.id}/labels?labelKeys=${encodeURIComponent(b)}`
    )
    expect(viaQuery.body.contact.info.labelKeys.items).toEqual([])
  })

  it('refuses unknown label keys (404 LABEL_NOT_FOUND), unknown contacts and more than 100 keys', async () => {
    const c = await createContact({ name: { first: 'L' } })
    const unknown = await api('POST', `${CONTACTS}/${c.id}/labels`, {
      labelKeys: ['custom.never-made'],
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual(appError('LABEL_NOT_FOUND', { labelKeys: ['custom.never-made'] }))
    const nobody = await api('POST', `${CONTACTS}/nobody/labels`, {
      labelKeys: [await label('Tag A')],
    })
    expect(nobody.body).toEqual(appError('CONTACT_NOT_FOUND'))
    const many = await api('POST', `${CONTACTS}/${c.id}/labels`, {
      labelKeys: Array.from({ length: 101 }, (_, i) => `k${i}`),
    })
    expect(many.status).toBe(400)
  })
})

describe('GET /contacts/v4/contacts', () => {
  it('lists with query-string paging, sort and projection', async () => {
    const prefix = `List${crypto.randomUUID().slice(0, 6)}`
    for (const first of ['b', 'a', 'c'])
      await createContact({ name: { first: `${prefix}-${first}` } })
    const res = await api(
      'GET',
      `${CONTACTS}?paging.limit=2&paging.offset=0&sort.fieldName=info.name.first&sort.order=DESC&fieldsets=BASIC`
    )
    expect(res.status).toBe(200)
    expect(res.body.contacts).toHaveLength(2)
    expect(res.body.pagingMetadata).toMatchObject({ count: 2, offset: 0, tooManyToCount: false })
    const names = res.body.contacts.map(
      (c: { info: { name?: { first?: string } } }) => c.info.name?.first ?? ''
    )
    expect([...names].sort().reverse()).toEqual(names)
    expect((await api('GET', `${CONTACTS}?paging.limit=5000`)).body).toEqual(
      appError('ILLEGAL_LIMIT')
    )
  })
})

describe('read-only keys', () => {
  it('may read and query but not change anything (403 PERMISSION_DENIED)', async () => {
    const c = await createContact({ name: { first: 'Read' } })
    expect((await api('GET', `${CONTACTS}/${c.id}`, undefined, 'test-read-key')).status).toBe(200)
    expect((await api('POST', `${CONTACTS}/query`, { query: {} }, 'second-read-key')).status).toBe(
      200
    )
    expect((await api('GET', '/contacts/v4/labels', undefined, 'test-read-key')).status).toBe(200)
    for (const [method, path, body] of [
      ['POST', CONTACTS, { info: { name: { first: 'No' } } }],
      ['PATCH', `${CONTACTS}/${c.id}`, { revision: 1, info: { company: 'No' } }],
      ['DELETE', `${CONTACTS}/${c.id}`, undefined],
      ['POST', '/contacts/v4/labels', { displayName: 'No' }],
    ] as const) {
      const res = await api(method, path, body, 'test-read-key')
      expect(res.status).toBe(403)
      expect(res.body).toEqual(appError('PERMISSION_DENIED'))
    }
    expect((await api('GET', `${CONTACTS}/${c.id}`)).body.contact.revision).toBe(1)
  })
})

describe('the event outbox', () => {
  it('gets created, updated, merged and deleted rows in the same batch as each change', async () => {
    const a = await createContact({ name: { first: 'Ev' } })
    const b = await createContact({ name: { first: 'Ent' } })
    await api('PATCH', `${CONTACTS}/${a.id}`, { revision: 1, info: { company: 'X' } })
    await api('POST', `${CONTACTS}/${a.id}/merge`, {
      targetContactRevision: 2,
      sourceContactIds: [b.id],
    })
    await api('DELETE', `${CONTACTS}/${a.id}`)
    const rows = await env.DB.prepare(
      `SELECT slug, entity_id, body FROM outbox WHERE entity_id IN (?, ?) ORDER BY created_date, rowid`
    )
      .bind(a.id, b.id)
      .all<{ slug: string; entity_id: string; body: string }>()
    expect(
      rows.results.map((r) => [r.slug, r.entity_id === a.id ? 'a' : 'b', JSON.parse(r.body)])
    ).toEqual([
      ['created', 'a', {}],
      ['created', 'b', {}],
      ['updated', 'a', {}],
      ['updated', 'a', { originatedFrom: 'merge' }],
      ['merged', 'a', { targetContactId: a.id, sourceContactIds: [b.id] }],
      ['deleted', 'b', { originatedFrom: 'merge' }],
      ['deleted', 'a', {}],
    ])
    const failed = await api('PATCH', `${CONTACTS}/${b.id}`, {
      revision: 1,
      info: { company: 'Y' },
    })
    expect(failed.status).toBe(404)
  })
})
