/**
 * @module
 * `<cc-contacts-page>` (`#/contacts`): every contact, a page at a time from Query Contacts, with
 * search, label facets, created dates and form as filters, sortable and choosable columns, bulk
 * label and delete jobs over a selection or over everything the view matches, and a CSV export
 * of the selection or, without one, of the whole view. The view lives in the URL
 * (./contacts-view.ts).
 */
import { LitElement, html, nothing } from 'lit'
import type { TemplateResult } from 'lit'
import { errorMessage } from '../api.ts'
import { allColumns } from '../columns.ts'
import type { Column } from '../columns.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/confirm-dialog.ts'
import '../components/column-chooser.ts'
import '../components/contacts-table.ts'
import type { Sort } from '../components/contacts-table.ts'
import '../components/job-progress.ts'
import { chosenLabelKey, requireLabelChoice } from '../components/label-choice.ts'
import '../components/label-sidebar.ts'
import {
  listExtendedFields,
  listFacets,
  listForms,
  listLabels,
  listSubmissions,
  queryContacts,
  startDeleteJob,
  startLabelJob,
} from '../contacts-api.ts'
import type {
  Contact,
  ConfiguredForm,
  ExtendedField,
  Facet,
  Label,
  Selection,
} from '../contacts-api.ts'
import {
  changeView,
  facetFor,
  filterFor,
  idFilter,
  PAGE_SIZES,
  readView,
  selectionKey,
  writeView,
} from '../contacts-view.ts'
import type { ContactsView } from '../contacts-view.ts'
import { exportContacts } from '../imports-api.ts'
import { hrefFor, navigate } from '../router.ts'
import { fill, plural, S } from '../strings.ts'

/** The form filter reads this many of a form's latest submissions (one page of the log). */
export const FORM_SUBMISSIONS_READ = 1000

type BulkAction = 'add' | 'remove' | 'delete'

interface Result {
  contacts: Contact[]
  total: number
  /** The filter and search that selected them, for "all matching". */
  selection: Selection
}

/** The query of the contacts view last shown, for the contact page's way back. */
let lastListQuery = new URLSearchParams()
export function contactsListHref(): string {
  return hrefFor('/contacts', lastListQuery)
}

export class ContactsPage extends LitElement {
  static override properties = {
    query: { attribute: false },
    canEdit: { type: Boolean },
    facets: { state: true },
    labels: { state: true },
    fields: { state: true },
    forms: { state: true },
    result: { state: true },
    loading: { state: true },
    error: { state: true },
    unknownLabel: { state: true },
    formCapped: { state: true },
    selected: { state: true },
    allMatching: { state: true },
    jobId: { state: true },
    action: { state: true },
    exportError: { state: true },
  }

  query = new URLSearchParams()
  canEdit = false
  facets?: Facet[]
  labels: Label[] = []
  fields: ExtendedField[] = []
  forms: ConfiguredForm[] = []
  result?: Result
  loading = false
  error = ''
  unknownLabel = false
  formCapped = false
  selected: ReadonlySet<string> = new Set()
  allMatching = false
  jobId = ''
  action: BulkAction = 'add'
  exportError = ''

