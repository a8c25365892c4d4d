/** Each guard in front of the public submission endpoint (issue: abuse protection). */
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import { defineForms } from '../../shared/forms-config.ts'
import type { ApiError } from '../../shared/api-error.ts'
import { clientAddress } from '../../worker/guards/client-address.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { limitByAddress, sweepRateLimits } from '../../worker/guards/rate-limit.ts'
import {
  appError,
  call,
  contactsWithEmail,
  DEMO_ORIGIN,
  renderToken,
  submit,
  uniqueEmail,
  VALID,
} from './helpers.ts'

const blocked = async (reason: string) =>
  (
    await env.DB.prepare(
      'SELECT SUM(count) AS n FROM blocked_submissions WHERE form_id = ? AND reason = ?'
    )
      .bind('demo', reason)
      .first<{ n: number | null }>()
  )?.n ?? 0

describe('origin', () => {
  it('refuses an origin outside the list with 403 before reading the body, and Origin: null', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost:8787.evil.example']) {
      const res = await submit(
        { ...VALID, email: uniqueEmail() },
        { origin, body: 'x'.repeat(100_000) }
      )
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual(appError('ORIGIN_NOT_ALLOWED'))
      expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
    }
  })

  it('answers CORS for an allowed origin only, with Vary: Origin, and a preflight', async () => {
    const ok = await submit({ ...VALID, email: uniqueEmail() })
    expect(ok.headers.get('Access-Control-Allow-Origin')).toBe(DEMO_ORIGIN)
    expect(ok.headers.get('Vary')).toContain('Origin')
    const preflight = await call('/v1/forms/demo/submissions', {
      method: 'OPTIONS',
      headers: {
        Origin: DEMO_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,idempotency-key',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(DEMO_ORIGIN)
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toContain('POST')
  })

  it('answers the definition to any page, its refusal too, with Vary: Origin once', async () => {
    for (const [origin, status] of [
      [DEMO_ORIGIN, 200],
      ['https://evil.example', 403],
    ] as const) {
      const res = await call('/v1/forms/demo', { headers: { Origin: origin } })
      expect(res.status).toBe(status)
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
      expect(res.headers.get('Vary')).toBe('Origin')
    }
  })
})

describe('body', () => {
  it('refuses other content types with 415', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', '']) {
      const res = await call('/v1/forms/demo/submissions', {
        method: 'POST',
        headers: { 'Content-Type': type, Origin: DEMO_ORIGIN },
        body: '{}',
      })
      expect(res.status).toBe(415)
    }
  })

  it('refuses a body over 16 KiB with 413, whether it declares its length or not', async () => {
    const big = JSON.stringify({
      values: { ...VALID, email: uniqueEmail(), message: 'x'.repeat(17_000) },
      token: await renderToken(),
    })
    const declared = await submit({}, { body: big })
    expect(declared.status).toBe(413)
    expect(await declared.json()).toEqual(appError('PAYLOAD_TOO_LARGE'))

    const encoder = new TextEncoder()
    let sent = 0
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024) return controller.close()
        sent += 4096
        controller.enqueue(encoder.encode('x'.repeat(4096)))
      },
    })
    const res = await call('/v1/forms/demo/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: DEMO_ORIGIN },
      body: chunked,
      // @ts-expect-error -- a streamed request body needs duplex: 'half'
      duplex: 'half',
    })
    expect(res.status).toBe(413)
    expect(sent).toBeLessThan(64 * 1024) // reading stopped at the limit
  })
})

/** The token with one character of its signature changed (a middle one: all six bits count). */
function forge(token: string): string {
  const at = token.length - 10
  return token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1)
}

