/**
 * @module
 * The element's events. All bubble and cross shadow boundaries (composed).
 */

export type SubmittedValues = Record<string, string | boolean>

/** Before sending. Cancel it (`preventDefault()`) to stop the submission. */
export class ContactFormSubmitEvent extends CustomEvent<{ values: SubmittedValues }> {
  constructor(values: SubmittedValues) {
    super('contact-form-submit', {
      bubbles: true,
      composed: true,
      cancelable: true,
      detail: { values },
    })
  }
}

/** The worker accepted the submission. */
export class ContactFormSuccessEvent extends CustomEvent<{ submissionId: string }> {
  constructor(submissionId: string) {
    super('contact-form-success', { bubbles: true, composed: true, detail: { submissionId } })
  }
}

export interface ContactFormErrorDetail {
  /** `validation` (fix the fields), `offline` (saved, will be sent later), `failed`, or `load` (no definition). */
  reason: 'validation' | 'offline' | 'failed' | 'load'
  /** The HTTP status, when there was an answer. */
  status?: number
  /** Field name → message, for `validation`. */
  fieldErrors?: Record<string, string>
}

/** The submission was not accepted (or the form could not be loaded). */
export class ContactFormErrorEvent extends CustomEvent<ContactFormErrorDetail> {
  constructor(detail: ContactFormErrorDetail) {
    super('contact-form-error', { bubbles: true, composed: true, detail })
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'contact-form-submit': ContactFormSubmitEvent
    'contact-form-success': ContactFormSuccessEvent
    'contact-form-error': ContactFormErrorEvent
  }
}
