/**
 * @module
 * `<cc-confirm-dialog>`: a native modal `<dialog>` that asks before something happens. Its body
 * may hold inputs; `ask()` resolves with their values once confirmed, or null when cancelled
 * (Cancel, Escape). The browser traps focus inside and gives it back afterwards.
 *
 * @example
 * const answer = await dialog.ask() // FormData | null
 */
import { LitElement, html, nothing } from 'lit'
import type { TemplateResult } from 'lit'
import { S } from '../strings.ts'

let dialogs = 0

export class ConfirmDialog extends LitElement {
  static override properties = {
    heading: { type: String },
    confirmLabel: { type: String },
    danger: { type: Boolean },
    body: { attribute: false },
    error: { state: true },
  }

  heading = ''
  confirmLabel = ''
  /** The confirm button is red, and Cancel has the focus first. */
  danger = false
  body: TemplateResult | string = ''
  error = ''

  /** Checks the answers before the dialog closes: a message keeps it open. */
  #validate?: (data: FormData) => string | undefined
  #resolve?: (answer: FormData | null) => void
  readonly #id = `dialog${++dialogs}`

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  get #dialog(): HTMLDialogElement {
    return this.querySelector('dialog')!
  }

  async ask(validate?: (data: FormData) => string | undefined): Promise<FormData | null> {
    this.#resolve?.(null)
    this.#validate = validate
    this.error = ''
    await this.updateComplete
    this.querySelector('form')!.reset()
    this.#dialog.showModal()
    return new Promise((resolve) => (this.#resolve = resolve))
  }

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const problem = this.#validate?.(data)
    if (problem) {
      this.error = problem
      return
    }
    this.#finish(data)
  }

  #finish(answer: FormData | null): void {
    const resolve = this.#resolve
    this.#resolve = undefined
    if (this.#dialog.open) this.#dialog.close()
    resolve?.(answer)
  }

  protected override render() {
    return html`
      <dialog aria-labelledby="${this.#id}-heading" @close=${() => this.#finish(null)}>
        <form @submit=${this.handleSubmit} novalidate>
          <h2 id="${this.#id}-heading">${this.heading}</h2>
          ${this.body}
          <div role="alert">${this.error ? html`<p class="error">${this.error}</p>` : nothing}</div>
          <div class="buttons">
            <button type="button" ?autofocus=${this.danger} @click=${() => this.#finish(null)}>
              ${S.dialog.cancel}
            </button>
            <button type="submit" class=${this.danger ? 'danger' : 'primary'}>
              ${this.confirmLabel}
            </button>
          </div>
        </form>
      </dialog>
    `
  }
}

customElements.define('cc-confirm-dialog', ConfirmDialog)

declare global {
  interface HTMLElementTagNameMap {
    'cc-confirm-dialog': ConfirmDialog
  }
}
