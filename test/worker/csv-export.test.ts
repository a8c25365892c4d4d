/**
 * CSV export: `GET /v1/contacts/export` and `POST /v1/contacts/export/query` (the filter and search
 * of Query Contacts, and ids), and `GET /v1/submissions/export`. The file as spreadsheets want it
 * (BOM, CRLF, RFC 4180 quoting), every formula neutralised, the columns, and paging by key.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import {
  api,
  appError,
  createContact,
  extendedField,
  label,
  submit,
  uniqueEmail,
  VALID,
} from './helpers.ts'
import { download, records, rowsOf } from './csv-support.ts'

const EXPORT = '/v1/contacts/export'

/** A tag no other test uses, in the company, so a filter selects just one test's contacts. */
const tag = () => `co-${crypto.randomUUID().slice(0, 8)}`
const byCompany = (company: string) =>
  `${EXPORT}?filter=${encodeURIComponent(JSON.stringify({ 'info.company': company }))}`

describe('GET /v1/contacts/export', () => {
  it('answers a UTF-8 CSV with a BOM, CRLF line ends and a dated attachment name', async () => {
    const company = tag()
    await createContact({ name: { first: 'Ann' }, company })
    const res = await download(byCompany(company))
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    const day = new Date().toISOString().slice(0, 10)
    expect(res.headers.get('Content-Disposition')).toBe(
      `attachment; filename="contacts-${day}.csv"`
    )
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(res.bytes.subarray(3))
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
  })

  it('has a column for every contact field, label names, each extended field and the dates', async () => {
    const company = tag()
    const lead = await label(`Lead ${company}`)
    const size = await extendedField(`Shoe size ${company}`, 'NUMBER')
    const email = uniqueEmail('cols')
    const other = uniqueEmail('other')
    const contact = await createContact({
      name: { first: 'Ann', last: 'Lee, Jr.' },
      emails: { items: [{ email, primary: true }, { email: other }] },
      phones: { items: [{ phone: '+1 213 373 4253' }, { phone: '+44 20 7946 0958' }] },
      addresses: {
        items: [
          {
            address: {
              addressLine: '1 Main St',
              addressLine2: 'Suite "B"',
              city: 'Springfield',
              subdivision: 'US-IL',
              postalCode: '62701',
              country: 'US',
            },
          },
        ],
      },
      company,
      jobTitle: 'Engineer',
      birthdate: '1990-04-01',
      locale: 'en-us',
      labelKeys: { items: [lead] },
      extendedFields: { items: { [size]: 42 } },
    })
    const [header] = records((await download(byCompany(company))).bytes)
    expect(header!.slice(0, 17)).toEqual([
      'First name',
      'Last name',
      'Email',
      'Other emails',
      'Phone',
      'Other phones',
      'Address',
      'Address line 2',
      'City',
      'Region',
      'Postal code',
      'Country',
      'Company',
      'Job title',
      'Birthdate',
      'Locale',
      'Labels',
    ])
    expect(header).toContain(`Shoe size ${company}`)
    expect(header!.slice(-2)).toEqual(['Created', 'Updated'])
    const [row] = rowsOf((await download(byCompany(company))).bytes)
    expect(row).toMatchObject({
      'First name': 'Ann',
      'Last name': 'Lee, Jr.',
      Email: email,
      'Other emails': other,
      Phone: "'+1 213 373 4253",
      'Other phones': "'+44 20 7946 0958",
      Address: '1 Main St',
      'Address line 2': 'Suite "B"',
      City: 'Springfield',
      Region: 'US-IL',
      'Postal code': '62701',
      Country: 'US',
      Company: company,
      'Job title': 'Engineer',
      Birthdate: '1990-04-01',
      Locale: 'en-us',
      Labels: `Lead ${company}`,
      [`Shoe size ${company}`]: '42',
      Created: contact.createdDate,
      Updated: contact.updatedDate,
    })
  })

  it('neutralises every cell a spreadsheet would run as a formula: = + - @ tab CR', async () => {
    const company = tag()
    const notes = await extendedField(`Notes ${company}`)
    const evil = [
      '=HYPERLINK("http://x.example","y")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\t=1+1',
      '\r=1+1',
    ]
    for (const [i, value] of evil.entries()) {
      await createContact({
        name: { first: value, last: `n${i}` },
        company,
        extendedFields: { items: { [notes]: value } },
      })
    }
    // A field named like a formula is a header cell that must not run either.
    await extendedField(`=cmd|' /C calc'!A0 ${company}`)
    const file = records((await download(byCompany(company))).bytes)
    const cells = file.flat()
    for (const value of evil) expect(cells).toContain(`'${value}`)
    expect(cells).toContain(`'=cmd|' /C calc'!A0 ${company}`)
    // What a spreadsheet would read as a formula: a cell starting with one of these.
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([])
    // And values that merely contain them stay as they are.
    await createContact({ name: { first: 'a=b', last: 'x-y' }, company })
    const plain = rowsOf((await download(byCompany(company))).bytes).find(
      (r) => r['First name'] === 'a=b'
    )
    expect(plain!['Last name']).toBe('x-y')
  })

  it('exports exactly what the filter and search select, or the ids given', async () => {
    const company = tag()
    const vip = await label(`VIP ${company}`)
    const email = uniqueEmail('search')
    const a = await createContact({ name: { first: 'A' }, company, labelKeys: { items: [vip] } })
    const b = await createContact({ name: { first: 'B' }, company, emails: { items: [{ email }] } })
    const c = await createContact({ name: { first: 'C' }, company })
    await createContact({ name: { first: 'Elsewhere' }, company: tag() })
    const names = async (path: string) =>
      rowsOf((await download(path)).bytes).map((r) => r['First name'])
    expect(await names(byCompany(company))).toEqual(['A', 'B', 'C'])
    const labelled = {
      $and: [{ 'info.company': company }, { 'info.labelKeys': { $hasSome: [vip] } }],
    }
    expect(await names(`${EXPORT}?filter=${encodeURIComponent(JSON.stringify(labelled))}`)).toEqual(
      ['A']
    )
    expect(await names(`${EXPORT}?search=${encodeURIComponent(email.toUpperCase())}`)).toEqual([
      'B',
    ])
    expect(await names(`${byCompany(company)}&ids=${a.id},${c.id}`)).toEqual(['A', 'C'])
    expect(await names(`${EXPORT}?ids=${b.id}`)).toEqual(['B'])
    // Empty parameters, as a console view without a search sends them, narrow nothing.
    expect(await names(`${byCompany(company)}&search=&ids=`)).toEqual(['A', 'B', 'C'])
    // The same in a JSON body, for filters too long for a URL; a read-only key may export.
    const posted = await download(`${EXPORT}/query`, {
      method: 'POST',
      headers: { Authorization: 'test-read-key', 'Content-Type': 'application/json' },
      body: JSON.stringify({ filter: { 'info.company': company }, ids: [b.id, c.id] }),
    })
    expect(posted.status).toBe(200)
    expect(rowsOf(posted.bytes).map((r) => r['First name'])).toEqual(['B', 'C'])
    const read = await download(byCompany(company), { headers: { Authorization: 'test-read-key' } })
    expect(read.status).toBe(200)
  })

  it('refuses a bad filter with the Query Contacts error before any byte of CSV', async () => {
    const unknown = await download(`${EXPORT}?filter=${encodeURIComponent('{"info.shoeSize":42}')}`)
    expect(unknown.status).toBe(400)
    expect(JSON.parse(new TextDecoder().decode(unknown.bytes))).toEqual(
      appError('UNSUPPORTED_FILTER_FIELD_UNKNOWN')
    )
    const notJson = await download(`${EXPORT}?filter=${encodeURIComponent('{info')}`)
    expect(notJson.status).toBe(400)
    expect(JSON.parse(new TextDecoder().decode(notJson.bytes))).toEqual(
      appError('MALFORMED_FILTER')
    )
    expect((await download(EXPORT, { headers: { Authorization: '' } })).status).toBe(401)
  })

  it('streams contacts in pages by key: 2,500 contacts with equal dates, each once, in order', async () => {
    const company = tag()
    const at = '2031-01-01T00:00:00.000Z'
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      id: `exp-${company}-${String(i).padStart(4, '0')}`,
      // Many contacts share a created date: the id orders them.
      at: i < 1200 ? at : `2031-01-01T00:00:0${1 + (i % 3)}.000Z`,
    }))
    const insert = `INSERT INTO contacts (id, source_type, created_date, updated_date, last_activity_date, last_activity_type, first_name, company)
      SELECT json_extract(value, '$.id'), 'OTHER', json_extract(value, '$.at'), json_extract(value, '$.at'),
        json_extract(value, '$.at'), 'CONTACT_CREATED', json_extract(value, '$.id'), ?2 FROM json_each(?1)`
    await env.DB.batch(
      [0, 1000, 2000].map((i) =>
        env.DB.prepare(insert).bind(JSON.stringify(rows.slice(i, i + 1000)), company)
      )
    )
    const exported = rowsOf((await download(byCompany(company))).bytes)
    expect(exported).toHaveLength(2500)
    const expected = [...rows].sort((x, y) =>
      x.at === y.at ? (x.id < y.id ? -1 : 1) : x.at < y.at ? -1 : 1
    )
    expect(exported.map((r) => r['First name'])).toEqual(expected.map((r) => r.id))
  })
})

