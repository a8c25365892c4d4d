/** `npm run size`: the production bundle's minified and gzipped size, against the budget. */
import { BUDGET_GZIP_BYTES, buildWidget } from './lib/widget-bundle.ts'

const { minified, gzipped } = await buildWidget({ write: false })
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
console.log(
  `contact-form.js  minified ${minified} B (${kb(minified)})  gzipped ${gzipped} B (${kb(gzipped)})`
)
console.log(
  `budget ${BUDGET_GZIP_BYTES} B gzipped: ${gzipped <= BUDGET_GZIP_BYTES ? 'within' : 'OVER'}`
)
process.exit(gzipped <= BUDGET_GZIP_BYTES ? 0 : 1)
