/**
 * @module
 * The strings the element itself owns (everything else comes from the form definition). Each can
 * be overridden by an attribute of the same name with a `text-` prefix:
 * `<contact-form form="demo" text-sending="Envoi…">`.
 */

export const DEFAULT_STRINGS = {
  loading: 'Loading the form…',
  loadFailed: 'The form could not be loaded. Please try again later.',
  sending: 'Sending…',
  retrying: 'Still sending…',
  failed: 'Your message could not be sent. Please try again.',
  offline:
    'You are offline. Your message is saved on this device and will be sent when you are back online.',
  resuming: 'Sending the message you wrote earlier…',
  fixErrors: 'Please correct the highlighted fields.',
  required: 'This field is required.',
  consentRequired: 'Please tick this box to continue.',
  invalidEmail: 'Enter a valid email address.',
  invalidPhone: 'Enter a valid phone number.',
  tooLong: 'Use at most {max} characters.',
  invalidOption: 'Choose one of the options.',
  challenge: 'Please complete the verification above.',
} as const

export type StringKey = keyof typeof DEFAULT_STRINGS
export type Strings = Record<StringKey, string>

/** `fixErrors` → `text-fix-errors` */
export function attributeFor(key: StringKey): string {
  return `text-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}

/** The strings with this element's `text-*` attributes applied. */
export function stringsFor(element: Element): Strings {
  const out = { ...DEFAULT_STRINGS } as Strings
  for (const key of Object.keys(DEFAULT_STRINGS) as StringKey[]) {
    const value = element.getAttribute(attributeFor(key))
    if (value !== null) out[key] = value
  }
  return out
}

export const STRING_ATTRIBUTES = (Object.keys(DEFAULT_STRINGS) as StringKey[]).map(attributeFor)
