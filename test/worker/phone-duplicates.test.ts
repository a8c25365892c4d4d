import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { defineForms } from '../../shared/forms-config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { queryContacts } from './helpers.ts'

// A form with no email field: the pipeline must fall back to the phone, compared in E.164.
const { callback } = defineForms({
  callback: {
    title: 'Call me back',
    defaultCountry: 'GB',
    fields: [
      { name: 'name', type: 'text', label: 'Name', maps: 'name.first' },
      { name: 'phone', type: 'tel', label: 'Phone', required: true, maps: 'phone' },
    ],
    labels: ['Callback'],
  },
})

function send(values: Record<string, string>) {
  return acceptSubmission(env.DB, {
    formId: 'callback',
    form: callback!,
    rawBody: JSON.stringify({ values }),
  })
}

describe('capture pipeline without an email field', () => {
  it('ends two submissions of one phone in national and international notation in one contact', async () => {
    // A random UK mobile number, so the test does not depend on other tests' data.
    const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
    const first = await send({ name: 'Pat', phone: `07 7${digits.slice(0, 3)} ${digits.slice(3)}` })
    const second = await send({ name: 'Patricia', phone: `+44 77${digits}` })
    expect(first.status).toBe(202)
    expect(second.status).toBe(202)

    const rows = await env.DB.prepare('SELECT contact_id FROM submissions WHERE id IN (?, ?)')
      .bind(first.submissionId, second.submissionId)
      .all<{ contact_id: string }>()
    const ids = new Set(rows.results.map((r) => r.contact_id))
    expect(ids.size).toBe(1)

    const { contacts } = await queryContacts({ filter: { id: { $eq: [...ids][0] } } })
    expect(contacts).toHaveLength(1)
    const c = contacts[0]!
    expect(c.revision).toBe(2)
    expect(c.info.name?.first).toBe('Pat')
    expect(c.info.phones?.items).toHaveLength(1)
    expect(c.info.phones?.items[0]?.e164Phone).toBe(`+4477${digits}`)
    expect(c.info.labelKeys?.items).toEqual(['custom.callback'])
  })
})
