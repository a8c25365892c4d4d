/**
 * The form is readable on the page it sits in, whatever colour scheme the visitor's OS prefers:
 * by default it takes the page's text colour; `theme="light|dark"` fixes the text colour and the
 * native controls' scheme.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing'
import { emulateMedia } from '@web/test-runner-commands'
import type { AxeResults, RunOptions } from 'axe-core'
import 'axe-core/axe.min.js'
import '../../widget/contact-form.ts'
import type { ContactForm } from '../../widget/contact-form.ts'
import { ENDPOINT, stubWorker } from './helpers.ts'

declare global {
  interface Window {
    axe: { run: (context: Element, options: RunOptions) => Promise<AxeResults> }
  }
}

/**
 * Styles of the page's root element: what a site paints, and whether it declares its scheme.
 * axe does not see the dark canvas that `color-scheme: dark` alone gives a page, so that page
 * paints it (`Canvas`) explicitly; it looks the same.
 */
const PAGES = {
  'a light page': '',
  'a dark page that declares color-scheme: dark': 'color-scheme: dark; background: Canvas',
  'a dark page that does not declare color-scheme': 'background: #10141f; color: #e3e6ec',
}

let worker: ReturnType<typeof stubWorker>

afterEach(async () => {
  worker?.restore()
  document.documentElement.removeAttribute('style')
  await emulateMedia({ colorScheme: 'light' })
})

/** The form with its errors showing, so that error texts and marks are audited too. */
async function renderInvalid(theme?: string) {
  worker = stubWorker()
  const el = await fixture<ContactForm>(
    html`<contact-form form="demo" endpoint=${ENDPOINT} theme=${theme ?? 'auto'}></contact-form>`
  )
  await waitUntil(() => el.querySelector('form'), 'the form did not render')
  el.querySelector<HTMLButtonElement>('.cf-submit')!.click()
  await waitUntil(() => el.querySelector('.cf-error:not(:empty)'), 'no error showed')
  return el
}

/** Text that fails axe's contrast check, and how many texts it checked. */
async function contrast(el: Element) {
  const results = await window.axe.run(el, { runOnly: ['color-contrast'] })
  const nodes = (kind: 'violations' | 'passes' | 'incomplete') =>
    results[kind].flatMap((rule) => rule.nodes.map((node) => `${node.target}`))
  return { failing: nodes('violations'), unsure: nodes('incomplete'), passing: nodes('passes') }
}

for (const os of ['light', 'dark'] as const) {
  describe(`<contact-form> colours, with the OS in ${os} mode`, () => {
    for (const [page, style] of Object.entries(PAGES)) {
      it(`are readable on ${page}`, async () => {
        await emulateMedia({ colorScheme: os })
        document.documentElement.setAttribute('style', style)
        const el = await renderInvalid()
        const { failing, unsure, passing } = await contrast(el)
        expect(failing).to.deep.equal([])
        expect(unsure).to.deep.equal([])
        // The title, description, labels, errors, consent text and button were all measured.
        expect(passing.length).to.be.greaterThan(10)
        await expect(el).to.be.accessible()
      })

      it(`has status lines of every kind readable on ${page}`, async () => {
        await emulateMedia({ colorScheme: os })
        document.documentElement.setAttribute('style', style)
        const el = await renderInvalid()
        // A copy beside the element's own line, which Lit keeps: the same rules, any kind.
        const status = el.querySelector('.cf-status')!.cloneNode() as HTMLElement
        el.querySelector('.cf-root')!.append(status)
        for (const kind of ['error', 'offline', 'sending', 'notice']) {
          status.dataset.kind = kind
          status.textContent = `A ${kind} message`
          const { failing, passing } = await contrast(status)
          expect(failing, kind).to.deep.equal([])
          expect(passing.length, kind).to.equal(1)
        }
      })
    }

    it('follows theme="dark" on a dark page whose text colour is dark', async () => {
      await emulateMedia({ colorScheme: os })
      document.documentElement.setAttribute('style', 'background: #10141f; color: #1d2433')
      const el = await renderInvalid('dark')
      expect((await contrast(el)).failing).to.deep.equal([])
      expect(getComputedStyle(el.querySelector('.cf-input')!).colorScheme).to.equal('dark')
    })

    it('follows theme="light" on a light page whose text colour is light', async () => {
      await emulateMedia({ colorScheme: os })
      document.documentElement.setAttribute('style', 'background: #ffffff; color: #e3e6ec')
      const el = await renderInvalid('light')
      expect((await contrast(el)).failing).to.deep.equal([])
      expect(getComputedStyle(el.querySelector('.cf-input')!).colorScheme).to.equal('light')
    })
  })
}

describe('<contact-form> colour custom properties', () => {
  it('still win over the theme', async () => {
    const el = await renderInvalid('dark')
    el.style.setProperty('--contact-form-color', 'rgb(1, 2, 3)')
    el.style.setProperty('--contact-form-input-background', 'rgb(4, 5, 6)')
    el.style.setProperty('--contact-form-border', 'rgb(7, 8, 9)')
    el.style.setProperty('--contact-form-error', 'rgb(10, 11, 12)')
    const input = getComputedStyle(el.querySelector('.cf-input')!)
    expect(getComputedStyle(el.querySelector('.cf-title')!).color).to.equal('rgb(1, 2, 3)')
    expect(input.backgroundColor).to.equal('rgb(4, 5, 6)')
    expect(
      getComputedStyle(el.querySelector('.cf-input:not([aria-invalid="true"])')!).borderColor
    ).to.equal('rgb(7, 8, 9)')
    expect(getComputedStyle(el.querySelector('.cf-error')!).color).to.equal('rgb(10, 11, 12)')
  })
})
