import { describe, expect, it } from 'vitest'
import { isValidEmail, normalizeEmail } from '../../shared/email.ts'

// The golden table for the duplicate key: each row's input must normalise to its output.
const GOLDEN: [string, string][] = [
  ['ann@example.com', 'ann@example.com'],
  ['  Ann@Example.COM ', 'ann@example.com'],
  ['ANN@EXAMPLE.COM', 'ann@example.com'],
  // The local part is lower-cased, not fully case-folded: ß is not ss (see normalizeEmail).
  ['Strauß@Example.com', 'strauß@example.com'],
  ['STRAUẞ@example.com', 'strauß@example.com'],
  ['STRAUSS@example.com', 'strauss@example.com'],
  ['ﬁnance@example.com', 'finance@example.com'],
  ['\u212Aelvin@example.com', 'kelvin@example.com'],
  ['jose\u0301@example.com', 'jos\u00e9@example.com'],
  ['JOSÉ@example.com', 'jos\u00e9@example.com'],
  ['ΟΔΥΣΣΕΥΣ@example.com', 'οδυσσευσ@example.com'],
  ['οδυσσευς@example.com', 'οδυσσευσ@example.com'],
  // Fullwidth letters, invisible characters: the same address.
  ['ＡＮＮ@ＥＸＡＭＰＬＥ.com', 'ann@example.com'],
  ['ann＠example.com', 'ann@example.com'],
  ['a\u200bnn@exa\u200bmple.com', 'ann@example.com'],
  ['an\u00adn@ex\u00adample.com', 'ann@example.com'],
  ['\ufeffann@example.com\u2060', 'ann@example.com'],
  // Other registrable domains stay other domains (UTS #46 non-transitional, as URL hosts).
  ['victim@gıthub.com', 'victim@xn--gthub-n4a.com'],
  ['info@straße.de', 'info@xn--strae-oqa.de'],
  ['info@ςigma.gr', 'info@xn--igma-fod.gr'],
  ['info@σigma.gr', 'info@xn--igma-kod.gr'],
  ['info@ΣIGMA.gr', 'info@xn--igma-kod.gr'],
  ['info@BÜCHER.example', 'info@xn--bcher-kva.example'],
  ['info@xn--bcher-kva.example', 'info@xn--bcher-kva.example'],
  ['first.last+tag@sub.example.org', 'first.last+tag@sub.example.org'],
]

// Addresses that name different mailboxes and must never share a key (one would be merged into
// the other, taking its phone and labels).
const DISTINCT: [string, string][] = [
  ['victim@gıthub.com', 'victim@github.com'],
  ['victim@GIthub.com', 'victim@gıthub.com'],
  ['info@straße.de', 'info@strasse.de'],
  ['info@ςigma.gr', 'info@σigma.gr'],
  ['straße@example.com', 'strasse@example.com'],
  ['ann@example.com', 'ann@example.co'],
]

describe('normalizeEmail', () => {
  it.each(GOLDEN)('%s → %s', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected)
  })

  it.each(DISTINCT)('keeps %s and %s apart', (a, b) => {
    expect(normalizeEmail(a)).not.toBe(normalizeEmail(b))
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
