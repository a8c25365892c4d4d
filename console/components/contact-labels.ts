/**
 * @module
 * `<cc-contact-labels>`: a contact's labels, each removable, and a form to add one (existing or
 * new), through `POST`/`DELETE /contacts/v4/contacts/:id/labels`.
 *
 * @event cc-contact-changed - `detail` is the contact after the change
 */
import { LitElement, html, nothing } from 'lit'
import { errorMessage } from '../api.ts'
import { labelContact } from '../contacts-api.ts'
import type { Contact, Label } from '../contacts-api.ts'
import { fill, S } from '../strings.ts'
import { chosenLabelKey, requireLabelChoice } from './label-choice.ts'

export class ContactLabels extends LitElement {
  static override properties = {
    contact: { attribute: false },
    labels: { attribute: false },
    canEdit: { type: Boolean },
    busy: { state: true },
    error: { state: true },
    status: { state: true },
  }

  contact?: Contact
  /** Every label there is, for names and for the choice. */
  labels: Label[] = []
  canEdit = false
  busy = false
  error = ''
  status = ''

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  async #change(key: string, remove: boolean, done: string): Promise<boolean> {
    this.busy = true
    this.error = ''
    this.status = ''
    try {
      const { contact } = await labelContact(this.contact!.id, [key], remove)
      this.status = done
      this.dispatchEvent(new CustomEvent('cc-contact-changed', { detail: contact, bubbles: true }))
      return true
    } catch (error) {
      this.error = errorMessage(error)
      return false
    } finally {
      this.busy = false
    }
  }

  private async handleAdd(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const data = new FormData(form)
    const problem = requireLabelChoice(data)
    if (problem) {
      this.error = problem
      return
    }
    try {
      if (await this.#change(await chosenLabelKey(data), false, S.contact.labelAdded)) form.reset()
    } catch (error) {
      this.error = errorMessage(error)
    }
  }

  private async handleRemove(key: string): Promise<void> {
    await this.#change(key, true, S.contact.labelRemoved)
    // The button went with its label: keep the keyboard in this section.
    this.querySelector<HTMLElement>('select, button')?.focus()
  }

  protected override render() {
    const keys = this.contact?.info.labelKeys?.items ?? []
    const names = new Map(this.labels.map((l) => [l.key, l.displayName]))
    const others = this.labels.filter((l) => !keys.includes(l.key))
    return html`
      ${
        keys.length
          ? html`<ul class="chips">
            ${keys.map((key) => {
              const name = names.get(key) ?? key
              return html`<li class="chip">
                ${name}
                ${
                  this.canEdit
                    ? html`<button
                      type="button"
                      aria-label=${fill(S.contact.removeLabel, { name })}
                      ?disabled=${this.busy}
                      @click=${() => this.handleRemove(key)}
                    >
                      ✕
                    </button>`
                    : nothing
                }
              </li>`
            })}
          </ul>`
          : html`<p class="hint">${S.contact.noLabels}</p>`
      }
      ${
        this.canEdit
          ? html`<form class="row" @submit=${this.handleAdd} novalidate>
            <cc-label-choice .labels=${others} allow-new></cc-label-choice>
            <button type="submit" ?disabled=${this.busy}>${S.contact.addLabel}</button>
          </form>`
          : nothing
      }
      <p role="status" class="visually-hidden">${this.status}</p>
      <div role="alert">${this.error ? html`<p class="error">${this.error}</p>` : nothing}</div>
    `
  }
}

customElements.define('cc-contact-labels', ContactLabels)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contact-labels': ContactLabels
  }
}
