/**
 * `npm run size`: the widget bundle's, the owner console's and the worker bundle's size, minified
 * and gzipped, against their budgets.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { CONSOLE_BUDGET_GZIP_BYTES, buildConsole } from './lib/console-bundle.ts'
import { withLocalBin } from './lib/run.ts'
import { BUDGET_GZIP_BYTES, buildWidget } from './lib/widget-bundle.ts'

const WORKER_BUDGET_GZIP_BYTES = 120 * 1024
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`

// Written, not only measured: the worker's dry-run deploy below needs dist/public for its assets.
const widget = await buildWidget({ write: true })
console.log(
  `contact-form.js  minified ${widget.minified} B (${kb(widget.minified)})  gzipped ${widget.gzipped} B (${kb(widget.gzipped)})`
)
console.log(
  `budget ${BUDGET_GZIP_BYTES} B gzipped: ${widget.gzipped <= BUDGET_GZIP_BYTES ? 'within' : 'OVER'}`
)

const admin = await buildConsole({ write: true })
console.log(
  `admin/console.js  minified ${admin.minified} B (${kb(admin.minified)})  gzipped ${admin.gzipped} B (${kb(admin.gzipped)})`
)
console.log(
  `budget ${CONSOLE_BUDGET_GZIP_BYTES} B gzipped: ${admin.gzipped <= CONSOLE_BUDGET_GZIP_BYTES ? 'within' : 'OVER'}`
)

// What `wrangler deploy` would upload, built without uploading.
const out = mkdtempSync(join(tmpdir(), 'worker-bundle-'))
const dry = spawnSync('wrangler', ['deploy', '--dry-run', '--outdir', out], {
  env: withLocalBin(),
  encoding: 'utf8',
})
if (dry.status !== 0) {
  console.error(dry.stderr)
  process.exit(1)
}
const worker = readFileSync(join(out, 'index.js'))
const workerGzip = gzipSync(worker, { level: 9 }).byteLength
rmSync(out, { recursive: true, force: true })
console.log(
  `worker index.js  minified ${worker.byteLength} B (${kb(worker.byteLength)})  gzipped ${workerGzip} B (${kb(workerGzip)})`
)
console.log(
  `budget ${WORKER_BUDGET_GZIP_BYTES} B gzipped: ${workerGzip <= WORKER_BUDGET_GZIP_BYTES ? 'within' : 'OVER'}`
)
const within =
  widget.gzipped <= BUDGET_GZIP_BYTES &&
  admin.gzipped <= CONSOLE_BUDGET_GZIP_BYTES &&
  workerGzip <= WORKER_BUDGET_GZIP_BYTES
process.exit(within ? 0 : 1)
