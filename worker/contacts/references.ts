/**
 * @module
 * What a contact may point at: label keys that exist, and extended values for user-defined fields
 * that fit the field's data type.
 */
import { applicationError } from '../../shared/api-error.ts'
import type { ContactInfo } from '../../shared/contact.ts'
import { checkExtendedValue, coerceExtendedValue } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { existingKeys } from '../db/catalog-entries.ts'

/**
 * Label keys must exist; extended values must name a user-defined field and fit its type (a
 * system field may only be sent back unchanged). Values are stored in the field's own form.
 */
export async function checkReferences(
  db: D1Database,
  info: ContactInfo,
  previous?: ContactInfo
): Promise<void> {
  await requireLabels(db, info.labelKeys?.items ?? [])
  const values = info.extendedFields?.items ?? {}
  const fields = await existingKeys(db, 'extended_fields', Object.keys(values))
  for (const [key, value] of Object.entries(values)) {
    const field = fields.get(key)
    const problem = !field
      ? 'there is no such extended field'
      : field.field_type === 'SYSTEM'
        ? previous?.extendedFields?.items[key] === value
          ? undefined
          : 'is a system field and cannot be written'
        : checkValueType(field.data_type!, value)
    if (problem) {
      throw applicationError(
        400,
        'INVALID_EXTENDED_FIELD_VALUE',
        `info.extendedFields.items["${key}"] ${problem}.`,
        { key }
      )
    }
    if (field && field.field_type !== 'SYSTEM')
      values[key] = coerceExtendedValue(field.data_type!, value)!
  }
}

/** The value as sent must already have the field's type; only a URL is completed (`https://`). */
function checkValueType(
  dataType: ExtendedFieldDataType,
  value: string | number
): string | undefined {
  if (dataType === 'URL') {
    return typeof value === 'string' && coerceExtendedValue('URL', value)
      ? undefined
      : 'must be a web address'
  }
  return checkExtendedValue(dataType, value)
}

export async function requireLabels(db: D1Database, keys: string[]): Promise<void> {
  const found = await existingKeys(db, 'labels', keys)
  const missing = keys.filter((k) => !found.has(k))
  if (missing.length) {
    throw applicationError(
      404,
      'LABEL_NOT_FOUND',
      `No label ${missing.map((m) => `"${m}"`).join(', ')}; create it first.`,
      {
        labelKeys: missing,
      }
    )
  }
}
