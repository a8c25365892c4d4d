/**
 * End to end: the owner console at /admin under `npm start`, in real Chromium — signing in and
 * out, the Contacts table (paging, sort, search, label facets, form and date filters, the view
 * kept in the URL), a bulk label over "all N matching" followed to COMPLETED, the CSV import
 * wizard and the CSV export of a view or a selection, a read-only session, keyboard-only use, and
 * axe at a desktop and a phone width in light and dark.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  adminApi,
  columnTexts,
  csvColumn,
  downloadedText,
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
import type { Harness, Seeded } from './console-harness.ts'

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
    // The header follows the URL at once; the rows come with the next answer.
    await expect.poll(() => columnTexts(page, 'Email')).toEqual(emails.slice(0, 25))
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

/** A file with two new people, a bad email and a contact that exists: `known`. */
function peopleCsv(tag: string, known: string): string {
  return [
    'Given name,E-mail,Organisation,Notes',
    `Ada,ada-${tag}@example.com,Analytical Engines,first`,
    `Alan,alan-${tag}@example.com,Bletchley Park,second`,
    'Bad,not-an-email,Nowhere,third',
    `Known,${known},Known Co,fourth`,
  ].join('\r\n')
}

/** Opens the Import page and chooses the file; resolves once its columns are to be mapped. */
async function chooseFile(page: Page, csv: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Console' })
    .getByRole('link', { name: 'Import' })
    .click()
  await page.getByRole('heading', { name: 'Import contacts', level: 1 }).waitFor()
  await page
    .getByLabel('CSV file')
    .setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByRole('heading', { name: '2. Map the columns' }).waitFor()
}

/** The `dt` → `dd` pairs of the first list of facts in `scope`. */
async function facts(page: Page, scope: string): Promise<Record<string, string>> {
  return Object.fromEntries(
    await page
      .locator(`${scope} dl.facts`)
      .first()
      .locator('dt')
      .evaluateAll((dts) =>
        dts.map((dt) => [dt.textContent!.trim(), dt.nextElementSibling!.textContent!.trim()])
      )
  )
}

