/**
 * The round trip, in a D1 of its own: contacts exported, every contact, label and extended field
 * deleted, the file imported into the empty store with the suggested mapping, exported again:
 * the same rows (bar the created and updated dates, which are the new contacts' own).
 */
import { describe, expect, it } from 'vitest'
import { api, createContact, extendedField, label } from './helpers.ts'
import { download, records, runImport } from './csv-support.ts'

describe('export → import into an empty store → export', () => {
  it('gives the same rows', async () => {
    const lead = await label('Lead, hot')
    const vip = await label('VIP')
    const text = await extendedField('Notes')
    const number = await extendedField('Score', 'NUMBER')
    const date = await extendedField('Met on', 'DATE')
    const url = await extendedField('Website', 'URL')
    await createContact({
      name: { first: '=Ann', last: 'Lee, "AL"' },
      emails: { items: [{ email: 'ann@example.com' }, { email: 'ann.lee@work.example' }] },
      phones: {
        items: [{ phone: '(213) 373-4253', countryCode: 'US' }, { phone: '+44 20 7946 0958' }],
      },
      addresses: {
        items: [
          {
            address: {
              addressLine: '1 Main St',
              city: 'Zürich',
              subdivision: 'CH-ZH',
              postalCode: '8001',
              country: 'CH',
            },
          },
        ],
      },
      company: 'Acme; Inc.',
      jobTitle: '-Chief-',
      birthdate: '1990-04-01',
      locale: 'de-ch',
      labelKeys: { items: [lead, vip] },
      extendedFields: {
        items: {
          [text]: 'two\nlines',
          [number]: -42.5,
          [date]: '2026-11-01',
          [url]: 'https://example.com/a',
        },
      },
    })
    await createContact({ phones: { items: [{ phone: '+1 415 555 0100' }] } })
    await createContact({ name: { last: '李' }, labelKeys: { items: [vip] } })

    const file = (await download('/v1/contacts/export')).bytes
    const first = records(file)
    expect(first).toHaveLength(4)

    // An empty store: no contact, label or extended field.
    const { contacts } = (await api('GET', '/contacts/v4/contacts?paging.limit=100')).body
    for (const c of contacts)
      expect((await api('DELETE', `/contacts/v4/contacts/${c.id}`)).status).toBe(200)
    for (const key of [lead, vip]) await api('DELETE', `/contacts/v4/labels/${key}`)
    for (const key of [text, number, date, url])
      await api('DELETE', `/contacts/v4/extended-fields/${key}`)
    expect((await api('GET', '/contacts/v4/contacts')).body.contacts).toEqual([])
    expect((await api('GET', '/contacts/v4/labels')).body.labels).toEqual([])

    // The file as downloaded; national phone numbers are read in the US.
    const { job } = await runImport(file, { defaultCountry: 'US' }, 500)
    expect(job.importSummary).toMatchObject({ created: 3, failed: 0 })

    const second = records((await download('/v1/contacts/export')).bytes)
    const withoutDates = (rows: string[][]) =>
      rows
        .slice(1)
        .map((r) => r.slice(0, -2))
        .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
    expect(second[0]).toEqual(first[0])
    expect(withoutDates(second)).toEqual(withoutDates(first))
  })
})
