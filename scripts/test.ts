/**
 * `npm test`: every check and test suite in turn, then one plain summary line,
 * `N passed, N failed`. A check that is not a test runner (type check, format) counts as one.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { run } from './lib/run.ts'

await requireValidFormsConfig()

let passed = 0
let failed = 0
const out = mkdtempSync(join(tmpdir(), 'contact-capture-test-'))

async function check(name: string, command: string, args: string[]): Promise<void> {
  console.log(`\n── ${name}`)
  const ok = (await run(command, args)) === 0
  if (ok) passed++
  else failed++
  console.log(ok ? `✓ ${name}` : `✗ ${name}`)
}

/** A vitest run whose per-test results are counted from its JSON report. */
async function vitest(name: string, args: string[]): Promise<void> {
  console.log(`\n── ${name}`)
  const report = join(out, `${name.replace(/\W+/g, '-')}.json`)
  const code = await run('vitest', [
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ])
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number
      numFailedTests: number
    }
    passed += json.numPassedTests
    failed += json.numFailedTests
    if (code !== 0 && json.numFailedTests === 0) failed++ // a suite that failed outside any test
  } catch {
    failed++
  }
}

await check('type check', 'tsc', ['-b'])
await check('format', 'prettier', ['--check', '--log-level=warn', '.'])
await vitest('worker and start-up tests', [])

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
