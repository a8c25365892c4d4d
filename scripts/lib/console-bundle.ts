/**
 * Builds the owner console (console/, Lit included) into dist/public/admin: its page and one
 * minified ES module. The worker serves them as static assets at /admin/ (see `_headers` in
 * ./widget-bundle.ts for their Content-Security-Policy).
 */
import { build } from 'esbuild'
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { PUBLIC_DIR } from './widget-bundle.ts'
import type { BundleSize } from './widget-bundle.ts'

export const CONSOLE_DIR = `${PUBLIC_DIR}/admin`
/**
 * The console's size budget, gzipped, Lit included: its nine pages (sign-in, Contacts, Contact,
 * Inbox, Spam, Labels and fields, Webhooks, Forms, Import) take about 39.4 KB. It never adds to the
 * widget's bundle.
 */
export const CONSOLE_BUDGET_GZIP_BYTES = 40 * 1024

/** Bundles the console; with `write`, also lays out dist/public/admin. Returns the bundle's sizes. */
export async function buildConsole({ write }: { write: boolean }): Promise<BundleSize> {
  const result = await build({
    entryPoints: ['console/main.ts'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    tsconfig: 'console/tsconfig.json',
    write: false,
    outfile: `${CONSOLE_DIR}/console.js`,
  })
  // As for the widget: real line breaks survive minifying only inside template literals (Lit
  // templates and the CSS), where a line break and its indentation mean no more than one space.
  const code = new TextEncoder().encode(
    result.outputFiles[0]!.text.trimEnd().replace(/\n\s*/g, ' ') + '\n'
  )
  if (write) {
    mkdirSync(CONSOLE_DIR, { recursive: true })
    writeFileSync(`${CONSOLE_DIR}/console.js`, code)
    copyFileSync('console/index.html', `${CONSOLE_DIR}/index.html`)
  }
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}
