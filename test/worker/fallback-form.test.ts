import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { call, contactsWithEmail, uniqueEmail } from './helpers.ts'

function post(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return call('/v1/forms/demo/submissions', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Origin: 'http://localhost:8787',
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

describe('POST /v1/forms/:formId/submissions from the no-JavaScript form', () => {
  it('answers 303 to the thank-you page and creates the contact', async () => {
    const email = uniqueEmail('nojs')
    const res = await post(
      { email, firstName: 'Nia', consent: 'true', interest: '' },
      { Referer: 'http://localhost:8787/' }
    )
    expect(res.status).toBe(303)
    expect(res.headers.get('Location')).toBe('http://localhost/v1/forms/demo/thanks')
    const [contact] = await contactsWithEmail(email)
    expect(contact!.info.name?.first).toBe('Nia')
    const thanks = await call('/v1/forms/demo/thanks', {
      headers: { Referer: 'http://localhost:8787/' },
    })
    expect(thanks.headers.get('Content-Type')).toMatch(/text\/html/)
    const page = await thanks.text()
    expect(page).toContain('Thanks, we will be in touch.')
    expect(page).toContain('href="http://localhost:8787/"')
  })

  it('answers 400 with a page that lists what to correct, escaped, and stores nothing', async () => {
    const email = 'not-an-email<script>'
    const res = await post({ email, consent: 'true' })
    expect(res.status).toBe(400)
    const page = await res.text()
    expect(page).toContain('<strong>Email</strong>: Enter a valid email address')
    expect(page).not.toContain('<script>')
    const stored = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?'
    )
      .bind('%not-an-email%')
      .first<{ n: number }>()
    expect(stored?.n).toBe(0)
    const missing = await post({ email: uniqueEmail() })
    expect(await missing.text()).toContain(
      '<strong>I agree to be contacted about my request.</strong>'
    )
  })

  it('refuses fields that are not part of the form', async () => {
    const email = uniqueEmail('extra')
    const res = await post({ email, consent: 'true', labels: 'VIP' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain(
      '<strong>labels</strong>: This field is not part of the form'
    )
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })

  it('accepts the worker’s own origin, as for the demo page on any host and port', async () => {
    const res = await post(
      { email: uniqueEmail(), consent: 'true' },
      { Origin: 'http://localhost' }
    )
    expect(res.status).toBe(303)
  })

  it('still refuses other origins (403) and other content types (415)', async () => {
    expect(
      (await post({ email: uniqueEmail(), consent: 'true' }, { Origin: 'https://evil.example' }))
        .status
    ).toBe(403)
    const plain = await call('/v1/forms/demo/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'x',
    })
    expect(plain.status).toBe(415)
  })
})
