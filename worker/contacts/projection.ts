/**
 * @module
 * `fields` and `fieldsets` projection of contacts. `id` and `revision` always come back; no
 * projection means FULL.
 */
import { CONTACT_FIELDS, FIELDSETS } from '../../shared/contact.ts'
import type { Contact, Fieldset } from '../../shared/contact.ts'
import { validationError } from '../../shared/api-error.ts'

export type Projection = Set<string> | undefined

export function parseProjection(fields: string[] = [], fieldsets: string[] = []): Projection {
  if (fields.length === 0 && fieldsets.length === 0) return undefined
  if (fields.length > 100 || fieldsets.length > 10) {
    throw validationError([
      {
        field: 'fields',
        description: 'Up to 100 fields and 10 fieldsets',
        violatedRule: 'VALIDATION',
      },
    ])
  }
  const out = new Set<string>()
  for (const f of fields) {
    if (!(CONTACT_FIELDS as readonly string[]).includes(f)) {
      throw validationError([
        {
          field: 'fields',
          description: `"${f}" is not a contact field`,
          violatedRule: 'INVALID_ENUM_VALUE',
        },
      ])
    }
    out.add(f)
  }
  for (const set of fieldsets) {
    if (!(set in FIELDSETS)) {
      throw validationError([
        {
          field: 'fieldsets',
          description: `"${set}" is not one of ${Object.keys(FIELDSETS).join(', ')}`,
          violatedRule: 'INVALID_ENUM_VALUE',
        },
      ])
    }
    for (const f of FIELDSETS[set as Fieldset]) out.add(f)
  }
  return out
}

export function project(
  contact: Contact,
  projection: Projection
): Partial<Contact> & Pick<Contact, 'id' | 'revision'> {
  if (!projection) return contact
  const out: Record<string, unknown> = { id: contact.id, revision: contact.revision }
  const info: Record<string, unknown> = {}
  for (const field of projection) {
    if (field.startsWith('info.')) {
      const key = field.slice(5) as keyof Contact['info']
      if (contact.info[key] !== undefined) info[key] = contact.info[key]
    } else if (contact[field as keyof Contact] !== undefined) {
      out[field] = contact[field as keyof Contact]
    }
  }
  if (Object.keys(info).length) out.info = info
  return out as Partial<Contact> & Pick<Contact, 'id' | 'revision'>
}
