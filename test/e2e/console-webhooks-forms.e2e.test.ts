/**
 * End to end: the console's Webhooks and Forms pages under `npm start`, in real Chromium, with two
 * webhook endpoints on a loopback receiver (test/support/webhook-receiver.ts): one that takes
 * events and one that answers 410 Gone. Endpoints with their state (never their secret), the
 * deliveries log filtered from the URL, a re-send that reaches the receiver again; each form
 * with its fields, origins, labels, bot counts, latest submissions and the embed snippet copied;
 * axe in light and dark; no actions for a read-only session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../support/webhook-receiver.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'
import {
  actionButtons,
  adminApi,
  pageOverflow,
  READ_KEY,
  seedContacts,
  sendAsBot,
  sendDemoForm,
  seriousViolations,
  signedIn,
  startHarness,
  until,
} from './console-harness.ts'
import type { Harness } from './console-harness.ts'

let harness: Harness
let receiver: Awaited<ReturnType<typeof startReceiver>>
let ok: string
let gone: string
const PATIENCE = { timeout: 60_000, interval: 250 }

interface Listed {
  id: string
  eventId: string
  entityId: string
  endpoint: string
  status: string
  attempts: number
}

async function deliveries(): Promise<Listed[]> {
  const { deliveries } = await adminApi<{ deliveries: Listed[] }>(
    harness.server,
    'GET',
    '/v1/webhooks/deliveries?paging.limit=1000'
  )
  return deliveries
}

beforeAll(async () => {
  receiver = await startReceiver()
  ok = `${receiver.url}/ok-console`
  gone = `${receiver.url}/gone-console`
  const endpoints = JSON.stringify([
    { url: ok, events: ['*'], secret: TEST_WEBHOOK_SECRET },
    { url: gone, events: ['created'], secret: TEST_WEBHOOK_SECRET },
  ])
  harness = await startHarness([
    ...['--var', `WEBHOOK_ENDPOINTS:${endpoints}`],
    ...['--var', 'WEBHOOK_RETRY_BASE_SECONDS:1'],
  ])
})

afterAll(async () => {
  await harness?.browser.close()
  harness?.server.stop()
  await receiver?.close()
})

/** A contact made, and its deliveries written: the log has rows. */
async function someDeliveries(): Promise<void> {
  const [made] = await seedContacts(harness.server, `logged-${crypto.randomUUID().slice(0, 8)}`, 1)
  await until(async () => (await deliveries()).some((d) => d.entityId === made!.id))
}

async function webhooksPage(hash = '#/webhooks', options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash })
  await opened.page.getByRole('heading', { name: 'Deliveries' }).waitFor()
  return opened
}

async function formsPage(options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash: '#/forms' })
  await opened.page.getByRole('heading', { name: 'Talk to us', level: 2 }).waitFor()
  return opened
}

describe('the webhooks page', () => {
  it('shows each endpoint and its state, never its secret, and the deliveries by status', async () => {
    const [made] = await seedContacts(harness.server, 'hooked', 1)
    await expect
      .poll(async () => {
        const mine = (await deliveries()).filter((d) => d.entityId === made!.id)
        return mine.map((d) => `${d.endpoint} ${d.status}`).sort()
      }, PATIENCE)
      .toEqual([`${gone} disabled`, `${ok} delivered`])

    const { page, problems, close } = await webhooksPage()
    const endpoints = page.getByRole('region', { name: 'Endpoints', exact: true })
    const okRow = endpoints.getByRole('row', { name: new RegExp(ok) })
    expect(await okRow.innerText()).toMatch(/all\s+Active/)
    const goneRow = endpoints.getByRole('row', { name: new RegExp(gone) })
    expect(await goneRow.innerText()).toContain('created')
    expect(await goneRow.innerText()).toMatch(/Disabled\s+It answered 410 Gone/)
    expect(await page.content()).not.toContain(TEST_WEBHOOK_SECRET.slice('whsec_'.length))

    // The filter lives in the URL.
    await page.goto(`${harness.server.base}/admin/#/webhooks?status=disabled`)
    const table = page.getByRole('table', { name: 'Deliveries, newest first' })
    await expect
      .poll(async () => new Set(await table.locator('tbody .status-chip').allInnerTexts()))
      .toEqual(new Set(['Endpoint disabled']))
    expect(await page.getByLabel('Status').inputValue()).toBe('disabled')
    expect(problems).toEqual([])
    await close()
  })

  it('re-sends a delivered event, which reaches the endpoint again', async () => {
    const [made] = await seedContacts(harness.server, 'resend', 1)
    let delivery: Listed | undefined
    await expect
      .poll(async () => {
        delivery = (await deliveries()).find((d) => d.entityId === made!.id && d.endpoint === ok)
        return delivery?.status
      }, PATIENCE)
      .toBe('delivered')
    const sentTimes = () =>
      receiver.received.filter((r) => r.headers['webhook-id'] === delivery!.eventId).length
    expect(sentTimes()).toBe(1)

    const { page, close } = await webhooksPage('#/webhooks?status=delivered')
    const row = page.getByRole('row', { name: new RegExp(made!.id) })
    expect(await row.innerText()).toMatch(/Delivered\s+1/)
    await row.getByRole('button', { name: /^Re-send created to / }).click()
    await page.getByRole('status').filter({ hasText: 'Queued to be sent again.' }).waitFor()
    await expect.poll(sentTimes, PATIENCE).toBe(2)
    await expect
      .poll(async () => (await deliveries()).find((d) => d.id === delivery!.id)?.attempts, PATIENCE)
      .toBe(2)
    await close()
  })
})

