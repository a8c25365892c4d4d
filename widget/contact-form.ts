/**
 * @module
 * `<contact-form>`: renders a form from its definition on the worker and sends submissions to it.
 *
 * @example
 * <script type="module" src="https://contacts.example.com/contact-form.js"></script>
 * <contact-form form="demo"></contact-form>
 */
import { LitElement, html, nothing } from 'lit'
import type { FormDefinition } from '../shared/definition.ts'
import { adoptStyles } from './contact-form.styles.ts'
import { ContactFormErrorEvent, ContactFormSubmitEvent } from './events.ts'
import { fieldTemplate, honeypotTemplate } from './field-templates.ts'
import { fetchDefinition, formUrl } from './form-api.ts'
import { FormFields } from './form-fields.ts'
import { pageContext } from './page-context.ts'
import { STRING_ATTRIBUTES, stringsFor } from './strings.ts'
import type { Strings } from './strings.ts'
import { SubmissionController } from './submission-controller.ts'
import { TaskController } from './task-controller.ts'
import { TurnstileController } from './turnstile-controller.ts'
import type { Turnstile } from './turnstile-controller.ts'

let instances = 0

/**
 * An accessible contact form, rendered into the page itself (light DOM) so that browser autofill,
 * password managers and assistive technology see ordinary native inputs.
 *
 * @attr form - the form id from forms.config.ts (required)
 * @attr endpoint - the worker's origin; defaults to where this script was loaded from
 * @attr timeout - milliseconds one attempt to send may take before it is retried (default 15000)
 * @attr text-* - overrides for the element's own strings, e.g. `text-sending="Envoi…"`
 * @event contact-form-submit - before sending; cancelable; `detail.values`
 * @event contact-form-success - accepted; `detail.submissionId`
 * @event contact-form-error - not accepted; `detail.reason`, `detail.status`, `detail.fieldErrors`
 * @cssproperty --contact-form-font, --contact-form-color, --contact-form-background, --contact-form-accent,
 *   --contact-form-accent-text, --contact-form-border, --contact-form-error, --contact-form-radius,
 *   --contact-form-spacing, --contact-form-focus-ring, --contact-form-input-background, --contact-form-max-width
 */
