/**
 * End to end: the demo page served by `npm start`, in real Chromium (playwright-core) at a desktop
 * and a phone width, in light and dark mode, audited whole by axe under the page's own CSP.
 */
import type { Page } from 'playwright-core'
import type { AxeResults } from 'axe-core'
import { describe, expect, it } from 'vitest'
import { AXE_SOURCE, serverAndBrowser } from '../support/browser.ts'

const both = serverAndBrowser()

/** The page with its form rendered, and every console error and failed request it caused. */
async function open(width: number, colorScheme: 'light' | 'dark') {
  const context = await both.browser.newContext({ viewport: { width, height: 900 }, colorScheme })
  const page = await context.newPage()
  const problems: string[] = []
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`))
  await page.goto(`${both.server.base}/`)
  await page.locator('contact-form form.cf-form').waitFor()
  await page.waitForLoadState('networkidle')
  return { page, problems, close: () => context.close() }
}

/** axe on the whole page; evaluated by the test harness, so the page's CSP stays as served. */
async function audit(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run: () => Promise<AxeResults> } }).axe.run()
  )
  return results.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target}`))
}

describe('the demo page', () => {
  for (const width of [1280, 390]) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`passes an axe audit at ${width}px in ${scheme} mode, with nothing failing to load`, async () => {
        const { page, problems, close } = await open(width, scheme)
        expect(await audit(page)).toEqual([])
        expect(problems).toEqual([])
        // Readable at a phone's width: nothing makes the page scroll sideways.
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth
        )
        expect(overflow).toBe(0)
        await close()
      })
    }
  }

  it('reads as a product page: a title, a main landmark, the form before the embed snippet', async () => {
    const { page, close } = await open(1280, 'light')
    expect(await page.title()).not.toBe('contact-capture demo')
    expect(await page.title()).not.toBe('')
    expect(await page.getByRole('main').count()).toBe(1)
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1)
    const formFirst = await page.evaluate(() => {
      const form = document.querySelector('contact-form')!
      const snippet = document.getElementById('snippet')!
      return Boolean(form.compareDocumentPosition(snippet) & Node.DOCUMENT_POSITION_FOLLOWING)
    })
    expect(formFirst).toBe(true)
    // The snippet names this worker's real address.
    expect(await page.locator('#snippet').textContent()).toContain(
      `src="${both.server.base}/contact-form.js"`
    )
    await close()
  })

  it('has an icon, also at /favicon.ico', async () => {
    const { page, close } = await open(1280, 'light')
    const icon = await page.evaluate(
      () => document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href
    )
    await close()
    expect(icon).toBeTruthy()
    for (const path of [icon!, '/favicon.ico']) {
      const res = await fetch(new URL(path, both.server.base))
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toMatch(/^image\//)
    }
  })
})
