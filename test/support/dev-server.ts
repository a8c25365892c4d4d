/**
 * Runs `npm start` (wrangler dev with a migrated local D1) on a free port with its own state
 * folder, as a user would, for tests that talk to the product over HTTP.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { secretNames } from '../../scripts/lib/env-secrets.ts'
import { freePort } from '../../scripts/lib/free-port.ts'

export interface DevServer {
  base: string
  adminKey: string
  log: () => string
  /** Stops the server (SIGTERM, or e.g. SIGKILL to kill it mid-work). */
  stop: (signal?: NodeJS.Signals) => void
}

export interface DevServerOptions {
  /** Wrangler's state folder (local D1 and others), kept after stop: a restart finds it again. */
  state?: string
  /** The admin key; a restart on the same state may keep it. */
  adminKey?: string
  /** The project folder to run `npm start` in (a copy, for tests that edit its files). */
  cwd?: string
}

/** `env`: secrets for the worker, given the way the README tells users to (`NAME=value npm start`). */
export async function startDevServer(
  extraArgs: string[] = [],
  timeoutMs = 150_000,
  env: Record<string, string> = {},
  options: DevServerOptions = {}
): Promise<DevServer> {
  // The OS's free port can still be taken before wrangler binds it; try a fresh one then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort(), extraArgs, timeoutMs, env, options)
    } catch (error) {
      if (attempt === 3 || !String(error).includes('Address already in use')) throw error
    }
  }
}

async function startOnce(
  port: number,
  extraArgs: string[],
  timeoutMs: number,
  env: Record<string, string>,
  options: DevServerOptions
): Promise<DevServer> {
  const base = `http://127.0.0.1:${port}`
  const adminKey = options.adminKey ?? `test-${Math.random().toString(36).slice(2)}`
  const state = options.state ?? mkdtempSync(join(tmpdir(), 'contact-capture-dev-'))
  let log = ''
  const args = ['start', '--', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state]
  const server: ChildProcess = spawn('npm', [...args, ...extraArgs], {
    cwd: options.cwd,
    detached: true,
    env: { ...ownEnvironment(), WRANGLER_SEND_METRICS: 'false', ...env, ADMIN_API_KEY: adminKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout!.on('data', (d) => (log += d))
  server.stderr!.on('data', (d) => (log += d))
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    try {
      if (server.pid) process.kill(-server.pid, signal)
    } catch {
      // already gone
    }
    if (!options.state) rmSync(state, { recursive: true, force: true })
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break
    const up = await fetch(`${base}/healthz`).then(
      (res) => res.ok,
      () => false // not listening yet
    )
    if (up) {
      // Another server may hold the port (one of another wrangler's own ports, taken between our
      // probe and our bind): only ours knows this admin key.
      const headers = { Authorization: adminKey }
      if ((await fetch(`${base}/v1/forms`, { headers })).ok)
        return { base, adminKey, log: () => log, stop }
      stop()
      throw new Error(`Address already in use: another server answers on port ${port}`)
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  stop()
  throw new Error(`npm start did not answer /healthz:\n${log}`)
}

/** This process's environment without the worker's secrets, which npm start would pass on. */
function ownEnvironment(): NodeJS.ProcessEnv {
  const names = new Set(secretNames())
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !names.has(name)))
}

/** Contacts that have this email, through the admin query API. */
export async function findContacts(
  server: DevServer,
  email: string
): Promise<{ id: string; info: { labelKeys: { items: string[] }; name?: { first?: string } } }[]> {
  const res = await fetch(`${server.base}/contacts/v4/contacts/query`, {
    method: 'POST',
    headers: { Authorization: server.adminKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ query: { filter: { 'info.emails.email': email } } }),
  })
  if (!res.ok) throw new Error(`query failed: ${res.status}`)
  return (await res.json()).contacts
}
