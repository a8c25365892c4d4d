import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { contactSchema } from '../../shared/contact.ts'
import forms from '../../forms.config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { admin, contactsWithEmail, renderToken, submit, uniqueEmail, VALID } from './helpers.ts'

describe('POST /v1/forms/:formId/submissions', () => {
  it('creates a contact with the mapped fields, labels and extended fields', async () => {
    const email = uniqueEmail('ann')
    const res = await submit({
      ...VALID,
      email,
      firstName: 'Ann',
      lastName: 'Lee',
      phone: '(213) 373-4253',
      company: 'Acme',
      interest: 'pricing',
      message: 'Call me about plans',
    })
    expect(res.status).toBe(202)
    const answer = await res.json<{ submissionId: string; status: string }>()
    expect(answer).toEqual({ submissionId: expect.any(String), status: 'accepted' })

    const [found] = await contactsWithEmail(email)
    const got = await admin(`/contacts/v4/contacts/${found!.id}`)
    expect(got.status).toBe(200)
    const { contact } = await got.json<{ contact: unknown }>()
    const c = contactSchema.parse(contact)
    expect(c.revision).toBe(1)
    expect(c.lastActivity.activityType).toBe('FORM_SUBMITTED')
    expect(c.info.name).toEqual({ first: 'Ann', last: 'Lee' })
    expect(c.info.company).toBe('Acme')
    expect(c.info.emails?.items).toEqual([
      { id: expect.any(String), tag: 'UNTAGGED', email, primary: true },
    ])
    expect(c.info.phones?.items).toEqual([
      {
        id: expect.any(String),
        tag: 'UNTAGGED',
        countryCode: 'US',
        phone: '(213) 373-4253',
        e164Phone: '+12133734253',
        primary: true,
      },
    ])
    expect(c.primaryInfo).toEqual({ email, phone: '(213) 373-4253' })
    expect(c.primaryEmail).toEqual({
      email,
      subscriptionStatus: 'NOT_SET',
      deliverabilityStatus: 'NOT_SET',
    })
    expect([...c.info.labelKeys!.items].sort()).toEqual([
      'custom.demo-request',
      'custom.website-lead',
    ])
    expect(c.info.extendedFields?.items).toEqual({
      'custom.interest': 'pricing',
      'custom.message': 'Call me about plans',
      'custom.signup-source': 'demo page',
    })
  })

  it('updates the same contact for the same email in other case and spacing (append)', async () => {
    const email = uniqueEmail('bob')
    await submit({ ...VALID, email, firstName: 'Bob' })
    const res = await submit({
      ...VALID,
      email: `  ${email.toUpperCase()}  `,
      firstName: 'Robert',
      phone: '+44 20 7946 0958',
    })
    expect(res.status).toBe(202)

    const contacts = await contactsWithEmail(email)
    expect(contacts).toHaveLength(1)
    const c = contacts[0]!
    expect(c.revision).toBe(2)
    expect(c.info.name?.first).toBe('Bob')
    expect(c.info.emails?.items).toHaveLength(1)
    expect(c.info.phones?.items.map((p) => p.e164Phone)).toEqual(['+442079460958'])
    const labels = c.info.labelKeys!.items
    expect(new Set(labels).size).toBe(labels.length)
    expect(labels).toHaveLength(2)
  })

  it('fills empty fields of the duplicate under append, and keeps the filled ones', async () => {
    const email = uniqueEmail('fill')
    await submit({ ...VALID, email, firstName: 'Fay' })
    await submit({ ...VALID, email, firstName: 'Faye', lastName: 'Lund', company: 'Acme' })
    const [c] = await contactsWithEmail(email)
    expect(c!.info.name).toEqual({ first: 'Fay', last: 'Lund' })
    expect(c!.info.company).toBe('Acme')
    expect(c!.revision).toBe(2)
  })

  it('replaces the fields given under overwrite, keeps those not given, and makes the new phone primary', async () => {
    const email = uniqueEmail('over')
    const form = { ...forms.demo!, onDuplicate: 'overwrite' as const }
    const send = (values: Record<string, unknown>) =>
      acceptSubmission(env.DB, {
        formId: 'demo',
        form,
        rawBody: JSON.stringify({ values: { ...VALID, email, ...values } }),
      })
    await send({ firstName: 'Olga', lastName: 'Berg', company: 'Acme', phone: '+1 212 555 0134' })
    await send({ firstName: 'Olivia', phone: '+1 646 555 0199' })
    const [c] = await contactsWithEmail(email)
    expect(c!.info.name).toEqual({ first: 'Olivia', last: 'Berg' })
    expect(c!.info.company).toBe('Acme')
    expect(c!.info.phones?.items.map((p) => [p.e164Phone, p.primary])).toEqual([
      ['+12125550134', false],
      ['+16465550199', true],
    ])
    expect(c!.revision).toBe(2)
  })

  it('adds a new phone as non-primary and keeps the first one primary', async () => {
    const email = uniqueEmail('cat')
    await submit({ ...VALID, email, phone: '+1 212 555 0134' })
    await submit({ ...VALID, email, phone: '+1 (212) 555-0134' })
    await submit({ ...VALID, email, phone: '+1 646 555 0199' })
    const [c] = await contactsWithEmail(email)
    expect(c!.info.phones?.items.map((p) => [p.e164Phone, p.primary])).toEqual([
      ['+12125550134', true],
      ['+16465550199', false],
    ])
    expect(c!.revision).toBe(3)
  })

  it('ends 20 concurrent submissions for one email in varied case in exactly one contact', async () => {
    const email = uniqueEmail('race')
    const variants = [email, email.toUpperCase(), ` ${email} `, email.replace(/^r/, 'R')]
    // The demo form's per-email limit (5 a minute) would refuse most: this copy allows 20.
    const form = { ...forms.demo!, rateLimit: { perEmail: 20 } }
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        acceptSubmission(env.DB, {
          formId: 'demo',
          form,
          rawBody: JSON.stringify({ values: { ...VALID, email: variants[i % variants.length] } }),
        })
      )
    )
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(202))
    const contacts = await contactsWithEmail(email)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.revision).toBe(20)
    expect(contacts[0]!.info.emails?.items).toHaveLength(1)
  })

  it('replays an Idempotency-Key with a byte-identical body and no new rows', async () => {
    const email = uniqueEmail('idem')
    const key = crypto.randomUUID()
    const body = JSON.stringify({
      values: { ...VALID, email, firstName: 'Ida' },
      token: await renderToken(),
    })
    const first = await submit({}, { idempotencyKey: key, body })
    const second = await submit({}, { idempotencyKey: key, body })
    expect(first.status).toBe(202)
    expect(second.status).toBe(202)
    expect(await second.text()).toBe(await first.text())

    const rows = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE idempotency_key = ?'
    )
      .bind(key)
      .first<{ n: number }>()
    expect(rows?.n).toBe(1)
    const contacts = await contactsWithEmail(email)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.revision).toBe(1)
  })

  it('refuses an Idempotency-Key reused with a different body (422) and changes nothing', async () => {
    const key = crypto.randomUUID()
    const email = uniqueEmail('reuse')
    await submit({ ...VALID, email }, { idempotencyKey: key })
    const other = uniqueEmail('other')
    const res = await submit({ ...VALID, email: other }, { idempotencyKey: key })
    expect(res.status).toBe(422)
    expect(
      (await res.json<{ details: { applicationError: { code: string } } }>()).details
        .applicationError.code
    ).toBe('IDEMPOTENCY_KEY_REUSED')
    expect(await contactsWithEmail(other)).toHaveLength(0)
  })

  it('answers a new and an existing contact identically apart from submissionId', async () => {
    const email = uniqueEmail('same')
    const created = await submit({ ...VALID, email })
    const updated = await submit({ ...VALID, email })
    const strip = async (r: Response) => ({
      status: r.status,
      type: r.headers.get('Content-Type'),
      body: (await r.text()).replace(/"submissionId":"[^"]+"/, '"submissionId":"X"'),
    })
    expect(await strip(updated)).toEqual(await strip(created))
  })

  it('records the submission with its consent and page context before the contact', async () => {
    const email = uniqueEmail('consent')
    const res = await submit(
      { ...VALID, email },
      {
        context: {
          pageUrl: 'http://localhost:8787/pricing?utm_source=news',
          referrer: '',
          utm: { source: 'news' },
        },
      }
    )
    const { submissionId } = await res.json<{ submissionId: string }>()
    const row = await env.DB.prepare('SELECT * FROM submissions WHERE id = ?')
      .bind(submissionId)
      .first<Record<string, string>>()
    expect(row?.status).toBe('processed')
    expect(JSON.parse(row!.consent!)).toEqual({
      field: 'consent',
      text: 'I agree to be contacted about my request.',
      version: '2026-11-01',
      givenAt: expect.any(String),
      formId: 'demo',
      pageOrigin: 'http://localhost:8787',
    })
    expect(JSON.parse(row!.context!)).toEqual({
      pageUrl: 'http://localhost:8787/pricing?utm_source=news',
      referrer: '',
      utm: { source: 'news' },
    })
    const [contact] = await contactsWithEmail(email)
    expect(row?.contact_id).toBe(contact!.id)
  })
})

