/**
 * @module
 * `<cc-label-choice>`: picks one label inside a form — an existing one, or (with `allow-new`) a
 * new name, created on use. Its inputs are ordinary form fields (`labelKey`, `newLabel`), so the
 * form's data carries the choice; `chosenLabelKey()` turns that into a label key.
 */
import { LitElement, html, nothing } from 'lit'
import { findOrCreateLabel } from '../contacts-api.ts'
import type { Label } from '../contacts-api.ts'
import { S } from '../strings.ts'

const NEW = '__new'
let choices = 0

export class LabelChoice extends LitElement {
  static override properties = {
    labels: { attribute: false },
    allowNew: { type: Boolean, attribute: 'allow-new' },
    isNew: { state: true },
  }

  labels: Label[] = []
  allowNew = false
  isNew = false
  readonly #id = `label-choice${++choices}`
  #form?: HTMLFormElement | null

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  readonly #onReset = () => (this.isNew = false)

  override connectedCallback(): void {
    super.connectedCallback()
    this.#form = this.closest('form')
    this.#form?.addEventListener('reset', this.#onReset)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#form?.removeEventListener('reset', this.#onReset)
  }

  protected override render() {
    const sorted = [...this.labels].sort((a, b) => a.displayName.localeCompare(b.displayName))
    return html`
      <div class="field">
        <label for="${this.#id}">${S.labelChoice.label}</label>
        <select
          id="${this.#id}"
          name="labelKey"
          @change=${(e: Event) => (this.isNew = (e.target as HTMLSelectElement).value === NEW)}
        >
          <option value="">${S.labelChoice.choose}</option>
          ${sorted.map((l) => html`<option value=${l.key}>${l.displayName}</option>`)}
          ${this.allowNew ? html`<option value=${NEW}>${S.labelChoice.newOption}</option>` : nothing}
        </select>
      </div>
      ${
        this.isNew
          ? html`<div class="field">
            <label for="${this.#id}-new">${S.labelChoice.newName}</label>
            <input id="${this.#id}-new" name="newLabel" maxlength="180" autocomplete="off" />
          </div>`
          : nothing
      }
    `
  }
}

customElements.define('cc-label-choice', LabelChoice)

declare global {
  interface HTMLElementTagNameMap {
    'cc-label-choice': LabelChoice
  }
}

/** A message when the form's data names no label; for ConfirmDialog's `ask`. */
export function requireLabelChoice(data: FormData): string | undefined {
  const key = String(data.get('labelKey') ?? '')
  const name = String(data.get('newLabel') ?? '').trim()
  return !key || (key === NEW && !name) ? S.labelChoice.required : undefined
}

/** The chosen label's key; a new name is found or created first. */
export async function chosenLabelKey(data: FormData): Promise<string> {
  const key = String(data.get('labelKey'))
  return key === NEW ? findOrCreateLabel(String(data.get('newLabel')).trim()) : key
}
