/**
 * CSV import: `POST /v1/contacts/imports` (dry run and run) against the real D1. The dry run
 * predicts the run exactly and stores nothing; duplicates are found as for form submissions and
 * handled by `onDuplicate`; every mapping mistake is refused before anything is stored; every
 * failing row is reported with its row, column, value and message (and downloadable as CSV); the
 * job imports no row twice, writes one event per contact it changes, and a job whose upload died
 * is removed.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { runBulkJob } from '../../worker/contacts/bulk-jobs.ts'
import {
  api,
  appError,
  createContact,
  contactsWithEmail,
  extendedField,
  label,
  submit,
  uniqueEmail,
  VALID,
} from './helpers.ts'
import {
  count,
  crlf,
  download,
  dryRun,
  job,
  records,
  runImport,
  runToEnd,
  upload,
} from './csv-support.ts'

const IMPORTS = '/v1/contacts/imports'

const contactCount = () => count('SELECT COUNT(*) AS n FROM contacts')
const events = (slug: string, ids: string[]) =>
  count(
    `SELECT COUNT(*) AS n FROM outbox WHERE slug = ? AND entity_id IN (SELECT value FROM json_each(?))`,
    slug,
    JSON.stringify(ids)
  )

async function get(id: string) {
  return (await api('GET', `/contacts/v4/contacts/${id}`)).body.contact
}

describe('a dry run', () => {
  it('reports what the run will do, row by row, and the run then does exactly that', async () => {
    const known = uniqueEmail('known')
    await createContact({ name: { first: 'Known' }, emails: { items: [{ email: known }] } })
    const twice = uniqueEmail('twice')
    const fresh = uniqueEmail('fresh')
    const file = crlf(
      'First name,Email,Labels,Score',
      `New,${fresh},Fair 2026,1`,
      `Known,${known.toUpperCase()},,`, // a known contact, nothing new: unchanged
      `Twice,${twice},,2`,
      `Broken,not-an-email,,3`,
      `Known,${known},Fair 2026,`, // a label to add: updated
      ',,,', // blank: counted apart
      `Again,${twice},,`, // a duplicate inside the file, in a later chunk
      `Ragged,${uniqueEmail('r')}`
    )
    const before = await contactCount()
    const labels = (await api('GET', '/contacts/v4/labels')).body.labels.length
    const dry = await dryRun(file, { labels: 'Imported' })
    expect(dry.status).toBe(200)
    expect(dry.body.summary).toEqual({
      rows: 7,
      created: 2,
      updated: 2,
      unchanged: 1,
      skipped: 0,
      failed: 2,
      blankRows: 1,
    })
    expect(dry.body.rejected).toEqual([
      {
        row: 5,
        line: 5,
        errors: [
          {
            code: 'INVALID_EMAIL',
            column: 'Email',
            value: 'not-an-email',
            message: 'is not a valid email address',
          },
        ],
      },
      {
        row: 9,
        line: 9,
        errors: [
          { code: 'RAGGED_ROW', message: expect.stringMatching(/has 2 cells; the header has 4/) },
        ],
      },
    ])
    expect(dry.body.newLabels.sort()).toEqual(['Fair 2026', 'Imported'])
    expect(dry.body.newExtendedFields).toEqual([{ displayName: 'Score', dataType: 'TEXT' }])
    // Nothing stored: no contact, label, field or job.
    expect(await contactCount()).toBe(before)
    expect((await api('GET', '/contacts/v4/labels')).body.labels).toHaveLength(labels)
    expect(
      await count(`SELECT COUNT(*) AS n FROM extended_fields WHERE display_name = 'Score'`)
    ).toBe(0)
    expect(await count(`SELECT COUNT(*) AS n FROM bulk_jobs WHERE type = 'IMPORT'`)).toBe(0)

    const { job: done } = await runImport(file, { labels: 'Imported' }, 2)
    expect(done).toMatchObject({
      type: 'IMPORT',
      status: 'COMPLETED',
      totalItems: 7,
      successTotal: 5,
      failedTotal: 2,
      importSummary: { created: 2, updated: 2, unchanged: 1, skipped: 0, failed: 2 },
    })
    expect(done.errors.map((e: { code: string }) => e.code).sort()).toEqual([
      'INVALID_EMAIL',
      'RAGGED_ROW',
    ])
    expect(await contactCount()).toBe(before + 2)
    const [again] = await contactsWithEmail(twice)
    expect(again!.info.name).toEqual({ first: 'Twice' })
    const [knownNow] = await contactsWithEmail(known)
    const keys = knownNow!.info.labelKeys!.items
    expect(keys).toEqual(expect.arrayContaining(['custom.fair-2026', 'custom.imported']))
  })

  it('answers mapping, limits and file errors as the run would, before reading rows', async () => {
    const res = await dryRun(crlf('Email,Email', 'a@example.com,b@example.com'))
    expect(res.status).toBe(400)
    expect(res.body).toEqual(appError('DUPLICATE_COLUMN_NAME', { column: 'Email' }))
    expect((await dryRun(crlf('Email'))).body).toEqual(appError('NO_ROWS'))
  })
})

describe('mapping columns', () => {
  const file = crlf('E-mail,Vorname,Notes,Size', `${uniqueEmail('map')},Änne,hello,42`)

  it('uses the mapping given: each column to a contact field, an extended field, or skip', async () => {
    const size = await extendedField('Map size', 'NUMBER')
    const mapping = {
      'E-mail': 'email',
      Vorname: 'name.first',
      Notes: 'skip',
      Size: { extendedField: 'Map size', dataType: 'TEXT' }, // the stored type wins
    }
    const dry = await dryRun(file, { mapping: JSON.stringify(mapping) })
    expect(dry.status).toBe(200)
    expect(dry.body.mapping).toEqual({
      ...mapping,
      Size: { extendedField: 'Map size', dataType: 'NUMBER' },
    })
    const { job: done } = await runImport(file, { mapping: JSON.stringify(mapping) })
    expect(done.importSummary.created).toBe(1)
    const [contact] = await contactsWithEmail(file.split('\r\n')[1]!.split(',')[0]!)
    expect(contact!.info.name).toEqual({ first: 'Änne' })
    expect(contact!.info.extendedFields!.items).toEqual({ [size]: 42 })
  })

  it('refuses every kind of bad mapping with its own 400, storing nothing', async () => {
    const cases: [unknown, string, Record<string, unknown>?][] = [
      ['{not json', 'MALFORMED_MAPPING'],
      [['email'], 'MALFORMED_MAPPING'],
      [{ Email: 'email' }, 'UNKNOWN_COLUMN', { column: 'Email' }],
      [{ 'E-mail': 'emial' }, 'INVALID_MAPPING_TARGET', { column: 'E-mail', target: 'emial' }],
      [
        { 'E-mail': 'email', Size: { extendedField: 'S', dataType: 'MONEY' } },
        'INVALID_MAPPING_TARGET',
      ],
      [{ 'E-mail': 'email', Size: { extendedField: '' } }, 'INVALID_MAPPING_TARGET'],
      [
        { 'E-mail': 'email', Vorname: 'email' },
        'FIELD_MAPPED_TWICE',
        { target: 'email', columns: ['E-mail', 'Vorname'] },
      ],
      [
        { 'E-mail': 'email', Notes: { extendedField: 'X' }, Size: { extendedField: 'X' } },
        'FIELD_MAPPED_TWICE',
      ],
      [{ Notes: { extendedField: 'Notes' }, Size: 'company' }, 'NO_CONTACT_COLUMN'],
    ]
    const before = await contactCount()
    for (const [mapping, code, data] of cases) {
      const text = typeof mapping === 'string' ? mapping : JSON.stringify(mapping)
      for (const run of [dryRun, (f: string, q: Record<string, string>) => upload(IMPORTS, f, q)]) {
        const res = await run(file, { mapping: text })
        expect(res.status, `${text}: ${JSON.stringify(res.body)}`).toBe(400)
        expect(res.body).toEqual(appError(code, data))
      }
    }
    expect(await contactCount()).toBe(before)
    expect(await count(`SELECT COUNT(*) AS n FROM bulk_jobs WHERE type = 'IMPORT'`)).toBe(
      await count(
        `SELECT COUNT(*) AS n FROM bulk_jobs WHERE type = 'IMPORT' AND status = 'COMPLETED'`
      )
    )
    expect(await count(`SELECT COUNT(*) AS n FROM extended_fields WHERE display_name = 'X'`)).toBe(
      0
    )
  })

  it('refuses bad options: onDuplicate, defaultCountry, dryRun', async () => {
    const queries: Record<string, string>[] = [
      { onDuplicate: 'merge' },
      { defaultCountry: 'USA' },
      { dryRun: 'maybe' },
    ]
    for (const query of queries) {
      const res = await upload(IMPORTS, file, query)
      expect(res.status, JSON.stringify(query)).toBe(400)
      expect(res.body.details.validationError.fieldViolations[0].field).toBe(Object.keys(query)[0])
    }
  })
})

describe('duplicates, as for form submissions', () => {
  /** A contact as a form would leave it, and an import row for the same email. */
  async function existing() {
    const email = uniqueEmail('dup')
    const score = await extendedField('Dup score')
    const keep = await label('Kept label')
    const contact = await createContact({
      name: { first: 'Ann' },
      emails: { items: [{ email }] },
      phones: { items: [{ phone: '+1 213 373 4253' }] },
      company: 'Old Co',
      labelKeys: { items: [keep] },
      extendedFields: { items: { [score]: 'low' } },
    })
    const other = uniqueEmail('dup-other')
    const file = crlf(
      'First name,Last name,Email,Other emails,Phone,Company,Dup score,Labels',
      `Anna,Lee,${email.toUpperCase()},${other},+44 20 7946 0958,New Co,high,Imported`
    )
    return { contact, email, other, score, keep, file }
  }

  it('append (the default) fills empty fields only, adds emails and phones as non-primary, adds labels', async () => {
    const { contact, email, other, score, keep, file } = await existing()
    const { job: done } = await runImport(file)
    expect(done.importSummary).toMatchObject({ created: 0, updated: 1 })
    const now = await get(contact.id)
    expect(now.revision).toBe(contact.revision + 1)
    expect(now.info.name).toEqual({ first: 'Ann', last: 'Lee' })
    expect(now.info.company).toBe('Old Co')
    expect(now.primaryInfo).toEqual({ email, phone: '+1 213 373 4253' })
    expect(now.info.emails.items.map((e: { email: string }) => e.email)).toEqual([email, other])
    expect(
      now.info.phones.items.map((p: { phone: string; primary: boolean }) => [p.phone, p.primary])
    ).toEqual([
      ['+1 213 373 4253', true],
      ['+44 20 7946 0958', false],
    ])
    expect(now.info.extendedFields.items[score]).toBe('low')
    expect(now.info.labelKeys.items.sort()).toEqual([keep, 'custom.imported'].sort())
    expect(await events('updated', [contact.id])).toBe(1)
  })

  it('overwrite replaces the values given, makes the phone primary, keeps the primary email', async () => {
    const { contact, email, score, file } = await existing()
    await runImport(file, { onDuplicate: 'overwrite' })
    const now = await get(contact.id)
    expect(now.info.name).toEqual({ first: 'Anna', last: 'Lee' })
    expect(now.info.company).toBe('New Co')
    expect(now.info.extendedFields.items[score]).toBe('high')
    expect(now.primaryInfo).toEqual({ email, phone: '+44 20 7946 0958' })
    expect(now.info.phones.items).toHaveLength(2)
  })

  it('skip leaves the contact as it is: no change, no event', async () => {
    const { contact, file } = await existing()
    const dry = await dryRun(file, { onDuplicate: 'skip' })
    expect(dry.body.summary).toMatchObject({ skipped: 1, updated: 0, created: 0 })
    const { job: done } = await runImport(file, { onDuplicate: 'skip' })
    expect(done.importSummary).toMatchObject({ skipped: 1, updated: 0, created: 0 })
    expect(await get(contact.id)).toEqual(contact)
    expect(await events('updated', [contact.id])).toBe(0)
  })

  it('finds a contact by any of its emails, normalised; by phone in E.164 only for rows without email', async () => {
    const email = uniqueEmail('norm')
    const second = uniqueEmail('second')
    const byEmail = await createContact({ emails: { items: [{ email }, { email: second }] } })
    const byPhone = await createContact({
      name: { first: 'Phone' },
      phones: { items: [{ phone: '+1 213 555 0199' }] },
    })
    const file = crlf(
      'Email,Phone,Job title',
      `  ${second.toUpperCase()}  ,,Row one`, // upper case, spaces around
      `,(213) 555-0199,Row two`,
      `${uniqueEmail('new')},(213) 555-0199,Row three` // has an email: a new contact
    )
    const { job: done } = await runImport(file, { defaultCountry: 'US' })
    expect(done.importSummary).toMatchObject({ updated: 2, created: 1, failed: 0 })
    expect((await get(byEmail.id)).info.jobTitle).toBe('Row one')
    expect((await get(byPhone.id)).info.jobTitle).toBe('Row two')
  })

  it('refuses a row that would give a contact an email another contact has', async () => {
    const a = uniqueEmail('a')
    const b = uniqueEmail('b')
    await createContact({ emails: { items: [{ email: a }] } })
    const owner = await createContact({ emails: { items: [{ email: b }] } })
    const dry = await dryRun(crlf('Email,Other emails', `${a},${b}`))
    expect(dry.body.rejected).toEqual([
      {
        row: 2,
        line: 2,
        errors: [
          {
            code: 'DUPLICATE_CONTACT_EXISTS',
            value: b,
            message: expect.stringContaining(owner.id),
          },
        ],
      },
    ])
  })

  it('joins rows of one file that share an email into one contact, within a chunk and across', async () => {
    const email = uniqueEmail('same')
    const file = crlf(
      'Email,First name,Last name,Company',
      `${email},Ann,,`,
      `${email},,Lee,`,
      `,,,`,
      `${email},,,Acme`
    )
    for (const size of [500, 1]) {
      const e = email.replace('@', `+${size}@`)
      const { job: done } = await runImport(file.replaceAll(email, e), {}, size)
      expect(done.importSummary, `chunks of ${size}`).toMatchObject({ created: 1, updated: 2 })
      const [contact, ...more] = await contactsWithEmail(e)
      expect(more).toEqual([])
      expect(contact!.info).toMatchObject({ name: { first: 'Ann', last: 'Lee' }, company: 'Acme' })
      // One event each time the contact was written: once for a chunk of all rows.
      expect(await events('created', [contact!.id])).toBe(1)
      expect(await events('updated', [contact!.id])).toBe(size === 1 ? 2 : 0)
    }
  })
})

