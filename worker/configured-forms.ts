/**
 * @module
 * The site's configured forms, loaded once per isolate from forms.config.ts (checked on import).
 */
import forms from '../forms.config.ts'
import type { FormConfig } from '../shared/forms-config.ts'
import { applicationError } from '../shared/api-error.ts'

export { forms }

/** The form with this id, or a 404 `FORM_NOT_FOUND`. */
export function requireForm(formId: string): FormConfig {
  const form = Object.hasOwn(forms, formId) ? forms[formId] : undefined
  if (!form)
    throw applicationError(404, 'FORM_NOT_FOUND', `There is no form "${formId}".`, { formId })
  return form
}

/**
 * Whether a browser on `origin` may use the form: one of its allowed origins, or the worker's own
 * origin (the demo page and the thank-you page live there).
 */
export function isOriginAllowed(form: FormConfig, origin: string, selfOrigin: string): boolean {
  return origin === selfOrigin || form.allowedOrigins.includes(origin)
}
