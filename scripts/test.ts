/**
 * `npm test`: every check and test suite in turn, then one plain summary line,
 * `N passed, N failed`. A step that is not a test runner (build, type check, format) counts as one.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureChromium } from './lib/ensure-chromium.ts'
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { run } from './lib/run.ts'
import { buildConsole } from './lib/console-bundle.ts'
import { buildWidget } from './lib/widget-bundle.ts'

await requireValidFormsConfig()

let passed = 0
let failed = 0
const reports = mkdtempSync(join(tmpdir(), 'contact-capture-test-'))

function heading(name: string) {
  console.log(`\n── ${name}`)
}

function count(ok: boolean, name: string) {
  if (ok) passed++
  else failed++
  console.log(ok ? `✓ ${name}` : `✗ ${name}`)
}

async function step(name: string, command: string, args: string[]): Promise<void> {
  heading(name)
  count((await run(command, args)) === 0, name)
}

/** A runner whose per-test counts are read from a JSON report it writes. */
async function suite(
  name: string,
  command: string,
  args: string[],
  report: string,
  env = {}
): Promise<void> {
  heading(name)
  const code = await run(command, args, { env: { ...process.env, ...env } })
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as Record<string, number>
    const ok = json.numPassedTests ?? json.passed ?? 0
    // A skipped test is one whose suite set-up failed (the project skips nothing on purpose).
    const notRun = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0)
    const bad = (json.numFailedTests ?? json.failed ?? 0) + notRun
    passed += ok
    failed += bad
    if (code !== 0 && bad === 0) failed++ // the run failed outside any single test
  } catch {
    failed++
    console.log(`✗ ${name}: no report`)
  }
}

heading('build the widget')
count(
  await buildWidget({ write: true })
    .then(() => buildConsole({ write: true }))
    .then(
      () => true,
      (e) => (console.error(e), false)
    ),
  'build the widget'
)
await step('type check', 'tsc', ['-b'])
// Fails when wrangler.toml or the installed workerd changed since `npm run types` last ran.
await step('worker types up to date', 'wrangler', ['types', '--env-file=/dev/null', '--check'])
await step('format', 'prettier', ['--check', '--log-level=warn', '.'])

const browser = await ensureChromium()
count(browser, 'Chromium for the browser tests')

const vitestReport = join(reports, 'vitest.json')
await suite(
  'worker tests (workerd, local D1), start-up and end-to-end tests',
  'vitest',
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`],
  vitestReport
)
if (browser) {
  const wtrReport = join(reports, 'wtr.json')
  await suite('widget tests (Chromium)', 'wtr', [], wtrReport, { WTR_SUMMARY_FILE: wtrReport })
}

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