  view: ContactsView = readView(this.query)
  #loadedKey = ''
  #abort?: AbortController

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#abort?.abort()
    this.#loadedKey = ''
  }

  override connectedCallback(): void {
    super.connectedCallback()
    // Back on the page: the same view is loaded again (contacts may have changed meanwhile).
    if (this.hasUpdated) void this.#load()
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('query')) return
    lastListQuery = this.query
    const before = this.view
    this.view = readView(this.query)
    if (selectionKey(before) !== selectionKey(this.view)) this.#clearSelection()
    const { page, size, sort } = this.view
    const key = JSON.stringify([selectionKey(this.view), page, size, sort])
    if (key !== this.#loadedKey) {
      this.#loadedKey = key
      void this.#load()
    }
  }

  async #loadCatalogs(signal: AbortSignal): Promise<Facet[]> {
    const [facets, labels, fields, forms] = await Promise.all([
      listFacets(signal),
      listLabels(signal),
      listExtendedFields(signal),
      listForms(signal),
    ])
    Object.assign(this, { facets, labels, fields, forms })
    return facets
  }

  /** The contacts that the form's latest submissions were written to. */
  async #formContactIds(formId: string, signal: AbortSignal): Promise<string[]> {
    const { submissions, pagingMetadata } = await listSubmissions(
      { formId, status: 'processed', limit: FORM_SUBMISSIONS_READ },
      signal
    )
    this.formCapped = pagingMetadata.total > FORM_SUBMISSIONS_READ
    return [...new Set(submissions.flatMap((s) => (s.contactId ? [s.contactId] : [])))]
  }

  async #load({ catalogs = false } = {}): Promise<void> {
    this.#abort?.abort()
    const abort = (this.#abort = new AbortController())
    const view = this.view
    this.loading = true
    this.error = ''
    try {
      const facets = this.facets && !catalogs ? this.facets : await this.#loadCatalogs(abort.signal)
      const facet = facetFor(view, facets)
      this.unknownLabel = !!view.label && !facet
      const formIds = view.form ? await this.#formContactIds(view.form, abort.signal) : undefined
      const filter = filterFor(view, facet, formIds)
      const selection: Selection = { filter, ...(view.search ? { search: view.search } : {}) }
      if (formIds?.length === 0) {
        this.result = { contacts: [], total: 0, selection }
        return
      }
      const answer = await queryContacts(
        {
          filter,
          ...(view.search ? { search: view.search } : {}),
          sort: { fieldName: view.sort.field, order: view.sort.order },
          limit: view.size,
          offset: (view.page - 1) * view.size,
        },
        abort.signal
      )
      const total = answer.pagingMetadata.total
      const lastPage = Math.max(1, Math.ceil(total / view.size))
      // A link to a page past the end (contacts were deleted since): the last page instead.
      if (view.page > lastPage) return this.#go({ page: lastPage }, true)
      this.result = { contacts: answer.contacts, total, selection }
    } catch (error) {
      if (abort.signal.aborted) return
      this.error = errorMessage(error)
    } finally {
      if (!abort.signal.aborted) this.loading = false
    }
  }

  #go(change: Partial<ContactsView>, replace = false): void {
    navigate('/contacts', writeView(changeView(this.view, change)), { replace })
  }

  #href(change: Partial<ContactsView>): string {
    return hrefFor('/contacts', writeView(changeView(this.view, change)))
  }

  #clearSelection(): void {
    this.selected = new Set()
    this.allMatching = false
  }

  get #selectedCount(): number {
    return this.allMatching ? (this.result?.total ?? 0) : this.selected.size
  }

  private handleSearch(event: SubmitEvent): void {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    this.#go({ search: String(data.get('q') ?? '').trim() })
  }

  private handleFilters(event: SubmitEvent): void {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    this.#go({
      from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''),
      form: String(data.get('form') ?? ''),
    })
  }

  private handleSelect(event: CustomEvent<{ ids: string[]; selected: boolean }>): void {
    const next = new Set(this.selected)
    for (const id of event.detail.ids) {
      if (event.detail.selected) next.add(id)
      else next.delete(id)
    }
    this.selected = next
  }

  async #bulk(action: BulkAction): Promise<void> {
    this.action = action
    await this.updateComplete
    const dialog = this.querySelector<ConfirmDialog>('#bulk-dialog')!
    const data = await dialog.ask(action === 'delete' ? undefined : requireLabelChoice)
    if (!data || !this.result) return
    const selection: Selection = this.allMatching
      ? this.result.selection
      : { filter: idFilter([...this.selected]) }
    try {
      this.jobId =
        action === 'delete'
          ? await startDeleteJob(selection)
          : action === 'add'
            ? await startLabelJob(selection, [await chosenLabelKey(data)], [])
            : await startLabelJob(selection, [], [await chosenLabelKey(data)])
      this.#clearSelection()
      await this.updateComplete
      this.querySelector<HTMLElement>('#job-heading')?.focus()
    } catch (error) {
      this.error = errorMessage(error)
    }
  }

  /** Downloads what the table shows: the rows ticked, else every contact the view matches. */
  private async handleExport(): Promise<void> {
    const result = this.result!
    this.exportError = ''
    try {
      await exportContacts(
        this.selected.size && !this.allMatching ? { ids: [...this.selected] } : result.selection
      )
    } catch (error) {
      this.exportError = errorMessage(error)
    }
  }

  #dialogText(): { heading: string; confirm: string; body: TemplateResult } {
    const count = this.#selectedCount
    const note = html`<p class="hint">${S.bulk.laterNote}</p>`
    if (this.action === 'delete') {
      return {
        heading: plural(S.bulk.deleteHeading, count),
        confirm: plural(S.bulk.deleteConfirm, count),
        body: html`<p>${S.bulk.deleteBody}</p>
          ${this.allMatching ? note : nothing}`,
      }
    }
    const add = this.action === 'add'
    return {
      heading: plural(add ? S.bulk.addHeading : S.bulk.removeHeading, count),
      confirm: add ? S.selection.addLabel : S.selection.removeLabel,
      body: html`<cc-label-choice .labels=${this.labels} ?allow-new=${add}></cc-label-choice>
        ${this.allMatching ? note : nothing}`,
    }
  }

  #caption(): string {
    if (!this.result) return S.contacts.caption
    const column = allColumns(this.fields).find((c) => c.sortField === this.view.sort.field)
    const count = plural(S.contacts.captionCount, this.result.total)
    if (!column) return count
    const order = this.view.sort.order === 'ASC' ? S.contacts.ascending : S.contacts.descending
    return `${count}, ${fill(S.contacts.sortedBy, { column: column.label, order })}`
  }

  #renderToolbar() {
    const v = this.view
    return html`
      <div class="toolbar">
        <form role="search" class="search" @submit=${this.handleSearch}>
          <div class="field">
            <label for="contact-search">${S.contacts.searchLabel}</label>
            <input
              id="contact-search"
              name="q"
              type="search"
              .value=${v.search}
              maxlength="100"
              autocomplete="off"
              aria-describedby="contact-search-hint"
            />
          </div>
          <button type="submit">${S.contacts.search}</button>
          ${
            v.search
              ? html`<a class="button" href=${this.#href({ search: '' })}>${S.contacts.clearSearch}</a>`
              : nothing
          }
          <p class="hint" id="contact-search-hint" style="flex-basis: 100%">
            ${S.contacts.searchHint}
          </p>
        </form>
      </div>
      <form class="filters" aria-label=${S.contacts.filters} @submit=${this.handleFilters}>
        <div class="field">
          <label for="created-from">${S.contacts.createdFrom}</label>
          <input id="created-from" name="from" type="date" .value=${v.from} />
        </div>
        <div class="field">
          <label for="created-to">${S.contacts.createdTo}</label>
          <input id="created-to" name="to" type="date" .value=${v.to} />
        </div>
        <div class="field">
          <label for="from-form">${S.contacts.form}</label>
          <select id="from-form" name="form" aria-describedby="from-form-hint">
            <option value="" ?selected=${!v.form}>${S.contacts.anyForm}</option>
            ${this.forms.map(
              (f) =>
                html`<option value=${f.id} ?selected=${f.id === v.form}>
                  ${f.config.title ?? f.id}
                </option>`
            )}
          </select>
        </div>
        <button type="submit">${S.contacts.apply}</button>
        ${
          v.from || v.to || v.form
            ? html`<a class="button" href=${this.#href({ from: '', to: '', form: '' })}
              >${S.contacts.clearFilters}</a
            >`
            : nothing
        }
        <p class="hint" id="from-form-hint" style="flex-basis: 100%">
          ${fill(S.contacts.formHint, { max: FORM_SUBMISSIONS_READ })}
        </p>
      </form>
    `
  }

  #renderSelectionBar() {
    const result = this.result
    if (!this.canEdit || !result || (!this.allMatching && this.selected.size === 0)) return nothing
    const pageIds = result.contacts.map((c) => c.id)
    const pageAll = pageIds.length > 0 && pageIds.every((id) => this.selected.has(id))
    return html`
      <div class="selection-bar" role="region" aria-label=${S.selection.region}>
        <p role="status">
          ${
            this.allMatching
              ? plural(S.selection.allMatching, result.total)
              : plural(S.selection.count, this.selected.size)
          }
        </p>
        ${
          !this.allMatching && pageAll && result.total > this.selected.size
            ? html`<button type="button" class="link" @click=${() => (this.allMatching = true)}>
              ${fill(S.selection.selectAllMatching, { count: result.total })}
            </button>`
            : nothing
        }
        <div class="actions">
          <button type="button" @click=${() => this.#bulk('add')}>${S.selection.addLabel}</button>
          <button type="button" @click=${() => this.#bulk('remove')}>
            ${S.selection.removeLabel}
          </button>
          <button type="button" @click=${() => this.#bulk('delete')}>${S.selection.delete}</button>
          <button type="button" class="link" @click=${() => this.#clearSelection()}>
            ${S.selection.clear}
          </button>
        </div>
      </div>
    `
  }

  #renderPager(total: number) {
    const v = this.view
    const pages = Math.max(1, Math.ceil(total / v.size))
    const from = total ? (v.page - 1) * v.size + 1 : 0
    const to = Math.min(total, v.page * v.size)
    const link = (label: string, page: number, enabled: boolean) =>
      enabled
        ? html`<a class="button" href=${this.#href({ page })}>${label}</a>`
        : html`<a class="button" role="link" aria-disabled="true">${label}</a>`
    return html`
      <nav class="pager" aria-label=${S.contacts.pages}>
        <p>
          ${fill(S.contacts.showing, { from, to, total })} ·
          ${fill(S.contacts.pageOf, { page: v.page, pages })}
        </p>
        <div class="row">
          <label class="row" style="align-items: center">
            ${S.contacts.perPage}
            <select
              @change=${(e: Event) =>
                this.#go({ size: Number((e.target as HTMLSelectElement).value) })}
            >
              ${PAGE_SIZES.map(
                (n) => html`<option value=${n} ?selected=${n === v.size}>${n}</option>`
              )}
            </select>
          </label>
          <ul>
            <li>${link(S.contacts.previous, v.page - 1, v.page > 1)}</li>
            <li>${link(S.contacts.next, v.page + 1, v.page < pages)}</li>
          </ul>
        </div>
      </nav>
    `
  }

  #renderResult(columns: Column[]) {
    const result = this.result
    if (this.error)
      return html`<div class="error" role="alert">
        <p>${this.error}</p>
        <div class="row">
          <button type="button" @click=${() => this.#load({ catalogs: true })}>
            ${S.errors.retry}
          </button>
        </div>
      </div>`
    if (!result) return html`<p role="status">${S.contacts.loading}</p>`
    const v = this.view
    const filtered = !!(v.search || v.label || v.from || v.to || v.form)
    const labelNames = new Map(this.labels.map((l) => [l.key, l.displayName]))
    const shown = columns.filter((c) => v.columns.includes(c.id))
    return html`
      <p class="visually-hidden" role="status">
        ${this.loading ? S.contacts.loading : plural(S.contacts.captionCount, result.total)}
      </p>
      ${
        result.total === 0
          ? html`<p class="empty">${filtered ? S.contacts.emptyFiltered : S.contacts.empty}</p>`
          : html`<cc-contacts-table
              aria-busy=${this.loading ? 'true' : 'false'}
              .contacts=${result.contacts}
              .columns=${shown}
              .sort=${{ field: v.sort.field, order: v.sort.order } satisfies Sort}
              .selected=${this.selected}
              ?allSelected=${this.allMatching}
              ?selectable=${this.canEdit}
              .caption=${this.#caption()}
              .labelNames=${labelNames}
              .hrefFor=${(id: string) => hrefFor(`/contacts/${encodeURIComponent(id)}`)}
              @cc-sort=${(e: CustomEvent<Sort>) => this.#go({ sort: e.detail })}
              @cc-select=${this.handleSelect}
            ></cc-contacts-table>
            ${this.#renderPager(result.total)}`
      }
    `
  }

  protected override render() {
    const columns = allColumns(this.fields)
    const dialog = this.#dialogText()
    return html`
      <div class="page">
        <div class="page-head">
          <h1 tabindex="-1">${S.contacts.heading}</h1>
          <div class="row">
            ${
              this.result?.total
                ? html`<button type="button" @click=${this.handleExport}>
                  ${
                    this.selected.size || this.allMatching
                      ? plural(S.exports.selected, this.#selectedCount)
                      : S.exports.button
                  }
                </button>`
                : nothing
            }
            <cc-column-chooser
              .columns=${columns}
              .visible=${this.view.columns}
              @cc-columns=${(e: CustomEvent<string[]>) => this.#go({ columns: e.detail })}
            ></cc-column-chooser>
          </div>
        </div>
        <div class="messages">
          <div role="alert">
            ${this.exportError ? html`<p class="error">${this.exportError}</p>` : nothing}
          </div>
          ${this.unknownLabel ? html`<p class="notice">${S.contacts.unknownLabel}</p>` : nothing}
          ${
            this.view.form && this.formCapped
              ? html`<p class="notice">
                ${fill(S.contacts.formCapped, { max: FORM_SUBMISSIONS_READ })}
              </p>`
              : nothing
          }
        </div>
        <div class="contacts-layout">
          <cc-label-sidebar
            .facets=${this.facets ?? []}
            .current=${this.unknownLabel ? '' : this.view.label}
            .hrefFor=${(label: string) => this.#href({ label })}
          ></cc-label-sidebar>
          <div class="contacts-main">
            ${this.#renderToolbar()}
            ${
              this.jobId
                ? html`<cc-job-progress
                  .jobId=${this.jobId}
                  @cc-job-done=${() => this.#load({ catalogs: true })}
                  @cc-job-dismiss=${() => (this.jobId = '')}
                ></cc-job-progress>`
                : nothing
            }
            ${this.#renderSelectionBar()} ${this.#renderResult(columns)}
          </div>
        </div>
        ${
          this.canEdit
            ? html`<cc-confirm-dialog
              id="bulk-dialog"
              .heading=${dialog.heading}
              .confirmLabel=${dialog.confirm}
              ?danger=${this.action === 'delete'}
              .body=${dialog.body}
            ></cc-confirm-dialog>`
            : nothing
        }
      </div>
    `
  }
}

customElements.define('cc-contacts-page', ContactsPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contacts-page': ContactsPage
  }
}
