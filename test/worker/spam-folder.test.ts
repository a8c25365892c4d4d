/**
 * The spam folder: submissions refused as automated are kept with what they sent (never turned
 * into contacts) for 30 days, capped per form; an owner lists them, restores a person's message
 * through the pipeline once, or deletes one.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { keepSpam } from '../../worker/capture/spam-folder.ts'
import { SPAM_CAP_PER_FORM } from '../../worker/db/spam.ts'
import { forms } from '../../worker/configured-forms.ts'
import worker from '../../worker/index.ts'
import { honeypotName } from '../../shared/honeypot.ts'
import {
  api,
  appError,
  call,
  contactsWithEmail,
  renderToken,
  submit,
  uniqueEmail,
  VALID,
} from './helpers.ts'

interface Spam {
  id: string
  formId: string
  reason: string
  createdDate: string
  values: Record<string, unknown>
  context: Record<string, unknown>
}

/** A honeypot-filled submission from the widget, answered 202 like any other. */
async function botSubmission(email: string, extra: Record<string, unknown> = {}) {
  const res = await submit(
    {},
    {
      body: JSON.stringify({
        values: { ...VALID, email, firstName: 'Rob', ...extra },
        context: { pageUrl: 'https://www.example.com/contact' },
        token: await renderToken(),
        honeypot: 'http://spam.example',
      }),
    }
  )
  expect(res.status).toBe(202)
}

/** The folder's entry with this email, once the worker has written it (after its answer). */
async function spamWith(email: string): Promise<Spam> {
  let found: Spam | undefined
  await expect
    .poll(async () => {
      const { body } = await api('GET', '/v1/spam?paging.limit=1000')
      found = body.submissions.find((s: Spam) => s.values.email === email)
      return found
    })
    .toBeDefined()
  return found!
}

