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
import { formatMessage } from '../shared/messages.ts'
import { adoptStyles } from './contact-form.styles.ts'
import { ContactFormErrorEvent, ContactFormSubmitEvent } from './events.ts'
import { fieldTemplate, honeypotTemplate } from './field-templates.ts'
import { fetchDefinition, formUrl } from './form-api.ts'
import type { DefinitionError } from './form-api.ts'
import { FormFields } from './form-fields.ts'
import { pageContext } from './page-context.ts'
import { attributeFor, OWN_STRINGS } from './strings.ts'
import type { TextCode } from './strings.ts'
import { SubmissionController } from './submission-controller.ts'
import { TaskController } from './task-controller.ts'
import { TurnstileController } from './turnstile-controller.ts'
import type { Turnstile } from './turnstile-controller.ts'

let instances = 0

/**
 * Definitions handed over by forms' modules (`/v1/forms/<id>.js` on the worker this script came
 * from), by the URL an element would otherwise ask, each for one element.
 */
const provided = new Map<string, FormDefinition>()

/**
 * Called by a form's module with the form's definition, before the element's first update: the
 * element renders the form straight away, without asking the worker. Its render token serves one
 * element only, so another element of the same form asks for its own; so does an element whose
 * `endpoint` names another worker.
 */
export function provide(definition: FormDefinition): void {
  // '': this script's own worker, which an element without `endpoint` asks.
  provided.set(formUrl('', definition.id), definition)
}

/**
 * An accessible contact form, rendered into the page itself (light DOM) so that browser autofill,
 * password managers and assistive technology see ordinary native inputs.
 *
 * @attr form - the form id from forms.config.ts (required)
 * @attr endpoint - the worker's origin; defaults to where this script was loaded from
 * @attr timeout - milliseconds one attempt to send may take before it is retried (default 15000)
 * @attr text-* - replaces a message, by its code: `text-sending="Envoi…"` (see strings.ts)
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

  form = ''
  endpoint?: string
  /** Milliseconds one attempt to send may take before it is retried. */
  timeout = 15_000

  #fallback: Element[] = []
  readonly #idPrefix = `cf${++instances}`

  readonly #definition = new TaskController(this, {
    // Without a form id there is nothing to load, and whatever is shown stays.
    args: () => (this.form ? ([this.form, this.endpoint] as const) : undefined),
    task: async ([form, endpoint], { signal }) => {
      const url = formUrl(endpoint, form)
      const given = provided.get(url)
      provided.delete(url)
      return given ?? fetchDefinition(url, signal)
    },
    onComplete: () => {
      // The fallback form is not needed any more: out of the tree, autofill and screen readers never meet it.
      for (const el of this.#fallback) el.remove()
      this.#submission.resume()
    },
    onError: (err) => {
      const { status, message } = err as DefinitionError
      // 403: the worker does not serve this site (nor would it take the fallback form's post).
      if (status !== 403) {
        for (const el of this.#fallback) el.removeAttribute('hidden')
        if (this.#fallback[0] && !this.#fallback[0].isConnected) this.prepend(...this.#fallback)
      }
      this.dispatchEvent(new ContactFormErrorEvent({ reason: 'load', status }))
      // For the site's owner: the worker's explanation (the page's origin and allowedOrigins, or
      // the form ids that forms.config.ts has).
      console.error('contact-form:', message)
    },
  })

  readonly #fields = new FormFields(this, this.#definition)

  readonly #submission = new SubmissionController(this, this.#definition, this.#fields)

  readonly #turnstile = new TurnstileController(this, this.#definition)

  /**
   * What the element says for a code: its `text-*` attribute, else the definition's message (or,
   * before the definition, its own), with the `{placeholders}` filled. The code itself stands in
   * for a message a definition lacks (one served by an older worker).
   */
  say = (code: TextCode, params?: Record<string, unknown>): string =>
    formatMessage(
      this.getAttribute(attributeFor(code)) ??
        { ...OWN_STRINGS, ...this.#definition.value?.messages }[code] ??
        code,
      params
    )

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
    const { status } = this.#submission
    return html`
      <div class="cf-root" lang=${this.closest('[lang]')?.getAttribute('lang') || nothing}>
        ${this.#definition.render({
          pending: () => html`<p class="cf-loading">${this.say('loading')}</p>`,
          complete: (def) =>
            this.#submission.state === 'success'
              ? html`<div class="cf-success" tabindex="-1">${def.successMessage}</div>`
              : this.#renderForm(def),
          // The page's own fallback form is back in view: it says enough.
          error: (err) => {
            const refused = (err as DefinitionError).status === 403
            return !refused && this.#fallback.length
              ? nothing
              : html`<p class="cf-load-failed" role="alert">${this.say(refused ? 'notAllowed' : 'loadFailed')}</p>`
          },
        })}
        <div class="cf-status" role="status" aria-live="polite" aria-atomic="true" data-kind=${(status && this.#submission.kind) || nothing}>${status}</div>
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
        aria-busy=${busy}
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
        <button
          class="cf-submit"
          type="submit"
          aria-disabled=${busy ? 'true' : nothing}
          @mousedown=${keepFocus}
        >${def.submitLabel}</button>
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
      return this.#submission.announce('challenge', 'error')
    await this.#submission.submit(body)
    this.#turnstile.reset()
  }
}

/**
 * Pressing the send button leaves the focus where it is: leaving a field shows its error, which
 * would push the button away before the click lands (and the submit checks every field anyway).
 */
const keepFocus = (event: MouseEvent) => event.preventDefault()

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
