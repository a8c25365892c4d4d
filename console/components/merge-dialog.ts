/**
 * @module
 * `<cc-merge-dialog>`: merges other contacts into this one in three steps inside one modal
 * dialog — find them (the start of a name, email or phone), see what `preview-merge` says the
 * contact will be, then confirm (`merge`, guarded by this contact's revision).
 *
 * @event cc-merged - `detail` is the merged contact
 */
import { LitElement, html, nothing } from 'lit'
import { ApiError, errorMessage } from '../api.ts'
import { displayName } from '../columns.ts'
import { mergeContacts, previewMerge, queryContacts } from '../contacts-api.ts'
import type { Contact, Label } from '../contacts-api.ts'
import { fill, plural, S } from '../strings.ts'

/** Wix merges at most 5 sources into a target at once. */
const MAX_SOURCES = 5

export class MergeDialog extends LitElement {
  static override properties = {
    target: { attribute: false },
    labels: { attribute: false },
    results: { state: true },
    chosen: { state: true },
    preview: { state: true },
    busy: { state: true },
    error: { state: true },
  }

  target?: Contact
  labels: Label[] = []
  results?: Contact[]
  chosen: string[] = []
  preview?: Contact
  busy = false
  error = ''

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  get #dialog(): HTMLDialogElement {
    return this.querySelector('dialog')!
  }

  async open(): Promise<void> {
    this.results = undefined
    this.chosen = []
    this.preview = undefined
    this.error = ''
    await this.updateComplete
    this.#dialog.showModal()
  }

  async #run(work: () => Promise<void>): Promise<void> {
    this.busy = true
    this.error = ''
    try {
      await work()
    } catch (error) {
      this.error =
        error instanceof ApiError && error.code === 'CONTACT_ALREADY_CHANGED'
          ? S.contact.stale
          : errorMessage(error)
    } finally {
      this.busy = false
    }
  }

  private handleFind(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const text = String(new FormData(event.target as HTMLFormElement).get('q') ?? '').trim()
    if (!text) return Promise.resolve()
    const starts = { $startsWith: text }
    return this.#run(async () => {
      const { contacts } = await queryContacts({
        filter: {
          $or: [
            { 'info.name.first': starts },
            { 'info.name.last': starts },
            { 'info.emails.email': starts },
            { 'info.phones.phone': starts },
          ],
        },
        sort: { fieldName: 'createdDate', order: 'DESC' },
        limit: 20,
        offset: 0,
      })
      this.results = contacts.filter((c) => c.id !== this.target!.id)
    })
  }

  private handlePreview(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    if (this.chosen.length === 0 || this.chosen.length > MAX_SOURCES) {
      this.error = fill(S.merge.tooMany, { max: MAX_SOURCES })
      return Promise.resolve()
    }
    return this.#run(async () => {
      this.preview = (await previewMerge(this.target!.id, this.chosen)).contact
      await this.updateComplete
      this.querySelector<HTMLElement>('#merge-preview-heading')?.focus()
    })
  }

  private handleMerge(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    return this.#run(async () => {
      const { contact } = await mergeContacts(this.target!.id, this.target!.revision, this.chosen)
      this.#dialog.close()
      this.dispatchEvent(new CustomEvent('cc-merged', { detail: contact, bubbles: true }))
    })
  }

  #toggle(id: string, on: boolean): void {
    this.chosen = on ? [...this.chosen, id] : this.chosen.filter((c) => c !== id)
  }

  #renderFind() {
    return html`
      <form class="row" role="search" @submit=${this.handleFind}>
        <div class="field" style="flex: 1 1 12rem">
          <label for="merge-search">${S.merge.searchLabel}</label>
          <input
            id="merge-search"
            name="q"
            type="search"
            autocomplete="off"
            maxlength="100"
            aria-describedby="merge-search-hint"
          />
        </div>
        <button type="submit" ?disabled=${this.busy}>${S.merge.find}</button>
        <p class="hint" id="merge-search-hint" style="flex-basis: 100%">${S.merge.searchHint}</p>
      </form>
      ${
        this.results
          ? html`<form @submit=${this.handlePreview}>
            <fieldset>
              <legend>${S.merge.results}</legend>
              ${
                this.results.length === 0
                  ? html`<p class="hint" role="status">${S.merge.noResults}</p>`
                  : html`<ul class="merge-results">
                    ${this.results.map(
                      (c) => html`<li>
                        <label class="check">
                          <input
                            type="checkbox"
                            .checked=${this.chosen.includes(c.id)}
                            @change=${(e: Event) =>
                              this.#toggle(c.id, (e.target as HTMLInputElement).checked)}
                          />
                          ${displayName(c)}
                          ${
                            c.primaryInfo.email && displayName(c) !== c.primaryInfo.email
                              ? html`<span class="muted">${c.primaryInfo.email}</span>`
                              : nothing
                          }
                        </label>
                      </li>`
                    )}
                  </ul>`
              }
            </fieldset>
            <div class="buttons">
              <button type="button" @click=${() => this.#dialog.close()}>${S.dialog.cancel}</button>
              <button type="submit" class="primary" ?disabled=${this.busy || !this.chosen.length}>
                ${S.merge.preview}
              </button>
            </div>
          </form>`
          : html`<div class="buttons">
            <button type="button" @click=${() => this.#dialog.close()}>${S.dialog.cancel}</button>
          </div>`
      }
    `
  }

  #renderPreview(p: Contact) {
    const names = new Map(this.labels.map((l) => [l.key, l.displayName]))
    const list = (items: string[] | undefined) =>
      items?.length ? items.join(', ') : S.contact.noValue
    return html`
      <form @submit=${this.handleMerge}>
        <h3 id="merge-preview-heading" tabindex="-1">${S.merge.previewHeading}</h3>
        <dl class="facts">
          <dt>${S.contact.name}</dt>
          <dd>${displayName(p)}</dd>
          <dt>${S.contact.emails}</dt>
          <dd>${list(p.info.emails?.items.map((e) => e.email))}</dd>
          <dt>${S.contact.phones}</dt>
          <dd>${list(p.info.phones?.items.map((x) => x.phone))}</dd>
          <dt>${S.contact.company}</dt>
          <dd>${p.info.company || S.contact.noValue}</dd>
          <dt>${S.contact.labels}</dt>
          <dd>${list(p.info.labelKeys?.items.map((k) => names.get(k) ?? k))}</dd>
        </dl>
        <div class="buttons">
          <button type="button" @click=${() => (this.preview = undefined)}>${S.merge.back}</button>
          <button type="submit" class="primary" ?disabled=${this.busy}>
            ${plural(S.merge.confirm, this.chosen.length)}
          </button>
        </div>
      </form>
    `
  }

  protected override render() {
    const target = this.target
    return html`
      <dialog aria-labelledby="merge-heading" aria-describedby="merge-intro">
        <div class="editor">
          <h2 id="merge-heading">
            ${fill(S.merge.heading, { name: target ? displayName(target) : '' })}
          </h2>
          <p id="merge-intro">${fill(S.merge.intro, { max: MAX_SOURCES })}</p>
          ${this.preview ? this.#renderPreview(this.preview) : this.#renderFind()}
          <div role="alert">${this.error ? html`<p class="error">${this.error}</p>` : nothing}</div>
        </div>
      </dialog>
    `
  }
}

customElements.define('cc-merge-dialog', MergeDialog)

declare global {
  interface HTMLElementTagNameMap {
    'cc-merge-dialog': MergeDialog
  }
}