describe('the spam folder', () => {
  it('keeps what a bot sent, with the reason, and makes no contact of it', async () => {
    const email = uniqueEmail('spam')
    await botSubmission(email)
    const kept = await spamWith(email)
    expect(kept).toEqual({
      id: expect.any(String),
      formId: 'demo',
      reason: 'honeypot',
      createdDate: expect.any(String),
      origin: 'http://localhost:8787',
      values: { ...VALID, email, firstName: 'Rob' },
      context: { pageUrl: 'https://www.example.com/contact' },
    })
    expect(await contactsWithEmail(email)).toHaveLength(0)
    const logged = await api('GET', '/v1/submissions?paging.limit=1000')
    expect(JSON.stringify(logged.body)).not.toContain(email)
  })

  it('keeps a submission without a render token, and one from the no-JavaScript form, by field', async () => {
    const email = uniqueEmail('notoken')
    expect((await submit({ ...VALID, email }, { token: null })).status).toBe(202)
    expect((await spamWith(email)).reason).toBe('token-missing')

    const fallbackEmail = uniqueEmail('nojs-bot')
    const trap = honeypotName(forms.demo!.spam.honeypot, forms.demo!.fields)!
    const res = await call('/v1/forms/demo/submissions', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'http://localhost:8787',
        Referer: 'http://localhost:8787/',
      },
      body: new URLSearchParams({ email: fallbackEmail, consent: 'true', [trap]: 'x' }).toString(),
      redirect: 'manual',
    })
    expect(res.status).toBe(303)
    const kept = await spamWith(fallbackEmail)
    expect(kept.values).toMatchObject({ email: fallbackEmail, consent: true })
    expect(kept.values).not.toHaveProperty(trap)
    expect(kept.context).toEqual({ pageUrl: 'http://localhost:8787/' })
  })

  it('restores a person’s message through the pipeline once: contact, log, folder emptied', async () => {
    const email = uniqueEmail('person')
    await botSubmission(email)
    const kept = await spamWith(email)
    const [first, second] = await Promise.all([
      api('POST', `/v1/spam/${kept.id}/restore`),
      api('POST', `/v1/spam/${kept.id}/restore`),
    ])
    expect(first.status).toBe(200)
    expect(first.body).toEqual({ submissionId: expect.any(String) })
    // The second is the same submission answered again, still in flight, or already gone.
    expect([200, 404, 409]).toContain(second.status)
    const [contact, ...more] = await contactsWithEmail(email)
    expect(more).toHaveLength(0)
    expect(contact!.info.name?.first).toBe('Rob')
    expect(contact!.info.labelKeys?.items.length).toBeGreaterThan(0)
    const log = await api('GET', `/v1/contacts/${contact!.id}/submissions`)
    expect(log.body.submissions).toHaveLength(1)
    expect(log.body.submissions[0].values.email).toBe(email)
    const again = await api('POST', `/v1/spam/${kept.id}/restore`)
    expect(again.status).toBe(404)
    expect(again.body).toEqual(appError('SPAM_NOT_FOUND'))
  })

  it('refuses to restore what the form would refuse, and keeps it in the folder', async () => {
    const email = 'not-an-email'
    await botSubmission(email)
    const kept = await spamWith(email)
    const res = await api('POST', `/v1/spam/${kept.id}/restore`)
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('email')
    expect((await spamWith(email)).id).toBe(kept.id)
    const withBody = await api('POST', `/v1/spam/${kept.id}/restore`, { force: true })
    expect(withBody.status).toBe(400)
  })

  it('deletes one, and answers 404 for one it does not have', async () => {
    const email = uniqueEmail('gone')
    await botSubmission(email)
    const kept = await spamWith(email)
    expect((await api('DELETE', `/v1/spam/${kept.id}`)).status).toBe(200)
    const { body } = await api('GET', '/v1/spam?paging.limit=1000')
    expect(body.submissions.map((s: Spam) => s.id)).not.toContain(kept.id)
    const missing = await api('DELETE', `/v1/spam/${kept.id}`)
    expect(missing.status).toBe(404)
  })

  it('filters by form and reason and pages newest first', async () => {
    const a = uniqueEmail('page-a')
    const b = uniqueEmail('page-b')
    await botSubmission(a)
    await spamWith(a)
    await botSubmission(b)
    await spamWith(b)
    const page = await api('GET', '/v1/spam?formId=demo&reason=honeypot&paging.limit=1')
    expect(page.body.submissions[0].values.email).toBe(b)
    expect(page.body.pagingMetadata).toMatchObject({ count: 1, offset: 0 })
    expect(page.body.pagingMetadata.total).toBeGreaterThanOrEqual(2)
    const none = await api('GET', '/v1/spam?formId=other&reason=honeypot')
    expect(none.body.submissions).toEqual([])
    expect((await api('GET', '/v1/spam?paging.limit=0')).status).toBe(400)
    expect((await api('GET', '/v1/spam?formId=../x')).status).toBe(400)
  })

  it(
    'keeps at most the newest ' + SPAM_CAP_PER_FORM + ' a form, so a flood cannot fill D1',
    async () => {
      for (let i = 0; i < SPAM_CAP_PER_FORM + 5; i++) {
        await keepSpam(env.DB, {
          formId: 'flooded',
          reason: 'honeypot',
          payload: { values: { email: `flood-${i}@example.com` } },
        })
      }
      const { body } = await api('GET', '/v1/spam?formId=flooded&paging.limit=1000')
      expect(body.pagingMetadata.total).toBe(SPAM_CAP_PER_FORM)
      const emails = body.submissions.map((s: Spam) => s.values.email)
      expect(emails).toContain(`flood-${SPAM_CAP_PER_FORM + 4}@example.com`)
      expect(emails).not.toContain('flood-0@example.com')
    }
  )

  it('is emptied of what is older than 30 days by the cron', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString()
    await env.DB.prepare(
      `INSERT INTO spam_submissions (id, form_id, reason, payload, origin, created_date)
       VALUES ('old-spam', 'demo', 'honeypot', '{"values":{},"context":{}}', NULL, ?)`
    )
      .bind(old)
      .run()
    const email = uniqueEmail('recent')
    await botSubmission(email)
    await spamWith(email)
    await worker.scheduled({ scheduledTime: Date.now(), cron: '*/5 * * * *', noRetry() {} }, env)
    const { body } = await api('GET', '/v1/spam?paging.limit=1000')
    const ids = body.submissions.map((s: Spam) => s.id)
    expect(ids).not.toContain('old-spam')
    expect(body.submissions.some((s: Spam) => s.values.email === email)).toBe(true)
  })

  it('is read with a read-only key but changed only with a full one', async () => {
    const email = uniqueEmail('readonly')
    await botSubmission(email)
    const kept = await spamWith(email)
    expect((await api('GET', '/v1/spam', undefined, 'test-read-key')).status).toBe(200)
    expect(
      (await api('POST', `/v1/spam/${kept.id}/restore`, undefined, 'test-read-key')).status
    ).toBe(403)
    expect((await api('DELETE', `/v1/spam/${kept.id}`, undefined, 'test-read-key')).status).toBe(
      403
    )
    expect((await call('/v1/spam')).status).toBe(401)
  })
})