describe('GET /v1/submissions/export', () => {
  it("answers one row per submission of the form, its values as the form's columns", async () => {
    const email = uniqueEmail('subexp')
    expect((await submit({ email, firstName: '=Ann', interest: 'pricing', ...VALID })).status).toBe(
      202
    )
    const res = await download('/v1/submissions/export?formId=demo')
    expect(res.status).toBe(200)
    const day = new Date().toISOString().slice(0, 10)
    expect(res.headers.get('Content-Disposition')).toBe(
      `attachment; filename="submissions-demo-${day}.csv"`
    )
    const rows = rowsOf(res.bytes)
    const mine = rows.find((r) => r.Email === email)!
    expect(mine).toMatchObject({ Status: 'processed', 'First name': "'=Ann" })
    expect(mine['Submission ID']).toMatch(/^[0-9a-f-]{36}$/)
    expect(mine['Contact ID']).toMatch(/^[0-9a-f-]{36}$/)
    expect(Object.keys(mine).slice(0, 4)).toEqual([
      'Submission ID',
      'Submitted',
      'Status',
      'Contact ID',
    ])
    expect(Object.values(mine)).toContain('yes')
  })

  it('wants a configured form', async () => {
    const res = await download('/v1/submissions/export?formId=nope')
    expect(res.status).toBe(404)
    expect(JSON.parse(new TextDecoder().decode(res.bytes))).toEqual(appError('FORM_NOT_FOUND'))
    expect((await api('GET', '/v1/submissions/export')).status).toBe(400)
  })
})
