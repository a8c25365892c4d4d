/**
 * The public form endpoints' part of the field report (issue 15): a site missing from
 * allowedOrigins learns it from the definition, an unknown form id is explained, a rate limit
 * says when to try again, and the worker words a visitor's mistakes as the element does.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { ApiError } from '../../shared/api-error.ts'
import { defineForms } from '../../shared/forms-config.ts'
import { MESSAGES } from '../../shared/messages.ts'
import { limitByAddress } from '../../worker/guards/rate-limit.ts'
import { appError, call, DEMO_ORIGIN, submit, uniqueEmail, VALID } from './helpers.ts'

const FOREIGN = 'https://www.not-configured.example'

function definition(formId: string, headers: Record<string, string> = {}) {
  return call(`/v1/forms/${formId}`, { headers: { Accept: 'application/json', ...headers } })
}

function postFallback(fields: Record<string, string>, origin: string) {
  return call('/v1/forms/demo/submissions', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  })
}

describe('GET /v1/forms/:formId from an origin the form does not allow', () => {
  it('answers 403 that the page can read, naming the origin, allowedOrigins and forms.config.ts', async () => {
    const res = await definition('demo', { Origin: FOREIGN })
    expect(res.status).toBe(403)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    expect(res.headers.get('Vary')).toContain('Origin')
    const body = await res.json<{ message: string }>()
    expect(body).toEqual(appError('ORIGIN_NOT_ALLOWED', { formId: 'demo', origin: FOREIGN }))
    expect(body.message).toBe(
      `This form does not accept submissions from ${FOREIGN}: add it to allowedOrigins of form "demo" in forms.config.ts.`
    )
  })

  it('still serves the form to its allowed origins, the worker’s own, and requests without Origin', async () => {
    const requests: Record<string, string>[] = [
      { Origin: DEMO_ORIGIN },
      { Origin: 'http://localhost' },
      {},
      { 'Sec-Fetch-Site': 'same-origin' },
    ]
    for (const headers of requests) {
      const res = await definition('demo', headers)
      expect(res.status, JSON.stringify(headers)).toBe(200)
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    }
  })
})

describe('POST /v1/forms/:formId/submissions without JavaScript, from a foreign origin', () => {
  it('answers a page, not JSON, and keeps nothing', async () => {
    const email = uniqueEmail('foreign-nojs')
    const res = await postFallback({ email, consent: 'true' }, FOREIGN)
    expect(res.status).toBe(403)
    expect(res.headers.get('Content-Type')).toMatch(/^text\/html/)
    const page = await res.text()
    expect(page).toContain('Your message was not sent')
    expect(page).toContain('This form cannot be used on this site.')
    const stored = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?'
    )
      .bind(`%${email}%`)
      .first<{ n: number }>()
    expect(stored?.n).toBe(0)
  })
})

describe('GET /v1/forms/:formId for an unknown form', () => {
  it('names the id and forms.config.ts, and to a site forms are configured for, their ids', async () => {
    const res = await definition('demoo', { Origin: DEMO_ORIGIN })
    expect(res.status).toBe(404)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const body = await res.json<{ message: string }>()
    expect(body).toEqual(appError('FORM_NOT_FOUND', { formId: 'demoo', formIds: ['demo'] }))
    expect(body.message).toBe(
      `There is no form "demoo" in forms.config.ts. The forms for ${DEMO_ORIGIN}: demo.`
    )
  })

  it('lists no ids to other sites or to clients that name no site', async () => {
    for (const headers of [{ Origin: FOREIGN }, {}] as Record<string, string>[]) {
      const res = await definition('demoo', headers)
      expect(res.status).toBe(404)
      const body = await res.json<{ message: string }>()
      expect(body).toEqual(appError('FORM_NOT_FOUND', { formId: 'demoo' }))
      expect(body.message).toBe('There is no form "demoo" in forms.config.ts.')
    }
  })
})

describe('rate limits', () => {
  it('answer 429 with a Retry-After the widget can read, and say when to try again', async () => {
    const email = uniqueEmail('limited')
    const statuses: number[] = []
    let last!: Response
    for (let i = 0; i < 6; i++) {
      last = await submit(
        { ...VALID, email },
        { headers: { 'CF-Connecting-IP': `198.51.100.${i + 10}` } }
      )
      statuses.push(last.status)
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
    const seconds = Number(last.headers.get('Retry-After'))
    expect(seconds).toBeGreaterThanOrEqual(1)
    expect(seconds).toBeLessThanOrEqual(60)
    expect(last.headers.get('Access-Control-Allow-Origin')).toBe(DEMO_ORIGIN)
    expect(last.headers.get('Access-Control-Expose-Headers')).toMatch(/retry-after/i)
    expect(await last.json()).toEqual({
      message: `Too many messages were sent from here. Please try again in ${seconds} s.`,
      details: {
        applicationError: {
          code: 'RATE_LIMITED',
          description: `Too many messages were sent from here. Please try again in ${seconds} s.`,
          data: {},
        },
      },
    })
  }, 60_000)

  it('give the seconds left in the minute for a form’s own per-address limit', async () => {
    const { strict } = defineForms({
      strict: {
        title: 'Strict',
        fields: [{ name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' }],
        rateLimit: { perAddress: 1 },
      },
    })
    const address = `192.0.2.${Math.floor(Math.random() * 250)}`
    await limitByAddress(env, 'strict', strict!, address)
    const before = Date.now()
    const err = await limitByAddress(env, 'strict', strict!, address).then(
      () => undefined,
      (e: ApiError) => e
    )
    const after = Date.now()
    // Unless the minute turned between the two calls (then the second is simply allowed).
    if (Math.floor(before / 60_000) !== Math.floor(after / 60_000) && !err) return
    expect(err?.status).toBe(429)
    const seconds = Number(err!.headers['Retry-After'])
    expect(seconds).toBeGreaterThanOrEqual(Math.ceil((60_000 - (after % 60_000)) / 1000))
    expect(seconds).toBeLessThanOrEqual(Math.ceil((60_000 - (before % 60_000)) / 1000))
  })

  it('answer the no-JavaScript form with a page that says when to try again', async () => {
    const email = uniqueEmail('limited-nojs')
    let last!: Response
    for (let i = 0; i < 6; i++) last = await postFallback({ email, consent: 'true' }, DEMO_ORIGIN)
    expect(last.status).toBe(429)
    expect(last.headers.get('Content-Type')).toMatch(/^text\/html/)
    expect(last.headers.get('Retry-After')).toBe('60')
    expect(await last.text()).toContain(
      'Too many messages were sent from here. Please try again in 60 s.'
    )
  }, 60_000)
})

describe('the words for a visitor’s mistakes', () => {
  it('are the shared messages, each with its code, so the element can show its own instead', async () => {
    const res = await submit({
      ...VALID,
      consent: false,
      email: 'ann@',
      phone: '12',
      interest: 'cheese',
      company: 'x'.repeat(1001),
      extra: 'y',
    })
    expect(res.status).toBe(400)
    const { details } = await res.json<{
      details: { validationError: { fieldViolations: unknown[] } }
    }>()
    expect(details.validationError.fieldViolations).toEqual(
      expect.arrayContaining([
        {
          field: 'email',
          description: MESSAGES.invalidEmail,
          violatedRule: 'FORMAT',
          data: { messageCode: 'invalidEmail' },
        },
        {
          field: 'phone',
          description: MESSAGES.invalidPhone,
          violatedRule: 'FORMAT',
          data: { messageCode: 'invalidPhone' },
        },
        {
          field: 'interest',
          description: MESSAGES.invalidOption,
          violatedRule: 'INVALID_ENUM_VALUE',
          data: { messageCode: 'invalidOption' },
        },
        {
          field: 'company',
          description: 'Use at most 1000 characters.',
          violatedRule: 'MAX_LENGTH',
          data: { messageCode: 'tooLong', max: 1000 },
        },
        {
          field: 'consent',
          description: MESSAGES.consentRequired,
          violatedRule: 'REQUIRED_FIELD',
          data: { messageCode: 'consentRequired' },
        },
        {
          field: 'extra',
          description: MESSAGES.notInForm,
          violatedRule: 'FIELD_NOT_ALLOWED',
          data: { messageCode: 'notInForm' },
        },
      ])
    )
  })

  it('says "required" as the element does', async () => {
    const res = await submit({ ...VALID })
    const { details } = await res.json<{
      details: { validationError: { fieldViolations: unknown[] } }
    }>()
    expect(details.validationError.fieldViolations).toContainEqual({
      field: 'email',
      description: MESSAGES.required,
      violatedRule: 'REQUIRED_FIELD',
      data: { messageCode: 'required' },
    })
  })

  it('come with the definition, for the element to use and to replace', async () => {
    const res = await definition('demo', { Origin: DEMO_ORIGIN })
    expect((await res.json<{ messages: unknown }>()).messages).toEqual(MESSAGES)
  })
})
