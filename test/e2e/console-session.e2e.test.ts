/**
 * End to end under `npm start` (plain http on 127.0.0.1): the console's sign-in over real HTTP,
 * then the same flow from a real Chromium page on the worker's origin, where the browser itself
 * keeps the cookie (not Secure here, HttpOnly) and sets Origin and Sec-Fetch-Site.
 */
import { describe, expect, it } from 'vitest'
import { serverAndBrowser } from '../support/browser.ts'

const both = serverAndBrowser()

describe('console sign-in under npm start', () => {
  it('signs in, uses the cookie from the same origin, signs out, and is refused after', async () => {
    const origin = both.server.base
    const sameOrigin = { Origin: origin, 'Sec-Fetch-Site': 'same-origin' }
    const signIn = await fetch(`${origin}/admin/api/session`, {
      method: 'POST',
      headers: { ...sameOrigin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ key: both.server.adminKey }),
    })
    expect(signIn.status).toBe(200)
    expect(await signIn.json()).toMatchObject({ session: { access: 'admin' } })
    const [setCookie, ...more] = signIn.headers.getSetCookie()
    expect(more).toEqual([])
    const [pair, ...attributes] = setCookie!.split(';').map((part) => part.trim())
    // Plain http on loopback: no Secure, everything else as in production.
    expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=43200', 'Path=/', 'SameSite=Strict'])
    const id = pair!.slice('cc_session='.length)
    const cookie = { Cookie: pair! }

    const created = await fetch(`${origin}/contacts/v4/contacts`, {
      method: 'POST',
      headers: { ...cookie, ...sameOrigin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ info: { name: { first: 'Console' } } }),
    })
    expect(created.status).toBe(200)
    const { contact } = await created.json()
    const listed = await fetch(`${origin}/contacts/v4/contacts`, {
      headers: { ...cookie, 'Sec-Fetch-Site': 'same-origin' },
    })
    expect(listed.status).toBe(200)
    expect(listed.headers.get('Cache-Control')).toBe('no-store')
    expect((await listed.json()).contacts.map((c: { id: string }) => c.id)).toContain(contact.id)

    const forged = await fetch(`${origin}/contacts/v4/contacts/${contact.id}`, {
      method: 'DELETE',
      headers: { ...cookie, Origin: 'http://evil.example' },
    })
    expect(forged.status).toBe(403)

    const signOut = await fetch(`${origin}/admin/api/session`, {
      method: 'DELETE',
      headers: { ...cookie, ...sameOrigin },
    })
    expect(signOut.status).toBe(200)
    expect(signOut.headers.getSetCookie()[0]).toMatch(/^cc_session=;.*Max-Age=0/)

    const after = await fetch(`${origin}/contacts/v4/contacts`, {
      headers: { ...cookie, 'Sec-Fetch-Site': 'same-origin' },
    })
    expect(after.status).toBe(401)
    expect(both.server.log()).not.toContain(id)
    expect(both.server.log()).not.toContain(both.server.adminKey)
  })

  it('works from a page on the worker, with the cookie kept by the browser and hidden from scripts', async () => {
    const page = await both.browser.newPage()
    try {
      await page.goto(`${both.server.base}/`)
      const result = await page.evaluate(async (key) => {
        const json = { 'Content-Type': 'application/json' }
        const signIn = await fetch('/admin/api/session', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ key }),
        })
        const visibleToScript = document.cookie.includes('cc_session')
        const create = await fetch('/contacts/v4/contacts', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ info: { name: { first: 'Browser' } } }),
        })
        const signOut = await fetch('/admin/api/session', { method: 'DELETE' })
        const after = await fetch('/contacts/v4/contacts')
        return {
          signIn: signIn.status,
          visibleToScript,
          create: create.status,
          signOut: signOut.status,
          after: after.status,
          keyInStorage: JSON.stringify({ ...localStorage, ...sessionStorage }).includes(key),
        }
      }, both.server.adminKey)
      expect(result).toEqual({
        signIn: 200,
        visibleToScript: false,
        create: 200,
        signOut: 200,
        after: 401,
        keyInStorage: false,
      })
      expect(page.url()).not.toContain(both.server.adminKey)
    } finally {
      await page.close()
    }
  })
})
