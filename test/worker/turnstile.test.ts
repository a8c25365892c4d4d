/** Turnstile, with Cloudflare's siteverify replaced by a stub of outbound fetch (it is unreachable here). */
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it } from 'vitest'
import { defineForms } from '../../shared/forms-config.ts'
import { ApiError } from '../../shared/api-error.ts'
import { detectBot } from '../../worker/guards/bots.ts'
import { SITEVERIFY_URL } from '../../worker/guards/turnstile.ts'
import { renderToken } from './helpers.ts'

const { guarded } = defineForms({
  guarded: {
    title: 'Guarded',
    allowedOrigins: ['https://www.example.com'],
    fields: [{ name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' }],
    spam: { turnstile: { siteKey: '1x00000000000000000000AA', action: 'signup' } },
  },
})
const SECRET = '1x0000000000000000000000000000000AA'
const withSecret = { ...env, TURNSTILE_SECRET_KEY: SECRET } as Env

const realFetch = globalThis.fetch
const sent: FormData[] = []
function siteverify(answer: () => Response | Promise<Response>) {
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input)
    if (url !== SITEVERIFY_URL) return realFetch(input, init)
    sent.push(init?.body as FormData)
    return answer()
  }) as typeof fetch
}
afterEach(() => {
  globalThis.fetch = realFetch
  sent.length = 0
})

async function check(envToUse: Env = withSecret, turnstile: unknown = 'XXXX.DUMMY.TOKEN.XXXX') {
  return detectBot(envToUse, {
    formId: 'guarded',
    form: guarded!,
    payload: { values: {}, token: await renderToken('guarded'), turnstile },
    fallback: false,
    remoteIp: '203.0.113.9',
    selfUrl: 'http://localhost/v1/forms/guarded/submissions',
    idempotencyKey: 'key-1',
  })
}

const ok = (over: Record<string, unknown> = {}) =>
  Response.json({
    success: true,
    action: 'signup',
    hostname: 'www.example.com',
    'error-codes': [],
    ...over,
  })

describe('Turnstile', () => {
  it('lets a verified person through, sending secret, token, address and idempotency key', async () => {
    siteverify(() => ok())
    expect((await check()).reason).toBeUndefined()
    expect(sent).toHaveLength(1)
    expect(Object.fromEntries(sent[0]!.entries())).toEqual({
      secret: SECRET,
      response: 'XXXX.DUMMY.TOKEN.XXXX',
      remoteip: '203.0.113.9',
      idempotency_key: 'key-1',
    })
  })

  it.each([
    ['a failed challenge', () => ok({ success: false, 'error-codes': ['invalid-input-response'] })],
    ['a token for another action', () => ok({ action: 'login' })],
    ['a token from another hostname', () => ok({ hostname: 'evil.example' })],
  ])('treats %s as a bot', async (_, answer) => {
    siteverify(answer)
    expect((await check()).reason).toBe('turnstile')
  })

  it("accepts a token from the worker's own hostname, as from the form's origins", async () => {
    siteverify(() => ok({ hostname: 'localhost' }))
    expect((await check()).reason).toBeUndefined()
  })

  it('treats a missing token as a bot without asking siteverify', async () => {
    siteverify(() => ok())
    expect((await check(withSecret, null)).reason).toBe('turnstile')
    expect(sent).toHaveLength(0)
  })

  it.each([
    [
      'a timeout',
      () =>
        Promise.reject(
          new DOMException('The operation was aborted due to timeout', 'TimeoutError')
        ),
    ],
    ['a 5xx', () => new Response('oops', { status: 502 })],
    ['internal-error', () => ok({ success: false, 'error-codes': ['internal-error'] })],
  ])('fails closed on %s: 503, nothing let through', async (_, answer) => {
    siteverify(answer)
    const error = await check().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).status).toBe(503)
    expect((error as ApiError).body.details).toMatchObject({
      applicationError: { code: 'VERIFICATION_UNAVAILABLE' },
    })
  })

  it('fails closed when the secret is missing', async () => {
    siteverify(() => ok())
    const error = await check(env).catch((e: unknown) => e)
    expect((error as ApiError).status).toBe(503)
    expect(sent).toHaveLength(0)
  })
})
