/**
 * End to end: the console's Inbox under `npm start`, in real Chromium — filters read from the URL,
 * a submission opened to its values, page, consent and contact, and one whose contact write
 * failed retried from the console. To make writes fail for real, this server keeps its contacts
 * on "Wix": a fault proxy (as in retries.e2e.test.ts) in front of a second `npm start`, told to
 * answer 500 until the console's retry.
 *
 * Those submissions stay pending. Failed is where the retry queue gives up, after its retries
 * (minutes with these settings, and wrangler dev loses queued messages whenever it reloads), so
 * the one the console retries is marked failed in D1 exactly as the dead-letter consumer marks it
 * (worker/db/submissions.ts markFailed; the queue path itself is tested in retries.test.ts).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withLocalBin } from '../../scripts/lib/run.ts'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { startFaultProxy } from '../support/fault-proxy.ts'
import type { Fault } from '../support/faults.ts'
import {
  actionButtons,
  adminApi,
  pageOverflow,
  READ_KEY,
  sendDemoForm,
  seriousViolations,
  signedIn,
  startHarness,
  tabTo,
} from './console-harness.ts'
import type { Harness } from './console-harness.ts'

const SITE = `site-${crypto.randomUUID()}`

let peer: DevServer
let proxy: Awaited<ReturnType<typeof startFaultProxy>>
let harness: Harness
const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.com`
const processedEmails = [unique('first'), unique('second')]
const pendingEmail = unique('pending')
/** Failed, for the retry to change (so that no test depends on another's order). */
const retryEmail = unique('retry')
const state = mkdtempSync(join(tmpdir(), 'console-inbox-'))

/** Gives a pending submission up as the retry queue's dead-letter consumer does. */
function markFailed(id: string): void {
  const sql = `UPDATE submissions SET status = 'failed', last_error = 'gave up after the last retry' WHERE id = '${id}' AND status = 'pending'`
  const run = spawnSync(
    'wrangler',
    ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--command', sql],
    { env: withLocalBin(), encoding: 'utf8' }
  )
  if (run.status !== 0) throw new Error(run.stderr)
}

async function wixFaults(faults: Fault[]): Promise<void> {
  const res = await fetch(`${proxy.url}/__faults/${SITE}`, {
    method: 'POST',
    body: JSON.stringify(faults),
  })
  expect(res.status).toBe(200)
}

interface Logged {
  id: string
  status: string
  contactId: string | null
  values: { email?: string }
}

async function logged(email: string): Promise<Logged | undefined> {
  const { submissions } = await adminApi<{ submissions: Logged[] }>(
    harness.server,
    'GET',
    '/v1/submissions?paging.limit=1000'
  )
  return submissions.find((s) => s.values.email === email)
}

beforeAll(async () => {
  peer = await startDevServer()
  proxy = await startFaultProxy(peer.base, peer.adminKey)
  harness = await startHarness(
    [
      ...['--var', 'CONTACTS_BACKEND:wix'],
      ...['--var', `WIX_API_BASE:${proxy.url}`],
      ...['--var', 'WIX_API_KEY:e2e-wix-key'],
      ...['--var', `WIX_SITE_ID:${SITE}`],
      // The queue's retries after its first (5 s in) come 5 to 10 minutes apart.
      ...['--var', 'SUBMISSION_RETRY_BASE_SECONDS:600'],
    ],
    { state }
  )
  for (const email of processedEmails)
    await sendDemoForm(
      harness.server,
      { email, firstName: 'Ina', message: `Hello from ${email}`, consent: true },
      { pageUrl: 'https://www.example.com/pricing', utm: { source: 'newsletter' } }
    )
  // From here Wix fails every write: these stay pending (their next queue retry is minutes away).
  await wixFaults([{ match: 'POST /contacts/v4/', action: 'status', status: 500, times: 1e6 }])
  await sendDemoForm(harness.server, { email: pendingEmail, consent: true })
  await sendDemoForm(harness.server, { email: retryEmail, consent: true })
  for (const email of [pendingEmail, retryEmail])
    expect(await logged(email)).toMatchObject({ status: 'pending', contactId: null })
  markFailed((await logged(retryEmail))!.id)
  expect(await logged(retryEmail)).toMatchObject({ status: 'failed', contactId: null })
}, 300_000)

afterAll(async () => {
  await harness?.browser.close()
  harness?.server.stop()
  await proxy?.close()
  peer?.stop()
})

async function inbox(hash: string, options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash })
  await opened.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor()
  await opened.page.locator('ol.items, p.empty').first().waitFor()
  return opened
}

/** The senders in the list, top to bottom. */
async function senders(page: Awaited<ReturnType<typeof inbox>>['page']): Promise<string[]> {
  return page.locator('ol.items summary strong').allInnerTexts()
}