describe('rows that cannot be imported', () => {
  it('are each reported with row, column, value and message; the rest imported', async () => {
    const ok = uniqueEmail('ok')
    const huge = 'x'.repeat(1_000_000)
    await extendedField('Row score', 'NUMBER')
    const file = crlf(
      'Email,Phone,Country,Birthdate,Locale,Row score,First name,Ignored',
      `${ok},+1 213 373 4253,us,1990-01-31,en-GB,7,Ok,"${huge}"`, // a 1 MB cell in a skipped column
      `bad@,,,,,,,`,
      `${uniqueEmail()},12,,,,,,`,
      `${uniqueEmail()},2133734253,,,,,,`, // no country: needs defaultCountry
      `${uniqueEmail()},,USA,,,,,`,
      `${uniqueEmail()},,,1990-02-30,,,,`,
      `${uniqueEmail()},,,,en_GB,,,`,
      `${uniqueEmail()},,,,,seven,,`,
      `${uniqueEmail()},,,,,,"${huge}",`,
      `,,,,,7,,`,
      `${uniqueEmail()},,,,,,"x"y",`,
      `${uniqueEmail()},,,,,,,,,extra`,
      `${uniqueEmail()},,,,,,`
    )
    const mapping = JSON.stringify({
      Email: 'email',
      Phone: 'phone',
      Country: 'address.country',
      Birthdate: 'birthdate',
      Locale: 'locale',
      'Row score': { extendedField: 'Row score' },
      'First name': 'name.first',
    })
    const dry = await dryRun(file, { mapping })
    expect(dry.status).toBe(200)
    const byRow = Object.fromEntries(
      dry.body.rejected.map(
        (r: { row: number; errors: { code: string; column?: string; value?: string }[] }) => [
          r.row,
          r.errors.map((e) => [e.code, e.column, e.value?.slice(0, 20)]),
        ]
      )
    )
    expect(byRow).toEqual({
      3: [['INVALID_EMAIL', 'Email', 'bad@']],
      4: [['INVALID_PHONE', 'Phone', '12']],
      5: [['INVALID_PHONE', 'Phone', '2133734253']],
      6: [['INVALID_COUNTRY', 'Country', 'USA']],
      7: [['INVALID_DATE', 'Birthdate', '1990-02-30']],
      8: [['INVALID_LOCALE', 'Locale', 'en_GB']],
      9: [['INVALID_EXTENDED_FIELD_VALUE', 'Row score', 'seven']],
      10: [['VALUE_TOO_LONG', 'First name', 'xxxxxxxxxxxxxxxxxxxx']],
      11: [['INSUFFICIENT_CONTACT_DATA', undefined, undefined]],
      12: [['MALFORMED_ROW', undefined, undefined]],
      13: [['RAGGED_ROW', undefined, undefined]],
      14: [['RAGGED_ROW', undefined, undefined]],
    })
    const phone = dry.body.rejected.find((r: { row: number }) => r.row === 5).errors[0].message
    expect(phone).toMatch(/defaultCountry/)
    expect(dry.body.summary).toMatchObject({ rows: 13, created: 1, failed: 12 })

    const { jobId, job: done } = await runImport(file, { mapping }, 5)
    expect(done.importSummary).toMatchObject({ created: 1, failed: 12 })
    const [contact] = await contactsWithEmail(ok)
    expect(contact!.info).toMatchObject({
      name: { first: 'Ok' },
      birthdate: '1990-01-31',
      locale: 'en-gb',
      addresses: { items: [{ address: { country: 'US' } }] },
    })

    // The report: the row number and why, then the row as it was in the file.
    const report = await download(`${IMPORTS}/${jobId}/rejected.csv`)
    expect(report.status).toBe(200)
    const [header, ...rows] = records(report.bytes)
    expect(header).toEqual([
      'Rejected row',
      'Rejection reason',
      'Email',
      'Phone',
      'Country',
      'Birthdate',
      'Locale',
      'Row score',
      'First name',
      'Ignored',
    ])
    expect(rows.map((r) => r[0])).toEqual([
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '14',
    ])
    expect(rows[0]).toEqual([
      '3',
      'Email "bad@": is not a valid email address',
      'bad@',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ])
    expect(rows[10]![1]).toMatch(/quote/)
  })

  it('include a row too long to store (over 1,000,000 characters), reported by its number', async () => {
    const header = ['Email', ...Array.from({ length: 110 }, (_, i) => `Note ${i}`)]
    const long = [uniqueEmail('long'), ...header.slice(1).map(() => 'x'.repeat(10_000))]
    const file = crlf(
      header.join(','),
      long.join(','),
      [uniqueEmail('short'), ...header.slice(1).map(() => '')].join(',')
    )
    const mapping = JSON.stringify({ Email: 'email' })
    const dry = await dryRun(file, { mapping })
    expect(dry.body.summary).toMatchObject({ created: 1, failed: 1 })
    expect(dry.body.rejected).toEqual([
      { row: 2, line: 2, errors: [{ code: 'ROW_TOO_LONG', message: expect.any(String) }] },
    ])
    const { job: done } = await runImport(file, { mapping })
    expect(done.importSummary).toMatchObject({ created: 1, failed: 1 })
    expect(done.errors).toEqual([{ count: 1, code: 'ROW_TOO_LONG', message: expect.any(String) }])
  })

  it('are left out of the report when none failed; an unknown job is 404', async () => {
    const { jobId } = await runImport(crlf('Email', uniqueEmail()))
    expect(records((await download(`${IMPORTS}/${jobId}/rejected.csv`)).bytes)).toHaveLength(1)
    const missing = await download(`${IMPORTS}/nope/rejected.csv`)
    expect(missing.status).toBe(404)
    expect(JSON.parse(new TextDecoder().decode(missing.bytes))).toEqual(
      appError('IMPORT_NOT_FOUND')
    )
  })
})

