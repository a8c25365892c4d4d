/**
 * @module
 * `<contact-form>`: renders a form from its definition on the worker and sends submissions to it.
 *
 * @example
 * <script type="module" src="https://contacts.example.com/contact-form.js"></script>
 * <contact-form form="demo"></contact-form>
 */
import { LitElement, html, nothing } from 'lit'
import type { PropertyValues } from 'lit'
import type { FormDefinition, PublicField } from '../shared/definition.ts'
import type { FieldViolation } from '../shared/errors.ts'
import { isValidationError } from '../shared/errors.ts'
import { ContactFormErrorEvent, ContactFormSubmitEvent, ContactFormSuccessEvent } from './events.ts'
import type { ContactFormErrorDetail, SubmittedValues } from './events.ts'
import { adoptStyles } from './contact-form.styles.ts'
import { clearPending, loadPending, savePending } from './pending-store.ts'
import type { PendingSubmission } from './pending-store.ts'
import { STRING_ATTRIBUTES, stringsFor } from './strings.ts'
import type { Strings } from './strings.ts'
import { sendSubmission } from './submit-client.ts'
import { validateField } from './validation.ts'

type State = 'loading' | 'ready' | 'submitting' | 'offline' | 'success' | 'load-failed'

// The origin this script was loaded from: the worker that serves the form, unless `endpoint` says otherwise.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin

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
    state: { state: true },
    errors: { state: true },
    status: { state: true },
  }

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, ...STRING_ATTRIBUTES]
  }

  form = ''
  endpoint?: string
  /** Milliseconds one attempt to send may take before it is retried. */
  timeout = 15_000
  protected state: State = 'loading'
  protected errors: Record<string, string> = {}
  protected status = ''

  private definition?: FormDefinition
  private strings: Strings = stringsFor(this)
  private touched = new Set<string>()
  /** The worker's verdict on a field, kept until the visitor changes that field's value. */
  private serverErrors: Record<string, { message: string; value: string | boolean }> = {}
  private values: SubmittedValues = {}
  private fallback: Element[] = []
  private readonly idPrefix = `cf${++instances}`
  private pending?: PendingSubmission
  private turnstileToken?: string
  private turnstileWidget?: string
  private loadController?: AbortController

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value)
    if (name.startsWith('text-')) {
      this.strings = stringsFor(this)
      this.requestUpdate()
    }
  }

  // Light DOM: native inputs in the page's own tree (see README, "Why light DOM").
  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override connectedCallback(): void {
    // The no-JavaScript fallback form, if the page has one: hidden while this element works.
    if (!this.hasUpdated && !this.fallback.length) {
      this.fallback = [...this.children]
      for (const el of this.fallback) el.setAttribute('hidden', '')
    }
    adoptStyles(this.getRootNode() as Document | ShadowRoot)
    super.connectedCallback()
    window.addEventListener('online', this.handleOnline)
    // Moved in the page (as single-page apps do) while loading: the load was cancelled; start again.
    if (this.hasUpdated && !this.definition && this.state === 'loading') void this.load()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('online', this.handleOnline)
    this.loadController?.abort()
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('form') || changed.has('endpoint')) void this.load()
  }

  protected override updated(): void {
    const box = this.querySelector<HTMLElement>('.cf-turnstile')
    const challenge = this.definition?.turnstile
    if (box && challenge && !box.hasChildNodes()) {
      void loadTurnstile().then((turnstile) => {
        this.turnstileWidget = turnstile.render(box, {
          sitekey: challenge.siteKey,
          action: challenge.action,
          callback: (token: string) => (this.turnstileToken = token),
          'expired-callback': () => (this.turnstileToken = undefined),
        })
      })
    }
  }

  private get baseUrl(): string {
    return (this.endpoint || SCRIPT_ORIGIN).replace(/\/+$/, '')
  }

  private get submitUrl(): string {
    return `${this.baseUrl}/v1/forms/${encodeURIComponent(this.form)}/submissions`
  }

  private async load(): Promise<void> {
    if (!this.form) return
    this.loadController?.abort()
    const controller = (this.loadController = new AbortController())
    this.state = 'loading'
    try {
      const res = await fetch(`${this.baseUrl}/v1/forms/${encodeURIComponent(this.form)}`, {
        signal: controller.signal,
        headers: { Accept: 'application/json' },
      })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      this.definition = (await res.json()) as FormDefinition
      // The fallback form is not needed any more: out of the tree, autofill and screen readers never meet it.
      for (const el of this.fallback) el.remove()
      this.state = 'ready'
      this.resumePending()
    } catch (err) {
      if (controller.signal.aborted) return
      this.state = 'load-failed'
      for (const el of this.fallback) el.removeAttribute('hidden')
      if (this.fallback[0] && !this.fallback[0].isConnected) this.prepend(...this.fallback)
      this.emitError({ reason: 'load' })
      console.warn('contact-form: could not load form', this.form, err)
    }
  }

  protected override render() {
    const lang = this.closest('[lang]')?.getAttribute('lang') || undefined
    const def = this.definition
    return html`
      <div class="cf-root" lang=${lang ?? nothing}>
        ${this.state === 'loading' ? html`<p class="cf-loading">${this.strings.loading}</p>` : nothing}
        ${
          this.state === 'load-failed' && !this.fallback.length
            ? html`<p class="cf-load-failed" role="alert">${this.strings.loadFailed}</p>`
            : nothing
        }
        ${
          def &&
          this.state !== 'success' &&
          this.state !== 'loading' &&
          this.state !== 'load-failed'
            ? this.renderForm(def)
            : nothing
        }
        ${
          this.state === 'success' && def
            ? html`<div class="cf-success" tabindex="-1">${def.successMessage}</div>`
            : nothing
        }
        <div class="cf-status" role="status" aria-live="polite" aria-atomic="true">${this.status}</div>
      </div>
    `
  }

  private renderForm(def: FormDefinition) {
    const busy = this.state === 'submitting'
    const titleId = `${this.idPrefix}-title`
    return html`
      <form
        class="cf-form"
        novalidate
        aria-labelledby=${titleId}
        aria-busy=${busy ? 'true' : 'false'}
        @submit=${this.handleSubmit}
        @focusout=${this.handleFocusOut}
        @input=${this.handleInput}
        @change=${this.handleInput}
      >
        <h2 class="cf-title" id=${titleId}>${def.title}</h2>
        ${def.description ? html`<p class="cf-description">${def.description}</p>` : nothing}
        ${def.fields.map((field) => this.renderField(field))}
        ${def.honeypot ? this.renderHoneypot(def.honeypot.name) : nothing}
        ${def.turnstile ? html`<div class="cf-turnstile"></div>` : nothing}
        <button class="cf-submit" type="submit" ?disabled=${busy}>${def.submitLabel}</button>
      </form>
    `
  }

  private renderField(field: PublicField) {
    const id = `${this.idPrefix}-${field.name}`
    const errorId = `${id}-error`
    const error = this.errors[field.name] ?? ''
    const invalid = error ? 'true' : 'false'
    const value = this.values[field.name]
    const mark =
      field.required && field.type !== 'consent'
        ? html`<span class="cf-required" aria-hidden="true">*</span>`
        : nothing
    const errorText = html`<p class="cf-error" id=${errorId}>${error}</p>`

    if (field.type === 'consent') {
      return html`
        <div class="cf-field cf-field-consent">
          <input
            class="cf-checkbox"
            type="checkbox"
            id=${id}
            name=${field.name}
            ?required=${field.required}
            .checked=${value === true}
            aria-invalid=${invalid}
            aria-describedby=${errorId}
          />
          <label class="cf-label" for=${id}>${field.label}</label>
          ${errorText}
        </div>
      `
    }
    const text = typeof value === 'string' ? value : ''
    let control
    if (field.type === 'select') {
      control = html`
        <select
          class="cf-input cf-select"
          id=${id}
          name=${field.name}
          ?required=${field.required}
          aria-invalid=${invalid}
          aria-describedby=${errorId}
          .value=${text}
        >
          <option value="">—</option>
          ${(field.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === text}>${o.label}</option>`)}
        </select>
      `
    } else if (field.type === 'textarea') {
      control = html`
        <textarea
          class="cf-input cf-textarea"
          id=${id}
          name=${field.name}
          rows="4"
          ?required=${field.required}
          maxlength=${field.maxLength ?? nothing}
          placeholder=${field.placeholder ?? nothing}
          autocomplete=${field.autocomplete ?? nothing}
          aria-invalid=${invalid}
          aria-describedby=${errorId}
          .value=${text}
        ></textarea>
      `
    } else {
      control = html`
        <input
          class="cf-input"
          type=${field.type}
          id=${id}
          name=${field.name}
          ?required=${field.required}
          maxlength=${field.maxLength ?? nothing}
          inputmode=${field.inputMode ?? nothing}
          autocomplete=${field.autocomplete ?? nothing}
          placeholder=${field.placeholder ?? nothing}
          aria-invalid=${invalid}
          aria-describedby=${errorId}
          .value=${text}
        />
      `
    }
    return html`
      <div class="cf-field">
        <label class="cf-label" for=${id}>${field.label} ${mark}</label>
        ${control} ${errorText}
      </div>
    `
  }

  // Out of sight and out of the accessibility tree; no autofill; people never fill it in.
  private renderHoneypot(name: string) {
    const id = `${this.idPrefix}-hp`
    return html`<div class="cf-hp" aria-hidden="true">
      <label for=${id}>Leave this empty</label>
      <input id=${id} name=${name} type="text" tabindex="-1" autocomplete="off" data-lpignore="true" data-1p-ignore />
    </div>`
  }

  private readValue(target: EventTarget | null): void {
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

  private handleInput = (event: Event): void => {
    this.readValue(event.target)
    const name = (event.target as HTMLInputElement).name
    if (this.touched.has(name)) this.validateOne(name)
  }

  private handleFocusOut = (event: FocusEvent): void => {
    const name = (event.target as HTMLInputElement).name
    if (!name || !this.definition?.fields.some((f) => f.name === name)) return
    this.readValue(event.target)
    this.touched.add(name)
    this.validateOne(name)
  }

  private validateOne(name: string): void {
    const field = this.definition?.fields.find((f) => f.name === name)
    if (!field) return
    const value = this.currentValue(field)
    const server = this.serverErrors[name]
    const message =
      validateField(field, value, this.strings) || (server?.value === value ? server.message : '')
    const { [name]: _, ...rest } = this.errors
    this.errors = message ? { ...rest, [name]: message } : rest
  }

  private currentValue(field: PublicField): string | boolean {
    const value = this.values[field.name]
    if (field.type === 'consent') return value === true
    return typeof value === 'string' ? value : ''
  }

  private handleSubmit = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault()
    const def = this.definition
    if (!def || this.state === 'submitting') return
    const form = event.currentTarget as HTMLFormElement
    for (const el of form.elements) this.readValue(el)

    const errors: Record<string, string> = {}
    for (const field of def.fields) {
      this.touched.add(field.name)
      const message = validateField(field, this.currentValue(field), this.strings)
      if (message) errors[field.name] = message
    }
    this.errors = errors
    if (Object.keys(errors).length) {
      this.status = this.strings.fixErrors
      await this.focusFirstInvalid()
      this.emitError({ reason: 'validation', fieldErrors: errors })
      return
    }

    const values: SubmittedValues = {}
    for (const field of def.fields) values[field.name] = this.currentValue(field)

    if (!this.dispatchEvent(new ContactFormSubmitEvent(values))) return

    const trap = def.honeypot ? form.elements.namedItem(def.honeypot.name) : null
    const body = JSON.stringify({
      values,
      context: pageContext(),
      ...(def.token ? { token: def.token } : {}),
      ...(def.honeypot ? { honeypot: trap instanceof HTMLInputElement ? trap.value : '' } : {}),
      ...(def.turnstile ? { turnstile: this.turnstileToken ?? '' } : {}),
    })
    // Sending the same thing again (say, a second click while offline) keeps its key: the worker
    // then records it once even if the first attempt did arrive.
    const idempotencyKey =
      this.pending?.body === body ? this.pending.idempotencyKey : crypto.randomUUID()
    if (def.turnstile && !this.turnstileToken) {
      this.status = this.strings.challenge
      return
    }
    await this.send({ body, idempotencyKey, savedAt: Date.now() })
    // A Turnstile token is good for one check; the next submission needs a fresh one.
    if (this.turnstileWidget !== undefined) {
      this.turnstileToken = undefined
      window.turnstile?.reset(this.turnstileWidget)
    }
  }

  private async send(
    pending: PendingSubmission,
    resumed = false,
    refreshed = false
  ): Promise<void> {
    this.state = 'submitting'
    this.status = resumed ? this.strings.resuming : this.strings.sending
    this.pending = pending
    const result = await sendSubmission({
      url: this.submitUrl,
      body: pending.body,
      idempotencyKey: pending.idempotencyKey,
      attemptTimeoutMs: this.timeout,
      onRetry: () => (this.status = this.strings.retrying),
    })
    if (result.kind === 'network-error' && result.offline) {
      savePending(this.submitUrl, pending)
      this.state = 'offline'
      this.status = this.strings.offline
      this.emitError({ reason: 'offline' })
      return
    }
    if (result.kind === 'answer' && result.status >= 200 && result.status < 300) {
      clearPending(this.submitUrl)
      this.pending = undefined
      return this.succeed(result.body as { submissionId: string }, resumed)
    }
    const code = result.kind === 'answer' ? applicationCode(result.body) : undefined
    if (code === 'FORM_TOKEN_EXPIRED' && !refreshed) {
      // The page was open for long (or the worker's key changed): the same submission, with a
      // fresh render token, under the same key (the refused request recorded nothing).
      const fresh = await this.freshToken()
      if (fresh)
        return this.send({ ...pending, body: withToken(pending.body, fresh) }, resumed, true)
    }
    this.state = 'ready'
    const final =
      result.kind === 'answer' &&
      result.status >= 400 &&
      result.status < 500 &&
      ![409, 425, 429].includes(result.status)
    if (final) {
      // Refused for good as it stands: the visitor gets the values back to correct and resend.
      clearPending(this.submitUrl)
      this.pending = undefined
      if (resumed) this.restoreValues(pending.body)
      const violations = isValidationError(result.body)
        ? result.body.details.validationError.fieldViolations
        : []
      const errors = this.mapViolations(violations)
      if (Object.keys(errors).length) {
        this.errors = errors
        this.status = this.strings.fixErrors
        await this.focusFirstInvalid()
        this.emitError({ reason: 'validation', status: result.status, fieldErrors: errors })
        return
      }
    } else if (resumed) {
      // Still failing after every retry: a submission saved earlier stays saved for the next try
      // (and sending again reuses its key, so the worker records it once).
      this.restoreValues(pending.body)
    }
    this.status = this.strings.failed
    this.emitError({
      reason: 'failed',
      ...(result.kind === 'answer' ? { status: result.status } : {}),
    })
  }

  /** A new render token, from a fresh copy of the definition. */
  private async freshToken(): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.baseUrl}/v1/forms/${encodeURIComponent(this.form)}`, {
        headers: { Accept: 'application/json' },
      })
      return res.ok ? ((await res.json()) as FormDefinition).token : undefined
    } catch {
      return undefined
    }
  }

  /** Puts the values of a saved submission back into the form. */
  private restoreValues(body: string): void {
    try {
      const { values } = JSON.parse(body) as { values?: SubmittedValues }
      if (values && typeof values === 'object') this.values = { ...values }
    } catch {
      // not ours to read
    }
  }

  private async succeed(answer: { submissionId: string }, resumed: boolean): Promise<void> {
    const def = this.definition!
    this.dispatchEvent(new ContactFormSuccessEvent(answer.submissionId))
    // A message saved on an earlier visit must not carry the visitor off the page they are on now.
    if (def.redirectUrl && !resumed) {
      window.location.assign(def.redirectUrl)
      return
    }
    this.state = 'success'
    this.status = def.successMessage
    await this.updateComplete
    this.querySelector<HTMLElement>('.cf-success')?.focus()
  }

  private mapViolations(violations: FieldViolation[]): Record<string, string> {
    const errors: Record<string, string> = {}
    this.serverErrors = {}
    for (const v of violations) {
      const field = this.definition?.fields.find((f) => f.name === v.field)
      if (!field || errors[v.field]) continue
      errors[v.field] = v.description
      this.serverErrors[v.field] = { message: v.description, value: this.currentValue(field) }
    }
    return errors
  }

  private async focusFirstInvalid(): Promise<void> {
    await this.updateComplete
    this.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
  }

  /** Sends a submission saved while offline, on the next visit or when the browser is back online. */
  private resumePending(): void {
    const pending = loadPending(this.submitUrl)
    if (!pending || this.state !== 'ready') return
    if (this.definition?.turnstile) {
      // A Turnstile token is good for minutes and one check: the visitor completes a new one.
      this.restoreValues(pending.body)
      this.pending = pending
      this.status = this.strings.challenge
      return
    }
    void this.send(pending, true)
  }

  private handleOnline = (): void => {
    if (this.state === 'offline' && this.pending && !this.definition?.turnstile)
      void this.send(this.pending, true)
    else if (this.state === 'offline') {
      this.state = 'ready'
      this.resumePending()
    } else if (this.state === 'ready') this.resumePending()
  }

  private emitError(detail: ContactFormErrorDetail): void {
    this.dispatchEvent(new ContactFormErrorEvent(detail))
  }
}

