/**
 * The request examples of the Wix Contacts v4 reference (../shared/reference/wix-contacts-v4.md
 * §11 and §4), sent as written; the answers must have the documented shape.
 */
import { describe, expect, it } from 'vitest'
import { contactSchema } from '../../shared/contact.ts'
import { api } from './helpers.ts'

describe('the Wix reference examples, replayed', () => {
  it('labels, fields, create, duplicate, update, query by email and label, as documented', async () => {
    // Labels / fields
    const labelRes = await api('POST', '/contacts/v4/labels', { displayName: 'My Label' })
    expect(labelRes.status).toBe(200)
    expect(labelRes.body.label.key).toBe('custom.my-label')
    const fieldRes = await api('POST', '/contacts/v4/extended-fields', {
      displayName: 'My Field',
      dataType: 'TEXT',
    })
    expect(fieldRes.status).toBe(200)
    expect(fieldRes.body.field.key).toBe('custom.my-field')

    // Create (fails with 409 DUPLICATE_CONTACT_EXISTS if the email is taken)
    const create = {
      info: {
        name: { first: 'Ann', last: 'Lee' },
        emails: { items: [{ tag: 'MAIN', email: 'ann@example.com', primary: true }] },
        phones: {
          items: [{ tag: 'MOBILE', countryCode: 'US', phone: '2125550134', primary: true }],
        },
        labelKeys: { items: ['custom.my-label'] },
        extendedFields: { items: { 'custom.my-field': 'x' } },
      },
      allowDuplicates: false,
    }
    const created = await api('POST', '/contacts/v4/contacts', create)
    expect(created.status).toBe(200)
    const contact = contactSchema.parse(created.body.contact)
    expect(contact.revision).toBe(1)
    expect(contact.info.phones?.items[0]).toMatchObject({
      countryCode: 'US',
      phone: '2125550134',
      e164Phone: '+12125550134',
    })
    expect(contact.info.extendedFields?.items).toEqual({ 'custom.my-field': 'x' })
    const duplicate = await api('POST', '/contacts/v4/contacts', create)
    expect(duplicate.status).toBe(409)
    expect(duplicate.body.details.applicationError).toMatchObject({
      code: 'DUPLICATE_CONTACT_EXISTS',
      data: { duplicateContactId: contact.id, duplicateEmail: 'ann@example.com' },
    })

    // Update (send the current revision): the example sends revision 3.
    for (const revision of [1, 2]) {
      expect(
        (
          await api('PATCH', `/contacts/v4/contacts/${contact.id}`, {
            revision,
            info: { jobTitle: `Step ${revision}` },
          })
        ).status
      ).toBe(200)
    }
    const updated = await api('PATCH', `/contacts/v4/contacts/${contact.id}`, {
      revision: 3,
      info: { company: 'Wix' },
    })
    expect(updated.status).toBe(200)
    expect(contactSchema.parse(updated.body.contact)).toMatchObject({
      revision: 4,
      info: { company: 'Wix', name: { first: 'Ann', last: 'Lee' } },
    })

    // Look up by email (v4 "find duplicate")
    const query = await api('POST', '/contacts/v4/contacts/query', {
      query: {
        filter: { 'info.emails.email': { $eq: 'ann@example.com' } },
        paging: { limit: 10 },
        fieldsets: ['COMMUNICATION_DETAILS'],
      },
    })
    expect(query.status).toBe(200)
    expect(query.body.pagingMetadata).toEqual({
      count: 1,
      offset: 0,
      total: 1,
      tooManyToCount: false,
    })
    const [found] = query.body.contacts
    expect(Object.keys(found).sort()).toEqual(['id', 'info', 'primaryInfo', 'revision'])
    expect(Object.keys(found.info).sort()).toEqual(['addresses', 'emails', 'name', 'phones'])

    // Label the contact
    const labelled = await api('POST', `/contacts/v4/contacts/${contact.id}/labels`, {
      labelKeys: ['custom.my-label'],
    })
    expect(labelled.status).toBe(200)
    expect(contactSchema.parse(labelled.body.contact).info.labelKeys?.items).toEqual([
      'custom.my-label',
    ])
  })

  it('finds a contact by its second email ("Query Contacts by Email")', async () => {
    const created = await api('POST', '/contacts/v4/contacts', {
      info: {
        emails: { items: [{ email: 'email1@example.com' }, { email: 'email2@example.com' }] },
      },
    })
    expect(created.status).toBe(200)
    const res = await api('POST', '/contacts/v4/contacts/query', {
      query: {
        filter: { 'info.emails.email': 'email2@example.com' },
        fieldsets: ['BASIC', 'COMMUNICATION_DETAILS'],
      },
    })
    expect(res.body.contacts.map((c: { id: string }) => c.id)).toEqual([created.body.contact.id])
    expect(res.body.contacts[0].info.emails.items.map((e: { email: string }) => e.email)).toEqual([
      'email1@example.com',
      'email2@example.com',
    ])
  })

  it('merges as documented: {targetContactRevision, sourceContactIds} → {contact}', async () => {
    const target = (
      await api('POST', '/contacts/v4/contacts', {
        info: { name: { first: 'Merge' }, emails: { items: [{ email: 'target@example.com' }] } },
      })
    ).body.contact
    const source = (
      await api('POST', '/contacts/v4/contacts', {
        info: { emails: { items: [{ email: 'source@example.com' }] } },
      })
    ).body.contact
    const preview = await api('POST', `/contacts/v4/contacts/${target.id}/preview-merge`, {
      sourceContactIds: [source.id],
    })
    expect(contactSchema.parse(preview.body.contact).info.emails?.items).toHaveLength(2)
    const merged = await api('POST', `/contacts/v4/contacts/${target.id}/merge`, {
      targetContactRevision: 1,
      sourceContactIds: [source.id],
    })
    expect(merged.status).toBe(200)
    expect(contactSchema.parse(merged.body.contact).info.emails?.items.map((e) => e.email)).toEqual(
      ['target@example.com', 'source@example.com']
    )
  })
})
