/**
 * The visitor scenario of `npm run bench`: how soon a first-time visitor on a slow connection and
 * a slow phone can type into the demo form, with the embed snippet as documented (the form's
 * module, which hands the widget its definition, loaded beside the widget's script) against the
 * two-line snippet (the widget's script, which asks for the definition once it has run). Chromium with 400 ms round
 * trips, 500 kbit/s each way, the CPU 4× slower and a phone's screen (390 × 844); each variant
 * loaded in a fresh profile (nothing cached), alternately. Also the page's layout shift (CLS).
 *
 * Runs alone with `BENCH_ONLY=visitor npm run bench`.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './ensure-chromium.ts'
import { withLocalBin } from './run.ts'
import { buildWidget, PUBLIC_DIR } from './widget-bundle.ts'
import { freePort } from './free-port.ts'

const RUNS = Number(process.env.BENCH_VISITOR_RUNS ?? 5)
/** CDP's figures: latency in ms (added to each request, as a round trip), throughput in bytes/s. */
const NETWORK = {
  offline: false,
  latency: 400,
  downloadThroughput: 62_500,
  uploadThroughput: 62_500,
}
const CPU_SLOWDOWN = 4
const PHONE = { width: 390, height: 844 }
const TARGET_RATIO = 0.75

/** The demo page's embed snippet: the widget preloaded as a module, and the form's module. */
const WIDGET_PRELOAD = /^[ \t]*<link rel="modulepreload" href="\/contact-form.js"[^>]*>\n/m
const FORM_MODULE = '<script type="module" src="/v1/forms/demo.js"></script>'
const WIDGET_SCRIPT = '<script type="module" src="/contact-form.js"></script>'

/**
 * Put into each page before its own scripts: records when the widget's first input is in the
 * page and enabled (ms from the start of navigation), and sums the layout shifts not caused by
 * input. Text, not a function: the scripts are type-checked without the DOM's types.
 */
const PROBE = `{
  window.__visitor = { interactiveMs: undefined, cls: 0 }
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__visitor.cls += e.value
  }).observe({ type: 'layout-shift', buffered: true })
  const observer = new MutationObserver(() => {
    if (document.querySelector('contact-form form.cf-form input:not([disabled])')) {
      window.__visitor.interactiveMs = performance.now()
      observer.disconnect()
    }
  })
  observer.observe(document, { childList: true, subtree: true })
}`

interface Visit {
  interactiveMs: number
  cls: number
  /** Requests for the definition (GET /v1/forms/demo), the form's module and the widget. */
  definitionRequests: number
  moduleRequests: number
  widgetRequests: number
  /** Whether the widget was asked for before the module had arrived (the preload, not the import). */
  widgetBeforeModule: boolean
}

type Variant = 'snippet' | 'two-step'

/**
 * The demo page as built, and beside it at /two-step/ the same page with the two-line snippet:
 * the widget's script in place of the form's module, and no preload.
 */
async function pages(): Promise<string> {
  await buildWidget({ write: true })
  const dir = mkdtempSync(join(tmpdir(), 'bench-visitor-assets-'))
  cpSync(PUBLIC_DIR, dir, { recursive: true })
  const page = readFileSync(join(dir, 'index.html'), 'utf8')
  if (!WIDGET_PRELOAD.test(page) || !page.includes(FORM_MODULE))
    throw new Error(`${PUBLIC_DIR}/index.html lacks the embed snippet's preload or form module`)
  mkdirSync(join(dir, 'two-step'))
  const twoStep = page.replace(WIDGET_PRELOAD, '').replace(FORM_MODULE, WIDGET_SCRIPT)
  writeFileSync(join(dir, 'two-step', 'index.html'), twoStep)
  return dir
}

async function serve(assets: string, state: string, port: number): Promise<ChildProcess> {
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', state]
  // A signing key for the render tokens; the bench never submits.
  args.push('--assets', assets, '--var', 'ADMIN_API_KEY:bench-visitor')
  const child = spawn('wrangler', args, {
    env: { ...withLocalBin(), WRANGLER_SEND_METRICS: 'false' },
    stdio: 'ignore',
    detached: true,
  })
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  stop(child)
  throw new Error('wrangler dev did not start for the visitor scenario')
}

function stop(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGTERM')
  } catch {
    // gone
  }
}

