/**
 * End to end: a visitor sends the demo form through the <contact-form> element in Chromium, and
 * `npm start` (wrangler dev) delivers the owner's email through its simulated `send_email`
 * binding, which logs the message and writes its text and HTML to files. The test finds the
 * files from the log and reads them, as a developer would.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/ensure-chromium.ts'
import { findContacts, startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'

let server: DevServer
let browser: Browser

beforeAll(async () => {
  ;[server, browser] = await Promise.all([
    startDevServer(),
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
  ])
})

afterAll(async () => {
  await browser?.close()
  server?.stop()
})

/** The files wrangler wrote for each simulated email, as its log names them. */
function emailFiles(log: string): { text: string[]; html: string[] } {
  const plain = log.replace(/\x1b\[[0-9;]*m/g, '')
  const files = (kind: string) =>
    [...plain.matchAll(new RegExp(`^${kind}: (\\S+)$`, 'gm'))].map((m) => m[1]!)
  return { text: files('Text'), html: files('HTML') }
}

/** The first file whose content contains `needle`. */
function fileWith(paths: string[], needle: string): string | undefined {
  for (const path of paths) {
    const content = readFileSync(path, 'utf8')
    if (content.includes(needle)) return content
  }
  return undefined
}

describe('a new lead', () => {
  it('says in npm start’s output where the simulated emails go', async () => {
    await expect.poll(() => server.log()).toContain('contact-capture is running:')
    expect(server.log()).toContain(
      `Notification emails are simulated, never sent: each is written under ${join(process.cwd(), '.wrangler', 'tmp', 'email')}/`
    )
  })

  it('is emailed to the owner, with the fields, the page, the labels and a link to the contact', async () => {
    const email = `notify-${Date.now()}@example.com`
    const page = await browser.newPage()
    await page.goto(`${server.base}/?utm_source=e2e&utm_campaign=launch`)
    const form = page.locator('contact-form form.cf-form')
    await form.waitFor()
    await form.getByLabel('Email').fill(email)
    await form.getByLabel('First name').fill('Nell')
    await form.getByLabel('Last name').fill('<Bold> & "Co"')
    await form.getByLabel('Interested in').selectOption('partnership')
    await form.getByLabel('Message').fill('Hello,\nwe would like a demo.')
    await form.getByLabel('I agree to be contacted about my request.').check()
    // A person takes a few seconds; the worker refuses forms sent faster than 2 s after serving.
    await page.waitForTimeout(2100)
    await form.getByRole('button', { name: 'Send' }).click()
    await expect
      .poll(() => page.locator('contact-form .cf-success').textContent())
      .toBe('Thanks, we will be in touch.')
    await page.close()

    let text: string | undefined
    await expect
      .poll(() => (text = fileWith(emailFiles(server.log()).text, email)), { timeout: 30_000 })
      .toBeDefined()
    const [contact] = await findContacts(server, email)
    expect(text).toContain('A new lead on "Talk to us"')
    expect(text).toContain(
      [
        `Email: ${email}`,
        'First name: Nell',
        'Last name: <Bold> & "Co"',
        'Interested in: Partnership',
        'Message:',
        '  Hello,',
        '  we would like a demo.',
      ].join('\n')
    )
    expect(text).toMatch(/^Page: http:\/\/127\.0\.0\.1:\d+\/\?utm_source=e2e&utm_campaign=launch$/m)
    expect(text).toContain('UTM source: e2e\nUTM campaign: launch')
    expect(text).toContain('Contact: New contact\nLabels: Demo request, Website lead')
    expect(text).toContain(`Open in the console: ${server.base}/admin/#/contacts/${contact!.id}`)

    const html = fileWith(emailFiles(server.log()).html, email)!
    expect(html).toContain('&#60;Bold&#62; &#38; &#34;Co&#34;')
    expect(html).not.toContain('<Bold>')
    expect(html).toContain(`href="${server.base}/admin/#/contacts/${contact!.id}"`)
    // wrangler's log shows the envelope: the subject names the form and the visitor.
    expect(server.log()).toContain('Subject: New lead: Nell <Bold> & "Co" · Talk to us')

    const listed = await fetch(`${server.base}/v1/notifications?kind=lead&status=sent`, {
      headers: { Authorization: server.adminKey },
    })
    expect((await listed.json()).notifications).toContainEqual(
      expect.objectContaining({ recipient: 'owner@example.com', status: 'sent', attempts: 1 })
    )
  })
})
