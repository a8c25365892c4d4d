/**
 * What the console's end-to-end tests share: `npm start` with an admin and a read-only key, data
 * seeded through the admin API (as a script would), a Chromium page on `/admin/` signed in through
 * the real sign-in form, and axe run on the page as served (under its own CSP).
 */
import { readFile } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { AxeResults } from 'axe-core'
import { expect } from 'vitest'
import { AXE_SOURCE, launchChromium } from '../support/browser.ts'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer, DevServerOptions } from '../support/dev-server.ts'

export const READ_KEY = `read-${crypto.randomUUID()}`

export interface Harness {
  server: DevServer
  browser: Browser
}

/** `npm start` (with `args` after `--`, e.g. `--var NAME:value`) and Chromium. */
export async function startHarness(
  args: string[] = [],
  options: DevServerOptions = {}
): Promise<Harness> {
  const [server, browser] = await Promise.all([
    startDevServer(args, 150_000, { READ_API_KEYS: READ_KEY }, options),
    launchChromium(),
  ])
  return { server, browser }
}

/**
 * Sends the demo form as a script would, without the render token the widget gets: the worker
 * takes it for a bot, answers 202 all the same, and keeps it in the spam folder.
 */
export async function sendAsBot(
  server: DevServer,
  values: Record<string, string | boolean>
): Promise<void> {
  const res = await fetch(`${server.base}/v1/forms/demo/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.base },
    body: JSON.stringify({ values, context: { pageUrl: 'https://www.example.com/contact' } }),
  })
  if (res.status !== 202) throw new Error(`bot submission: ${res.status} ${await res.text()}`)
}

/** Waits until `check` answers true (for hooks, where expect.poll cannot run); a bound, not a timing. */
export async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms: ${check}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** The names of the buttons on the page that change something (none for a read-only session). */
export async function actionButtons(page: Page, names: RegExp[]): Promise<string[]> {
  const found: string[] = []
  for (const name of names)
    if (await page.getByRole('button', { name }).count()) found.push(String(name))
  return found
}

/** A call to the admin API with the server's admin key; throws on anything but 2xx. */
export async function adminApi<T = Record<string, any>>(
  server: DevServer,
  method: string,
  path: string,
  body?: unknown
): Promise<T> {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: server.adminKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json as T
}

/** The label's key, made if needed. */
export async function labelKey(server: DevServer, displayName: string): Promise<string> {
  return (await adminApi(server, 'POST', '/contacts/v4/labels', { displayName })).label.key
}

export interface Seeded {
  id: string
  email: string
}

/** Contacts `<prefix>-01@example.com`… with first name `<Prefix> 01`…, made one after another. */
export async function seedContacts(
  server: DevServer,
  prefix: string,
  count: number,
  info: Record<string, unknown> = {}
): Promise<Seeded[]> {
  const made: Seeded[] = []
  for (let i = 1; i <= count; i++) {
    const n = String(i).padStart(2, '0')
    const email = `${prefix}-${n}@example.com`
    const { contact } = await adminApi(server, 'POST', '/contacts/v4/contacts', {
      info: {
        name: { first: `${prefix} ${n}`, last: 'Test' },
        emails: { items: [{ email }] },
        ...info,
      },
    })
    made.push({ id: contact.id, email })
  }
  return made
}

/** Sends the demo form as the widget does (waiting when told it came too fast). */
export async function sendDemoForm(
  server: DevServer,
  values: Record<string, string | boolean>,
  context: Record<string, unknown> = {}
): Promise<void> {
  const { token } = await (await fetch(`${server.base}/v1/forms/demo`)).json()
  for (;;) {
    const res = await fetch(`${server.base}/v1/forms/demo/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values, context, token }),
    })
    if (res.status === 202) return
    if (res.status !== 425) throw new Error(`submission: ${res.status} ${await res.text()}`)
    await new Promise((r) => setTimeout(r, Number(res.headers.get('Retry-After')) * 1000))
  }
}

export interface ConsolePage {
  page: Page
  context: BrowserContext
  /** Console errors and failed requests, but the 401s that signing in expects. */
  problems: string[]
  close: () => Promise<void>
}

/** A fresh browser (no cookie) on the console, at a width and colour scheme. */
export async function openConsole(
  { server, browser }: Harness,
  { width = 1280, colorScheme = 'light' as 'light' | 'dark', hash = '' } = {}
): Promise<ConsolePage> {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    colorScheme,
  })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => {
    // Failed requests are judged below, by their address.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('response', (r) => {
    const signInAnswer = new URL(r.url()).pathname === '/admin/api/session' && r.status() === 401
    if (r.status() >= 400 && !signInAnswer) problems.push(`${r.status()} ${r.url()}`)
  })
  await page.goto(`${server.base}/admin/${hash}`)
  return { page, context, problems, close: () => context.close() }
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('Admin key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}

/** The console signed in with the admin key (or another), at a width and colour scheme. */
export async function signedIn(
  harness: Harness,
  options: Parameters<typeof openConsole>[1] & { key?: string } = {}
): Promise<ConsolePage> {
  const opened = await openConsole(harness, options)
  await signIn(opened.page, options.key ?? harness.server.adminKey)
  return opened
}

/** Serious and critical axe violations on the whole page, as served. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe.run()
  )
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target} — ${n.failureSummary}`))
}

/** The page scrolls sideways at this width (the table's own region may; the page must not). */
export async function pageOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth
  )
}

/** The text of each body row's cell in a column, by its header's name. */
export async function columnTexts(page: Page, header: string): Promise<string[]> {
  const table = page.getByRole('table')
  const headers = await table.locator('thead th').allInnerTexts()
  const index = headers.findIndex((h) => h.replace(/[▲▼]/g, '').trim() === header)
  expect(index, `column ${header} in ${headers.join(' | ')}`).toBeGreaterThanOrEqual(0)
  return table.locator(`tbody tr > :nth-child(${index + 1})`).allInnerTexts()
}

/**
 * Presses Tab (or Shift+Tab) until the focused element matches the CSS selector and, if given,
 * has the text in its text or accessible label, as a keyboard user would.
 */
export async function tabTo(
  page: Page,
  selector: string,
  { text = '', back = false, max = 80 } = {}
): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab')
    const found = await page.evaluate(
      ([sel, want]) => {
        const el = document.activeElement
        if (!el?.matches(sel!)) return false
        const said = `${el.textContent ?? ''} ${el.getAttribute('aria-label') ?? ''}`
        return said.includes(want!)
      },
      [selector, text]
    )
    if (found) return
  }
  throw new Error(`Tab never reached ${selector} ${text}`)
}

/** The text of the file that `start` makes the page download (a link or a saved blob alike). */
export async function downloadedText(page: Page, start: () => Promise<void>): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), start()])
  return readFile((await download.path())!, 'utf8')
}

/** A CSV file's rows and cells (RFC 4180: quoted cells may hold commas, quotes, line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = text.startsWith('\uFEFF') ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch !== '"') cell += ch
      else if (text[i + 1] === '"') cell += text[++i]
      else quoted = false
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\n') {
      rows.push([...row, cell.replace(/\r$/, '')])
      row = []
      cell = ''
    } else cell += ch
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

/** The cells of one column of a CSV file, by its header, without the header. */
export function csvColumn(text: string, header: string): string[] {
  const [head = [], ...rows] = parseCsv(text)
  const index = head.indexOf(header)
  expect(index, `column ${header} in ${head.join(' | ')}`).toBeGreaterThanOrEqual(0)
  return rows.map((r) => r[index]!)
}