describe('the import job', () => {
  const file = () =>
    crlf(
      'Email,First name',
      ...Array.from({ length: 30 }, (_, i) => `${uniqueEmail(`job${i}`)},P${i}`)
    )

  it('shows its progress as a bulk job and writes one created event per contact', async () => {
    const { jobId, job: done } = await runImport(file(), {}, 7)
    expect(done).toMatchObject({
      status: 'COMPLETED',
      totalItems: 30,
      successTotal: 30,
      importSummary: { created: 30, rejectedRowsUrl: `/v1/contacts/imports/${jobId}/rejected.csv` },
    })
    const ids = (
      await env.DB.prepare(`SELECT contact_id FROM bulk_job_items WHERE job_id = ?`)
        .bind(jobId)
        .all<{ contact_id: string }>()
    ).results.map((r) => r.contact_id)
    expect(new Set(ids).size).toBe(30)
    expect(await events('created', ids)).toBe(30)
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM contacts WHERE id IN (SELECT value FROM json_each(?)) AND source_type = 'IMPORT'`,
        JSON.stringify(ids)
      )
    ).toBe(30)
    // Rows that went through keep no copy of the file.
    expect(
      await count(
        `SELECT COUNT(*) AS n FROM bulk_job_items WHERE job_id = ? AND data IS NOT NULL`,
        jobId
      )
    ).toBe(0)
  })

  it('imports each row once with two runners at once and chunks run again', async () => {
    const started = await upload(IMPORTS, file())
    const { jobId } = started.body
    const before = await contactCount()
    const chunkSize = { sets: 4, contacts: 4, rows: 4 }
    await Promise.all([
      runToEnd(jobId, 4),
      runToEnd(jobId, 3),
      runBulkJob(env.DB, jobId, { turnMs: 0, chunkSize }),
    ])
    expect(await contactCount()).toBe(before + 30)
    const ids = (
      await env.DB.prepare(`SELECT contact_id FROM bulk_job_items WHERE job_id = ?`)
        .bind(jobId)
        .all<{ contact_id: string }>()
    ).results.map((r) => r.contact_id)
    expect(await events('created', ids)).toBe(30)
    expect((await job(jobId)).importSummary).toMatchObject({ created: 30, failed: 0 })
  })

  it('is removed when its upload died while it was LOADING: nothing imported', async () => {
    const id = crypto.randomUUID()
    const now = new Date().toISOString()
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO bulk_jobs (id, type, status, request, created_date, heartbeat_date) VALUES (?1, 'IMPORT', 'LOADING', '{"type":"IMPORT","header":["Email"]}', ?2, ?2)`
      ).bind(id, now),
      env.DB.prepare(
        `INSERT INTO bulk_job_items (job_id, position, data) VALUES (?1, 2, '{"row":2,"line":2,"cells":["x@example.com"]}')`
      ).bind(id),
    ])
    const before = await contactCount()
    expect(await runBulkJob(env.DB, id)).toBe(true)
    expect(await contactCount()).toBe(before)
    expect((await api('GET', `/contacts/v4/bulk/jobs/${id}`)).status).toBe(404)
    expect(await count(`SELECT COUNT(*) AS n FROM bulk_job_items WHERE job_id = ?`, id)).toBe(0)
  })

  it('a file error while staging removes the job; nothing is imported', async () => {
    const jobs = await count(`SELECT COUNT(*) AS n FROM bulk_jobs`)
    const bytes = new Uint8Array([...new TextEncoder().encode(file()), 0xff])
    const res = await upload(IMPORTS, bytes)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(appError('NOT_UTF8'))
    expect(await count(`SELECT COUNT(*) AS n FROM bulk_jobs`)).toBe(jobs)
  })

  it('and a form submission during the import: neither loses the other', async () => {
    const email = uniqueEmail('race')
    const started = await upload(IMPORTS, crlf('Email,Job title', `${email},Imported title`))
    await Promise.all([
      runToEnd(started.body.jobId, 1),
      submit({ email, lastName: 'Submitted', ...VALID }),
    ])
    const [contact, ...more] = await contactsWithEmail(email)
    expect(more).toEqual([])
    expect(contact!.info).toMatchObject({ jobTitle: 'Imported title', name: { last: 'Submitted' } })
  })
})
