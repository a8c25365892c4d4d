/**
 * Builds the `<contact-form>` bundle (one minified ES module, Lit included) and the demo page
 * into dist/public, which the worker serves as static assets.
 */
import { build, transform } from 'esbuild'
import type { Plugin } from 'esbuild'
import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

export const PUBLIC_DIR = 'dist/public'
/** The size budget for the bundle, gzipped, Lit included. */
export const BUDGET_GZIP_BYTES = 12 * 1024

/**
 * Headers of the static files (Workers static assets read `_headers`). A module script from
 * another origin is fetched with CORS, hence the bundle's Access-Control-Allow-Origin. The owner
 * console (/admin/) runs only its own script, is never framed, sends its address to no other
 * site, and its page is never cached (a signed-out browser must not show it from a cache).
 */
const STATIC_HEADERS = `/*
  X-Content-Type-Options: nosniff
  Referrer-Policy: strict-origin-when-cross-origin
/contact-form.js
  Access-Control-Allow-Origin: *
  Cache-Control: public, max-age=300, stale-while-revalidate=86400
/
  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'
  X-Frame-Options: DENY
/favicon.svg
  Cache-Control: public, max-age=86400
/admin/*
  Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'
  X-Frame-Options: DENY
  ! Referrer-Policy
  Referrer-Policy: same-origin
/admin/
  Cache-Control: no-store
`

/** Tools and browsers that do not read `<link rel="icon">` ask for /favicon.ico. */
const STATIC_REDIRECTS = `/favicon.ico /favicon.svg 301
`

export interface BundleSize {
  minified: number
  gzipped: number
}

/** The element's stylesheet, as its module writes it: readable CSS in a template literal. */
const ELEMENT_CSS = /^const CSS = `([^`$]*)`$/m

/**
 * Minifies the element's stylesheet with esbuild's CSS minifier as the bundle is built: the
 * source stays readable, and the bytes saved (about 50 gzipped) keep the bundle in its budget.
 */
const minifyElementCss: Plugin = {
  name: 'minify-element-css',
  setup(build) {
    build.onLoad({ filter: /[\\/]widget[\\/]contact-form\.styles\.ts$/ }, async ({ path }) => {
      const source = readFileSync(path, 'utf8')
      const css = ELEMENT_CSS.exec(source)?.[1]
      if (css === undefined) throw new Error(`${path} has no \`const CSS = \`…\`\` to minify`)
      const { code, warnings } = await transform(css, { loader: 'css', minify: true })
      // A rule esbuild cannot read would reach visitors unnoticed: the build stops instead.
      if (warnings.length) throw new Error(`${path}: ${warnings.map((w) => w.text).join('; ')}`)
      return {
        contents: source.replace(ELEMENT_CSS, () => `const CSS = ${JSON.stringify(code.trim())}`),
        loader: 'ts',
      }
    })
  },
}

/** Bundles the widget; with `write`, also lays out dist/public. Returns the bundle's sizes. */
export async function buildWidget({ write }: { write: boolean }): Promise<BundleSize> {
  const result = await build({
    entryPoints: ['widget/contact-form.ts'],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    tsconfig: 'widget/tsconfig.json',
    write: false,
    outfile: `${PUBLIC_DIR}/contact-form.js`,
    plugins: [minifyElementCss],
  })
  // Minified code has real line breaks only inside template literals (Lit templates and the CSS),
  // where a line break and its indentation mean no more than one space.
  const code = new TextEncoder().encode(
    result.outputFiles[0]!.text.trimEnd().replace(/\n\s*/g, ' ') + '\n'
  )
  if (write) {
    mkdirSync(PUBLIC_DIR, { recursive: true })
    writeFileSync(`${PUBLIC_DIR}/contact-form.js`, code)
    for (const file of ['index.html', 'demo.js', 'favicon.svg'])
      copyFileSync(`widget/demo/${file}`, `${PUBLIC_DIR}/${file}`)
    writeFileSync(`${PUBLIC_DIR}/_headers`, STATIC_HEADERS)
    writeFileSync(`${PUBLIC_DIR}/_redirects`, STATIC_REDIRECTS)
  }
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength }
}
