/**
 * Starts the product as a user would (`npm start`, i.e. wrangler dev with the local D1 migrated)
 * and talks to it over HTTP.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const port = 20000 + Math.floor(Math.random() * 20000)
const base = `http://127.0.0.1:${port}`
const adminKey = `smoke-${Math.random().toString(36).slice(2)}`
const state = mkdtempSync(join(tmpdir(), 'contact-capture-smoke-'))
let server: ChildProcess
let log = ''

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null)
      throw new Error(`npm start exited with ${server.exitCode}:\n${log}`)
    try {
      if ((await fetch(`${base}/healthz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`wrangler dev did not answer /healthz in time:\n${log}`)
}

describe('npm start', () => {
  beforeAll(async () => {
    server = spawn(
      'npm',
      [
        'start',
        '--',
        '--port',
        String(port),
        '--ip',
        '127.0.0.1',
        '--persist-to',
        state,
        '--var',
        `ADMIN_API_KEY:${adminKey}`,
      ],
      {
        detached: true,
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }
    )
    server.stdout!.on('data', (d) => (log += d))
    server.stderr!.on('data', (d) => (log += d))
    await waitForHealth(150_000)
  })

  afterAll(() => {
    if (server.pid) {
      try {
        process.kill(-server.pid, 'SIGTERM')
      } catch {
        // already gone
      }
    }
    rmSync(state, { recursive: true, force: true })
  })

  it('serves /healthz and the demo form definition', async () => {
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const form = await fetch(`${base}/v1/forms/demo`)
    expect(form.status).toBe(200)
    expect(await form.json()).toMatchObject({
      id: 'demo',
      fields: expect.arrayContaining([expect.objectContaining({ name: 'email' })]),
    })
  })

  it('has migrated the local D1 and takes the admin key given with --var', async () => {
    const email = `smoke-${Date.now()}@example.com`
    const res = await fetch(`${base}/v1/forms/demo/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: base },
      body: JSON.stringify({ values: { email, consent: true } }),
    })
    expect(res.status).toBe(202)
    const query = (key: string) =>
      fetch(`${base}/contacts/v4/contacts/query`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: { filter: { 'info.emails.email': email } } }),
      })
    expect((await query('wrong')).status).toBe(401)
    const found = await query(adminKey)
    expect(found.status).toBe(200)
    expect((await found.json()).contacts).toHaveLength(1)
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