export class ContactForm extends LitElement {
  static override properties = {
    form: { type: String, reflect: true },
    endpoint: { type: String },
    timeout: { type: Number },
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...STRING_ATTRIBUTES]
  }

  form = ''
  endpoint?: string
  /** Milliseconds one attempt to send may take before it is retried. */
  timeout = 15_000

  /** Changed in place, for the controllers that hold it. */
  readonly #strings: Strings = stringsFor(this)
  #fallback: Element[] = []
  readonly #idPrefix = `cf${++instances}`

  readonly #definition = new TaskController(this, {
    // Without a form id there is nothing to load, and whatever is shown stays.
    args: () => (this.form ? ([this.form, this.endpoint] as const) : undefined),
    task: ([form, endpoint], { signal }) => fetchDefinition(formUrl(endpoint, form), signal),
    onComplete: () => {
      // The fallback form is not needed any more: out of the tree, autofill and screen readers never meet it.
      for (const el of this.#fallback) el.remove()
      this.#submission.resume()
    },
    onError: (err) => {
      for (const el of this.#fallback) el.removeAttribute('hidden')
      if (this.#fallback[0] && !this.#fallback[0].isConnected) this.prepend(...this.#fallback)
      this.dispatchEvent(new ContactFormErrorEvent({ reason: 'load' }))
      console.warn('contact-form: could not load form', this.form, err)
    },
  })

  readonly #fields = new FormFields(this, this.#definition, this.#strings)

  readonly #submission = new SubmissionController(
    this,
    this.#definition,
    this.#fields,
    this.#strings
  )

  readonly #turnstile = new TurnstileController(this, this.#definition)

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value)
    if (name.startsWith('text-')) {
      Object.assign(this.#strings, stringsFor(this))
      this.requestUpdate()
    }
  }

  // Light DOM: native inputs in the page's own tree (see README, "Why light DOM").
  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override connectedCallback(): void {
    // The no-JavaScript fallback form, if the page has one: hidden while this element works.
    if (!this.hasUpdated && !this.#fallback.length) {
      this.#fallback = [...this.children]
      for (const el of this.#fallback) el.setAttribute('hidden', '')
    }
    adoptStyles(this.getRootNode() as Document | ShadowRoot)
    super.connectedCallback()
    // Moved in the page (as single-page apps do) while loading: the load was cancelled; start again.
    if (!this.#definition.value && this.#definition.status === 'pending')
      void this.#definition.run()
  }

  protected override render() {
    return html`
      <div class="cf-root" lang=${this.closest('[lang]')?.getAttribute('lang') || nothing}>
        ${this.#definition.render({
          pending: () => html`<p class="cf-loading">${this.#strings.loading}</p>`,
          complete: (def) =>
            this.#submission.state === 'success'
              ? html`<div class="cf-success" tabindex="-1">${def.successMessage}</div>`
              : this.#renderForm(def),
          // The page's own fallback form is back in view: it says enough.
          error: () =>
            this.#fallback.length
              ? nothing
              : html`<p class="cf-load-failed" role="alert">${this.#strings.loadFailed}</p>`,
        })}
        <div class="cf-status" role="status" aria-live="polite" aria-atomic="true">${this.#submission.status}</div>
      </div>
    `
  }

  #renderForm(def: FormDefinition) {
    const busy = this.#submission.state === 'submitting'
    const titleId = `${this.#idPrefix}-title`
    const { errors, values } = this.#fields
    return html`
      <form
        class="cf-form"
        novalidate
        aria-labelledby=${titleId}
        aria-busy=${busy ? 'true' : 'false'}
        @submit=${this.#handleSubmit}
        @focusout=${this.#fields.handleFocusOut}
        @input=${this.#fields.handleInput}
        @change=${this.#fields.handleInput}
      >
        <h2 class="cf-title" id=${titleId}>${def.title}</h2>
        ${def.description ? html`<p class="cf-description">${def.description}</p>` : nothing}
        ${def.fields.map((field) =>
          fieldTemplate(
            field,
            `${this.#idPrefix}-${field.name}`,
            values[field.name],
            errors[field.name] ?? ''
          )
        )}
        ${def.honeypot ? honeypotTemplate(`${this.#idPrefix}-hp`, def.honeypot.name) : nothing}
        ${def.turnstile ? html`<div class="cf-turnstile"></div>` : nothing}
        <button class="cf-submit" type="submit" ?disabled=${busy}>${def.submitLabel}</button>
      </form>
    `
  }

  #handleSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const def = this.#definition.value
    if (!def || this.#submission.state === 'submitting') return
    const form = event.currentTarget as HTMLFormElement
    const [errors, values] = this.#fields.check(form, def.fields)
    if (Object.keys(errors).length) return this.#submission.refuse(errors)
    if (!this.dispatchEvent(new ContactFormSubmitEvent(values))) return

    const trap = def.honeypot ? form.elements.namedItem(def.honeypot.name) : null
    const body = JSON.stringify({
      values,
      context: pageContext(),
      ...(def.token ? { token: def.token } : {}),
      ...(def.honeypot ? { honeypot: trap instanceof HTMLInputElement ? trap.value : '' } : {}),
      ...(def.turnstile ? { turnstile: this.#turnstile.token ?? '' } : {}),
    })
    if (def.turnstile && !this.#turnstile.token)
      return this.#submission.announce(this.#strings.challenge)
    await this.#submission.submit(body)
    this.#turnstile.reset()
  }
}

if (!customElements.get('contact-form')) customElements.define('contact-form', ContactForm)

declare global {
  interface HTMLElementTagNameMap {
    'contact-form': ContactForm
  }
  // Here rather than beside the script loader: pages (and tests) set it too, and they import this.
  interface Window {
    turnstile?: Turnstile
  }
}
