/**
 * End to end: the owner console at /admin under `npm start`, in real Chromium — signing in and
 * out, the Contacts table (paging, sort, search, label facets, form and date filters, the view
 * kept in the URL), a bulk label over "all N matching" followed to COMPLETED, a read-only session,
 * keyboard-only use, and axe at a desktop and a phone width in light and dark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  adminApi,
  columnTexts,
  labelKey,
  openConsole,
  pageOverflow,
  READ_KEY,
  seedContacts,
  sendDemoForm,
  seriousViolations,
  signedIn,
  signIn,
  startHarness,
  tabTo,
} from './console-harness.ts'
import type { Harness } from './console-harness.ts'

let harness: Harness

beforeAll(async () => {
  harness = await startHarness()
})

afterAll(async () => {
  await harness?.browser.close()
  harness?.server.stop()
})

describe('signing in to the console', () => {
  it('says a wrong key is wrong, signs in with the right one, and signs out for good', async () => {
    const { page, close } = await openConsole(harness)
    const key = page.getByLabel('Admin key')
    expect(await key.getAttribute('type')).toBe('password')
    expect(await key.getAttribute('autocomplete')).toBe('current-password')

    await key.fill('not-the-key')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('That key is not right')
    expect(await key.inputValue()).toBe('') // the field forgets what was typed

    await signIn(page, harness.server.adminKey)
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor()
    expect(page.url()).not.toContain(harness.server.adminKey)
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))
    expect(stored).not.toContain(harness.server.adminKey)
    expect(await page.content()).not.toContain(harness.server.adminKey)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('You are signed out.').waitFor()
    const after = await page.evaluate(async () => (await fetch('/contacts/v4/contacts')).status)
    expect(after).toBe(401)
    // A reload finds no session either.
    await page.reload()
    await page.getByLabel('Admin key').waitFor()
    await close()
  })

  it('answers /admin (without the slash) with the console, under a strict CSP', async () => {
    const res = await fetch(`${harness.server.base}/admin`)
    expect(res.url).toBe(`${harness.server.base}/admin/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
    expect(res.headers.get('X-Frame-Options')).toBe('DENY')
    expect(res.headers.get('Referrer-Policy')).toBe('same-origin')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    expect(await res.text()).toContain('<script type="module" src="/admin/console.js">')
  })
})

describe('the contacts table', () => {
  let paging: string
  let emails: string[]

  beforeAll(async () => {
    paging = await labelKey(harness.server, 'Paging')
    const seeded = await seedContacts(harness.server, 'paging', 30, {
      labelKeys: { items: [paging] },
    })
    emails = seeded.map((s) => s.email)
  })

  it('filters by a label facet, pages, sorts and searches, with the view in the URL', async () => {
    const { page, close } = await signedIn(harness)
    await page
      .getByRole('navigation', { name: 'Labels' })
      .getByRole('link', { name: /^Paging/ })
      .click()
    await expect
      .poll(() => page.getByRole('table').locator('caption').innerText())
      .toMatch(/^30 contacts/)
    expect(page.url()).toContain(`label=${encodeURIComponent(paging)}`)
    expect(await page.getByRole('table').locator('tbody tr').count()).toBe(25)

    // Sort by email, A to Z: the header says so, and the rows follow.
    await page.getByRole('button', { name: 'Email' }).click()
    await expect
      .poll(() => page.getByRole('columnheader', { name: 'Email' }).getAttribute('aria-sort'))
      .toBe('ascending')
    expect(await columnTexts(page, 'Email')).toEqual(emails.slice(0, 25))
    await page.getByRole('button', { name: 'Email' }).click()
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([...emails].reverse().slice(0, 25))

    // The next page holds the rest.
    await page.getByRole('link', { name: 'Next page' }).click()
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([...emails].reverse().slice(25))
    await page.getByText('Showing 26–30 of 30').waitFor()

    // Back and forward walk the views.
    await page.goBack()
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBe(25)
    await page.goForward()
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBe(5)

    // Search: an exact email, any case.
    await page.getByLabel('Search contacts').fill(emails[6]!.toUpperCase())
    await page.getByLabel('Search contacts').press('Enter')
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([emails[6]])
    expect(await page.getByText(/exact first name, last name, email or phone/).count()).toBe(1)

    // A reload (or the link, bookmarked) shows the same view.
    const url = page.url()
    await page.reload()
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([emails[6]])
    expect(page.url()).toBe(url)
    expect(await page.getByLabel('Search contacts').inputValue()).toBe(emails[6]!.toUpperCase())
    await close()
  })

  it('shows the columns chosen, extended fields included, and keeps them in the URL', async () => {
    await adminApi(harness.server, 'POST', '/contacts/v4/extended-fields', {
      displayName: 'Plan',
      dataType: 'TEXT',
    })
    const [one] = await seedContacts(harness.server, 'columns', 1, {
      extendedFields: { items: { 'custom.plan': 'Gold' } },
    })
    const { page, close } = await signedIn(harness)
    await page.getByText('Columns', { exact: true }).click()
    await page.getByRole('checkbox', { name: 'Plan' }).check()
    await page.getByRole('checkbox', { name: 'Phone' }).uncheck()
    await page.getByLabel('Search contacts').fill(one!.email)
    await page.getByLabel('Search contacts').press('Enter')
    await expect.poll(() => columnTexts(page, 'Plan')).toEqual(['Gold'])
    expect(await page.getByRole('columnheader', { name: 'Phone' }).count()).toBe(0)
    await page.reload()
    await expect.poll(() => columnTexts(page, 'Plan')).toEqual(['Gold'])
    await close()
  })

  it('filters by the form contacts came from and by created date, and says when nothing matches', async () => {
    const email = `form-${crypto.randomUUID().slice(0, 8)}@example.com`
    await sendDemoForm(harness.server, { email, firstName: 'Formed', consent: true })
    const { page, close } = await signedIn(harness)
    await page.getByLabel('Came from form').selectOption({ label: 'Talk to us' })
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await expect.poll(() => columnTexts(page, 'Email')).toContain(email)
    expect(await columnTexts(page, 'Email')).not.toContain(emails[0])
    expect(page.url()).toContain('form=demo')

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    await page.getByLabel('Created from').fill(tomorrow)
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await page.getByText('No contact matches this search and these filters.').waitFor()
    await close()
  })
})

describe('a bulk label over all matching contacts', () => {
  it('confirms the count, follows the job to COMPLETED, and labels every one', async () => {
    const bulk = await labelKey(harness.server, 'Bulk source')
    await seedContacts(harness.server, 'bulk', 30, { labelKeys: { items: [bulk] } })
    const { page, close } = await signedIn(harness)
    await page.getByRole('link', { name: /^Bulk source/ }).click()
    await expect
      .poll(() => page.getByRole('table').locator('caption').innerText())
      .toMatch(/^30 contacts/)

    await page.getByLabel('Select every contact on this page').check()
    await page.getByText('25 contacts selected').waitFor()
    await page.getByRole('button', { name: 'Select all 30 matching' }).click()
    await page.getByText('All 30 contacts matching this view are selected.').waitFor()
    await page.getByRole('button', { name: 'Add label' }).click()

    const dialog = page.getByRole('dialog', { name: 'Add a label to 30 contacts?' })
    await dialog.getByLabel('Label', { exact: true }).selectOption({ label: 'A new label…' })
    await dialog.getByLabel('New label’s name').fill('Bulk done')
    await dialog.getByRole('button', { name: 'Add label' }).click()

    await page.getByRole('status').filter({ hasText: 'Completed: 30 changed, 0 failed.' }).waitFor()
    // The table and the facets were read again.
    await expect
      .poll(() => page.getByRole('link', { name: /^Bulk done/ }).innerText())
      .toContain('30')
    const done = await labelKey(harness.server, 'Bulk done')
    const { pagingMetadata } = await adminApi(
      harness.server,
      'POST',
      '/contacts/v4/contacts/query',
      {
        query: { filter: { 'info.labelKeys': { $hasAll: [bulk, done] } } },
      }
    )
    expect(pagingMetadata.total).toBe(30)
    await close()
  })

  it('deletes a selection after a confirm that states the count and what is erased', async () => {
    const gone = await labelKey(harness.server, 'To delete')
    const seeded = await seedContacts(harness.server, 'delete', 3, {
      labelKeys: { items: [gone] },
    })
    const { page, close } = await signedIn(harness)
    await page.getByRole('link', { name: /^To delete/ }).click()
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBe(3)
    await page.getByRole('checkbox', { name: 'Select delete 01 Test' }).check()
    await page.getByRole('checkbox', { name: 'Select delete 02 Test' }).check()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete 2 contacts?' })
    expect(await dialog.innerText()).toContain('values and page context of its submissions')
    await dialog.getByRole('button', { name: 'Delete 2 contacts' }).click()
    await page.getByText('Completed: 2 changed, 0 failed.').waitFor()
    await expect.poll(() => page.getByRole('table').locator('tbody tr').count()).toBe(1)
    const left = await adminApi(harness.server, 'POST', '/contacts/v4/contacts/query', {
      query: { filter: { 'info.labelKeys': { $hasSome: [gone] } } },
    })
    expect(left.contacts.map((c: { id: string }) => c.id)).toEqual([seeded[2]!.id])
    await close()
  })
})

describe('a read-only session', () => {
  it('sees contacts but no action anywhere', async () => {
    const [one] = await seedContacts(harness.server, 'readonly', 1)
    const { page, close } = await signedIn(harness, { key: READ_KEY })
    await page.getByText('Read only').waitFor()
    await page.getByRole('table').waitFor()
    expect(await page.getByRole('checkbox').count()).toBe(0)
    for (const name of ['Add label', 'Remove label', 'Delete'])
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(0)

    await page.goto(`${harness.server.base}/admin/#/contacts/${one!.id}`)
    await page.getByRole('heading', { name: 'Timeline' }).waitFor()
    for (const name of [/^Edit/, /^Merge/, /^Delete/, /^Add label/, /^Remove the label/])
      expect(await page.getByRole('button', { name }).count()).toBe(0)
    expect(await page.getByRole('combobox').count()).toBe(0)
    await close()
  })
})

describe('keyboard only', () => {
  it('signs in, finds a contact, labels it and signs out without a mouse', async () => {
    await labelKey(harness.server, 'Keyboard label')
    const [one] = await seedContacts(harness.server, 'keyboard', 1)
    const { page, close } = await openConsole(harness)
    await page.getByLabel('Admin key').waitFor()
    // The key field has the focus on arrival.
    await page.keyboard.type(harness.server.adminKey)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()

    await tabTo(page, 'input[type=search]')
    await page.keyboard.type(one!.email)
    await page.keyboard.press('Enter')
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([one!.email])
    await tabTo(page, 'tbody a', { text: 'keyboard 01 Test' })
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'keyboard 01 Test', level: 1 }).waitFor()

    await tabTo(page, 'cc-contact-labels select')
    await page.keyboard.type('Keyboard label')
    await tabTo(page, 'cc-contact-labels button[type=submit]')
    await page.keyboard.press('Enter')
    await page.getByRole('listitem').filter({ hasText: 'Keyboard label' }).waitFor()
    const { contact } = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${one!.id}`)
    expect(contact.info.labelKeys.items).toEqual(['custom.keyboard-label'])

    await tabTo(page, 'button', { text: 'Sign out', back: true })
    await page.keyboard.press('Enter')
    await page.getByText('You are signed out.').waitFor()
    await close()
  })

  it('shows where the focus is', async () => {
    const { page, close } = await signedIn(harness)
    await page.getByRole('table').waitFor()
    await tabTo(page, 'tbody a')
    const outline = await page.evaluate(
      () => getComputedStyle(document.activeElement!).outlineStyle
    )
    expect(outline).toBe('solid')
    await close()
  })
})

describe('accessibility and small screens', () => {
  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no serious axe violation at ${width}px in ${colorScheme}, signed out and on Contacts`, async () => {
        const { page, problems, close } = await openConsole(harness, { width, colorScheme })
        await page.getByLabel('Admin key').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        await signIn(page, harness.server.adminKey)
        await page.getByRole('table').waitFor()
        await page.getByLabel('Select every contact on this page').check()
        await page.getByRole('region', { name: 'Selected contacts' }).waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        // The table scrolls sideways inside its own labelled region, which the keyboard can reach.
        const region = page
          .getByRole('region', { name: /contacts/ })
          .filter({ has: page.getByRole('table') })
        expect(await region.getAttribute('tabindex')).toBe('0')
        await page.getByRole('button', { name: 'Delete', exact: true }).click()
        await page.getByRole('dialog').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        await page.keyboard.press('Escape')
        expect(problems).toEqual([])
        await close()
      })
    }
  }
})