describe('bots', () => {
  it('answers a filled honeypot like a success, records no submission and counts it', async () => {
    const email = uniqueEmail('bot')
    const before = await blocked('honeypot')
    const res = await submit(
      {},
      {
        body: JSON.stringify({
          values: { ...VALID, email },
          token: await renderToken(),
          honeypot: 'http://spam.example',
        }),
      }
    )
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ submissionId: expect.any(String), status: 'accepted' })
    expect(await contactsWithEmail(email)).toHaveLength(0)
    const stored = await env.DB.prepare(
      'SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?'
    )
      .bind(`%${email}%`)
      .first<{ n: number }>()
    expect(stored?.n).toBe(0)
    // The count is written after the answer.
    await expect.poll(() => blocked('honeypot')).toBe(before + 1)
  })

  it('answers a missing render token like a success but records no submission', async () => {
    const email = uniqueEmail('tok')
    const before = await blocked('token-missing')
    const res = await submit({ ...VALID, email }, { token: null })
    expect(res.status).toBe(202)
    expect(await contactsWithEmail(email)).toHaveLength(0)
    await expect.poll(() => blocked('token-missing')).toBe(before + 1)
  })

  it.each([
    ['a forged token', async () => forge(await renderToken())],
    ['a token for another form', async () => renderToken('other-form')],
    ['an expired token', async () => renderToken('demo', 25 * 3600_000)],
  ])(
    'refuses %s with 403 FORM_TOKEN_EXPIRED (the widget reloads the form), keeping nothing',
    async (_, token) => {
      const email = uniqueEmail('tok')
      const res = await submit({ ...VALID, email }, { token: await token() })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual(appError('FORM_TOKEN_EXPIRED'))
      expect(await contactsWithEmail(email)).toHaveLength(0)
    }
  )

  it('answers a submission sent faster than a person with 425 and the seconds to wait', async () => {
    const { token } = await (await call('/v1/forms/demo')).json<{ token: string }>()
    const email = uniqueEmail('fast')
    const early = await submit({ ...VALID, email }, { token })
    expect(early.status).toBe(425)
    expect(early.headers.get('Retry-After')).toMatch(/^[12]$/)
    expect(await early.json()).toEqual(appError('TOO_EARLY'))
    expect(await contactsWithEmail(email)).toHaveLength(0)
  })

  it('lets a render token serve one submission: a second one with it is answered like a bot', async () => {
    const token = await renderToken()
    const [a, b] = [uniqueEmail('once'), uniqueEmail('twice')]
    const before = await blocked('token-reused')
    expect((await submit({ ...VALID, email: a }, { token })).status).toBe(202)
    const second = await submit({ ...VALID, email: b }, { token })
    expect(second.status).toBe(202)
    expect(await contactsWithEmail(a)).toHaveLength(1)
    expect(await contactsWithEmail(b)).toHaveLength(0)
    await expect.poll(() => blocked('token-reused')).toBe(before + 1)
  })

  it('answers a retry of a recorded submission before any limit or check, however often', async () => {
    const key = crypto.randomUUID()
    const body = JSON.stringify({
      values: { ...VALID, email: uniqueEmail('retry') },
      token: await renderToken(),
    })
    const headers = { 'CF-Connecting-IP': `198.18.0.${Math.floor(Math.random() * 250)}` }
    const answers = new Set<string>()
    for (let i = 0; i < 25; i++) {
      const res = await submit({}, { idempotencyKey: key, body, headers })
      expect(res.status).toBe(202)
      answers.add(await res.text())
    }
    expect(answers.size).toBe(1)
  })
})

const ipHeader = (i: number) => ({ 'CF-Connecting-IP': `192.0.2.${100 + i}` })

const submissionsWithEmail = async (email: string) =>
  (
    await env.DB.prepare('SELECT COUNT(*) AS n FROM submissions WHERE submitted_values LIKE ?')
      .bind(`%${email}%`)
      .first<{ n: number }>()
  )?.n

/** Waits out the last 20 s of a rate-limit minute, so a test's requests (slow under load) share one window. */
async function awayFromWindowEdge(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000)
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 100))
}

