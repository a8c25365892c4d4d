/**
 * @module
 * What a valid submission asks of the contact list: the duplicate keys, the contact fields it
 * fills, and the labels and extended-field values the form's config adds, each with what it does
 * to a value the contact already has. Pure: no I/O.
 */
import { normalizeEmail } from '../../shared/email.ts'
import { coerceExtendedValue } from '../../shared/extended-values.ts'
import type { ContextKey, FormConfig } from '../../shared/forms-config.ts'
import type { CleanValue, SubmissionContext } from '../../shared/submission.ts'
import type { CapturePlan } from '../stores/contact-store.ts'

export function planCapture(
  form: FormConfig,
  values: Record<string, CleanValue | undefined>,
  context: SubmissionContext = {}
): CapturePlan {
  const plan: CapturePlan = {
    labels: [...form.labels],
    extendedValues: [],
    onDuplicate: form.onDuplicate,
  }
  for (const field of form.fields) {
    const value = values[field.name]
    if (value === undefined || field.maps === undefined) continue
    if (typeof field.maps === 'object') {
      if (typeof value !== 'string') continue
      const coerced = coerceExtendedValue(field.maps.dataType, value)
      if (coerced === undefined) continue
      plan.extendedValues.push({
        displayName: field.maps.extendedField,
        dataType: field.maps.dataType,
        value: coerced,
        onDuplicate: field.maps.onDuplicate ?? form.onDuplicate,
      })
      continue
    }
    if (field.maps === 'phone') {
      if (typeof value === 'object') plan.phone = value
      continue
    }
    if (typeof value !== 'string') continue
    switch (field.maps) {
      case 'email':
        plan.email = { email: value, norm: normalizeEmail(value) }
        break
      case 'name.first':
        plan.firstName = value
        break
      case 'name.last':
        plan.lastName = value
        break
      case 'company':
        plan.company = value
        break
      case 'jobTitle':
        plan.jobTitle = value
        break
    }
  }
  for (const [key, displayName] of Object.entries(form.contextFields)) {
    const value = contextValue(context, key as ContextKey)
    if (value)
      plan.extendedValues.push({
        displayName: displayName!,
        dataType: 'TEXT',
        value: value.slice(0, 1000),
        onDuplicate: form.onDuplicate,
      })
  }
  for (const constant of form.extendedFields) {
    plan.extendedValues.push({
      displayName: constant.displayName,
      dataType: constant.dataType,
      value: constant.value,
      onDuplicate: form.onDuplicate,
    })
  }
  return plan
}

function contextValue(context: SubmissionContext, key: ContextKey): string | undefined {
  if (key === 'pageUrl' || key === 'referrer') return context[key]
  return context.utm?.[key.slice('utm_'.length) as keyof NonNullable<SubmissionContext['utm']>]
}