describe('the notification emails on the webhooks page', () => {
  it('shows each email to the owner with its status and tries', async () => {
    const email = `emailed-${Date.now()}@example.com`
    await sendDemoForm(harness.server, { email, consent: true })
    await expect
      .poll(async () => {
        const { notifications } = await adminApi<{
          notifications: { status: string; kind: string }[]
        }>(harness.server, 'GET', '/v1/notifications?kind=lead&status=sent')
        return notifications.length
      }, PATIENCE)
      .toBeGreaterThan(0)
    const { page, problems, close } = await webhooksPage()
    const table = page.getByRole('table', { name: 'Notification emails, newest first' })
    const row = table.getByRole('row').filter({ hasText: 'owner@example.com' }).first()
    expect(await row.innerText()).toMatch(/A lead[\s\S]*demo[\s\S]*owner@example\.com[\s\S]*Sent/)
    expect(problems).toEqual([])
    await close()
  })
})

describe('the forms page', () => {
  it('shows each form with its fields, origins, labels, bots stopped, latest submissions and its snippet to copy', async () => {
    const email = `forms-${crypto.randomUUID().slice(0, 8)}@example.com`
    await sendDemoForm(harness.server, { email, consent: true })
    await sendAsBot(harness.server, { email: 'bot@example.com', consent: true })
    const { page, context, problems, close } = await formsPage()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    const form = page.getByRole('region', { name: 'Talk to us', exact: true })
    await expect.poll(() => form.innerText()).toContain('Sent without the form’s render token: 1')
    const text = await form.innerText()
    for (const part of [
      'demo',
      'http://localhost:8787',
      'http://127.0.0.1:8787',
      'Website lead, Demo request',
      'Signup source: demo page',
      'Fill in what is missing',
      email,
    ])
      expect(text).toContain(part)
    const fields = form.getByRole('table', { name: 'Fields of Talk to us' })
    expect(await fields.getByRole('row', { name: /^Interested in/ }).innerText()).toMatch(
      /interest\s+select\s+no\s+field “Interest”/
    )
    expect(await fields.getByRole('row', { name: /^Email/ }).innerText()).toMatch(
      /email\s+email\s+yes\s+email/
    )
    expect(
      await form.getByRole('link', { name: 'All submissions of this form' }).getAttribute('href')
    ).toBe('#/submissions?form=demo')

    const snippet = `<link rel="modulepreload" href="${harness.server.base}/contact-form.js">\n<script type="module" src="${harness.server.base}/v1/forms/demo.js"></script>\n<contact-form form="demo"></contact-form>`
    expect(await form.locator('pre').innerText()).toBe(snippet)
    await form.getByRole('button', { name: 'Copy snippet' }).click()
    await form.getByRole('status').filter({ hasText: 'Copied.' }).waitFor()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet)
    expect(problems).toEqual([])
    await close()
  })
})

describe('a read-only session', () => {
  it('sees webhooks and forms but no action', async () => {
    await someDeliveries()
    const { page, close } = await webhooksPage('#/webhooks', { key: READ_KEY })
    await page.getByRole('table', { name: 'Deliveries, newest first' }).waitFor()
    expect(await actionButtons(page, [/Re-send/])).toEqual([])
    await page.goto(`${harness.server.base}/admin/#/forms`)
    await page.getByRole('heading', { name: 'Talk to us', level: 2 }).waitFor()
    // Copying the snippet changes nothing; it is the only button besides signing out.
    expect(
      (await page.getByRole('main').getByRole('button').allInnerTexts()).map((t) => t.trim())
    ).toEqual(['Copy snippet'])
    await close()
  })
})

describe('accessibility and small screens', () => {
  beforeAll(someDeliveries)

  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no serious axe violation at ${width}px in ${colorScheme} on Webhooks and Forms`, async () => {
        const { page, problems, close } = await webhooksPage('#/webhooks', { width, colorScheme })
        await page.getByRole('table', { name: 'Deliveries, newest first' }).waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        await page.goto(`${harness.server.base}/admin/#/forms`)
        await page.getByRole('heading', { name: 'Talk to us', level: 2 }).waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        expect(problems).toEqual([])
        await close()
      })
    }
  }
})
