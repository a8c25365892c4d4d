/**
 * Issue 14, item 7: edges the outside review did not test. An Idempotency-Key that is too long or
 * holds control characters, a render token signed for another form, and a phone number too short
 * to be one. Each is refused and records nothing.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { ApiError } from '../../shared/api-error.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { appError, contactsWithEmail, renderToken, submit, uniqueEmail, VALID } from './helpers.ts'

/** Submissions recorded with this address, whatever their status. */
const recordedWith = async (email: string) =>
  (
    await env.DB.prepare('SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?')
      .bind(`%${email}%`)
      .first<{ n: number }>()
  )?.n

const badIdempotencyKey = {
  message: expect.any(String),
  details: {
    validationError: {
      fieldViolations: [
        { field: 'Idempotency-Key', description: expect.any(String), violatedRule: 'FORMAT' },
      ],
    },
  },
}

describe('an Idempotency-Key the rules refuse', () => {
  it.each([
    ['of 10,000 characters', 'k'.repeat(10_000)],
    ['with a tab inside', 'key\twith-a-tab'],
    ['with a control character (U+0001)', 'key\u0001x'],
    ['with DEL (U+007F)', 'key\u007fx'],
  ])('is a 400 naming the header when %s, and nothing is recorded', async (_, key) => {
    const email = uniqueEmail('idem')
    const res = await submit({ ...VALID, email }, { idempotencyKey: key })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual(badIdempotencyKey)
    expect(await recordedWith(email)).toBe(0)
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })

  it.each([
    ['NUL', 'key\u0000x'],
    ['CR LF', 'key\r\nInjected: 1'],
  ])('cannot carry %s over HTTP: a request with it cannot even be built', (_, key) => {
    expect(() => new Headers({ 'Idempotency-Key': key })).toThrow(TypeError)
  })

  it.each([
    ['NUL', 'key\u0000x'],
    ['CR LF', 'key\r\nInjected: 1'],
  ])(
    'is refused by the pipeline itself when it holds %s, and nothing is recorded',
    async (_, key) => {
      const email = uniqueEmail('idem-raw')
      const refused = await acceptSubmission(env.DB, {
        formId: 'demo',
        form: forms.demo!,
        rawBody: JSON.stringify({ values: { ...VALID, email } }),
        idempotencyKey: key,
      }).catch((err: unknown) => err)
      expect(refused).toBeInstanceOf(ApiError)
      expect((refused as ApiError).status).toBe(400)
      expect((refused as ApiError).body).toEqual(badIdempotencyKey)
      expect(await recordedWith(email)).toBe(0)
      expect(await contactsWithEmail(email)).toHaveLength(0)
    }
  )
})

describe('a render token signed for another form', () => {
  it('is not accepted on this one: 403 FORM_TOKEN_EXPIRED, nothing recorded', async () => {
    const email = uniqueEmail('cross-form')
    // Signed with this worker's key, old enough to pass the fill time, never used.
    const token = await renderToken('newsletter')
    const res = await submit({ ...VALID, email }, { token })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(appError('FORM_TOKEN_EXPIRED'))
    expect(await recordedWith(email)).toBe(0)
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })
})

describe('a phone number of two digits ("12")', () => {
  it('is a 400 on the phone field (libphonenumber cannot read it), and nothing is recorded', async () => {
    const email = uniqueEmail('phone12')
    const res = await submit({ ...VALID, email, phone: '12' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      message: 'phone: Enter a valid phone number.',
      details: {
        validationError: {
          fieldViolations: [
            {
              field: 'phone',
              description: 'Enter a valid phone number.',
              violatedRule: 'FORMAT',
              data: { messageCode: 'invalidPhone' },
            },
          ],
        },
      },
    })
    expect(await recordedWith(email)).toBe(0)
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })
})