describe('POST /v1/forms/:formId/submissions, refused', () => {
  const storedWith = async (marker: string) =>
    (await env.DB.prepare('SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?')
      .bind(`%${marker}%`)
      .first<{ n: number }>())!.n

  async function violations(res: Response) {
    const body = await res.json<{
      details: { validationError: { fieldViolations: { field: string; violatedRule: string }[] } }
    }>()
    return body.details.validationError.fieldViolations
  }

  it('gives 400 naming a missing required field', async () => {
    const marker = crypto.randomUUID()
    const res = await submit({ consent: true, firstName: marker })
    expect(res.status).toBe(400)
    expect(await violations(res)).toEqual([
      expect.objectContaining({ field: 'email', violatedRule: 'REQUIRED_FIELD' }),
    ])
    expect(await storedWith(marker)).toBe(0)
  })

  it('gives 400 naming a bad email', async () => {
    const res = await submit({ ...VALID, email: 'not-an-email' })
    expect(res.status).toBe(400)
    expect(await violations(res)).toEqual([
      expect.objectContaining({ field: 'email', violatedRule: 'FORMAT' }),
    ])
  })

  it('gives 400 when the required consent is not given', async () => {
    const res = await submit({ email: uniqueEmail(), consent: false })
    expect(res.status).toBe(400)
    expect(await violations(res)).toEqual([
      expect.objectContaining({ field: 'consent', violatedRule: 'REQUIRED_FIELD' }),
    ])
  })

  it('gives 400 for a select value outside its options and for a bad phone', async () => {
    const res = await submit({
      ...VALID,
      email: uniqueEmail(),
      interest: 'free stuff',
      phone: 'call me maybe',
    })
    expect(res.status).toBe(400)
    expect((await violations(res)).map((v) => [v.field, v.violatedRule]).sort()).toEqual([
      ['interest', 'INVALID_ENUM_VALUE'],
      ['phone', 'FORMAT'],
    ])
  })

  it('gives 400 for an unknown payload key, in values or at the top level', async () => {
    const email = uniqueEmail()
    const inValues = await submit({ ...VALID, email, labels: ['VIP'] })
    expect(inValues.status).toBe(400)
    expect(await violations(inValues)).toEqual([
      expect.objectContaining({ field: 'labels', violatedRule: 'FIELD_NOT_ALLOWED' }),
    ])
    const topLevel = await submit(
      {},
      {
        body: JSON.stringify({
          values: { ...VALID, email },
          token: await renderToken(),
          extendedFields: {},
        }),
      }
    )
    expect(topLevel.status).toBe(400)
    expect(await violations(topLevel)).toEqual([
      expect.objectContaining({ field: 'extendedFields' }),
    ])
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })

  it('gives 400 for a body that is not JSON', async () => {
    const res = await submit({}, { body: '{"values":' })
    expect(res.status).toBe(400)
    expect(
      (await res.json<{ details: { applicationError: { code: string } } }>()).details
        .applicationError.code
    ).toBe('MALFORMED_BODY')
  })

  it('gives 404 for an unknown form', async () => {
    const res = await submit({ ...VALID, email: uniqueEmail() }, {}, 'no-such-form')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      message: 'There is no form "no-such-form".',
      details: {
        applicationError: {
          code: 'FORM_NOT_FOUND',
          description: 'There is no form "no-such-form".',
          data: { formId: 'no-such-form' },
        },
      },
    })
  })

  it('gives 403 for an Origin outside the list, and stores nothing', async () => {
    const email = uniqueEmail()
    const res = await submit({ ...VALID, email }, { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(
      (await res.json<{ details: { applicationError: { code: string } } }>()).details
        .applicationError.code
    ).toBe('ORIGIN_NOT_ALLOWED')
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })

  it('accepts a request without Origin (a server-side client)', async () => {
    const res = await submit({ ...VALID, email: uniqueEmail() }, { origin: null })
    expect(res.status).toBe(202)
  })
})