function applicationCode(body: unknown): string | undefined {
  const details = (body as { details?: { applicationError?: { code?: string } } } | undefined)
    ?.details
  return details?.applicationError?.code
}

/** The same request body with another render token. */
function withToken(body: string, token: string): string {
  return JSON.stringify({ ...(JSON.parse(body) as object), token })
}

/** The page the form is on, and the campaign that brought the visitor: stored with the submission. */
function pageContext() {
  const url = new URL(window.location.href)
  const utm: Record<string, string> = {}
  for (const key of ['source', 'medium', 'campaign', 'term', 'content']) {
    const value = url.searchParams.get(`utm_${key}`)
    if (value) utm[key] = value.slice(0, 200)
  }
  url.hash = ''
  return {
    ...(/^https?:$/.test(url.protocol) ? { pageUrl: url.href.slice(0, 2048) } : {}),
    referrer: /^https?:/.test(document.referrer) ? document.referrer.slice(0, 2048) : '',
    ...(Object.keys(utm).length ? { utm } : {}),
  }
}

interface Turnstile {
  render(container: HTMLElement, options: Record<string, unknown>): string
  reset(widget: string): void
}

let turnstileScript: Promise<Turnstile> | undefined

/** Cloudflare's Turnstile script, loaded once, only for forms that use it. */
function loadTurnstile(): Promise<Turnstile> {
  if (window.turnstile) return Promise.resolve(window.turnstile)
  turnstileScript ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'
    script.async = true
    script.onload = () =>
      window.turnstile ? resolve(window.turnstile) : reject(new Error('no turnstile'))
    script.onerror = reject
    document.head.append(script)
  })
  return turnstileScript
}

if (!customElements.get('contact-form')) customElements.define('contact-form', ContactForm)

declare global {
  interface HTMLElementTagNameMap {
    'contact-form': ContactForm
  }
  interface Window {
    turnstile?: Turnstile
  }
}
