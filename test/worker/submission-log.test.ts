/**
 * The submission log as site owners read it: every submission with what the visitor sent (values,
 * page context, consent) and its contact, filtered and paged; a contact's submissions; and the
 * `submitted` webhook, which carries the same record.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, inject, it } from 'vitest'
import forms from '../../forms.config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { dispatchOutbox } from '../../worker/webhooks/dispatch.ts'
import { api, contactsWithEmail, submit, uniqueEmail, VALID } from './helpers.ts'

const PAGE = {
  pageUrl: 'http://localhost:8787/pricing?utm_source=news',
  referrer: 'https://search.example/',
  utm: { source: 'news', campaign: 'autumn' },
}

/** The full record the log shows for a processed demo submission by `email`. */
function record(
  id: string,
  contactId: string,
  values: Record<string, unknown>,
  formId = 'demo'
): Record<string, unknown> {
  return {
    id,
    formId,
    status: 'processed',
    contactId,
    createdDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    processedDate: expect.any(String),
    attempts: 1,
    lastError: null,
    values,
    context: PAGE,
    consent: {
      field: 'consent',
      text: 'I agree to be contacted about my request.',
      version: '2026-11-01',
      givenAt: expect.any(String),
      formId,
      pageOrigin: 'http://localhost:8787',
    },
    erased: false,
  }
}

/**
 * Submissions of a form id no other test uses (the demo form's config under another id), with
 * the given statuses and creation times, oldest first in `rows`.
 */
async function seed(rows: { status: string; created: string; email?: string }[]) {
  const formId = `log-${crypto.randomUUID().slice(0, 8)}`
  const ids: string[] = []
  for (const row of rows) {
    const answer = await acceptSubmission(env.DB, {
      formId,
      form: forms.demo!,
      rawBody: JSON.stringify({ values: { ...VALID, email: row.email ?? uniqueEmail('seed') } }),
    })
    // Statuses and times a test needs, set as the pipeline and the retry queue would leave them.
    await env.DB.prepare('UPDATE submissions SET status = ?, created_date = ? WHERE id = ?')
      .bind(row.status, row.created, answer.submissionId)
      .run()
    ids.push(answer.submissionId)
  }
  return { formId, ids }
}

const idsOf = (body: { submissions: { id: string }[] }) => body.submissions.map((s) => s.id)