async function visit(browser: Browser, url: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: PHONE })
  try {
    const page = await context.newPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', NETWORK)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
    let definitionRequests = 0
    let moduleRequests = 0
    let widgetRequests = 0
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname
      if (path === '/v1/forms/demo') definitionRequests++
      if (path === '/v1/forms/demo.js') moduleRequests++
      if (path === '/contact-form.js') widgetRequests++
    })
    await page.addInitScript({ content: PROBE })
    await page.goto(url)
    await page.waitForFunction('window.__visitor.interactiveMs !== undefined', null, {
      timeout: 60_000,
    })
    // Shifts come with rendering: count those up to the moment nothing more loads.
    await page.waitForLoadState('networkidle')
    const seen = (await page.evaluate(`({
      ...window.__visitor,
      moduleEnd: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/v1/forms/demo.js'))?.responseEnd,
      widgetStart: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/contact-form.js'))?.startTime,
    })`)) as { interactiveMs: number; cls: number; moduleEnd?: number; widgetStart: number }
    return {
      interactiveMs: seen.interactiveMs,
      cls: seen.cls,
      definitionRequests,
      moduleRequests,
      widgetRequests,
      widgetBeforeModule: seen.moduleEnd !== undefined && seen.widgetStart < seen.moduleEnd,
    }
  } finally {
    await context.close()
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const seconds = (ms: number) => (ms / 1000).toFixed(2)

/**
 * Runs the scenario: `RUNS` visits of each page, alternating which goes first. Answers a row of
 * the bench's measures table (measure | value | target).
 */
export async function visitorBench(): Promise<string> {
  if (!(await ensureChromium()))
    return `| visitor: demo form interactive | not measured: no Chromium at ${CHROMIUM_PATH} | – |`
  const assets = await pages()
  const state = mkdtempSync(join(tmpdir(), 'bench-visitor-state-'))
  const port = await freePort()
  const server = await serve(assets, state, port)
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  const visits: Record<Variant, Visit[]> = { snippet: [], 'two-step': [] }
  try {
    const urls: Record<Variant, string> = {
      snippet: `http://127.0.0.1:${port}/`,
      'two-step': `http://127.0.0.1:${port}/two-step/`,
    }
    for (let i = 0; i < RUNS; i++) {
      const order: Variant[] = i % 2 ? ['two-step', 'snippet'] : ['snippet', 'two-step']
      for (const variant of order) visits[variant].push(await visit(browser, urls[variant]))
      console.error(
        `visitor ${i + 1}/${RUNS}: interactive with the embed snippet ${seconds(visits.snippet[i]!.interactiveMs)} s, two-step ${seconds(visits['two-step'][i]!.interactiveMs)} s`
      )
    }
  } finally {
    await browser.close()
    stop(server)
    rmSync(assets, { recursive: true, force: true })
    rmSync(state, { recursive: true, force: true })
  }
  return visitorRow(visits)
}

function visitorRow(visits: Record<Variant, Visit[]>): string {
  const times = (v: Variant) => visits[v].map((x) => x.interactiveMs)
  const spread = (v: Variant) =>
    `${seconds(Math.min(...times(v)))}–${seconds(Math.max(...times(v)))}`
  const snippet = median(times('snippet'))
  const twoStep = median(times('two-step'))
  const ratio = snippet / twoStep
  const cls = Math.max(...visits.snippet.map((v) => v.cls))
  const clsTwoStep = Math.max(...visits['two-step'].map((v) => v.cls))
  // The snippet counts only if it worked as documented: the widget preloaded beside the module
  // (asked for before the module arrived, once), and its definition taken from the module.
  const used = visits.snippet.every(
    (v) =>
      v.moduleRequests === 1 &&
      v.widgetRequests === 1 &&
      v.widgetBeforeModule &&
      v.definitionRequests === 0
  )
  const met = ratio <= TARGET_RATIO && cls === 0 && used
  return (
    `| visitor: demo form interactive, first visit, Chromium at 400 ms RTT, 500 kbit/s, 4× CPU; median of ${RUNS} (range), ` +
    `embed snippet (form module beside the widget) ÷ two-step (script, then definition) | ` +
    `${seconds(snippet)} s (${spread('snippet')}) ÷ ${seconds(twoStep)} s (${spread('two-step')}) = ${ratio.toFixed(2)}; ` +
    `CLS (worst run) ${cls.toFixed(3)} / ${clsTwoStep.toFixed(3)}${used ? '' : "; **the form's module was not used**"} | ` +
    `≤ ${TARGET_RATIO} × two-step, CLS 0: ${met ? 'met' : '**missed**'} |`
  )
}
