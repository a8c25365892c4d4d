/**
 * `npm run screenshots`: starts `npm start` on a free port with a throwaway database (and a webhook
 * receiver on loopback), takes screenshots of the demo page, and of the owner console's pages
 * (with a few contacts seeded through the admin API and the demo form, and one bot's submission;
 * the Import page with a small file chosen and tried), in light and dark mode at a desktop width — Contacts, Contact and Inbox at a phone width too —
 * into docs/screenshots/, and stops both.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Page } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './lib/ensure-chromium.ts'
import { freePort } from './lib/free-port.ts'

const OUT_DIR = 'docs/screenshots'
const SHOTS = [
  { name: 'demo-light-1280', width: 1280, height: 900, colorScheme: 'light' },
  { name: 'demo-dark-1280', width: 1280, height: 900, colorScheme: 'dark' },
  { name: 'demo-light-390', width: 390, height: 844, colorScheme: 'light' },
  { name: 'demo-dark-390', width: 390, height: 844, colorScheme: 'dark' },
] as const

if (!(await ensureChromium())) process.exit(1)
// npm start's own port where it is free, so the snippet in the pictures shows the usual address.
const port = await freePort(8787)
const base = `http://localhost:${port}`
const state = mkdtempSync(join(tmpdir(), 'contact-capture-screenshots-'))
// A key of its own, so npm start neither needs nor writes one in .dev.vars.
const adminKey = `screenshots-${port}`
// Webhooks go to a receiver here: one endpoint takes them, the other answers 410 Gone.
const receiver = createHttpServer((req, res) => {
  req.resume()
  res.writeHead(req.url?.startsWith('/gone') ? 410 : 204).end()
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`
const secret = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`
const webhookEndpoints = JSON.stringify([
  { url: `${hooks}/crm`, events: ['*'], secret },
  { url: `${hooks}/gone/old-sheet`, events: ['created'], secret },
])
const server = spawn(
  'npm',
  ['start', '--', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state],
  {
    detached: true,
    env: {
      ...process.env,
      ADMIN_API_KEY: adminKey,
      WEBHOOK_ENDPOINTS: webhookEndpoints,
      WRANGLER_SEND_METRICS: 'false',
    },
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
  receiver.close()
}

async function admin(path: string, body: unknown): Promise<Record<string, any>> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: adminKey, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return (await res.json()) as Record<string, any>
}

/** Sends the demo form as a visitor would (waiting when told it came faster than a person types). */
async function submit(values: Record<string, string | boolean>, context: unknown): Promise<void> {
  const { token } = (await (await fetch(`${base}/v1/forms/demo`)).json()) as { token: string }
  for (;;) {
    const res = await fetch(`${base}/v1/forms/demo/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values, context, token }),
    })
    if (res.status === 202) return
    if (res.status !== 425) throw new Error(`demo form: ${res.status} ${await res.text()}`)
    await new Promise((r) => setTimeout(r, Number(res.headers.get('Retry-After')) * 1000))
  }
}

/** A handful of contacts for the console's pictures; answers the name of the one to open. */
async function seedConsole(): Promise<string> {
  const vip = (await admin('/contacts/v4/labels', { displayName: 'VIP' })).label.key
  const newsletter = (await admin('/contacts/v4/labels', { displayName: 'Newsletter' })).label.key
  const people: [string, string, string, string, string[]][] = [
    ['Grace', 'Kim', 'grace@kimstudio.example', 'Kim Studio', [newsletter]],
    ['Farid', 'Haddad', 'farid.haddad@example.net', '', []],
    ['Eva', 'Novak', 'eva.novak@umbrella.example', 'Umbrella', [vip]],
    ['Dev', 'Patel', 'dev@patel.example', 'Patel & Co', [newsletter]],
    ['Carmen', 'Díaz', 'carmen.diaz@initech.example', 'Initech', [vip, newsletter]],
    ['Bo', 'Chen', 'bo.chen@globex.example', 'Globex', []],
  ]
  for (const [first, last, email, company, labelKeys] of people) {
    await admin('/contacts/v4/contacts', {
      info: {
        name: { first, last },
        emails: { items: [{ email, tag: 'WORK' }] },
        ...(company ? { company } : {}),
        labelKeys: { items: labelKeys },
      },
    })
  }
  const visit = {
    pageUrl: 'https://www.example.com/pricing',
    referrer: 'https://news.example.org/',
    utm: { source: 'newsletter', campaign: 'spring' },
  }
  const ann = {
    email: 'ann.lee@northwind.example',
    firstName: 'Ann',
    lastName: 'Lee',
    company: 'Northwind',
    consent: true as const,
  }
  await submit(
    { ...ann, interest: 'pricing', message: 'Could you send pricing for a team of 12?' },
    visit
  )
  await submit(
    { ...ann, phone: '(213) 373-4253', interest: 'support', message: 'Also: do you offer SSO?' },
    { pageUrl: 'https://www.example.com/security' }
  )
  // A bot's try: posted straight to the API, without the form's render token.
  const bot = await fetch(`${base}/v1/forms/demo/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({
      values: { email: 'promo@cheap-seo.example', message: 'Rank #1 on Google today!!!' },
      context: { pageUrl: `${base}/` },
    }),
  })
  if (bot.status !== 202) throw new Error(`bot submission: ${bot.status} ${await bot.text()}`)
  return 'Ann Lee'
}