describe('GET /v1/submissions', () => {
  it('shows what the visitor sent: values, page context, consent and the contact', async () => {
    const email = uniqueEmail('log')
    const res = await submit(
      {
        ...VALID,
        email,
        firstName: 'Lena',
        phone: '(213) 373-4253',
        interest: 'pricing',
        message: 'Please call me on Tuesday',
      },
      { context: PAGE }
    )
    const { submissionId } = await res.json<{ submissionId: string }>()
    const [contact] = await contactsWithEmail(email)

    const { status, body } = await api('GET', `/v1/submissions?contactId=${contact!.id}`)
    expect(status).toBe(200)
    expect(body.submissions).toEqual([
      record(submissionId, contact!.id, {
        email,
        firstName: 'Lena',
        phone: { phone: '(213) 373-4253', e164Phone: '+12133734253', countryCode: 'US' },
        interest: 'pricing',
        message: 'Please call me on Tuesday',
        consent: true,
      }),
    ])
  })

  it('lists every status by default, newest first', async () => {
    const { formId, ids } = await seed([
      { status: 'processed', created: '2026-10-01T08:00:00.000Z' },
      { status: 'failed', created: '2026-10-02T08:00:00.000Z' },
      { status: 'pending', created: '2026-10-03T08:00:00.000Z' },
    ])
    const { status, body } = await api('GET', `/v1/submissions?formId=${formId}`)
    expect(status).toBe(200)
    expect(idsOf(body)).toEqual([...ids].reverse())
    expect(body.submissions.map((s: { status: string }) => s.status)).toEqual([
      'pending',
      'failed',
      'processed',
    ])
    expect(body.pagingMetadata).toEqual({ count: 3, offset: 0, total: 3 })
  })

  it('filters by form, contact, status (one or several) and creation date', async () => {
    const email = uniqueEmail('filter')
    const { formId, ids } = await seed([
      { status: 'processed', created: '2026-09-30T23:59:59.999Z', email },
      { status: 'processed', created: '2026-10-01T00:00:00.000Z' },
      { status: 'failed', created: '2026-10-15T12:00:00.000Z', email },
      { status: 'pending', created: '2026-10-31T23:59:59.999Z' },
      { status: 'processed', created: '2026-11-01T00:00:00.000Z' },
    ])
    const [a, b, c, d, e] = ids
    const list = async (query: string) => {
      const res = await api('GET', `/v1/submissions?formId=${formId}&${query}`)
      expect(res.status).toBe(200)
      return idsOf(res.body)
    }
    expect(await list('status=failed')).toEqual([c])
    expect(await list('status=pending,failed')).toEqual([d, c])
    expect(await list('status=pending&status=failed')).toEqual([d, c])
    // A date alone is a whole day (UTC): from its first to its last millisecond.
    expect(await list('createdDate.from=2026-10-01&createdDate.to=2026-10-31')).toEqual([d, c, b])
    expect(await list('createdDate.from=2026-10-15T12:00:00Z')).toEqual([e, d, c])
    expect(await list('createdDate.to=2026-10-15T12:00:00.000Z')).toEqual([c, b, a])
    expect(await list('createdDate.to=2026-10-15T14:00:00%2B02:00')).toEqual([c, b, a])

    const [contact] = await contactsWithEmail(email)
    expect(await list(`contactId=${contact!.id}`)).toEqual([c, a])
    expect(await list(`contactId=${contact!.id}&status=processed`)).toEqual([a])
    const other = await api('GET', `/v1/submissions?formId=no-such-form`)
    expect(other.body).toEqual({
      submissions: [],
      pagingMetadata: { count: 0, offset: 0, total: 0 },
    })
  })

  it('pages with paging.limit and paging.offset, counting the total', async () => {
    const { formId, ids } = await seed(
      [1, 2, 3, 4, 5].map((day) => ({
        status: 'processed',
        created: `2026-10-0${day}T00:00:00.000Z`,
      }))
    )
    const newestFirst = [...ids].reverse()
    const page = await api('GET', `/v1/submissions?formId=${formId}&paging.limit=2&paging.offset=2`)
    expect(idsOf(page.body)).toEqual(newestFirst.slice(2, 4))
    expect(page.body.pagingMetadata).toEqual({ count: 2, offset: 2, total: 5 })
    const past = await api('GET', `/v1/submissions?formId=${formId}&paging.offset=10`)
    expect(past.body.pagingMetadata).toEqual({ count: 0, offset: 10, total: 5 })
  })

  it('answers 400 naming the parameter for an unknown status, a malformed date or a bad page', async () => {
    const violation = (field: string) => ({
      message: expect.any(String),
      details: {
        validationError: {
          fieldViolations: [
            { field, description: expect.any(String), violatedRule: expect.any(String) },
          ],
        },
      },
    })
    for (const [query, field] of [
      ['status=spam', 'status'],
      ['status=pending,done', 'status'],
      ['createdDate.from=yesterday', 'createdDate.from'],
      ['createdDate.to=2026-13-01', 'createdDate.to'],
      ['createdDate.to=2026-10-01T25:00:00Z', 'createdDate.to'],
      ['createdDate.from=2026-11-02&createdDate.to=2026-11-01', 'createdDate.to'],
      ['formId=Not%20A%20Form', 'formId'],
      ['paging.limit=0', 'paging.limit'],
      ['paging.limit=1001', 'paging.limit'],
      ['paging.offset=-1', 'paging.offset'],
    ]) {
      const res = await api('GET', `/v1/submissions?${query}`)
      expect(res.status, query).toBe(400)
      expect(res.body, query).toEqual(violation(field!))
    }
  })

  it('shows a deleted contact’s submissions as erased', async () => {
    const email = uniqueEmail('erase')
    await submit({ ...VALID, email, message: 'Forget me' }, { context: PAGE })
    const [contact] = await contactsWithEmail(email)
    expect((await api('DELETE', `/contacts/v4/contacts/${contact!.id}`)).status).toBe(200)
    const { body } = await api('GET', `/v1/submissions?contactId=${contact!.id}`)
    expect(body.submissions).toEqual([
      expect.objectContaining({ contactId: contact!.id, values: {}, context: {}, erased: true }),
    ])
    expect(JSON.stringify(body)).not.toContain('Forget me')
  })

  it('needs a key; a read-only key may read', async () => {
    expect((await api('GET', '/v1/submissions', undefined, 'nope')).status).toBe(401)
    expect((await api('GET', '/v1/submissions', undefined, 'test-read-key')).status).toBe(200)
  })
})

