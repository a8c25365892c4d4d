import { describe, expect, it } from 'vitest'
import { BUDGET_GZIP_BYTES, buildWidget } from '../../scripts/lib/widget-bundle.ts'

describe('the widget bundle', () => {
  it(`stays within ${BUDGET_GZIP_BYTES} bytes gzipped, Lit included`, async () => {
    const { gzipped, minified } = await buildWidget({ write: false })
    expect(minified).toBeGreaterThan(10_000) // it really is the bundle, Lit and all
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES)
  })
})
