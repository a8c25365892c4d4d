/**
 * @module
 * What the visitor has entered and what is wrong with it. A field's error shows once the field is
 * touched (left, or the form submitted), so nobody is told off while typing their first letters;
 * from then on it follows every keystroke.
 */
import type { ReactiveControllerHost } from 'lit'
import type { FormDefinition, PublicField } from '../shared/definition.ts'
import type { FieldViolation } from '../shared/errors.ts'
import type { MessageCode } from '../shared/messages.ts'
import type { SubmittedValues } from './events.ts'
import type { Say } from './strings.ts'
import type { TaskState } from './task-controller.ts'
import { validateField } from './validation.ts'

export interface FieldsHost extends ReactiveControllerHost, HTMLElement {
  readonly say: Say
}

export class FormFields {
  /** Not reactive: the controls already show what is typed; a render puts these back after `restore`. */
  values: SubmittedValues = {}
  errors: Record<string, string> = {}
  #touched = new Set<string>()
  /** The worker's verdict on a field, kept until the visitor changes that field's value. */
  #serverErrors: Record<string, { message: string; value: string | boolean }> = {}
  readonly #host: FieldsHost
  readonly #definition: TaskState<FormDefinition>

  constructor(host: FieldsHost, definition: TaskState<FormDefinition>) {
    this.#host = host
    this.#definition = definition
  }

  handleInput = (event: Event): void => {
    this.#read(event.target)
    const name = (event.target as HTMLInputElement).name
    if (this.#touched.has(name)) this.#validate(name)
  }

  handleFocusOut = (event: FocusEvent): void => {
    const name = (event.target as HTMLInputElement).name
    if (!name || !this.#field(name)) return
    this.#read(event.target)
    this.#touched.add(name)
    this.#validate(name)
  }

  /** Reads every control and checks every field, showing the errors; returns them with the values to send. */
  check(form: HTMLFormElement, fields: PublicField[]): [Record<string, string>, SubmittedValues] {
    for (const el of form.elements) this.#read(el)
    const errors: Record<string, string> = {}
    const values: SubmittedValues = {}
    for (const field of fields) {
      this.#touched.add(field.name)
      const value = (values[field.name] = this.#value(field))
      const message = validateField(field, value, this.#host.say)
      if (message) errors[field.name] = message
    }
    this.show(errors)
    return [errors, values]
  }

  /** Puts these messages on their fields, and takes every other field's away. */
  show(errors: Record<string, string>): void {
    this.errors = errors
    this.#host.requestUpdate()
  }

  /**
   * The worker's field violations, as messages on the fields this form has (the first for each):
   * the worker's words, or the element's `text-*` attribute for the message's code. (The
   * definition's message for the code is the very text the worker's is made from.)
   */
  fromServer(violations: FieldViolation[]): Record<string, string> {
    const errors: Record<string, string> = {}
    this.#serverErrors = {}
    for (const v of violations) {
      const field = this.#field(v.field)
      if (!field || errors[v.field]) continue
      const code = v.data?.messageCode as MessageCode | undefined
      const message = code ? this.#host.say(code, v.data) : v.description
      errors[v.field] = message
      this.#serverErrors[v.field] = { message, value: this.#value(field) }
    }
    return errors
  }

  /** Puts the values of a saved submission back into the form. */
  restore(body: string): void {
    try {
      const { values } = JSON.parse(body) as { values?: SubmittedValues }
      if (values && typeof values === 'object') this.values = { ...values }
    } catch {
      // not ours to read
    }
  }

  #field(name: string): PublicField | undefined {
    return this.#definition.value?.fields.find((f) => f.name === name)
  }

  #value(field: PublicField): string | boolean {
    const value = this.values[field.name]
    if (field.type === 'consent') return value === true
    return typeof value === 'string' ? value : ''
  }

  #read(target: EventTarget | null): void {
    if (!(
      target instanceof HTMLInputElement ||
      target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement
    ))
      return
    if (!target.name) return
    this.values = {
      ...this.values,
      [target.name]:
        target instanceof HTMLInputElement && target.type === 'checkbox'
          ? target.checked
          : target.value,
    }
  }

  #validate(name: string): void {
    const field = this.#field(name)
    if (!field) return
    const value = this.#value(field)
    const server = this.#serverErrors[name]
    const message =
      validateField(field, value, this.#host.say) || (server?.value === value ? server.message : '')
    const { [name]: _, ...rest } = this.errors
    this.show(message ? { ...rest, [name]: message } : rest)
  }
}
