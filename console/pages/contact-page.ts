/**
 * @module
 * `<cc-contact-page>` (`#/contacts/:id`): one contact — its details (edited whole, guarded by its
 * revision), its labels, the timeline of its submissions, merge and delete.
 */
import { LitElement, html, nothing } from 'lit'
import { ApiError, errorMessage } from '../api.ts'
import { displayName } from '../columns.ts'
import '../components/confirm-dialog.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/contact-editor.ts'
import '../components/contact-labels.ts'
import '../components/contact-timeline.ts'
import '../components/merge-dialog.ts'
import type { MergeDialog } from '../components/merge-dialog.ts'
import {
  deleteContact,
  getContact,
  listExtendedFields,
  listForms,
  listLabels,
  listSubmissions,
  updateContact,
} from '../contacts-api.ts'
import type {
  Contact,
  ContactInfoInput,
  ConfiguredForm,
  ExtendedField,
  Label,
  SubmissionRecord,
} from '../contacts-api.ts'
import { announce } from '../notices.ts'
import { navigate } from '../router.ts'
import { fill, formatDateTime, plural, S } from '../strings.ts'
import { contactsListHref } from './contacts-page.ts'

const SUBMISSIONS_SHOWN = 100

export class ContactPage extends LitElement {
  static override properties = {
    contactId: { type: String },
    canEdit: { type: Boolean },
    contact: { state: true },
    labels: { state: true },
    fields: { state: true },
    forms: { state: true },
    submissions: { state: true },
    submissionTotal: { state: true },
    error: { state: true },
    editing: { state: true },
    saving: { state: true },
    saveError: { state: true },
    stale: { state: true },
    status: { state: true },
    mergedFrom: { state: true },
  }

