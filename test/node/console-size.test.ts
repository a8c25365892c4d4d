import { describe, expect, it } from 'vitest'
import { buildConsole, CONSOLE_BUDGET_GZIP_BYTES } from '../../scripts/lib/console-bundle.ts'
import { buildWidget } from '../../scripts/lib/widget-bundle.ts'

describe('the console bundle', () => {
  it(`stays within ${CONSOLE_BUDGET_GZIP_BYTES} bytes gzipped, Lit included`, async () => {
    const { gzipped, minified } = await buildConsole({ write: false })
    expect(minified).toBeGreaterThan(20_000) // it really is the console, Lit and all
    expect(gzipped).toBeLessThanOrEqual(CONSOLE_BUDGET_GZIP_BYTES)
  })

  it('ships no schema library: shared/ is imported for its types only', async () => {
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: ['console/main.ts'],
      bundle: true,
      format: 'esm',
      write: false,
      metafile: true,
      tsconfig: 'console/tsconfig.json',
      outfile: 'console.js',
    })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter((path) => /node_modules\/(zod|libphonenumber-js)\//.test(path))).toEqual(
      []
    )
    expect(inputs.filter((path) => path.startsWith('widget/'))).toEqual([])
  })
})
