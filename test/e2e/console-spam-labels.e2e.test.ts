/**
 * End to end: the console's Spam and Labels and fields pages under `npm start`, in real Chromium —
 * suspected spam (sent without a render token, as a script would) shown with why, restored
 * through its form (or refused by it, with the form's messages) and deleted; labels created,
 * renamed and deleted after a confirm that counts the contacts losing them, extended fields the
 * same, system fields read-only; axe in light and dark; no actions for a read-only session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  actionButtons,
  adminApi,
  labelKey,
  pageOverflow,
  READ_KEY,
  seedContacts,
  sendAsBot,
  seriousViolations,
  signedIn,
  startHarness,
  until,
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

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.com`

interface Kept {
  id: string
  values: { email?: string; firstName?: string }
}

/** The spam folder's entry whose values say this, once the worker has kept it. */
async function kept(match: (k: Kept) => boolean): Promise<Kept | undefined> {
  const { submissions } = await adminApi<{ submissions: Kept[] }>(
    harness.server,
    'GET',
    '/v1/spam?paging.limit=1000'
  )
  return submissions.find(match)
}

async function spamPage(options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash: '#/spam' })
  await opened.page.getByRole('heading', { name: 'Spam', level: 1 }).waitFor()
  await opened.page.locator('ol.items, p.empty').first().waitFor()
  return opened
}

async function catalogPage(options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash: '#/labels' })
  await opened.page.getByRole('heading', { name: 'Extended fields' }).waitFor()
  return opened
}

describe('the spam folder', () => {
  it('says how long spam is kept, shows what a bot sent and why, and restores it through the form', async () => {
    const email = unique('person')
    await sendAsBot(harness.server, { email, firstName: 'Pat', consent: true })
    await expect.poll(() => kept((k) => k.values.email === email)).toBeDefined()

    const { page, problems, close } = await spamPage()
    expect(
      await page.getByText('kept 30 days, and at most the newest 500 of each form').count()
    ).toBe(1)
    const item = page.locator('ol.items details', { hasText: email })
    await item.locator('summary').click()
    const text = await item.innerText()
    for (const part of [
      'Sent without the form’s render token',
      'posted straight to the API',
      'Pat',
      'https://www.example.com/contact',
      harness.server.base,
    ])
      expect(text).toContain(part)

    await item.getByRole('button', { name: 'Not spam' }).click()
    await page.getByRole('status').filter({ hasText: 'went through its form' }).waitFor()
    await item.waitFor({ state: 'detached' })
    expect(await kept((k) => k.values.email === email)).toBeUndefined()
    const { submissions } = await adminApi(harness.server, 'GET', '/v1/submissions?formId=demo')
    expect(
      submissions.find((s: { values: { email?: string } }) => s.values.email === email)
    ).toMatchObject({ status: 'processed', contactId: expect.any(String) })
    expect(problems).toEqual([])
    await close()
  })

  it('shows why the form refuses to take one back, and keeps it', async () => {
    const name = `Nomail ${crypto.randomUUID().slice(0, 6)}`
    await sendAsBot(harness.server, { firstName: name })
    await expect.poll(() => kept((k) => k.values.firstName === name)).toBeDefined()
    const { page, close } = await spamPage()
    const item = page.locator('ol.items details', { hasText: name })
    await item.locator('summary').click()
    await item.getByRole('button', { name: 'Not spam' }).click()
    const alert = item.getByRole('alert').filter({ hasText: 'The form refuses it as it is' })
    await alert.waitFor()
    expect(await alert.innerText()).toMatch(/Email: .+/)
    expect(await kept((k) => k.values.firstName === name)).toBeDefined()
    await close()
  })

  it('deletes one after a confirm', async () => {
    const name = `Gone ${crypto.randomUUID().slice(0, 6)}`
    await sendAsBot(harness.server, { firstName: name, consent: true })
    await expect.poll(() => kept((k) => k.values.firstName === name)).toBeDefined()
    const { page, close } = await spamPage()
    const item = page.locator('ol.items details', { hasText: name })
    await item.locator('summary').click()
    await item.getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this suspected spam?' })
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('status').filter({ hasText: 'Deleted.' }).waitFor()
    expect(await kept((k) => k.values.firstName === name)).toBeUndefined()
    await close()
  })

  it('filters by reason from the URL', async () => {
    const name = `Reason ${crypto.randomUUID().slice(0, 6)}`
    await sendAsBot(harness.server, { firstName: name })
    await expect.poll(() => kept((k) => k.values.firstName === name)).toBeDefined()
    const { page, close } = await spamPage()
    await page.goto(`${harness.server.base}/admin/#/spam?reason=honeypot`)
    await page.getByText('No suspected spam matches these filters.').waitFor()
    expect(await page.getByLabel('Why').inputValue()).toBe('honeypot')
    await page.goto(`${harness.server.base}/admin/#/spam?reason=token-missing&form=demo`)
    await page.locator('ol.items details', { hasText: name }).waitFor()
    await close()
  })
})

