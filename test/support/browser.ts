/**
 * Chromium for the end-to-end tests (Debian's, driven by playwright-core), a server under
 * `npm start` beside it, and axe-core's source to run in their pages.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll } from 'vitest'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/lib/ensure-chromium.ts'
import { startDevServer } from './dev-server.ts'
import type { DevServer } from './dev-server.ts'

/** axe-core, to evaluate in a page (`page.evaluate(AXE_SOURCE)`, then `axe.run`). */
export const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8'
)

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/**
 * Starts a server and Chromium before the file's tests and stops both after them. The answer's
 * `server` and `browser` are set once the tests run.
 */
export function serverAndBrowser(start: () => Promise<DevServer> = () => startDevServer()) {
  const both = {} as { server: DevServer; browser: Browser }
  beforeAll(async () => {
    ;[both.server, both.browser] = await Promise.all([start(), launchChromium()])
  })
  afterAll(async () => {
    await both.browser?.close()
    both.server?.stop()
  })
  return both
}
