/**
 * The per-field `onDuplicate` of an extended-field mapping in forms.config.ts: what the schema
 * accepts and refuses. What it does to contacts is in capture-suite.ts (D1 and Wix).
 */
import { describe, expect, it } from 'vitest'
import { defineForms, FormsConfigError } from '../../shared/forms-config.ts'

const email = {
  name: 'email',
  type: 'email',
  label: 'Email',
  required: true,
  maps: 'email',
} as const

function formWith(maps: unknown) {
  return {
    form: {
      title: 'T',
      fields: [email, { name: 'message', type: 'textarea', label: 'Message', maps }],
    },
  } as Parameters<typeof defineForms>[0]
}

describe('forms.config.ts, onDuplicate of an extended-field mapping', () => {
  it('is optional, and kept as given', () => {
    const plain = defineForms(formWith({ extendedField: 'Message' }))
    expect(plain.form!.fields[1]!.maps).toEqual({ extendedField: 'Message', dataType: 'TEXT' })
    const latest = defineForms(formWith({ extendedField: 'Message', onDuplicate: 'overwrite' }))
    expect(latest.form!.fields[1]!.maps).toEqual({
      extendedField: 'Message',
      dataType: 'TEXT',
      onDuplicate: 'overwrite',
    })
  })

  it('refuses anything but append or overwrite, naming the form and the field', () => {
    const bad = () => defineForms(formWith({ extendedField: 'Message', onDuplicate: 'latest' }))
    expect(bad).toThrow(FormsConfigError)
    expect(bad).toThrow(/form "form", field "message" \(maps\.onDuplicate\)/)
  })
})
