/**
 * @module
 * What a visitor is told, in one place for the worker and the element, so that both say the same
 * thing for the same problem. The form definition carries these messages to the element (which
 * then needs no copies of its own), the worker's field violations name theirs by code
 * (`data.messageCode`), and a page replaces any of them with the `text-*` attribute of its code:
 * `<contact-form form="demo" text-sending="Envoi…" text-invalid-email="Adresse e-mail invalide.">`.
 */

export const MESSAGES = {
  // The status line under the send button.
  sending: 'Sending…',
  retrying: 'Still sending…',
  resuming: 'Sending the message you wrote earlier…',
  sentEarlier: 'The message you wrote earlier has been sent.',
  failed: 'Your message could not be sent. Please try again.',
  offline:
    'You are offline. Your message is saved on this device and will be sent when you are back online.',
  fixErrors: 'Please correct the highlighted fields.',
  challenge: 'Please complete the verification above.',
  rateLimited: 'Too many messages were sent from here. Please try again in {seconds} s.',
  // A field's message.
  required: 'This field is required.',
  consentRequired: 'Please tick this box to continue.',
  invalidEmail: 'Enter a valid email address.',
  invalidPhone: 'Enter a valid phone number.',
  /** An extended field's number, date or web address. */
  invalidValue: 'Enter a valid {type}.',
  tooLong: 'Use at most {max} characters.',
  invalidOption: 'Choose one of the options.',
  notInForm: 'This field is not part of the form.',
} as const

export type MessageCode = keyof typeof MESSAGES
export type Messages = Record<MessageCode, string>

/**
 * Told to the visitor of a page whose origin the form does not allow, by the element and by the
 * worker's page for the no-JavaScript form. The element carries it itself: it shows when the
 * definition (and its messages) could not be had.
 */
export const NOT_ALLOWED_MESSAGE = 'This form cannot be used on this site.'

/** Fills a message's `{name}` placeholders: `formatMessage('Use at most {max}', { max: 50 })`. */
export function formatMessage(text: string, params: Record<string, unknown> = {}): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) => `${params[name] ?? all}`)
}

/** A message by its code, filled: what the worker says. */
export function message(code: MessageCode, params?: Record<string, unknown>): string {
  return formatMessage(MESSAGES[code], params)
}