describe('importing a CSV file', () => {
  it('previews, maps, tries and imports a file, and its rejected rows download', async () => {
    const [known] = await seedContacts(harness.server, 'imported', 1)
    const tag = crypto.randomUUID().slice(0, 8)
    const { page, problems, close } = await signedIn(harness)
    await chooseFile(page, peopleCsv(tag, known!.email))
    // The heading of the next step has the focus.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      '2. Map the columns'
    )
    expect(await facts(page, 'cc-import-page')).toEqual({
      Encoding: 'UTF-8',
      Separator: 'comma',
      Rows: '4',
    })
    const preview = page.getByRole('table', { name: 'The first rows of people.csv' })
    expect(await preview.locator('thead th').allInnerTexts()).toEqual([
      'Row',
      'Given name',
      'E-mail',
      'Organisation',
      'Notes',
    ])
    expect(await preview.locator('tbody tr').count()).toBe(4)

    // The suggested mapping, then one changed.
    const column = (name: string) => page.getByLabel(name, { exact: true })
    expect(await column('Given name').inputValue()).toBe('name.first')
    expect(await column('E-mail').inputValue()).toBe('email')
    expect(await column('Organisation').inputValue()).toBe('company')
    expect(await column('Notes').inputValue()).toBe('new')
    expect(await page.getByLabel('Type of the new field').inputValue()).toBe('TEXT')
    await column('Organisation').selectOption({ label: 'Job title' })

    // One field from two columns is flagged before anything is sent.
    await column('Notes').selectOption({ label: 'Job title' })
    await page.getByText('Also chosen for “Organisation”').waitFor()
    await page.getByRole('button', { name: 'Dry run' }).click()
    await page.getByRole('alert').filter({ hasText: 'chosen for two columns' }).waitFor()
    expect(await column('Notes').getAttribute('aria-invalid')).toBe('true')
    await column('Notes').selectOption({ label: 'Do not import' })

    await page.getByLabel('Labels added to every contact imported').fill(`Fair ${tag}`)
    await page.getByRole('button', { name: 'Add label' }).click()
    await page.getByRole('button', { name: `Remove the label Fair ${tag}` }).waitFor()
    expect(await page.getByLabel('Fill empty fields').isChecked()).toBe(true)

    // What the API refuses, it says why, in the page.
    await page.getByLabel(/^Country of phone numbers/).fill('U')
    await page.getByRole('button', { name: 'Dry run' }).click()
    await page.getByRole('alert').filter({ hasText: 'ISO 3166 alpha-2' }).waitFor()
    await page.getByLabel(/^Country of phone numbers/).fill('')

    await page.getByRole('button', { name: 'Dry run' }).click()
    const dryHeading = page.getByRole('heading', { name: 'Dry run: what the import would do' })
    await dryHeading.waitFor()
    expect(await dryHeading.evaluate((h) => h === document.activeElement)).toBe(true)
    expect(await facts(page, 'section[aria-labelledby=dry-heading]')).toEqual({
      'New contacts': '2',
      'Contacts updated': '1',
      Unchanged: '0',
      Skipped: '0',
      'Rows rejected': '1',
    })
    const rejected = page.getByRole('table', { name: 'Rejected rows' })
    const [cells] = await rejected
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent!.trim())))
    expect(cells!.slice(0, 3)).toEqual(['4', 'E-mail', 'not-an-email'])
    expect(await page.getByText(`New labels: “Fair ${tag}”.`).count()).toBe(1)

    await page.getByRole('button', { name: 'Import…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Import 4 rows?' })
    await dialog.getByRole('button', { name: 'Import 4 rows' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: 'Completed: 3 imported, 1 rejected.' })
      .waitFor()
    expect(await facts(page, 'cc-job-progress')).toEqual({
      'New contacts': '2',
      'Contacts updated': '1',
      Unchanged: '0',
      Skipped: '0',
      'Rows rejected': '1',
    })

    // The contacts are there, labelled, with the column mapped as chosen.
    const label = await labelKey(harness.server, `Fair ${tag}`)
    const { contacts } = await adminApi(harness.server, 'POST', '/contacts/v4/contacts/query', {
      query: { filter: { 'info.labelKeys': { $hasSome: [label] } }, fieldsets: ['FULL'] },
    })
    const byEmail = new Map<string, any>(contacts.map((c: any) => [c.primaryInfo.email, c]))
    expect([...byEmail.keys()].sort()).toEqual(
      [`ada-${tag}@example.com`, `alan-${tag}@example.com`, known!.email].sort()
    )
    expect(byEmail.get(`ada-${tag}@example.com`).info.jobTitle).toBe('Analytical Engines')
    expect(byEmail.get(known!.email).info.jobTitle).toBe('Known Co')

    const report = await downloadedText(page, () =>
      page.getByRole('link', { name: 'Download the rejected rows (CSV)' }).click()
    )
    expect(csvColumn(report, 'E-mail')).toEqual(['not-an-email'])
    expect(await page.getByRole('link', { name: 'Open the contacts' }).getAttribute('href')).toBe(
      '#/contacts'
    )
    // The one request refused was the one meant to be.
    expect(problems).toEqual([expect.stringMatching(/^400 .*defaultCountry=U&/)])
    await close()
  })

  for (const [width, colorScheme] of [
    [1280, 'light'],
    [390, 'dark'],
  ] as const) {
    it(`has no serious axe violation at ${width}px in ${colorScheme}, mapped and tried`, async () => {
      const [known] = await seedContacts(harness.server, `axe-import-${width}`, 1)
      const { page, problems, close } = await signedIn(harness, { width, colorScheme })
      await chooseFile(page, peopleCsv(crypto.randomUUID().slice(0, 8), known!.email))
      expect(await seriousViolations(page)).toEqual([])
      await page.getByRole('button', { name: 'Dry run' }).click()
      await page.getByRole('table', { name: 'Rejected rows' }).waitFor()
      expect(await seriousViolations(page)).toEqual([])
      expect(await pageOverflow(page)).toBe(0)
      expect(problems).toEqual([])
      await close()
    })
  }
})

