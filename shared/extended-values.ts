/**
 * @module
 * Extended-field values: the data types a field may have, and how a value is checked against or
 * converted to one (as Wix does: a DATE is a real YYYY-MM-DD day, a URL may omit its scheme).
 */

export const EXTENDED_FIELD_DATA_TYPES = ['TEXT', 'NUMBER', 'DATE', 'URL'] as const
export type ExtendedFieldDataType = (typeof EXTENDED_FIELD_DATA_TYPES)[number]

/**
 * Checks a value against an extended field's data type; returns a problem, or undefined.
 * DATE is `YYYY-MM-DD` and a real day; URL may omit its scheme, as Wix prepends `https://`.
 */
export function checkExtendedValue(
  dataType: ExtendedFieldDataType,
  value: unknown
): string | undefined {
  switch (dataType) {
    case 'TEXT':
      return typeof value === 'string' ? undefined : 'must be text'
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number'
    case 'DATE':
      return typeof value === 'string' && isIsoDate(value)
        ? undefined
        : 'must be a date as YYYY-MM-DD'
    case 'URL':
      return typeof value === 'string' && toUrl(value) ? undefined : 'must be a web address'
  }
}

/** Converts a typed value into the form an extended field stores, or undefined when it does not fit. */
export function coerceExtendedValue(
  dataType: ExtendedFieldDataType,
  raw: string | number
): string | number | undefined {
  if (dataType === 'NUMBER') {
    const n = typeof raw === 'number' ? raw : raw.trim() === '' ? NaN : Number(raw)
    return Number.isFinite(n) ? n : undefined
  }
  const text = String(raw).trim()
  if (dataType === 'URL') return toUrl(text)
  if (dataType === 'DATE') return isIsoDate(text) ? text : undefined
  return text
}

function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s)
}

function toUrl(s: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) ? s : `https://${s}`
  try {
    const url = new URL(withScheme)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}