describe('rate limits', () => {
  it('gives a plain 429 to the 21st submission a minute from one address', async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`
    await awayFromWindowEdge()
    const statuses: number[] = []
    const emails = Array.from({ length: 21 }, () => uniqueEmail('addr'))
    for (const email of emails) {
      const res = await submit({ ...VALID, email }, { headers: { 'CF-Connecting-IP': address } })
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(202))
    expect(statuses[20]).toBe(429)
    // The refused one recorded nothing.
    expect(await submissionsWithEmail(emails[20]!)).toBe(0)
    const other = await submit(
      { ...VALID, email: uniqueEmail() },
      { headers: { 'CF-Connecting-IP': '198.51.100.1' } }
    )
    expect(other.status).toBe(202)
  }, 60_000)

  it('keeps an address key only for the window: the cron sweep clears it, and old counters', async () => {
    const email = uniqueEmail('sweep')
    const res = await submit(
      { ...VALID, email },
      { headers: { 'CF-Connecting-IP': '198.51.100.7' } }
    )
    expect(res.status).toBe(202)
    const addressKey = async () =>
      (
        await env.DB.prepare('SELECT address_key FROM submissions WHERE submitted_values LIKE ?')
          .bind(`%${email}%`)
          .first<{ address_key: string | null }>()
      )?.address_key
    expect(await addressKey()).toMatch(/^[0-9a-f]{32}$/)
    const minute = Math.floor(Date.now() / 60_000)
    await env.DB.batch([
      env.DB.prepare('INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1)').bind(
        'sweep-old',
        minute - 5
      ),
      env.DB.prepare('INSERT INTO rate_counters (key, window, count) VALUES (?, ?, 1)').bind(
        'sweep-now',
        minute
      ),
    ])

    const counters = async () =>
      (
        await env.DB.prepare("SELECT key FROM rate_counters WHERE key LIKE 'sweep-%'").all<{
          key: string
        }>()
      ).results.map((r) => r.key)

    await sweepRateLimits(env.DB, Date.now() + 60_000)
    expect(await addressKey()).toMatch(/^[0-9a-f]{32}$/) // still inside the window
    expect(await counters()).toEqual(['sweep-now'])
    await sweepRateLimits(env.DB, Date.now() + 3 * 60_000)
    expect(await addressKey()).toBeNull()
    expect(await counters()).toEqual([])
  })

  it('holds bots from one address to the same limit before counting them', async () => {
    const address = `203.0.113.${Math.floor(Math.random() * 250)}`
    await awayFromWindowEdge()
    const before = await blocked('token-missing')
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) {
      const res = await submit(
        { ...VALID, email: uniqueEmail('bot-flood') },
        { token: null, headers: { 'CF-Connecting-IP': address } }
      )
      statuses.push(res.status)
    }
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(202))
    expect(statuses[20]).toBe(429)
    await vi.waitFor(async () => expect(await blocked('token-missing')).toBe(before + 20))
  }, 60_000)

  it('gives 429 to the 6th submission a minute for one email, from any address', async () => {
    const email = uniqueEmail('flood')
    await awayFromWindowEdge()
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await submit(
        { ...VALID, email: i % 2 ? email.toUpperCase() : email },
        { headers: { 'CF-Connecting-IP': `192.0.2.${i + 1}` } }
      )
      statuses.push(res.status)
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429])
    // The refused one recorded nothing.
    expect(await submissionsWithEmail(email)).toBe(5)
    const res = await submit(
      { ...VALID, email: uniqueEmail() },
      { headers: { 'CF-Connecting-IP': '192.0.2.200' } }
    )
    expect(await res.status).toBe(202)
  }, 60_000)

  it('counts the per-email limit over the last 60 seconds, not a calendar minute', async () => {
    const email = uniqueEmail('sliding')
    for (let i = 0; i < 5; i++)
      expect((await submit({ ...VALID, email }, { headers: ipHeader(i) })).status).toBe(202)
    expect((await submit({ ...VALID, email }, { headers: ipHeader(5) })).status).toBe(429)
    // Age two of the five past the minute: two more fit, the third does not.
    await env.DB.prepare(
      `UPDATE submissions SET created_date = ? WHERE id IN (
         SELECT id FROM submissions WHERE submitted_values LIKE ? ORDER BY created_date LIMIT 2)`
    )
      .bind(new Date(Date.now() - 61_000).toISOString(), `%${email}%`)
      .run()
    const later = []
    for (let i = 6; i < 9; i++)
      later.push((await submit({ ...VALID, email }, { headers: ipHeader(i) })).status)
    expect(later).toEqual([202, 202, 429])
  }, 60_000)

  it('counts an IPv6 address by its /64', () => {
    const h = (ip: string) => new Headers({ 'CF-Connecting-IP': ip })
    expect(clientAddress(h('2001:db8:abcd:12:1::5'))).toBe('2001:db8:abcd:12::/64')
    expect(clientAddress(h('2001:0db8:abcd:0012:ffff:ffff:ffff:ffff'))).toBe(
      '2001:db8:abcd:12::/64'
    )
    expect(clientAddress(h('198.51.100.7'))).toBe('198.51.100.7')
    expect(clientAddress(new Headers({ 'X-Forwarded-For': '1.2.3.4' }))).toBeUndefined()
  })

  it('reads an IPv6 address with an IPv4 tail before grouping it', () => {
    const h = (ip: string) => new Headers({ 'CF-Connecting-IP': ip })
    // An IPv4 address mapped into IPv6 is that IPv4 address, however it is written.
    expect(clientAddress(h('::ffff:198.51.100.7'))).toBe('198.51.100.7')
    expect(clientAddress(h('::FFFF:c633:6407'))).toBe('198.51.100.7')
    expect(clientAddress(h('0:0:0:0:0:ffff:198.51.100.7'))).toBe('198.51.100.7')
    // Any other address with a dotted tail is still counted by its /64.
    expect(clientAddress(h('2001:db8:abcd:12:1:2:1.2.3.4'))).toBe('2001:db8:abcd:12::/64')
    expect(clientAddress(h('2001:db8:abcd:12::1.2.3.4'))).toBe('2001:db8:abcd:12::/64')
    expect(clientAddress(h('2001:DB8:ABCD:12::9'))).toBe('2001:db8:abcd:12::/64')
    // Malformed: kept as sent (its own group), never an error.
    expect(clientAddress(h('1:2:3:4:5:6:7:8::9'))).toBe('1:2:3:4:5:6:7:8::9')
    expect(clientAddress(h('::ffff:300.1.2.3'))).toBe('::ffff:300.1.2.3')
  })
})

describe('no enumeration', () => {
  it('answers a new and a known email with the same status, headers and body shape', async () => {
    const email = uniqueEmail('enum')
    const first = await submit({ ...VALID, email })
    const second = await submit({ ...VALID, email })
    const shape = async (r: Response) => ({
      status: r.status,
      headers: [...r.headers.keys()].sort(),
      body: Object.keys(await r.json<object>()).sort(),
    })
    expect(await shape(second)).toEqual(await shape(first))
  })
})

describe('security headers', () => {
  it('puts a strict CSP and nosniff on the worker’s HTML pages, and no submitted value in a header', async () => {
    const res = await call('/v1/forms/demo/thanks', {
      headers: { Referer: 'http://localhost:8787/?x=%0d%0aSet-Cookie:%20a=b' },
    })
    expect(res.headers.get('Content-Security-Policy')).toContain("default-src 'none'")
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(res.headers.get('Set-Cookie')).toBeNull()
    const submitted = await submit({
      ...VALID,
      email: uniqueEmail(),
      firstName: 'Eve\r\nX-Injected: 1',
    })
    expect(submitted.headers.get('X-Injected')).toBeNull()
    for (const value of submitted.headers.values()) expect(value).not.toContain('Eve')
  })
})

describe('a form with its own rate limits', () => {
  it('counts them exactly: the (N+1)th a minute gets 429', async () => {
    const { strict } = defineForms({
      strict: {
        title: 'Strict',
        fields: [{ name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' }],
        rateLimit: { perAddress: 3, perEmail: 2 },
      },
    })
    await awayFromWindowEdge()
    const address = `192.0.2.${Math.floor(Math.random() * 250)}`
    const byAddress = []
    for (let i = 0; i < 4; i++)
      byAddress.push(
        await limitByAddress(env, 'strict', strict!, address).then(
          () => 'ok',
          (e: ApiError) => e.status
        )
      )
    expect(byAddress).toEqual(['ok', 'ok', 'ok', 429])
    const email = uniqueEmail('strict')
    const byEmail = []
    for (let i = 0; i < 3; i++)
      byEmail.push(
        await acceptSubmission(env.DB, {
          formId: 'strict',
          form: strict!,
          rawBody: JSON.stringify({ values: { email } }),
        }).then(
          (answer) => answer.status,
          (e: ApiError) => e.status
        )
      )
    expect(byEmail).toEqual([202, 202, 429])
  }, 60_000)
})