  contactId = ''
  canEdit = false
  contact?: Contact
  labels: Label[] = []
  fields: ExtendedField[] = []
  forms: ConfiguredForm[] = []
  submissions: SubmissionRecord[] = []
  submissionTotal = 0
  /** The contact could not be read (not found, or another failure). */
  error?: ApiError | Error
  editing = false
  saving = false
  saveError = ''
  /** The last save was refused as stale: someone changed the contact meanwhile. */
  stale = false
  status = ''
  /** Arrived by the id of a contact that was merged into this one. */
  mergedFrom = ''
  #abort?: AbortController
  /** The id this page was sent on to, after a merged-away id. */
  #mergedInto = ''

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#abort?.abort()
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('contactId') && this.contactId) {
      if (this.contactId !== this.#mergedInto) this.mergedFrom = ''
      this.contact = undefined
      this.editing = false
      void this.#load()
    }
  }

  async #load(): Promise<void> {
    this.#abort?.abort()
    const abort = (this.#abort = new AbortController())
    const { signal } = abort
    this.error = undefined
    this.stale = false
    try {
      const [answer, labels, fields, forms, log] = await Promise.all([
        getContact(this.contactId, signal),
        listLabels(signal),
        listExtendedFields(signal),
        listForms(signal),
        listSubmissions({ contactId: this.contactId, limit: SUBMISSIONS_SHOWN }, signal),
      ])
      if (answer.contact.id !== this.contactId) {
        // A merged-away id answers with the contact it went into: show that one, under its own id.
        this.mergedFrom = this.contactId
        this.#mergedInto = answer.contact.id
        navigate(`/contacts/${encodeURIComponent(answer.contact.id)}`, undefined, {
          replace: true,
        })
      }
      Object.assign(this, { labels, fields, forms })
      this.contact = answer.contact
      this.submissions = log.submissions
      this.submissionTotal = log.pagingMetadata.total
    } catch (error) {
      if (!signal.aborted) this.error = error as Error
    }
  }

  async #reload(): Promise<void> {
    this.editing = false
    this.saveError = ''
    this.status = ''
    await this.#load()
    await this.updateComplete
    this.querySelector<HTMLElement>('h1')?.focus()
  }

  private async handleSave(event: CustomEvent<ContactInfoInput>): Promise<void> {
    const contact = this.contact!
    this.saving = true
    this.saveError = ''
    this.stale = false
    this.status = ''
    try {
      this.contact = (await updateContact(contact.id, contact.revision, event.detail)).contact
      this.editing = false
      this.status = S.contact.saved
      await this.updateComplete
      this.querySelector<HTMLElement>('#details-heading')?.focus()
    } catch (error) {
      if (error instanceof ApiError && error.code === 'CONTACT_ALREADY_CHANGED') {
        this.stale = true
        await this.updateComplete
        this.querySelector<HTMLElement>('#stale-reload')?.focus()
      } else this.saveError = errorMessage(error)
    } finally {
      this.saving = false
    }
  }

  private async handleContactChanged(event: CustomEvent<Contact>): Promise<void> {
    this.contact = event.detail
    const known = new Set(this.labels.map((l) => l.key))
    // A label made just now: its name is needed for the chips.
    if (event.detail.info.labelKeys?.items.some((k) => !known.has(k)))
      this.labels = await listLabels()
  }

  private async handleDelete(): Promise<void> {
    const dialog = this.querySelector<ConfirmDialog>('#delete-dialog')!
    if (!(await dialog.ask())) return
    try {
      await deleteContact(this.contact!.id)
      announce(S.contact.deleted, '/contacts')
      window.location.hash = contactsListHref()
    } catch (error) {
      this.saveError = errorMessage(error)
    }
  }

  private async handleMerged(event: CustomEvent<Contact>): Promise<void> {
    this.contact = event.detail
    this.status = S.merge.merged
    await this.#load()
  }

  #renderFacts(c: Contact) {
    const none = S.contact.noValue
    const tagged = (text: string, tag: string, primary?: boolean) => {
      const notes = [
        tag === 'UNTAGGED' ? '' : (S.tags[tag] ?? tag),
        primary ? S.contact.primaryNote : '',
      ]
      const said = notes.filter(Boolean).join(', ')
      return said ? `${text} (${said})` : text
    }
    const userFields = this.fields.filter((f) => f.fieldType === 'USER_DEFINED')
    const values = c.info.extendedFields?.items ?? {}
    const lines = (items: string[]) =>
      items.length ? items.map((t) => html`<div>${t}</div>`) : none
    return html`<dl class="facts">
      <dt>${S.contact.firstName}</dt>
      <dd>${c.info.name?.first || none}</dd>
      <dt>${S.contact.lastName}</dt>
      <dd>${c.info.name?.last || none}</dd>
      <dt>${S.contact.emails}</dt>
      <dd>${lines((c.info.emails?.items ?? []).map((e) => tagged(e.email, e.tag, e.primary)))}</dd>
      <dt>${S.contact.phones}</dt>
      <dd>${lines((c.info.phones?.items ?? []).map((p) => tagged(p.phone, p.tag, p.primary)))}</dd>
      <dt>${S.contact.addresses}</dt>
      <dd>
        ${lines(
          (c.info.addresses?.items ?? []).map((a) => {
            const { addressLine, addressLine2, city, subdivision, postalCode, country } = a.address
            const text = [addressLine, addressLine2, city, subdivision, postalCode, country]
              .filter(Boolean)
              .join(', ')
            return a.tag === 'UNTAGGED' ? text : `${text} (${S.tags[a.tag] ?? a.tag})`
          })
        )}
      </dd>
      <dt>${S.contact.company}</dt>
      <dd>${c.info.company || none}</dd>
      <dt>${S.contact.jobTitle}</dt>
      <dd>${c.info.jobTitle || none}</dd>
      ${userFields.map(
        (f) => html`<dt>${f.displayName}</dt>
          <dd>${values[f.key] === undefined ? none : String(values[f.key])}</dd>`
      )}
      <dt>${S.contact.created}</dt>
      <dd>${formatDateTime(c.createdDate)}</dd>
      <dt>${S.contact.updated}</dt>
      <dd>${formatDateTime(c.updatedDate)}</dd>
      <dt>${S.contact.revision}</dt>
      <dd>${c.revision}</dd>
    </dl>`
  }

  #renderError(error: Error) {
    const notFound = error instanceof ApiError && error.status === 404
    return html`<div class="page">
      <p><a href=${contactsListHref()}>← ${S.contact.back}</a></p>
      <h1 tabindex="-1">${S.contacts.heading}</h1>
      <div class="error" role="alert">
        <p>${notFound ? S.contact.notFound : errorMessage(error)}</p>
        ${
          notFound
            ? nothing
            : html`<div class="row">
              <button type="button" @click=${() => this.#load()}>${S.errors.retry}</button>
            </div>`
        }
      </div>
    </div>`
  }

  protected override render() {
    if (this.error) return this.#renderError(this.error)
    const c = this.contact
    if (!c)
      return html`<div class="page">
        <h1 tabindex="-1">${S.contacts.heading}</h1>
        <p role="status">${S.contact.loading}</p>
      </div>`
    const name = displayName(c)
    return html`
      <div class="page">
        <p><a href=${contactsListHref()}>← ${S.contact.back}</a></p>
        <div class="page-head">
          <h1 tabindex="-1">${name}</h1>
          ${
            this.canEdit
              ? html`<div class="row">
                <button
                  type="button"
                  @click=${() => this.querySelector<MergeDialog>('cc-merge-dialog')!.open()}
                >
                  ${S.contact.merge}
                </button>
                <button type="button" @click=${this.handleDelete}>${S.contact.delete}</button>
              </div>`
              : nothing
          }
        </div>
        <div class="messages">
        ${this.mergedFrom ? html`<p class="notice">${S.contact.mergedNotice}</p>` : nothing}
        <div role="status">${this.status ? html`<p class="notice ok">${this.status}</p>` : nothing}</div>
        <div role="alert">
          ${
            this.stale
              ? html`<div class="error">
                <p>${S.contact.stale}</p>
                <div class="row">
                  <button id="stale-reload" type="button" class="primary" @click=${this.#reload}>
                    ${S.contact.reload}
                  </button>
                </div>
              </div>`
              : nothing
          }
          ${this.saveError ? html`<p class="error">${this.saveError}</p>` : nothing}
        </div>
        </div>
        <div class="contact-layout">
          <div class="page">
            <section class="card" aria-labelledby="details-heading">
              <div class="page-head">
                <h2 id="details-heading" tabindex="-1">${S.contact.details}</h2>
                ${
                  this.canEdit && !this.editing
                    ? html`<button
                      type="button"
                      aria-label=${`${S.contact.edit}: ${S.contact.details}`}
                      @click=${() => (this.editing = true)}
                    >
                      ${S.contact.edit}
                    </button>`
                    : nothing
                }
              </div>
              ${
                this.editing
                  ? html`<cc-contact-editor
                    .contact=${c}
                    .fields=${this.fields}
                    ?busy=${this.saving}
                    @cc-save=${this.handleSave}
                    @cc-cancel=${async () => {
                      this.editing = false
                      await this.updateComplete
                      this.querySelector<HTMLElement>('#details-heading')?.focus()
                    }}
                  ></cc-contact-editor>`
                  : this.#renderFacts(c)
              }
            </section>
            <section class="card" aria-labelledby="labels-heading">
              <h2 id="labels-heading">${S.contact.labels}</h2>
              <cc-contact-labels
                .contact=${c}
                .labels=${this.labels}
                ?canEdit=${this.canEdit}
                @cc-contact-changed=${this.handleContactChanged}
              ></cc-contact-labels>
            </section>
          </div>
          <section class="card" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">${S.contact.timeline}</h2>
            <cc-contact-timeline
              .contact=${c}
              .submissions=${this.submissions}
              .total=${this.submissionTotal}
              .forms=${this.forms}
            ></cc-contact-timeline>
          </section>
        </div>
        ${
          this.canEdit
            ? html`<cc-confirm-dialog
                id="delete-dialog"
                danger
                .heading=${fill(S.contact.deleteHeading, { name })}
                .confirmLabel=${S.contact.deleteConfirm}
                .body=${html`<p>${plural(S.contact.deleteBody, this.submissionTotal)}</p>`}
              ></cc-confirm-dialog>
              <cc-merge-dialog
                .target=${c}
                .labels=${this.labels}
                @cc-merged=${this.handleMerged}
              ></cc-merge-dialog>`
            : nothing
        }
      </div>
    `
  }
}

customElements.define('cc-contact-page', ContactPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contact-page': ContactPage
  }
}
