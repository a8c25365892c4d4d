/**
 * `npm run screenshots`: starts `npm start` on a free port with a throwaway database, takes
 * screenshots of the demo page in light and dark mode at a desktop and a phone width into
 * docs/screenshots/, and stops the server.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './lib/ensure-chromium.ts'

const OUT_DIR = 'docs/screenshots'
const SHOTS = [
  { name: 'demo-light-1280', width: 1280, height: 900, colorScheme: 'light' },
  { name: 'demo-dark-1280', width: 1280, height: 900, colorScheme: 'dark' },
  { name: 'demo-light-390', width: 390, height: 844, colorScheme: 'light' },
  { name: 'demo-dark-390', width: 390, height: 844, colorScheme: 'dark' },
] as const

/** `wanted` if it is free, else any free port. */
function freePort(wanted: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(freePort(0)))
    probe.listen(wanted, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

if (!(await ensureChromium())) process.exit(1)
// npm start's own port where it is free, so the snippet in the pictures shows the usual address.
const port = await freePort(8787)
const base = `http://localhost:${port}`
const state = mkdtempSync(join(tmpdir(), 'contact-capture-screenshots-'))
// A key of its own, so npm start neither needs nor writes one in .dev.vars.
const server = spawn(
  'npm',
  ['start', '--', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state],
  {
    detached: true,
    env: { ...process.env, ADMIN_API_KEY: `screenshots-${port}`, WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }
)
let log = ''
server.stdout!.on('data', (d) => (log += d))
server.stderr!.on('data', (d) => (log += d))
const stop = () => {
  try {
    process.kill(-server.pid!, 'SIGTERM')
  } catch {
    // already gone
  }
  rmSync(state, { recursive: true, force: true })
}

try {
  const deadline = Date.now() + 150_000
  while (
    !(await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false
    ))
  ) {
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start did not answer /healthz:\n${log}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  mkdirSync(OUT_DIR, { recursive: true })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  for (const shot of SHOTS) {
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.colorScheme,
    })
    const page = await context.newPage()
    await page.goto(`${base}/`)
    await page.locator('contact-form form.cf-form').waitFor()
    await page.waitForLoadState('networkidle')
    const path = `${OUT_DIR}/${shot.name}.png`
    await page.screenshot({ path, fullPage: true })
    console.log(`wrote ${path}`)
    await context.close()
  }
  await browser.close()
} finally {
  stop()
}
