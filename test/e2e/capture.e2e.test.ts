/**
 * End to end: real Chromium (Debian's, driven by playwright-core) against `npm start`.
 * A visitor fills the demo form; the contact, with its labels, is then found through the admin API.
 */
import { describe, expect, it } from 'vitest'
import { serverAndBrowser } from '../support/browser.ts'
import { findContacts } from '../support/dev-server.ts'

const both = serverAndBrowser()

describe('the demo page', () => {
  it('takes a submission through the <contact-form> element', async () => {
    const email = `e2e-${Date.now()}@example.com`
    const page = await both.browser.newPage()
    await page.goto(`${both.server.base}/?utm_source=e2e`)
    const form = page.locator('contact-form form.cf-form')
    await form.waitFor()
    await form.getByLabel('Email').fill(email)
    await form.getByLabel('First name').fill('Erin')
    await form.getByLabel('Phone').fill('+1 212 555 0134')
    await form.getByLabel('Interested in').selectOption('pricing')
    await form.getByLabel('I agree to be contacted about my request.').check()
    // A person takes a few seconds; the worker refuses forms sent faster than 2 s after serving.
    await page.waitForTimeout(2100)
    await form.getByRole('button', { name: 'Send' }).click()
    await expect
      .poll(() => page.locator('contact-form .cf-success').textContent())
      .toBe('Thanks, we will be in touch.')
    await page.close()

    const [contact, ...others] = await findContacts(both.server, email)
    expect(others).toHaveLength(0)
    expect(contact!.info.name?.first).toBe('Erin')
    expect([...contact!.info.labelKeys.items].sort()).toEqual([
      'custom.demo-request',
      'custom.website-lead',
    ])
  })

  it('takes a submission through the fallback form when JavaScript is off', async () => {
    const email = `nojs-${Date.now()}@example.com`
    const context = await both.browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    await page.goto(`${both.server.base}/`)
    await page.locator('#fb-email').fill(email)
    await page.locator('#fb-first').fill('Noah')
    await page.locator('#fb-consent').check()
    await Promise.all([
      page.waitForURL(/\/v1\/forms\/demo\/thanks$/),
      page.getByRole('button', { name: 'Send' }).click(),
    ])
    expect(await page.locator('[role="status"]').textContent()).toBe('Thanks, we will be in touch.')
    await context.close()

    const contacts = await findContacts(both.server, email)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.info.labelKeys.items).toContain('custom.website-lead')
  })
})
