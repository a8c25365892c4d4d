/**
 * End to end: the demo page served by `npm start`, in real Chromium (playwright-core) at a desktop
 * and a phone width, in light and dark mode, audited whole by axe under the page's own CSP; and
 * the embed snippet's form module (the definition handed to the widget, no request for it), with
 * the old two-line snippet beside it.
 */
import type { Page, Response } from 'playwright-core'
import type { AxeResults } from 'axe-core'
import { describe, expect, it } from 'vitest'
import { AXE_SOURCE, serverAndBrowser } from '../support/browser.ts'
import { findContacts } from '../support/dev-server.ts'

const both = serverAndBrowser()

const WIDGET_PRELOAD = /<link rel="modulepreload" href="\/contact-form.js"[^>]*>/
const FORM_MODULE = '<script type="module" src="/v1/forms/demo.js"></script>'
const WIDGET_SCRIPT = '<script type="module" src="/contact-form.js"></script>'

/** The definition a form's module hands the widget (`widget.provide?.({...})`). */
async function providedDefinition(module: Response): Promise<{ token: string }> {
  const provided = /^widget\.provide\?\.\((.*)\)$/m.exec(await module.text())
  expect(provided, 'the module provides a definition').not.toBeNull()
  return JSON.parse(provided![1]!) as { token: string }
}

/**
 * The page with its form rendered, every console error and failed request it caused, and the
 * answers to its requests for the form's definition and for the form's module. `rewrite` changes
 * the page's HTML as served, `rewriteWidget` the widget's script.
 */
