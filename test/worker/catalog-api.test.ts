import { describe, expect, it } from 'vitest'
import { api, appError, createContact } from './helpers.ts'

const unique = (name: string) => `${name} ${crypto.randomUUID().slice(0, 8)}`

describe('Labels v4', () => {
  const LABELS = '/contacts/v4/labels'

  it('finds or creates by display name, with a custom.<slug> key', async () => {
    const name = unique('Hot Lead')
    const created = await api('POST', LABELS, { displayName: name })
    expect(created.status).toBe(200)
    expect(created.body).toEqual({
      label: {
        namespace: 'custom',
        namespaceDisplayName: 'Custom',
        key: `custom.${name.toLowerCase().replace(/ /g, '-')}`,
        displayName: name,
        labelType: 'USER_DEFINED',
        createdDate: expect.any(String),
        updatedDate: expect.any(String),
      },
      newLabel: true,
    })
    const found = await api('POST', LABELS, { displayName: name })
    expect(found.body).toEqual({ label: created.body.label, newLabel: false })
  })

  it('gives a distinct key to another name with the same slug', async () => {
    const base = unique('Same Slug')
    const a = await api('POST', LABELS, { displayName: base })
    const b = await api('POST', LABELS, { displayName: base.toUpperCase() })
    expect(b.body.newLabel).toBe(true)
    expect(b.body.label.key).toBe(`${a.body.label.key}-2`)
  })

  it('gets, lists, queries, renames (key kept) and deletes (removed from contacts)', async () => {
    const name = unique('Lifecycle')
    const { key } = (await api('POST', LABELS, { displayName: name })).body.label
    expect((await api('GET', `${LABELS}/${key}`)).body.label.displayName).toBe(name)

    const listed = await api(
      'GET',
      `${LABELS}?startsWith=${encodeURIComponent(name)}&paging.limit=5`
    )
    expect(listed.body).toEqual({
      labels: [expect.objectContaining({ key })],
      metadata: { count: 1, offset: 0, total: 1, tooManyToCount: false },
    })
    const queried = await api('POST', `${LABELS}/query`, {
      query: {
        filter: { displayName: { $startsWith: name.toLowerCase() } },
        sort: [{ fieldName: 'displayName', order: 'DESC' }],
      },
    })
    expect(queried.body).toEqual({
      labels: [expect.objectContaining({ key })],
      pagingMetadata: { count: 1, offset: 0, total: 1, tooManyToCount: false },
    })

    const renamed = await api('PATCH', `${LABELS}/${key}`, {
      label: { displayName: `${name} (renamed)` },
    })
    expect(renamed.body.label).toMatchObject({ key, displayName: `${name} (renamed)` })

    const contact = await createContact({ name: { first: 'Tagged' }, labelKeys: { items: [key] } })
    expect((await api('DELETE', `${LABELS}/${key}`)).body).toEqual({})
    expect((await api('GET', `${LABELS}/${key}`)).body).toEqual(
      appError('LABEL_NOT_FOUND', { key })
    )
    expect(
      (await api('GET', `/contacts/v4/contacts/${contact.id}`)).body.contact.info.labelKeys.items
    ).toEqual([])
  })

  it.each([
    ['GET', `/contacts/v4/labels/custom.nothing-here`, undefined, 404, 'LABEL_NOT_FOUND'],
    [
      'PATCH',
      `/contacts/v4/labels/custom.nothing-here`,
      { label: { displayName: 'X' } },
      404,
      'LABEL_NOT_FOUND',
    ],
    ['GET', `/contacts/v4/labels?paging.limit=2001`, undefined, 400, 'ILLEGAL_LIMIT'],
    [
      'POST',
      `/contacts/v4/labels/query`,
      { query: { filter: { color: 'red' } } },
      400,
      'UNSUPPORTED_FILTER_FIELD_UNKNOWN',
    ],
    [
      'POST',
      `/contacts/v4/labels/query`,
      { query: { filter: { key: { $startsWith: 'c' } } } },
      400,
      'UNSUPPORTED_FILTER_OPERATOR',
    ],
    [
      'POST',
      `/contacts/v4/labels/query`,
      { query: { sort: [{ fieldName: 'key' }] } },
      400,
      'INVALID_SORT',
    ],
  ] as const)('%s %s gives %i %s', async (method, path, body, status, code) => {
    const res = await api(method, path, body)
    expect(res.status).toBe(status)
    expect(res.body).toEqual(appError(code))
  })

  it('refuses a rename to a name another label has (409) and an empty or too long name (400)', async () => {
    const a = (await api('POST', LABELS, { displayName: unique('Taken') })).body.label
    const b = (await api('POST', LABELS, { displayName: unique('Free') })).body.label
    const clash = await api('PATCH', `${LABELS}/${b.key}`, {
      label: { displayName: a.displayName },
    })
    expect(clash.status).toBe(409)
    expect(clash.body).toEqual(appError('ALREADY_EXISTS'))
    expect((await api('POST', LABELS, { displayName: '' })).status).toBe(400)
    const long = await api('POST', LABELS, { displayName: 'x'.repeat(181) })
    expect(long.body.details.validationError.fieldViolations[0]).toMatchObject({
      field: 'displayName',
      violatedRule: 'MAX_LENGTH',
    })
  })
})

