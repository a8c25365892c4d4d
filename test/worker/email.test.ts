import { describe, expect, it } from 'vitest'
import { isValidEmail, normalizeEmail } from '../../shared/email.ts'

// The golden table for the duplicate key: each row's input must normalise to its output.
const GOLDEN: [string, string][] = [
  ['ann@example.com', 'ann@example.com'],
  ['  Ann@Example.COM ', 'ann@example.com'],
  ['ANN@EXAMPLE.COM', 'ann@example.com'],
  ['Strauß@Example.com', 'strauss@example.com'],
  ['STRAUSS@example.com', 'strauss@example.com'],
  ['ﬁnance@example.com', 'finance@example.com'],
  ['\u212Aelvin@example.com', 'kelvin@example.com'],
  ['jose\u0301@example.com', 'jos\u00e9@example.com'],
  ['JOSÉ@example.com', 'jos\u00e9@example.com'],
  ['ΟΔΥΣΣΕΥΣ@example.com', 'οδυσσευσ@example.com'],
  ['οδυσσευς@example.com', 'οδυσσευσ@example.com'],
  ['info@BÜCHER.example', 'info@xn--bcher-kva.example'],
  ['info@xn--bcher-kva.example', 'info@xn--bcher-kva.example'],
  ['first.last+tag@sub.example.org', 'first.last+tag@sub.example.org'],
]

describe('normalizeEmail', () => {
  it.each(GOLDEN)('%s → %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected)
  })

  it('is idempotent', () => {
    for (const [input] of GOLDEN)
      expect(normalizeEmail(normalizeEmail(input))).toBe(normalizeEmail(input))
  })
})

describe('isValidEmail', () => {
  it.each([
    'ann@example.com',
    'a.b+c@sub.example.co.uk',
    'info@bücher.example',
    ' padded@example.com ',
  ])('accepts %s', (s) => {
    expect(isValidEmail(s)).toBe(true)
  })
  it.each([
    '',
    'ann',
    'ann@',
    '@example.com',
    'ann@example',
    'ann@@example.com',
    'a b@example.com',
    `${'a'.repeat(320)}@example.com`,
  ])('refuses %j', (s) => {
    expect(isValidEmail(s)).toBe(false)
  })
})