async function open(
  width: number,
  colorScheme: 'light' | 'dark',
  rewrite?: (html: string) => string,
  rewriteWidget?: (js: string) => string
) {
  const context = await both.browser.newContext({ viewport: { width, height: 900 }, colorScheme })
  const page = await context.newPage()
  const problems: string[] = []
  const definitions: Response[] = []
  const modules: Response[] = []
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`)
    if (new URL(r.url()).pathname === '/v1/forms/demo') definitions.push(r)
    if (new URL(r.url()).pathname === '/v1/forms/demo.js') modules.push(r)
  })
  await page.addInitScript(countLayoutShifts)
  if (rewriteWidget) {
    await page.route(`${both.server.base}/contact-form.js`, async (route) => {
      const response = await route.fetch()
      await route.fulfill({ response, body: rewriteWidget(await response.text()) })
    })
  }
  if (rewrite) {
    await page.route(`${both.server.base}/`, async (route) => {
      const response = await route.fetch()
      await route.fulfill({ response, body: rewrite(await response.text()) })
    })
  }
  await page.goto(`${both.server.base}/`)
  await page.locator('contact-form form.cf-form').first().waitFor()
  await page.waitForLoadState('networkidle')
  return { page, problems, definitions, modules, close: () => context.close() }
}

/** In the page, before its scripts: sums its layout shifts as CLS does (those not caused by input). */
function countLayoutShifts() {
  const page = window as unknown as { layoutShift: number }
  page.layoutShift = 0
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & LayoutShiftFields)[])
      if (!e.hadRecentInput) page.layoutShift += e.value
  }).observe({ type: 'layout-shift', buffered: true })
}

interface LayoutShiftFields {
  value: number
  hadRecentInput: boolean
}

const layoutShift = (page: Page) =>
  page.evaluate(() => (window as unknown as { layoutShift: number }).layoutShift)

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
    expect(await page.locator('#snippet').textContent()).toBe(
      [
        `<link rel="modulepreload" href="${both.server.base}/contact-form.js">`,
        `<script type="module" src="${both.server.base}/v1/forms/demo.js"></script>`,
        '<contact-form form="demo"></contact-form>',
      ].join('\n')
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

describe('the form definition', () => {
  it("comes in the form's module, beside the widget script, and its render token is accepted", async () => {
    const { page, problems, definitions, modules, close } = await open(390, 'light')
    // The module's definition serves the widget: no request for it (nor a second token).
    expect(modules).toHaveLength(1)
    expect(definitions).toHaveLength(0)
    expect(modules[0]!.headers()['cache-control']).toBe('no-store')
    const { token } = await providedDefinition(modules[0]!)
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/)
    const order = await page.evaluate(() => {
      const entry = (path: string) =>
        performance
          .getEntriesByType('resource')
          .find((e) => new URL(e.name).pathname === path) as PerformanceResourceTiming
      return {
        moduleEnd: entry('/v1/forms/demo.js').responseEnd,
        scriptStart: entry('/contact-form.js').startTime,
        scripts: performance
          .getEntriesByType('resource')
          .filter((e) => new URL(e.name).pathname === '/contact-form.js').length,
      }
    })
    // The page's modulepreload asked for the widget before the module had even arrived (not the
    // module's import after it), and the module's import took that one copy.
    expect(order.scriptStart).toBeLessThan(order.moduleEnd)
    expect(order.scripts).toBe(1)
    // Nothing moved while the form arrived.
    expect(await layoutShift(page)).toBe(0)

    const email = `module-${Date.now()}@example.com`
    const form = page.locator('contact-form form.cf-form')
    await form.getByLabel('Email').fill(email)
    await form.getByLabel('I agree to be contacted about my request.').check()
    // A person takes a few seconds; the worker refuses forms sent faster than 2 s after serving.
    await page.waitForTimeout(2100)
    await form.getByRole('button', { name: 'Send' }).click()
    await page.locator('contact-form .cf-success').waitFor()
    expect(problems).toEqual([])
    await close()
    // A contact, not the spam folder: the module's token was good.
    expect(await findContacts(both.server, email)).toHaveLength(1)
  })

  it('loads from the old two-line snippet, without the module, all the same', async () => {
    const { page, problems, definitions, modules, close } = await open(390, 'light', (html) =>
      html.replace(WIDGET_PRELOAD, '').replace(FORM_MODULE, WIDGET_SCRIPT)
    )
    expect(await page.locator('link[rel="modulepreload"]').count()).toBe(0)
    expect(modules).toHaveLength(0)
    expect(await page.locator('contact-form form.cf-form').getByLabel('Email').isEnabled()).toBe(
      true
    )
    expect(definitions).toHaveLength(1)
    expect(await layoutShift(page)).toBe(0)
    expect(problems).toEqual([])
    await close()
  })

  it('loads from the earlier three-line snippet, with its preload of the definition', async () => {
    const definitionPreload = '<link rel="preload" href="/v1/forms/demo" as="fetch" crossorigin>'
    const { page, problems, definitions, modules, close } = await open(390, 'light', (html) =>
      html.replace(WIDGET_PRELOAD, definitionPreload).replace(FORM_MODULE, WIDGET_SCRIPT)
    )
    expect(modules).toHaveLength(0)
    // The widget took the preloaded answer: one request for the definition, not two.
    expect(definitions).toHaveLength(1)
    expect(await page.locator('contact-form form.cf-form').getByLabel('Email').isEnabled()).toBe(
      true
    )
    expect(problems).toEqual([])
    await close()
  })

  it("works with a cached widget from before the form's module (no `provide`)", async () => {
    const withoutProvide = (js: string) => {
      const older = js.replace(/,\w+ as provide\}/, '}')
      expect(older).not.toBe(js)
      return older
    }
    const { page, problems, definitions, modules, close } = await open(
      390,
      'light',
      undefined,
      withoutProvide
    )
    // The module still loads; the older widget asks for the definition itself.
    expect(modules).toHaveLength(1)
    expect(definitions).toHaveLength(1)
    expect(await page.locator('contact-form form.cf-form').getByLabel('Email').isEnabled()).toBe(
      true
    )
    expect(problems).toEqual([])
    await close()
  })

  it('gives a second form on the page a token of its own', async () => {
    const { page, problems, definitions, modules, close } = await open(390, 'light', (html) =>
      html.replace('</main>', '<contact-form form="demo"></contact-form></main>')
    )
    await page.locator('contact-form form.cf-form').nth(1).waitFor()
    // The module's definition serves the first; the second asks for its own.
    expect(modules).toHaveLength(1)
    expect(definitions).toHaveLength(1)
    const tokens = [
      (await providedDefinition(modules[0]!)).token,
      ((await definitions[0]!.json()) as { token: string }).token,
    ]
    expect(new Set(tokens).size).toBe(2)
    expect(problems).toEqual([])
    await close()
  })
})
