import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { defineForms, FormsConfigError } from '../../shared/forms-config.ts'
import { call } from './helpers.ts'

const base = {
  title: 'T',
  fields: [
    {
      name: 'email',
      type: 'email' as const,
      label: 'Email',
      required: true,
      maps: 'email' as const,
    },
  ],
}

describe('forms.config.ts', () => {
  it('ships the demo form with exactly the specified fields and mapping', () => {
    const demo = forms.demo!
    expect(demo.fields.map((f) => [f.name, f.type, f.required])).toEqual([
      ['email', 'email', true],
      ['firstName', 'text', false],
      ['lastName', 'text', false],
      ['phone', 'tel', false],
      ['company', 'text', false],
      ['interest', 'select', false],
      ['message', 'textarea', false],
      ['consent', 'consent', true],
    ])
    expect(demo.fields.find((f) => f.name === 'interest')?.maps).toEqual({
      extendedField: 'Interest',
      dataType: 'TEXT',
    })
    expect(demo.fields.find((f) => f.name === 'message')?.maps).toEqual({
      extendedField: 'Message',
      dataType: 'TEXT',
    })
    expect(demo.labels).toEqual(['Website lead', 'Demo request'])
    expect(demo.extendedFields).toEqual([
      { displayName: 'Signup source', dataType: 'TEXT', value: 'demo page' },
    ])
    expect(demo.allowedOrigins).toEqual(['http://localhost:8787', 'http://127.0.0.1:8787'])
    expect(demo.onDuplicate).toBe('append')
    expect(demo.notify).toMatchObject({ email: ['owner@example.com'], digest: 'daily' })
  })

  it.each([
    [
      { ...base, fields: [...base.fields, { name: 'topic', type: 'select', label: 'Topic' }] },
      'form "bad", field "topic" (options): a select field needs options',
    ],
    [
      { ...base, fields: [...base.fields, { name: 'email', type: 'text', label: 'Again' }] },
      'form "bad", field "email" (name): is used twice',
    ],
    [
      { ...base, fields: [{ ...base.fields[0], type: 'text' }] },
      'form "bad", field "email" (maps): maps to email, so its type must be "email"',
    ],
    [
      { ...base, fields: [...base.fields, { name: 'ok', type: 'consent', label: 'I agree' }] },
      'form "bad", field "ok" (version)',
    ],
    [
      {
        ...base,
        fields: [...base.fields, { name: 'age', type: 'text', label: 'Age', maps: 'age' }],
      },
      'form "bad", field "age" (maps)',
    ],
    [
      { ...base, allowedOrigins: ['https://example.com/page'] },
      'form "bad", allowedOrigins.0: must be an origin',
    ],
    [
      {
        ...base,
        extendedFields: [{ displayName: 'Since', dataType: 'DATE', value: '31/12/2026' }],
      },
      'form "bad", extendedFields[0] (value): must be a date',
    ],
    [
      { ...base, fields: [{ name: 'name', type: 'text', label: 'Name' }] },
      'form "bad", fields: a form needs a field that maps to email or phone',
    ],
  ])('stops with a message naming the form and field (%#)', (form, message) => {
    expect(() => defineForms({ bad: form as never })).toThrow(FormsConfigError)
    expect(() => defineForms({ bad: form as never })).toThrow(message)
  })

  it('turns the no-JavaScript form off by default for a Turnstile form, which it would bypass', () => {
    const { plain, guarded, forced } = defineForms({
      plain: base,
      guarded: { ...base, spam: { turnstile: { siteKey: 'k' } } },
      forced: { ...base, spam: { turnstile: { siteKey: 'k' }, allowFallback: true } },
    })
    expect([
      plain!.spam.allowFallback,
      guarded!.spam.allowFallback,
      forced!.spam.allowFallback,
    ]).toEqual([true, false, true])
  })

  it('accepts a minimal form and fills the defaults', () => {
    const { ok } = defineForms({ ok: base })
    expect(ok).toMatchObject({
      onDuplicate: 'append',
      labels: [],
      extendedFields: [],
      submitLabel: 'Send',
      allowedOrigins: [],
    })
  })
})

describe('GET /v1/forms/:formId', () => {
  it('serves the public definition, with a fresh render token and never cached, and no internal mapping', async () => {
    const res = await call('/v1/forms/demo')
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const text = await res.text()
    const definition = JSON.parse(text)
    expect(definition).toMatchObject({
      id: 'demo',
      title: 'Talk to us',
      submitLabel: 'Send',
      consent: { field: 'consent', version: '2026-11-01' },
    })
    expect(definition.fields[0]).toEqual({
      name: 'email',
      type: 'email',
      label: 'Email',
      required: true,
      autocomplete: 'email',
      inputMode: 'email',
      maxLength: 320,
    })
    expect(definition.fields.find((f: { name: string }) => f.name === 'interest').options).toEqual([
      { value: 'pricing', label: 'Pricing' },
      { value: 'support', label: 'Support' },
      { value: 'partnership', label: 'Partnership' },
    ])
    for (const secret of [
      'Website lead',
      'Signup source',
      'extendedField',
      'maps',
      'allowedOrigins',
      // Who hears of the leads (forms.config.ts notify) stays private.
      'notify',
      'owner@example.com',
    ])
      expect(text).not.toContain(secret)
    expect(definition.token).toMatch(/^[\w-]+\.[\w-]+$/)
    expect(definition.honeypot).toEqual({ name: 'website' })
    const again = await (await call('/v1/forms/demo')).json<{ token: string }>()
    expect(again.token).not.toBe(definition.token)
  })

  it('gives 404 in the error envelope for an unknown form', async () => {
    const res = await call('/v1/forms/nope')
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({
      details: { applicationError: { code: 'FORM_NOT_FOUND' } },
    })
  })

  it('allows CORS for the allowed origins only', async () => {
    const preflight = (origin: string) =>
      call('/v1/forms/demo/submissions', {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type, idempotency-key',
        },
      })
    const ok = await preflight('http://127.0.0.1:8787')
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe('http://127.0.0.1:8787')
    expect(ok.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain(
      'idempotency-key'
    )
    const other = await preflight('https://evil.example')
    expect(other.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })
})

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const res = await call('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })
})
