/**
 * The console's sign-in (`/admin/api/session`) and the admin API used with its session cookie:
 * cookie flags, fixation, sign-out, expiry, wrong-key limits, same-origin checks on changes,
 * read-only sessions, and that scripts keep using `Authorization: <key>` unchanged.
 */
import { createExecutionContext } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { sweepConsoleSessions } from '../../worker/guards/console-sessions.ts'
import worker from '../../worker/index.ts'
import { ADMIN_KEY, appError, createContact } from './helpers.ts'

const SITE = 'https://contacts.example.com'
const READ_KEY = 'test-read-key'
const TWELVE_HOURS = 12 * 3600

interface SendOptions {
  method?: string
  /** The whole Cookie header; `session` is shorthand for one `cc_session`. */
  cookie?: string
  session?: string
  /** The Origin header; `null` leaves it out. By default the site's own origin on changes. */
  origin?: string | null
  fetchSite?: string
  body?: unknown
  /** The client address Cloudflare would put in CF-Connecting-IP. */
  address?: string
  base?: string
  headers?: Record<string, string>
}

function send(path: string, opts: SendOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET'
  const base = opts.base ?? SITE
  const headers: Record<string, string> = { ...opts.headers }
  const origin = opts.origin === undefined ? (method === 'GET' ? null : base) : opts.origin
  if (origin !== null) headers.Origin = origin
  if (opts.fetchSite) headers['Sec-Fetch-Site'] = opts.fetchSite
  if (opts.session !== undefined) headers.Cookie = `cc_session=${opts.session}`
  if (opts.cookie !== undefined) headers.Cookie = opts.cookie
  if (opts.address) headers['CF-Connecting-IP'] = opts.address
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  return exports.default.fetch(
    new Request(`${base}${path}`, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    })
  )
}

interface SetCookie {
  name: string
  value: string
  attributes: Record<string, string | true>
}

/** The Set-Cookie headers of a response, parsed; attribute names as sent. */
function setCookies(res: Response): SetCookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair, ...rest] = line.split(';').map((part) => part.trim())
    const at = pair!.indexOf('=')
    const attributes: Record<string, string | true> = {}
    for (const attribute of rest) {
      const [name, value] = attribute.split('=')
      attributes[name!] = value ?? true
    }
    return { name: pair!.slice(0, at), value: pair!.slice(at + 1), attributes }
  })
}

function sessionCookie(res: Response): SetCookie {
  const cookies = setCookies(res)
  expect(cookies.map((c) => c.name)).toEqual(['cc_session'])
  return cookies[0]!
}

let addresses = 0
/** A client address no other test uses, so wrong-key counts never mix. */
function freshAddress(): string {
  return `198.51.100.${++addresses}`
}

