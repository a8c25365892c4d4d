// Widget tests in real Chromium (Debian's, installed by .ci/run when missing), driven by Playwright.
import { writeFileSync } from 'node:fs'
import { defaultReporter } from '@web/test-runner'
import { esbuildPlugin } from '@web/dev-server-esbuild'
import { playwrightLauncher } from '@web/test-runner-playwright'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/lib/ensure-chromium.ts'

/** Writes `{ passed, failed }` to $WTR_SUMMARY_FILE, for npm test's summary line. */
function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      const file = process.env.WTR_SUMMARY_FILE
      if (!file) return
      let passed = 0
      let failed = 0
      const count = (suite) => {
        for (const test of suite?.tests ?? []) test.passed ? passed++ : failed++
        for (const child of suite?.suites ?? []) count(child)
      }
      for (const session of sessions) {
        count(session.testResults)
        if (
          !session.passed &&
          !session.testResults?.tests.length &&
          !session.testResults?.suites.length
        )
          failed++
      }
      writeFileSync(file, JSON.stringify({ passed, failed }))
    },
  }
}

export default {
  files: 'test/widget/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  reporters: [defaultReporter(), countingReporter()],
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'widget/tsconfig.json', target: 'es2022' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    }),
  ],
  testFramework: { config: { timeout: 10000 } },
}
