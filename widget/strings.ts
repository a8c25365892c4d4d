/**
 * @module
 * What the element says. Nearly all of it comes with the form definition: its labels and success
 * message, and the messages of shared/messages.ts about sending and about the fields. The element
 * keeps only what it must say before it has (or when it cannot have) the definition. Any of them
 * can be replaced with a `text-*` attribute named after its code:
 * `<contact-form form="demo" text-sending="Envoi…" text-invalid-email="Adresse e-mail invalide.">`.
 */
import type { MessageCode } from '../shared/messages.ts'
import { NOT_ALLOWED_MESSAGE } from '../shared/messages.ts'

export const OWN_STRINGS = {
  loading: 'Loading the form…',
  loadFailed: 'The form could not be loaded. Please try again later.',
  notAllowed: NOT_ALLOWED_MESSAGE,
}

/** The code of something the element says: a definition message's or one of its own. */
export type TextCode = MessageCode | keyof typeof OWN_STRINGS

/** The text for a code, with its `{placeholders}` filled (the element's `say`). */
export type Say = (code: TextCode, params?: Record<string, unknown>) => string

/** `fixErrors` → `text-fix-errors` */
export function attributeFor(code: string): string {
  return `text-${code.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
}