async function signIn(key = ADMIN_KEY, opts: SendOptions = {}): Promise<string> {
  const res = await send('/admin/api/session', {
    method: 'POST',
    body: { key },
    address: freshAddress(),
    ...opts,
  })
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`)
  return sessionCookie(res).value
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function sessionRows(): Promise<Record<string, unknown>[]> {
  return (await env.DB.prepare('SELECT * FROM console_sessions').all()).results
}

describe('POST /admin/api/session', () => {
  it('exchanges the admin key for a session cookie: HttpOnly, Secure, SameSite=Strict, Path=/, 12 hours', async () => {
    const before = Date.now()
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key: ADMIN_KEY },
      address: freshAddress(),
    })
    expect(res.status).toBe(200)
    const body = await res.json<{ session: { access: string; expiresDate: string } }>()
    expect(body).toEqual({ session: { access: 'admin', expiresDate: expect.any(String) } })
    const expires = Date.parse(body.session.expiresDate)
    expect(expires).toBeGreaterThanOrEqual(before + TWELVE_HOURS * 1000)
    expect(expires).toBeLessThanOrEqual(Date.now() + TWELVE_HOURS * 1000)

    const cookie = sessionCookie(res)
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/) // 32 random bytes, base64url
    expect(cookie.attributes).toEqual({
      HttpOnly: true,
      Secure: true,
      SameSite: 'Strict',
      Path: '/',
      'Max-Age': String(TWELVE_HOURS),
    })
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(JSON.stringify(body)).not.toContain(cookie.value)
  })

  it.each([
    ['test-read-key', 'read'],
    ['second-read-key', 'read'],
  ])('gives a read-only key (%s) a read session', async (key, access) => {
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key },
      address: freshAddress(),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ session: { access } })
    expect(sessionCookie(res).attributes).toMatchObject({ HttpOnly: true, SameSite: 'Strict' })
  })

  it('stores only a SHA-256 hash of the session id, never the id or the key', async () => {
    const id = await signIn()
    const stored = await env.DB.prepare('SELECT * FROM console_sessions WHERE id_hash = ?')
      .bind(await sha256Hex(id))
      .first<{ access: string; created_date: string; expires_date: string }>()
    expect(stored).toMatchObject({ access: 'admin' })
    expect(Date.parse(stored!.expires_date) - Date.parse(stored!.created_date)).toBe(
      TWELVE_HOURS * 1000
    )
    const dump = JSON.stringify(await sessionRows())
    expect(dump).not.toContain(id)
    expect(dump).not.toContain(ADMIN_KEY)
  })

  it('refuses a wrong key with 401 and sets no cookie', async () => {
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key: 'not-the-key' },
      address: freshAddress(),
    })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual(appError('UNAUTHENTICATED'))
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('answers 429 with Retry-After after 5 wrong keys from one address, even for the right key', async () => {
    const address = freshAddress()
    const attempt = (key: string, from = address) =>
      send('/admin/api/session', { method: 'POST', body: { key }, address: from })
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401)

    const limited = await attempt('wrong-again')
    expect(limited.status).toBe(429)
    expect(await limited.json()).toEqual(appError('RATE_LIMITED'))
    const retryAfter = Number(limited.headers.get('Retry-After'))
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(15 * 60)

    // The right key is refused too: the limit must not become a way to test guesses.
    const right = await attempt(ADMIN_KEY)
    expect(right.status).toBe(429)
    expect(right.headers.getSetCookie()).toEqual([])
    // Another address is not held back.
    expect((await attempt(ADMIN_KEY, freshAddress())).status).toBe(200)
  })

  it('does not count right keys towards the limit', async () => {
    const address = freshAddress()
    for (let i = 0; i < 6; i++) await signIn(ADMIN_KEY, { address })
    for (let i = 0; i < 5; i++) {
      const res = await send('/admin/api/session', {
        method: 'POST',
        body: { key: 'wrong' },
        address,
      })
      expect(res.status).toBe(401)
    }
  })

  it('ignores a session id the browser already had and issues a new one (no fixation)', async () => {
    const planted = 'attacker-chosen-session-id-0123456789abcdefgh'
    const id = await signIn(ADMIN_KEY, { session: planted })
    expect(id).not.toBe(planted)
    expect((await send('/admin/api/session', { session: planted })).status).toBe(401)
    expect((await send('/admin/api/session', { session: id })).status).toBe(200)

    // A valid session presented at sign-in is replaced, not kept alongside.
    const next = await signIn(ADMIN_KEY, { session: id })
    expect(next).not.toBe(id)
    expect((await send('/admin/api/session', { session: id })).status).toBe(401)
    expect((await send('/admin/api/session', { session: next })).status).toBe(200)
  })

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['a look-alike Origin', { origin: 'https://contacts.example.com.evil.example' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { origin: null, fetchSite: 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { origin: null, fetchSite: 'same-site' }],
    ['no Origin and no Sec-Fetch-Site', { origin: null }],
  ])('refuses a sign-in with %s (login CSRF): 403, no cookie', async (_, headers) => {
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key: ADMIN_KEY },
      address: freshAddress(),
      ...headers,
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(appError('ORIGIN_NOT_ALLOWED'))
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('accepts Sec-Fetch-Site: same-origin without an Origin', async () => {
    const id = await signIn(ADMIN_KEY, { origin: null, fetchSite: 'same-origin' })
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('never takes the key from the URL', async () => {
    const res = await send(`/admin/api/session?key=${ADMIN_KEY}`, {
      method: 'POST',
      address: freshAddress(),
    })
    expect(res.status).toBe(400)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('refuses unknown body fields (strict schema)', async () => {
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key: ADMIN_KEY, access: 'admin' },
      address: freshAddress(),
    })
    expect(res.status).toBe(400)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it.each([
    ['http://127.0.0.1:8787', false],
    ['http://localhost:8787', false],
    ['http://[::1]:8787', false],
    ['https://localhost:8787', true],
    ['http://contacts.example.com', true],
    ['https://contacts.example.com', true],
  ])('on %s sets Secure: %s', async (base, secure) => {
    const res = await send('/admin/api/session', {
      method: 'POST',
      body: { key: ADMIN_KEY },
      address: freshAddress(),
      base,
    })
    expect(res.status).toBe(200)
    expect('Secure' in sessionCookie(res).attributes).toBe(secure)
  })
})

describe('GET /admin/api/session', () => {
  it('answers the session of a valid cookie', async () => {
    const id = await signIn(READ_KEY)
    const res = await send('/admin/api/session', { session: id, fetchSite: 'same-origin' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      session: { access: 'read', expiresDate: expect.any(String) },
    })
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it.each([
    ['no cookie', undefined],
    ['a made-up id', 'cc_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['an empty id', 'cc_session='],
  ])('answers 401 for %s', async (_, cookie) => {
    const res = await send('/admin/api/session', { cookie })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual(appError('UNAUTHENTICATED'))
  })

  it('answers 401 when the Cookie header carries two session ids (cookie tossing)', async () => {
    const id = await signIn()
    const planted = await signIn()
    const res = await send('/admin/api/session', {
      cookie: `cc_session=${planted}; cc_session=${id}`,
    })
    expect(res.status).toBe(401)
  })

  it('refuses an expired session, and the cron sweep deletes its row', async () => {
    const id = await signIn()
    const hash = await sha256Hex(id)
    const past = new Date(Date.now() - 1000).toISOString()
    await env.DB.prepare('UPDATE console_sessions SET expires_date = ? WHERE id_hash = ?')
      .bind(past, hash)
      .run()
    expect((await send('/admin/api/session', { session: id })).status).toBe(401)
    expect((await send('/contacts/v4/contacts', { session: id })).status).toBe(401)

    const live = await signIn()
    await sweepConsoleSessions(env.DB)
    const hashes = (await sessionRows()).map((r) => r.id_hash)
    expect(hashes).not.toContain(hash)
    expect(hashes).toContain(await sha256Hex(live))
  })

  it('sweeps sessions from the scheduled handler once they are 12 hours old', async () => {
    const id = await signIn()
    await worker.scheduled(
      { scheduledTime: Date.now() + TWELVE_HOURS * 1000 + 1, cron: '*/5 * * * *', noRetry() {} },
      env
    )
    expect((await sessionRows()).map((r) => r.id_hash)).not.toContain(await sha256Hex(id))
  })

  it('ends a session once the key that opened it is no longer configured', async () => {
    const id = await signIn(READ_KEY)
    const request = () =>
      new Request(`${SITE}/admin/api/session`, { headers: { Cookie: `cc_session=${id}` } })
    const withoutKey = { ...env, READ_API_KEYS: 'second-read-key' }
    expect((await worker.fetch(request(), withoutKey, createExecutionContext())).status).toBe(401)
    expect((await worker.fetch(request(), env, createExecutionContext())).status).toBe(200)
  })

  it('refuses a session whose stored access was raised in the database', async () => {
    const id = await signIn(READ_KEY)
    await env.DB.prepare("UPDATE console_sessions SET access = 'admin' WHERE id_hash = ?")
      .bind(await sha256Hex(id))
      .run()
    expect((await send('/admin/api/session', { session: id })).status).toBe(401)
  })
})

describe('DELETE /admin/api/session', () => {
  it('revokes the session server-side and clears the cookie', async () => {
    const id = await signIn()
    const res = await send('/admin/api/session', { method: 'DELETE', session: id })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({})
    const cleared = sessionCookie(res)
    expect(cleared.value).toBe('')
    expect(cleared.attributes).toEqual({
      HttpOnly: true,
      Secure: true,
      SameSite: 'Strict',
      Path: '/',
      'Max-Age': '0',
    })
    expect((await sessionRows()).map((r) => r.id_hash)).not.toContain(await sha256Hex(id))

    // The old cookie, replayed, opens nothing.
    expect((await send('/admin/api/session', { session: id })).status).toBe(401)
    const contacts = await send('/contacts/v4/contacts', { session: id, fetchSite: 'same-origin' })
    expect(contacts.status).toBe(401)
  })

  it('refuses a cross-site sign-out and keeps the session', async () => {
    const id = await signIn()
    const res = await send('/admin/api/session', {
      method: 'DELETE',
      session: id,
      origin: 'https://evil.example',
    })
    expect(res.status).toBe(403)
    expect((await send('/admin/api/session', { session: id })).status).toBe(200)
  })
})

describe('the admin API with a session cookie', () => {
  it('reads with a session: 200 and Cache-Control: no-store', async () => {
    const id = await signIn()
    const res = await send('/contacts/v4/contacts', { session: id, fetchSite: 'same-origin' })
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect((await send('/v1/submissions', { session: id })).status).toBe(200)
  })

  it.each([
    ['GET', '/contacts/v4/contacts'],
    ['GET', '/contacts/v4/labels'],
    ['GET', '/v1/submissions'],
    ['GET', '/v1/forms'],
    ['POST', '/contacts/v4/contacts/query'],
    ['POST', '/contacts/v4/contacts'],
  ])('refuses %s %s without a session or key: 401', async (method, path) => {
    const res = await send(path, { method, body: method === 'POST' ? {} : undefined })
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual(appError('UNAUTHENTICATED'))
  })

  it('refuses a read whose browser says it came from another site', async () => {
    const id = await signIn()
    const res = await send('/contacts/v4/contacts', { session: id, fetchSite: 'cross-site' })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual(appError('ORIGIN_NOT_ALLOWED'))
  })

  it('makes a change from the same origin (Origin, or Sec-Fetch-Site alone)', async () => {
    const id = await signIn()
    const byOrigin = await send('/contacts/v4/contacts', {
      method: 'POST',
      session: id,
      body: { info: { name: { first: 'Same' } } },
    })
    expect(byOrigin.status).toBe(200)
    expect(byOrigin.headers.get('Cache-Control')).toBe('no-store')
    const bySite = await send('/contacts/v4/labels', {
      method: 'POST',
      session: id,
      origin: null,
      fetchSite: 'same-origin',
      body: { displayName: 'From the console' },
    })
    expect(bySite.status).toBe(200)
  })

  it.each([
    ['POST', 'https://evil.example', undefined],
    ['PATCH', 'https://evil.example', undefined],
    ['DELETE', 'https://evil.example', undefined],
    ['POST', 'null', undefined],
    ['PATCH', SITE, 'cross-site'],
    ['DELETE', null, 'same-site'],
    ['POST', null, undefined],
    ['PATCH', null, undefined],
    ['DELETE', null, undefined],
  ])(
    'refuses %s with Origin %s and Sec-Fetch-Site %s: 403, nothing changed',
    async (method, origin, fetchSite) => {
      const id = await signIn()
      const contact = await createContact({ name: { first: 'Target' } })
      const path =
        method === 'POST' ? '/contacts/v4/contacts' : `/contacts/v4/contacts/${contact.id}`
      const body =
        method === 'POST'
          ? { info: { name: { first: 'Forged' } } }
          : method === 'PATCH'
            ? { revision: contact.revision, info: { name: { first: 'Forged' } } }
            : undefined
      const res = await send(path, { method, session: id, origin, fetchSite, body })
      expect(res.status).toBe(403)
      expect(await res.json()).toEqual(appError('ORIGIN_NOT_ALLOWED'))

      const after = await send(`/contacts/v4/contacts/${contact.id}`, {
        headers: { Authorization: ADMIN_KEY },
      })
      expect(after.status).toBe(200)
      expect(await after.json()).toMatchObject({
        contact: { revision: contact.revision, info: { name: { first: 'Target' } } },
      })
      const forged = await send('/contacts/v4/contacts/query', {
        method: 'POST',
        headers: { Authorization: ADMIN_KEY },
        origin: null,
        body: { search: 'Forged' },
      })
      expect(await forged.json()).toMatchObject({ contacts: [] })
    }
  )

  it('treats a POST …/query as a change for the origin check', async () => {
    const id = await signIn()
    const query = { query: { paging: { limit: 1 } } }
    const path = '/contacts/v4/contacts/query'
    const foreign = await send(path, {
      method: 'POST',
      session: id,
      origin: 'https://evil.example',
      body: query,
    })
    expect(foreign.status).toBe(403)
    const none = await send(path, { method: 'POST', session: id, origin: null, body: query })
    expect(none.status).toBe(403)
    expect((await send(path, { method: 'POST', session: id, body: query })).status).toBe(200)
  })

  it('lets a read-only session read and query but change nothing: 403 PERMISSION_DENIED', async () => {
    const id = await signIn(READ_KEY)
    const contact = await createContact({ name: { first: 'Kept' } })
    expect((await send('/contacts/v4/contacts', { session: id })).status).toBe(200)
    const query = await send('/contacts/v4/contacts/query', {
      method: 'POST',
      session: id,
      body: { query: {} },
    })
    expect(query.status).toBe(200)

    const changes: [string, string, unknown][] = [
      ['POST', '/contacts/v4/contacts', { info: { name: { first: 'New' } } }],
      ['PATCH', `/contacts/v4/contacts/${contact.id}`, { revision: 1, info: {} }],
      ['DELETE', `/contacts/v4/contacts/${contact.id}`, undefined],
      ['POST', '/contacts/v4/labels', { displayName: 'Nope' }],
      ['POST', '/contacts/v4/bulk/contacts/delete', { filter: {} }],
    ]
    for (const [method, path, body] of changes) {
      const res = await send(path, { method, session: id, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(await res.json()).toEqual(appError('PERMISSION_DENIED'))
    }
    const after = await send(`/contacts/v4/contacts/${contact.id}`, {
      headers: { Authorization: ADMIN_KEY },
    })
    expect(after.status).toBe(200)
  })

  it('keeps Authorization: <key> working for scripts, with no Origin and no cookie', async () => {
    const res = await send('/contacts/v4/contacts', {
      method: 'POST',
      origin: null,
      headers: { Authorization: ADMIN_KEY },
      body: { info: { name: { first: 'Script' } } },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBeNull()
    const bearer = await send('/contacts/v4/contacts', {
      headers: { Authorization: `Bearer ${ADMIN_KEY}` },
    })
    expect(bearer.status).toBe(200)
  })

  it('judges a request with a key by the key alone, never by a cookie beside it', async () => {
    const id = await signIn()
    const res = await send('/contacts/v4/contacts', {
      session: id,
      headers: { Authorization: 'wrong-key' },
    })
    expect(res.status).toBe(401)
  })
})

describe('what the logs see', () => {
  afterEach(() => vi.restoreAllMocks())

  it('never logs a key or a session id on sign-in, use, wrong keys and sign-out', async () => {
    const lines: string[] = []
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.join(' ')))

    const wrong = 'wrong-key-that-must-not-be-logged'
    await send('/admin/api/session', {
      method: 'POST',
      body: { key: wrong },
      address: freshAddress(),
    })
    const id = await signIn()
    await send('/contacts/v4/contacts', { session: id, fetchSite: 'same-origin' })
    await send('/contacts/v4/contacts', {
      method: 'POST',
      session: id,
      origin: 'https://x.example',
    })
    await send('/admin/api/session', { method: 'DELETE', session: id })

    const logged = lines.join('\n')
    for (const secret of [ADMIN_KEY, wrong, id]) expect(logged).not.toContain(secret)
  })
})