describe('Extended Fields v4', () => {
  const FIELDS = '/contacts/v4/extended-fields'

  it('finds or creates by display name (the data type of an existing field wins)', async () => {
    const name = unique('Fav Color')
    const created = await api('POST', FIELDS, { displayName: name, dataType: 'TEXT' })
    expect(created.body).toEqual({
      field: {
        namespace: 'custom',
        key: `custom.${name.toLowerCase().replace(/ /g, '-')}`,
        displayName: name,
        dataType: 'TEXT',
        fieldType: 'USER_DEFINED',
        createdDate: expect.any(String),
        updatedDate: expect.any(String),
      },
      newField: true,
    })
    const again = await api('POST', FIELDS, { displayName: name, dataType: 'NUMBER' })
    expect(again.body).toEqual({ field: created.body.field, newField: false })
  })

  it('lists the system fields as read-only', async () => {
    const system = await api('GET', `${FIELDS}?fieldType=SYSTEM`)
    expect(system.body.fields.map((f: { key: string }) => f.key).sort()).toEqual([
      'emailSubscriptions.deliverabilityStatus',
      'emailSubscriptions.effectiveEmail',
      'emailSubscriptions.subscriptionStatus',
    ])
    const key = 'emailSubscriptions.subscriptionStatus'
    expect(
      (await api('PATCH', `${FIELDS}/${key}`, { field: { displayName: 'Mine' } })).body
    ).toEqual(appError('CANNOT_MODIFY_SYSTEM_ENTRY'))
    expect((await api('DELETE', `${FIELDS}/${key}`)).body).toEqual(
      appError('CANNOT_MODIFY_SYSTEM_ENTRY')
    )
  })

  it('queries by dataType, renames and deletes with every value', async () => {
    const name = unique('Budget')
    const { key } = (await api('POST', FIELDS, { displayName: name, dataType: 'NUMBER' })).body
      .field
    const numbers = await api('POST', `${FIELDS}/query`, {
      query: { filter: { $and: [{ dataType: 'NUMBER' }, { key: { $in: [key] } }] } },
    })
    expect(numbers.body.fields).toEqual([expect.objectContaining({ key, dataType: 'NUMBER' })])
    expect(numbers.body.pagingMetadata.total).toBe(1)
    const renamed = await api('PATCH', `${FIELDS}/${key}`, { field: { displayName: `${name}!` } })
    expect(renamed.body.field).toMatchObject({ key, displayName: `${name}!` })

    const contact = await createContact({
      name: { first: 'Val' },
      extendedFields: { items: { [key]: 5000 } },
    })
    expect(contact.info.extendedFields.items[key]).toBe(5000)
    expect((await api('DELETE', `${FIELDS}/${key}`)).body).toEqual({})
    expect((await api('GET', `${FIELDS}/${key}`)).body).toEqual(
      appError('EXTENDED_FIELD_NOT_FOUND', { key })
    )
    expect(
      (await api('GET', `/contacts/v4/contacts/${contact.id}`)).body.contact.info.extendedFields
        .items
    ).toEqual({})
  })

  it('refuses an unknown data type, and a list page over its limit', async () => {
    const bad = await api('POST', FIELDS, { displayName: unique('Weird'), dataType: 'COLOR' })
    expect(bad.status).toBe(400)
    expect(bad.body.details.validationError.fieldViolations[0]).toMatchObject({
      field: 'dataType',
      violatedRule: 'INVALID_ENUM_VALUE',
    })
    expect((await api('GET', `${FIELDS}?paging.limit=1001`)).body).toEqual(
      appError('ILLEGAL_LIMIT')
    )
  })
})
