/**
 * @module
 * The honeypot: a field rendered out of sight and out of the accessibility tree, which only bots fill.
 */

/** The honeypot field's name for a form, or undefined when it has none. */
export function honeypotName(
  setting: boolean | string,
  fields: { name: string }[]
): string | undefined {
  if (setting === false) return undefined
  if (typeof setting === 'string') return setting
  return (
    ['website', 'homepage', 'url'].find((name) => !fields.some((f) => f.name === name)) ??
    'hp_field'
  )
}
