/**
 * Random and adversarial payloads at the public submission endpoint: never a 500, and whatever is
 * stored keeps the form's shape (only its field names, only strings, booleans and parsed phones).
 */
import fc from 'fast-check'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { call, DEMO_ORIGIN, renderToken } from './helpers.ts'

const FIELDS = forms.demo!.fields.map((f) => f.name)
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    '\r\nX-Injected: 1',
    '<img src=x onerror=alert(1)>',
    "'; DROP TABLE contacts; --",
    '＠example.com',
    'аnn@example.com',
    '\u202Eevil',
    '𝓪@example.com'
  ),
  fc.string({ maxLength: 5 }).map((s) => s.repeat(3000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 })
)
const key = fc.oneof(
  fc.constantFrom(...FIELDS, '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.string({ maxLength: 8 })
)
const values = fc.oneof(
  fc.dictionary(key, nasty, { maxKeys: 10 }),
  // Mostly valid, with one field spoiled: reaches deeper into the pipeline.
  fc
    .tuple(fc.constantFrom(...FIELDS), nasty, fc.emailAddress())
    .map(([name, bad, email]) => ({ email, consent: true, [name]: bad })),
  fc.anything({ maxDepth: 4 })
)
const payload = fc.record(
  {
    values,
    context: fc.oneof(
      fc.anything({ maxDepth: 3 }),
      fc.record({ pageUrl: nasty, referrer: nasty, utm: fc.anything({ maxDepth: 2 }) })
    ),
    extra: fc.anything({ maxDepth: 2 }),
  },
  { requiredKeys: ['values'] }
)

describe('POST /v1/forms/demo/submissions with adversarial payloads', () => {
  it('never answers 500, and stores only values of the form’s shape', async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), async (p, asProto) => {
        const token = await renderToken() // a token serves one submission
        const { extra, ...rest } = p
        let text = JSON.stringify({
          ...rest,
          token,
          ...(extra !== undefined ? { [asProto ? '__proto__' : 'extra']: extra } : {}),
        })
        if (asProto) text = text.replace('"values":', '"__proto__":{"polluted":1},"values":')
        const res = await call('/v1/forms/demo/submissions', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Origin: DEMO_ORIGIN },
          body: text,
        })
        expect([202, 400, 413, 429], `${res.status} for ${text.slice(0, 300)}`).toContain(
          res.status
        )
        expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        if (res.status !== 202) return
        const { submissionId } = await res.json<{ submissionId: string }>()
        const row = await env.DB.prepare('SELECT submitted_values FROM submissions WHERE id = ?')
          .bind(submissionId)
          .first<{ submitted_values: string }>()
        if (!row) return // answered as a bot: nothing kept
        const stored = JSON.parse(row.submitted_values) as Record<string, unknown>
        for (const [name, value] of Object.entries(stored)) {
          expect(FIELDS).toContain(name)
          const ok =
            typeof value === 'string' ||
            typeof value === 'boolean' ||
            (typeof value === 'object' &&
              value !== null &&
              typeof (value as { e164Phone?: unknown }).e164Phone === 'string')
          expect(ok, `${name}: ${JSON.stringify(value)}`).toBe(true)
        }
      }),
      { numRuns: 250 }
    )
  })
})

describe('normalizeEmail, property', () => {
  it('changes nothing when applied twice, and makes case variants collide', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.string({ maxLength: 20 }), (email, noise) => {
        for (const s of [email, noise, `${noise}@${noise}`])
          expect(normalizeEmail(normalizeEmail(s))).toBe(normalizeEmail(s))
        expect(normalizeEmail(email.toUpperCase())).toBe(normalizeEmail(email))
        expect(normalizeEmail(`  ${email}\t`)).toBe(normalizeEmail(email))
      }),
      { numRuns: 500 }
    )
  })
})