describe('GET /v1/contacts/:id/submissions', () => {
  it('lists every submission of the contact, newest first, with what the visitor typed each time', async () => {
    const email = uniqueEmail('timeline')
    const first = await submit(
      { ...VALID, email, interest: 'pricing', message: 'First question' },
      { context: PAGE }
    )
    const second = await submit(
      { ...VALID, email, interest: 'support', message: 'Second question' },
      { context: PAGE }
    )
    const ids = [
      (await first.json<{ submissionId: string }>()).submissionId,
      (await second.json<{ submissionId: string }>()).submissionId,
    ]
    const [contact] = await contactsWithEmail(email)

    const { status, body } = await api('GET', `/v1/contacts/${contact!.id}/submissions`)
    expect(status).toBe(200)
    expect(body).toEqual({
      submissions: [
        record(ids[1]!, contact!.id, {
          email,
          interest: 'support',
          message: 'Second question',
          consent: true,
        }),
        record(ids[0]!, contact!.id, {
          email,
          interest: 'pricing',
          message: 'First question',
          consent: true,
        }),
      ],
      pagingMetadata: { count: 2, offset: 0, total: 2 },
    })
    const page = await api('GET', `/v1/contacts/${contact!.id}/submissions?paging.limit=1`)
    expect(idsOf(page.body)).toEqual([ids[1]])
    expect(page.body.pagingMetadata).toEqual({ count: 1, offset: 0, total: 2 })
    const failedOnly = await api('GET', `/v1/contacts/${contact!.id}/submissions?status=failed`)
    expect(failedOnly.body.submissions).toEqual([])
  })

  it('answers a merged-away id with the submissions of the contact it was merged into', async () => {
    const [a, b] = [uniqueEmail('keep'), uniqueEmail('gone')]
    await submit({ ...VALID, email: a, message: 'from a' })
    await submit({ ...VALID, email: b, message: 'from b' })
    const [target] = await contactsWithEmail(a)
    const [source] = await contactsWithEmail(b)
    const merged = await api('POST', `/contacts/v4/contacts/${target!.id}/merge`, {
      targetContactRevision: target!.revision,
      sourceContactIds: [source!.id],
    })
    expect(merged.status).toBe(200)
    for (const id of [target!.id, source!.id]) {
      const { body } = await api('GET', `/v1/contacts/${id}/submissions`)
      expect(
        body.submissions.map((s: { values: { message: string } }) => s.values.message)
      ).toEqual(['from b', 'from a'])
    }
  })

  it('answers an empty list for a contact without submissions', async () => {
    const { status, body } = await api('GET', `/v1/contacts/${crypto.randomUUID()}/submissions`)
    expect(status).toBe(200)
    expect(body).toEqual({ submissions: [], pagingMetadata: { count: 0, offset: 0, total: 0 } })
  })

  it('needs a key; a read-only key may read; bad parameters are 400', async () => {
    const path = `/v1/contacts/${crypto.randomUUID()}/submissions`
    expect((await api('GET', path, undefined, 'nope')).status).toBe(401)
    expect((await api('GET', path, undefined, 'test-read-key')).status).toBe(200)
    expect((await api('GET', `${path}?status=spam`)).status).toBe(400)
  })
})

describe('the submitted webhook', () => {
  it('carries the submission with its values, page context and consent', async () => {
    const email = uniqueEmail('hooked')
    const res = await submit({ ...VALID, email, message: 'Ring me' }, { context: PAGE })
    const { submissionId } = await res.json<{ submissionId: string }>()
    const [contact] = await contactsWithEmail(email)
    const event = await env.DB.prepare(`SELECT id FROM outbox WHERE entity_id = ?`)
      .bind(submissionId)
      .first<{ id: string }>()
    await dispatchOutbox(env)
    // The test endpoint `/ok` subscribes to every event; the queue delivers it there.
    const received = async () => {
      const all = (await (await fetch(`${inject('receiverUrl')}/__received`)).json()) as {
        path: string
        headers: Record<string, string>
        body: string
      }[]
      return all.filter((r) => r.path === '/ok' && r.headers['webhook-id'] === event!.id)
    }
    await expect.poll(async () => (await received()).length, { timeout: 10_000 }).toBe(1)
    const envelope = JSON.parse((await received())[0]!.body)
    expect(envelope).toMatchObject({
      slug: 'submitted',
      entityFqdn: 'contact-capture.v1.form_submission',
      entityId: submissionId,
    })
    expect(envelope.actionEvent.body.submission).toEqual(
      record(submissionId, contact!.id, { email, message: 'Ring me', consent: true })
    )
  })
})
