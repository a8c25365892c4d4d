/**
 * `npm run screenshot:notification`: starts `npm start` on a free port with a throwaway database,
 * sends the demo form as a visitor would, takes the owner's email that wrangler's simulated
 * `send_email` binding wrote to a file, renders it in Chromium in light and dark mode, and saves
 * both side by side as docs/screenshots/notification-email.png. Then it stops the server.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './lib/ensure-chromium.ts'
import { freePort } from './lib/free-port.ts'

const OUT = 'docs/screenshots/notification-email.png'
const VISITOR = 'maya.okafor@northwind.example'

if (!(await ensureChromium())) process.exit(1)
const port = await freePort()
const base = `http://127.0.0.1:${port}`
const state = mkdtempSync(join(tmpdir(), 'contact-capture-notification-'))
const server = spawn(
  'npm',
  ['start', '--', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state],
  {
    detached: true,
    env: { ...process.env, ADMIN_API_KEY: `screenshot-${port}`, WRANGLER_SEND_METRICS: 'false' },
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

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 150_000
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (server.exitCode !== null || Date.now() > deadline)
      throw new Error(`gave up waiting for ${what}:\n${log}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** The HTML file wrangler wrote for the email about VISITOR, once it has. */
function emailHtml(): string | undefined {
  const plain = log.replace(/\x1b\[[0-9;]*m/g, '')
  for (const [, path] of plain.matchAll(/^HTML: (\S+)$/gm)) {
    if (!existsSync(path!)) continue
    const html = readFileSync(path!, 'utf8')
    if (html.includes(VISITOR)) return html
  }
  return undefined
}

try {
  await until('npm start', async () =>
    (await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false
    ))
      ? true
      : undefined
  )
  const { token } = (await (await fetch(`${base}/v1/forms/demo`)).json()) as { token: string }
  await new Promise((r) => setTimeout(r, 2100)) // as long as a person takes, at least
  const res = await fetch(`${base}/v1/forms/demo/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({
      token,
      values: {
        email: VISITOR,
        firstName: 'Maya',
        lastName: 'Okafor',
        phone: '(415) 555-0132',
        company: 'Northwind Studio',
        interest: 'pricing',
        message:
          'Hi! We are a team of 12 looking at the Team plan.\nCould we get a short demo next week?',
        consent: true,
      },
      context: {
        pageUrl: 'https://www.example.com/pricing',
        referrer: 'https://www.google.com/',
        utm: { source: 'newsletter', medium: 'email', campaign: 'spring-launch' },
      },
    }),
  })
  if (res.status !== 202) throw new Error(`demo form: ${res.status} ${await res.text()}`)
  const html = await until('the simulated email', async () => emailHtml())

  mkdirSync('docs/screenshots', { recursive: true })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const shots: string[] = []
  for (const colorScheme of ['light', 'dark'] as const) {
    const page = await browser.newPage({ viewport: { width: 680, height: 800 }, colorScheme })
    await page.setContent(html, { waitUntil: 'load' })
    shots.push((await page.screenshot({ fullPage: true })).toString('base64'))
    await page.close()
  }
  // Both renderings side by side, as a mail client in either mode shows them.
  const page = await browser.newPage({ viewport: { width: 1360, height: 800 } })
  await page.setContent(
    `<body style="margin:0;display:flex;gap:0;background:#fff">${shots
      .map((s) => `<img src="data:image/png;base64,${s}" style="display:block;width:680px">`)
      .join('')}</body>`,
    { waitUntil: 'load' }
  )
  await page.screenshot({ path: OUT, fullPage: true })
  await browser.close()
  console.log(`wrote ${OUT}`)
} finally {
  stop()
}
