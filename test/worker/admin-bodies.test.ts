/**
 * A request body on an admin endpoint is never silently ignored: it is read as JSON whatever its
 * Content-Type (as `curl -d` sends it, form-encoded), and a body that is not JSON is a 400.
 * Ignoring it answered a filtered query with every contact; a bulk job would act on all of them.
 */
import { describe, expect, it } from 'vitest'
import { ADMIN_KEY, appError, call, createContact, label } from './helpers.ts'

const post = (path: string, body: string, contentType?: string) =>
  call(path, {
    method: 'POST',
    headers: { Authorization: ADMIN_KEY, ...(contentType ? { 'Content-Type': contentType } : {}) },
    body,
  })

describe('admin request bodies', () => {
  it('reads a query sent without a JSON content type (curl -d), and filters by it', async () => {
    const marker = await label(`Curl ${crypto.randomUUID().slice(0, 8)}`)
    const contact = await createContact({
      name: { first: 'Curl' },
      labelKeys: { items: [marker] },
    })
    await createContact({ name: { first: 'Not labelled' } })
    const body = JSON.stringify({ query: { filter: { 'info.labelKeys': { $hasAll: [marker] } } } })
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      const res = await post('/contacts/v4/contacts/query', body, type)
      expect(res.status, String(type)).toBe(200)
      const { contacts } = await res.json<{ contacts: { id: string }[] }>()
      expect(contacts.map((c) => c.id)).toEqual([contact.id])
    }
  })

  it.each([
    ['/contacts/v4/contacts/query', 'application/x-www-form-urlencoded'],
    ['/contacts/v4/contacts/query', 'application/json'],
    ['/contacts/v4/labels/query', 'text/plain'],
    ['/contacts/v4/contacts', 'application/json'],
  ])('answers a body that is not JSON on %s (%s) with 400 MALFORMED_BODY', async (path, type) => {
    const res = await post(path, 'garbage', type)
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(appError('MALFORMED_BODY'))
  })

  it('answers a body that is not JSON on Unlabel with 400, not as "no labels"', async () => {
    const contact = await createContact({ name: { first: 'Unlabel' } })
    const res = await call(`/contacts/v4/contacts/${contact.id}/labels`, {
      method: 'DELETE',
      headers: { Authorization: ADMIN_KEY, 'Content-Type': 'application/json' },
      body: '{"labelKeys": [',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(appError('MALFORMED_BODY'))
  })
})