describe('exporting contacts as CSV', () => {
  let key: string
  let seeded: Seeded[]

  beforeAll(async () => {
    key = await labelKey(harness.server, 'Export me')
    // More than a link holds once all are selected: those go by POST.
    seeded = await seedContacts(harness.server, 'export', 60, { labelKeys: { items: [key] } })
  })

  const sorted = (list: string[]) => [...list].sort()

  it('downloads exactly the contacts of the view: its label, then its search', async () => {
    const view = `#/contacts?label=${encodeURIComponent(key)}&size=100`
    const { page, problems, close } = await signedIn(harness, { hash: view })
    await expect.poll(() => columnTexts(page, 'Email')).toHaveLength(60)
    const shown = await columnTexts(page, 'Email')
    const all = await downloadedText(page, () =>
      page.getByRole('button', { name: 'Export CSV' }).click()
    )
    expect(sorted(csvColumn(all, 'Email'))).toEqual(sorted(shown))
    expect(sorted(shown)).toEqual(sorted(seeded.map((s) => s.email)))

    await page.goto(`${harness.server.base}/admin/${view}&q=${seeded[6]!.email}`)
    await expect.poll(() => columnTexts(page, 'Email')).toEqual([seeded[6]!.email])
    const one = await downloadedText(page, () =>
      page.getByRole('button', { name: 'Export CSV' }).click()
    )
    expect(csvColumn(one, 'Email')).toEqual([seeded[6]!.email])
    expect(problems).toEqual([])
    await close()
  })

  it('downloads exactly the rows selected, by POST when the ids are too many for a link', async () => {
    const view = `#/contacts?label=${encodeURIComponent(key)}&size=100`
    const { page, problems, close } = await signedIn(harness, { hash: view })
    await expect.poll(() => columnTexts(page, 'Email')).toHaveLength(60)
    await page.getByRole('checkbox', { name: 'Select export 02 Test' }).check()
    await page.getByRole('checkbox', { name: 'Select export 05 Test' }).check()
    const two = await downloadedText(page, () =>
      page.getByRole('button', { name: 'Export 2 selected as CSV' }).click()
    )
    expect(sorted(csvColumn(two, 'Email'))).toEqual([seeded[1]!.email, seeded[4]!.email])

    await page.getByLabel('Select every contact on this page').check()
    const posted = page.waitForRequest((r) => r.url().endsWith('/v1/contacts/export/query'))
    const many = await downloadedText(page, () =>
      page.getByRole('button', { name: 'Export 60 selected as CSV' }).click()
    )
    expect((await posted).method()).toBe('POST')
    expect(sorted(csvColumn(many, 'Email'))).toEqual(sorted(seeded.map((s) => s.email)))
    expect(problems).toEqual([])
    await close()
  })

  it('downloads a form’s submissions from the inbox filtered by that form', async () => {
    const { page, close } = await signedIn(harness, { hash: '#/submissions?form=demo' })
    const csv = await downloadedText(page, () =>
      page.getByRole('link', { name: 'Export this form’s submissions (CSV)' }).click()
    )
    expect(csv.split('\r\n')[0]).toMatch(/^\uFEFFSubmission ID,Submitted,Status,Contact ID,/)
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
    // No import, but the export works.
    const nav = page.getByRole('navigation', { name: 'Console' })
    expect(await nav.getByRole('link').allInnerTexts()).not.toContain('Import')
    const csv = await downloadedText(page, () =>
      page.getByRole('button', { name: 'Export CSV' }).click()
    )
    expect(csvColumn(csv, 'Email').length).toBeGreaterThan(0)
    await page.goto(`${harness.server.base}/admin/#/import`)
    await page.getByText('Importing needs an admin key').waitFor()
    expect(await page.getByLabel('CSV file').count()).toBe(0)

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