describe('labels and fields', () => {
  it('creates a label, renames it, and deletes it after a confirm that counts its contacts', async () => {
    const name = `Wave ${crypto.randomUUID().slice(0, 6)}`
    const { page, close } = await catalogPage()
    await page.getByLabel('New label').fill(name)
    await page.getByRole('button', { name: 'Create label' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `The label “${name}” was created.` })
      .waitFor()
    const { labels } = await adminApi(
      harness.server,
      'GET',
      '/contacts/v4/labels?paging.limit=2000'
    )
    const key = labels.find((l: { displayName: string }) => l.displayName === name).key
    const three = await seedContacts(harness.server, `wave-${key.slice(-6)}`, 3, {
      labelKeys: { items: [key] },
    })
    await page.reload()
    const row = page.getByRole('row', { name: new RegExp(name) })
    await expect.poll(() => row.getByRole('cell').first().innerText()).toMatch(/^3/)

    await row.getByRole('button', { name: `Rename ${name}` }).click()
    const rename = page.getByRole('dialog', { name: `Rename “${name}”` })
    await rename.getByLabel('New name').fill(`${name} renamed`)
    await rename.getByRole('button', { name: 'Rename' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: `Renamed to “${name} renamed”.` })
      .waitFor()
    const { label } = await adminApi(harness.server, 'GET', `/contacts/v4/labels/${key}`)
    expect(label.displayName).toBe(`${name} renamed`)

    await page.getByRole('button', { name: `Delete ${name} renamed` }).click()
    const dialog = page.getByRole('dialog', { name: `Delete the label “${name} renamed”?` })
    expect(await dialog.innerText()).toContain('3 contacts lose this label.')
    await dialog.getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('status').filter({ hasText: 'was deleted' }).waitFor()
    const res = await fetch(`${harness.server.base}/contacts/v4/labels/${key}`, {
      headers: { Authorization: harness.server.adminKey },
    })
    expect(res.status).toBe(404)
    const { contact } = await adminApi(
      harness.server,
      'GET',
      `/contacts/v4/contacts/${three[0]!.id}`
    )
    expect(contact.info.labelKeys?.items ?? []).toEqual([])
    await close()
  })

  it('counts the contacts with a value of an extended field in its delete confirm, for each type', async () => {
    const tag = crypto.randomUUID().slice(0, 6)
    const fields = [
      { displayName: `Seats ${tag}`, dataType: 'NUMBER', values: [12, -3] },
      { displayName: `Nickname ${tag}`, dataType: 'TEXT', values: ['Bo', 'Al'] },
      { displayName: `Renewal ${tag}`, dataType: 'DATE', values: ['1999-12-31', '2031-01-01'] },
    ]
    for (const f of fields) {
      const { field } = await adminApi(harness.server, 'POST', '/contacts/v4/extended-fields', f)
      for (const [i, value] of f.values.entries())
        await seedContacts(harness.server, `x${i}-${field.key.slice(-8)}`, 1, {
          extendedFields: { items: { [field.key]: value } },
        })
      // One contact without a value, which must not be counted.
      await seedContacts(harness.server, `none-${field.key.slice(-8)}`, 1)
    }
    const { page, close } = await catalogPage()
    for (const f of fields) {
      const count = f.values.length
      await page.getByRole('button', { name: `Delete ${f.displayName}` }).click()
      const dialog = page.getByRole('dialog', { name: `Delete the field “${f.displayName}”?` })
      await expect
        .poll(() => dialog.innerText())
        .toContain(`${count} contacts lose their value of this field.`)
      await page.keyboard.press('Escape')
      await dialog.waitFor({ state: 'hidden' })
    }
    await page.getByRole('button', { name: `Delete ${fields[0]!.displayName}` }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click()
    await page.getByRole('status').filter({ hasText: 'was deleted' }).waitFor()
    const { fields: left } = await adminApi(
      harness.server,
      'GET',
      '/contacts/v4/extended-fields?paging.limit=1000'
    )
    expect(left.map((f: { displayName: string }) => f.displayName)).not.toContain(
      fields[0]!.displayName
    )
    await close()
  })

  it('shows system fields read-only', async () => {
    const { page, close } = await catalogPage()
    const row = page.getByRole('row', { name: /Email subscription: status/ })
    expect(await row.innerText()).toContain('System, read only')
    expect(await row.getByRole('button').count()).toBe(0)
    await close()
  })
})

describe('a read-only session', () => {
  it('sees spam, labels and fields but no action', async () => {
    await labelKey(harness.server, 'Read only label')
    await sendAsBot(harness.server, { firstName: 'Readonly', consent: true })
    await expect.poll(() => kept((k) => k.values.firstName === 'Readonly')).toBeDefined()
    const { page, close } = await spamPage({ key: READ_KEY })
    for (const summary of await page.locator('ol.items summary').all()) await summary.click()
    expect(await actionButtons(page, [/Not spam/, /Delete/])).toEqual([])
    await page.goto(`${harness.server.base}/admin/#/labels`)
    await page.getByRole('row', { name: /Read only label/ }).waitFor()
    expect(await actionButtons(page, [/Rename/, /Delete/, /Create/])).toEqual([])
    expect(await page.getByLabel('New label').count()).toBe(0)
    await close()
  })
})

describe('accessibility and small screens', () => {
  beforeAll(async () => {
    await labelKey(harness.server, 'Audited label')
    await sendAsBot(harness.server, { firstName: 'Axe', consent: true })
    await until(async () => !!(await kept((k) => k.values.firstName === 'Axe')))
  })

  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no serious axe violation at ${width}px in ${colorScheme} on Spam and Labels and fields`, async () => {
        const { page, problems, close } = await spamPage({ width, colorScheme })
        await page.locator('ol.items summary').first().click()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)

        await page.goto(`${harness.server.base}/admin/#/labels`)
        await page.getByRole('row', { name: /Audited label/ }).waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        await page.getByRole('button', { name: 'Delete Audited label' }).click()
        await page.getByRole('dialog').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        await page.keyboard.press('Escape')
        expect(problems).toEqual([])
        await close()
      })
    }
  }
})
