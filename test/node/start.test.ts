/**
 * Starts the product as a user would (`npm start`: the widget built, the local D1 migrated,
 * wrangler dev running) and talks to it over HTTP.
 */
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findContacts, startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { startReceiver } from '../support/webhook-receiver.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'

let server: DevServer
let receiver: Awaited<ReturnType<typeof startReceiver>>

async function submitDemo(email: string): Promise<Response> {
  const { token } = await (await fetch(`${server.base}/v1/forms/demo`)).json()
  await new Promise((r) => setTimeout(r, 2100)) // as long as a person takes, at least
  return fetch(`${server.base}/v1/forms/demo/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.base },
    body: JSON.stringify({ values: { email, consent: true }, token }),
  })
}

describe('npm start', () => {
  beforeAll(async () => {
    receiver = await startReceiver()
    // Secrets in the environment, as the README says: ADMIN_API_KEY (startDevServer) and this.
    const endpoints = [
      { url: `${receiver.url}/ok`, events: ['submitted'], secret: TEST_WEBHOOK_SECRET },
    ]
    server = await startDevServer([], undefined, { WEBHOOK_ENDPOINTS: JSON.stringify(endpoints) })
  })
  afterAll(async () => {
    server?.stop()
    await receiver?.close()
  })

  it('serves /healthz and the demo form definition', async () => {
    const health = await fetch(`${server.base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const form = await fetch(`${server.base}/v1/forms/demo`)
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({
      id: 'demo',
      fields: expect.arrayContaining([expect.objectContaining({ name: 'email' })]),
    })
  })

  it('says in one line what it migrated, and where to look last, after wrangler is ready', async () => {
    await expect.poll(() => server.log()).toContain('contact-capture is running:')
    const log = server.log()
    expect(log).toMatch(/Local D1: applied \d+ migrations\./)
    expect(log).not.toMatch(/│ 0001_create_contacts\.sql/) // wrangler's migration tables
    expect(log.indexOf('contact-capture is running:')).toBeGreaterThan(log.indexOf('Ready on'))
  })

  it('has migrated the local D1 and takes the admin key given in the environment', async () => {
    const email = `smoke-${Date.now()}@example.com`
    const res = await submitDemo(email)
    expect(res.status).toBe(202)
    const wrong = await fetch(`${server.base}/contacts/v4/contacts/query`, {
      method: 'POST',
      headers: { Authorization: 'wrong' },
      body: '{}',
    })
    expect(wrong.status).toBe(401)
    expect(await findContacts(server, email)).toHaveLength(1)
  })

  it('passes secrets from the environment to the worker without printing them', async () => {
    expect((await submitDemo(`hook-${Date.now()}@example.com`)).status).toBe(202)
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBeGreaterThan(0)
    expect(server.log()).not.toContain(server.adminKey)
    expect(server.log()).not.toContain(TEST_WEBHOOK_SECRET.slice('whsec_'.length))
  })

  it('serves the widget bundle as a cross-origin ES module with an ETag', async () => {
    const res = await fetch(`${server.base}/contact-form.js`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toMatch(/javascript/)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    const etag = res.headers.get('ETag')
    expect(etag).toBeTruthy()
    expect(await res.text()).toContain('contact-form')
    const again = await fetch(`${server.base}/contact-form.js`, {
      headers: { 'If-None-Match': etag! },
    })
    expect(again.status).toBe(304)
  })

  it('serves the demo page with the form, its fallback markup and the embed snippet', async () => {
    const page = await (await fetch(`${server.base}/`)).text()
    expect(page).toContain('<contact-form form="demo">')
    expect(page).toContain('<form method="post" action="/v1/forms/demo/submissions">')
    expect(page).toContain('&lt;contact-form form="demo"&gt;&lt;/contact-form&gt;')
  })

  it('sends security headers with the demo page and the bundle', async () => {
    const page = await fetch(`${server.base}/`)
    expect(page.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    expect(page.headers.get('Content-Security-Policy')).toContain("object-src 'none'")
    expect(page.headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(page.headers.get('X-Frame-Options')).toBe('DENY')
    const bundle = await fetch(`${server.base}/contact-form.js`)
    expect(bundle.headers.get('X-Content-Type-Options')).toBe('nosniff')
  })
})

describe('the forms.config.ts check run by npm start and npm test', () => {
  it('stops with a message that names the form and the field', () => {
    const result = spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        "import { requireValidFormsConfig } from './scripts/lib/forms-config.ts'; await requireValidFormsConfig('test/node/fixtures/bad-forms.config.ts')",
      ],
      { encoding: 'utf8' }
    )
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      'form "quote", field "budget" (options): a select field needs options'
    )
  })
})

describe('the contacts-backend check run by npm start', () => {
  const check = (args: string[]) =>
    spawnSync(
      'node',
      [
        '--input-type=module',
        '-e',
        `import { requireBackendSettings, settingsFor } from './scripts/lib/backend-settings.ts'; requireBackendSettings(settingsFor(${JSON.stringify(args)}, { devVars: false }), 'Put them in .dev.vars.')`,
      ],
      { encoding: 'utf8' }
    )

  it('stops CONTACTS_BACKEND=wix without its settings, naming what is missing', () => {
    const result = check(['--var', 'CONTACTS_BACKEND:wix', '--var', 'WIX_SITE_ID:abc'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain(
      'CONTACTS_BACKEND=wix needs WIX_API_KEY. Put them in .dev.vars.'
    )
    expect(check(['--var', 'CONTACTS_BACKEND:nosql']).stderr).toContain(
      'CONTACTS_BACKEND must be "d1" or "wix"'
    )
  })

  it('lets d1 (the default) and a complete wix configuration through', () => {
    expect(check([]).status).toBe(0)
    expect(
      check(['--var', 'CONTACTS_BACKEND:wix', '--var', 'WIX_API_KEY:k', '--var', 'WIX_SITE_ID:s'])
        .status
    ).toBe(0)
  })
})