/** A small file for the Import page: one row updates Grace Kim, one has a broken email. */
const IMPORT_CSV = [
  'First name,Last name,E-mail,Company,Shoe size',
  'Hana,Sato,hana.sato@example.org,Sato Labs,38',
  'Ivan,Petrov,ivan.petrov@example,Petrov & Sons,44',
  'Grace,Kim,grace@kimstudio.example,Kim Studio,39',
  'Luis,Ortega,luis.ortega@example.com,,42',
].join('\r\n')

/** The console's other pages: where each is, and what to wait for (and open) before the shot. */
const PAGES: [name: string, hash: string, ready: (page: Page) => Promise<void>][] = [
  [
    'inbox',
    '#/submissions',
    async (page) => {
      await page.locator('ol.items summary').first().click()
    },
  ],
  [
    'spam',
    '#/spam',
    async (page) => {
      await page.locator('ol.items summary').first().click()
    },
  ],
  [
    'labels',
    '#/labels',
    async (page) => {
      await page.getByRole('heading', { name: 'Extended fields' }).waitFor()
      // The fields' counts come after the lists ("…" until then).
      await page.locator('main', { hasText: '…' }).waitFor({ state: 'detached' })
    },
  ],
  ['webhooks', '#/webhooks', (page) => page.getByRole('heading', { name: 'Deliveries' }).waitFor()],
  ['forms', '#/forms', (page) => page.getByRole('heading', { name: 'Embed snippet' }).waitFor()],
  [
    'import',
    '#/import',
    async (page) => {
      await page.getByLabel('CSV file').setInputFiles({
        name: 'fair-2026.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(IMPORT_CSV),
      })
      await page.getByLabel('Shoe size', { exact: true }).waitFor()
      await page.getByLabel('Type of the new field').selectOption('NUMBER')
      await page.getByLabel('Labels added to every contact imported').fill('Fair 2026')
      await page.getByRole('button', { name: 'Add label' }).click()
      await page.getByRole('button', { name: 'Dry run' }).click()
      await page.getByRole('table', { name: 'Rejected rows' }).waitFor()
    },
  ],
]
/** The pages also shown at a phone's width. */
const PHONE_PAGES = new Set(['contacts', 'contact', 'inbox'])

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
  const shown = await seedConsole()
  for (const shot of SHOTS) {
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.colorScheme,
    })
    const page = await context.newPage()
    await page.goto(`${base}/admin/`)
    await page.getByLabel('Admin key').fill(adminKey)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('table').waitFor()
    await page.waitForLoadState('networkidle')
    const suffix = shot.name.replace(/^demo-/, '')
    for (const [name, open] of [
      ['contacts', async () => {}],
      [
        'contact',
        async () => {
          await page.getByRole('link', { name: shown }).click()
          await page.getByRole('heading', { name: 'Timeline' }).waitFor()
          await page.waitForLoadState('networkidle')
        },
      ],
    ] as const) {
      await open()
      const path = `${OUT_DIR}/console-${name}-${suffix}.png`
      await page.screenshot({ path, fullPage: true })
      console.log(`wrote ${path}`)
    }
    for (const [name, hash, ready] of PAGES) {
      if (shot.width < 1280 && !PHONE_PAGES.has(name)) continue
      await page.goto(`${base}/admin/${hash}`)
      await page.getByRole('heading', { level: 1 }).waitFor()
      await page.waitForLoadState('networkidle')
      await ready(page)
      await page.waitForLoadState('networkidle')
      const path = `${OUT_DIR}/console-${name}-${suffix}.png`
      await page.screenshot({ path, fullPage: true })
      console.log(`wrote ${path}`)
    }
    await context.close()
  }
  await browser.close()
} finally {
  stop()
}
