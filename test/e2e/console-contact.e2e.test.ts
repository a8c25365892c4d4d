/**
 * End to end: the console's Contact page under `npm start`, in real Chromium — the timeline of a
 * real form submission, an edit of every part (and a stale one refused with a reload offered),
 * labels, a merge through its preview, a delete, and axe in light and dark at two widths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  adminApi,
  labelKey,
  pageOverflow,
  seedContacts,
  sendDemoForm,
  seriousViolations,
  signedIn,
  startHarness,
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

async function contactPage(id: string, options: Parameters<typeof signedIn>[1] = {}) {
  const opened = await signedIn(harness, { ...options, hash: `#/contacts/${id}` })
  await opened.page.getByRole('heading', { name: 'Timeline' }).waitFor()
  return opened
}

async function contactByEmail(email: string) {
  const { contacts } = await adminApi(harness.server, 'POST', '/contacts/v4/contacts/query', {
    query: { filter: { 'info.emails.email': email } },
  })
  return contacts[0]
}

describe('the contact page', () => {
  it('shows each submission: form, time, page, UTM, every value typed, and the consent given', async () => {
    const email = `timeline-${crypto.randomUUID().slice(0, 8)}@example.com`
    await sendDemoForm(
      harness.server,
      {
        email,
        firstName: 'Tia',
        message: 'Call me on Tuesday',
        interest: 'pricing',
        consent: true,
      },
      {
        pageUrl: 'https://www.example.com/pricing',
        utm: { source: 'newsletter', campaign: 'spring' },
      }
    )
    const contact = await contactByEmail(email)
    const { page, close } = await contactPage(contact.id)
    const timeline = page.getByRole('region', { name: 'Timeline' })
    await timeline.getByRole('heading', { name: 'Sent the form “Talk to us”' }).waitFor()
    const text = await timeline.innerText()
    for (const part of [
      'https://www.example.com/pricing',
      'source=newsletter, campaign=spring',
      'Call me on Tuesday',
      'pricing',
      'Tia',
      email,
      '“I agree to be contacted about my request.” (version 2026-11-01)',
      'Contact created',
    ])
      expect(text).toContain(part)
    await close()
  })

  it('edits names, emails, phones, addresses, company, job title and extended fields', async () => {
    await adminApi(harness.server, 'POST', '/contacts/v4/extended-fields', {
      displayName: 'Seats',
      dataType: 'NUMBER',
    })
    const [one] = await seedContacts(harness.server, 'edit', 1)
    const { page, close } = await contactPage(one!.id)
    await page.getByRole('button', { name: 'Edit: Details' }).click()
    await page.getByLabel('First name').fill('Edna')
    await page.getByLabel('Company').fill('Initech')
    await page.getByLabel('Job title').fill('Buyer')
    await page.getByRole('button', { name: 'Add an email' }).click()
    await page.getByLabel('Email 2', { exact: true }).fill('edna@work.example')
    await page.getByRole('radio', { name: 'Primary: Email 2' }).check()
    await page.getByRole('button', { name: 'Add a phone' }).click()
    await page.getByLabel('Phone 1', { exact: true }).fill('+1 213 373 4253')
    await page.getByRole('button', { name: 'Add an address' }).click()
    await page.getByLabel('City').fill('Springfield')
    await page.getByLabel('Country (2 letters)').last().fill('us')
    await page.getByLabel('Seats').fill('12')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.getByRole('heading', { name: 'Edna Test', level: 1 }).waitFor()

    const { contact } = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${one!.id}`)
    expect(contact).toMatchObject({
      revision: 2,
      primaryInfo: { email: 'edna@work.example', phone: '+1 213 373 4253' },
      info: {
        name: { first: 'Edna', last: 'Test' },
        company: 'Initech',
        jobTitle: 'Buyer',
        addresses: { items: [{ address: { city: 'Springfield', country: 'US' } }] },
        extendedFields: { items: { 'custom.seats': 12 } },
      },
    })
    expect(contact.info.emails.items.map((e: { email: string }) => e.email)).toEqual([
      one!.email,
      'edna@work.example',
    ])
    await close()
  })

  it('refuses an edit made on a stale copy, says so plainly and offers a reload', async () => {
    const [one] = await seedContacts(harness.server, 'stale', 1)
    const { page, close } = await contactPage(one!.id)
    await page.getByRole('button', { name: 'Edit: Details' }).click()
    await page.getByLabel('Company').fill('Mine')
    // Meanwhile, someone else changes the contact.
    await adminApi(harness.server, 'PATCH', `/contacts/v4/contacts/${one!.id}`, {
      revision: 1,
      info: { company: 'Theirs' },
    })
    await page.getByRole('button', { name: 'Save changes' }).click()
    const alert = page.getByRole('alert').filter({ hasText: 'Someone changed this contact' })
    await alert.waitFor()
    await alert.getByRole('button', { name: 'Reload' }).click()
    await page.getByRole('region', { name: 'Details' }).getByText('Theirs').waitFor()
    const { contact } = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${one!.id}`)
    expect(contact.info.company).toBe('Theirs')
    await close()
  })

  it('adds and removes a label', async () => {
    await labelKey(harness.server, 'Hot')
    const [one] = await seedContacts(harness.server, 'labels', 1)
    const { page, close } = await contactPage(one!.id)
    const labels = page.getByRole('region', { name: 'Labels' })
    await labels.getByLabel('Label', { exact: true }).selectOption({ label: 'Hot' })
    await labels.getByRole('button', { name: 'Add label' }).click()
    await labels.getByRole('button', { name: 'Remove the label Hot' }).waitFor()
    let { contact } = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${one!.id}`)
    expect(contact.info.labelKeys.items).toEqual(['custom.hot'])
    await labels.getByRole('button', { name: 'Remove the label Hot' }).click()
    await labels.getByText('No labels.').waitFor()
    ;({ contact } = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${one!.id}`))
    expect(contact.info.labelKeys.items).toEqual([])
    await close()
  })

  it('merges another contact after showing the preview', async () => {
    const [target, source] = await seedContacts(harness.server, 'merge', 2, {
      company: 'Merge Co',
    })
    const { page, close } = await contactPage(target!.id)
    await page.getByRole('button', { name: 'Merge…' }).click()
    const dialog = page.getByRole('dialog', { name: /^Merge other contacts into merge 01 Test/ })
    await dialog.getByLabel('Find contacts').fill('merge-')
    await dialog.getByRole('button', { name: 'Find' }).click()
    // The contact itself is not offered.
    await dialog.getByRole('checkbox', { name: /merge 02 Test/ }).check()
    expect(await dialog.getByRole('checkbox', { name: /merge 01 Test/ }).count()).toBe(0)
    await dialog.getByRole('button', { name: 'Preview the merge' }).click()
    const preview = dialog.getByRole('heading', { name: 'After the merge' })
    await preview.waitFor()
    expect(await dialog.innerText()).toContain(`${target!.email}, ${source!.email}`)
    // Nothing is stored by the preview.
    const before = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${source!.id}`)
    expect(before).toMatchObject({ responseType: 'REGULAR', contact: { id: source!.id } })
    await dialog.getByRole('button', { name: 'Merge 1 contact' }).click()
    await page.getByRole('status').filter({ hasText: 'Merged.' }).waitFor()
    await page.getByRole('region', { name: 'Details' }).getByText(source!.email).waitFor()
    const after = await adminApi(harness.server, 'GET', `/contacts/v4/contacts/${source!.id}`)
    expect(after).toMatchObject({ responseType: 'MERGED', contact: { id: target!.id } })
    await close()
  })

  it('deletes after a confirm that says what deletion erases', async () => {
    const email = `delete-${crypto.randomUUID().slice(0, 8)}@example.com`
    await sendDemoForm(harness.server, { email, firstName: 'Del', consent: true })
    const contact = await contactByEmail(email)
    const { page, close } = await contactPage(contact.id)
    await page.getByRole('button', { name: 'Delete…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete Del?' })
    const text = await dialog.innerText()
    expect(text).toContain('values and page context of its one submission')
    expect(text).toContain('cannot be undone')
    // Cancel has the focus first: Enter alone deletes nothing.
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'hidden' })
    await page.getByRole('button', { name: 'Delete…' }).click()
    await dialog.getByRole('button', { name: 'Delete contact' }).click()
    await page.getByText('The contact was deleted.').waitFor()
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor()
    const res = await fetch(`${harness.server.base}/contacts/v4/contacts/${contact.id}`, {
      headers: { Authorization: harness.server.adminKey },
    })
    expect(res.status).toBe(404)
    const { submissions } = await adminApi(harness.server, 'GET', `/v1/submissions?formId=demo`)
    expect(
      submissions.find((s: { contactId: string }) => s.contactId === contact.id)
    ).toMatchObject({
      erased: true,
      values: {},
    })
    await close()
  })
})

describe('accessibility and small screens', () => {
  let id: string

  beforeAll(async () => {
    const email = `axe-${crypto.randomUUID().slice(0, 8)}@example.com`
    await labelKey(harness.server, 'Audited')
    await sendDemoForm(
      harness.server,
      { email, firstName: 'Axel', lastName: 'Audit', consent: true },
      { pageUrl: 'https://www.example.com/a-rather-long-page-address/that-might-overflow?x=1' }
    )
    id = (await contactByEmail(email)).id
    await adminApi(harness.server, 'POST', `/contacts/v4/contacts/${id}/labels`, {
      labelKeys: ['custom.audited'],
    })
  })

  for (const width of [1280, 390]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      it(`has no serious axe violation at ${width}px in ${colorScheme}, reading and editing`, async () => {
        const { page, problems, close } = await contactPage(id, { width, colorScheme })
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        await page.getByRole('button', { name: 'Edit: Details' }).click()
        await page.getByRole('button', { name: 'Save changes' }).waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(await pageOverflow(page)).toBe(0)
        await page.getByRole('button', { name: 'Merge…' }).click()
        await page.getByRole('dialog').waitFor()
        expect(await seriousViolations(page)).toEqual([])
        expect(problems).toEqual([])
        await close()
      })
    }
  }
})
