/**
 * @module
 * Keys for labels and extended fields, in Wix's `custom.<slug>` form.
 */

/**
 * Turns a display name into a Wix-style custom key.
 *
 * @example
 * customKey('Website lead') // 'custom.website-lead'
 * customKey('groupColor')   // 'custom.groupcolor'
 */
export function customKey(displayName: string): string {
  const slug = displayName
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `custom.${slug || 'field'}`
}