describe('the inbox', () => {
  it('lists every submission newest first, and filters by form and status from the URL', async () => {
    const { page, close } = await inbox('#/submissions')
    const all = await senders(page)
    const order = [pendingEmail, processedEmails[1]!, processedEmails[0]!].map((e) =>
      all.indexOf(e)
    )
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(order[0]).toBeGreaterThanOrEqual(0)

    await page.goto(`${harness.server.base}/admin/#/submissions?form=demo&status=pending`)
    await expect.poll(() => senders(page)).not.toContain(processedEmails[0])
    expect(await senders(page)).toContain(pendingEmail)
    expect(new Set(await page.locator('ol.items .status-chip').allInnerTexts())).toEqual(
      new Set(['Pending'])
    )
    expect(await page.getByLabel('Form', { exact: true }).inputValue()).toBe('demo')
    expect(await page.getByRole('checkbox', { name: 'Pending' }).isChecked()).toBe(true)
    expect(await page.getByRole('checkbox', { name: 'Processed' }).isChecked()).toBe(false)

    // Changing the filters writes them into the URL.
    await page.getByRole('checkbox', { name: 'Pending' }).uncheck()
    await page.getByRole('checkbox', { name: 'Processed' }).check()
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect.poll(() => senders(page)).toEqual([processedEmails[1], processedEmails[0]])
    expect(new URL(page.url()).hash).toBe('#/submissions?form=demo&status=processed')

    // A day with no submission.
    await page.goto(`${harness.server.base}/admin/#/submissions?to=2020-01-01`)
    await page.getByText('No submission matches these filters.').waitFor()
    await close()
  })

  it('opens a submission to its values, page, consent and a link to its contact', async () => {
    const { page, problems, close } = await inbox('#/submissions?status=processed')
    const item = page.locator('ol.items details', { hasText: processedEmails[0]! })
    await item.locator('summary').click()
    const text = await item.innerText()
    for (const part of [
      `Hello from ${processedEmails[0]}`,
      'https://www.example.com/pricing',
      'source=newsletter',
      '“I agree to be contacted about my request.” (version 2026-11-01)',
    ])
      expect(text).toContain(part)
    const { contactId } = (await logged(processedEmails[0]!))!
    expect(await item.getByRole('link', { name: 'Open the contact' }).getAttribute('href')).toBe(
      `#/contacts/${contactId}`
    )
    // Processed: there is nothing to retry.
    expect(await item.getByRole('button', { name: 'Retry' }).count()).toBe(0)
    expect(problems).toEqual([])
    await close()
  })

  it('retries a submission whose contact write failed, with the keyboard alone', async () => {
    const { page, close } = await inbox('#/submissions?status=failed,pending')
    await tabTo(page, 'summary', { text: retryEmail })
    await page.keyboard.press('Enter')
    const item = page.locator('ol.items details', { hasText: retryEmail })
    expect(await item.locator('.status-chip').innerText()).toBe('Failed')
    expect(await item.innerText()).toContain('gave up after the last retry')
    expect(await item.innerText()).toContain('No contact yet')
    // Wix is back.
    await wixFaults([])
    await tabTo(page, 'button', { text: 'Retry' })
    await page.keyboard.press('Enter')
    await page.getByRole('status').filter({ hasText: 'Retried: the contact is written.' }).waitFor()
    // No longer failed or pending: it left this view.
    await item.waitFor({ state: 'detached' })
    const after = (await logged(retryEmail))!
    expect(after).toMatchObject({ status: 'processed', contactId: expect.any(String) })

    await page.goto(`${harness.server.base}/admin/#/submissions?status=processed`)
    const done = page.locator('ol.items details', { hasText: retryEmail })
    // Still open: the page keeps what was opened while its filters change.
    expect(await done.getAttribute('open')).toBe('')
    expect(await done.getByRole('link', { name: 'Open the contact' }).getAttribute('href')).toBe(
      `#/contacts/${after.contactId}`
    )
    await close()
  })
})

describe('a read-only session', () => {
  it('reads the inbox but is offered no retry', async () => {
    const { page, close } = await inbox('#/submissions', { key: READ_KEY })
    for (const summary of await page.locator('ol.items summary').all()) await summary.click()
    expect(await actionButtons(page, [/Retry/])).toEqual([])
    await close()
  })
})

describe('accessibility and small screens', () => {
  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no serious axe violation at ${width}px in ${colorScheme}, a submission open`, async () => {
        const { page, problems, close } = await inbox('#/submissions', { width, colorScheme })
        await page.locator('ol.items summary').first().click()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        expect(problems).toEqual([])
        await close()
      })
    }
  }
})
