/**
 * @module
 * `<cc-contacts-table>`: one page of contacts as a native table — a caption, column headers that
 * sort (buttons, with `aria-sort`), a row header linking to each contact, and, when contacts may
 * be changed, a checkbox per row and one for the page. It scrolls sideways inside a labelled,
 * focusable region, so a keyboard can scroll it too.
 *
 * @event cc-sort - `detail: { field, order }`: a column header was pressed
 * @event cc-select - `detail: { ids, selected }`: rows were ticked or unticked
 */
import { LitElement, html, nothing } from 'lit'
import { displayName } from '../columns.ts'
import type { Column } from '../columns.ts'
import type { Contact } from '../contacts-api.ts'
import { fill, S } from '../strings.ts'

export interface Sort {
  field: string
  order: 'ASC' | 'DESC'
}

/** Dates read newest first by default; text A to Z. */
const NEWEST_FIRST = new Set(['createdDate', 'lastActivity.activityDate'])

export class ContactsTable extends LitElement {
  static override properties = {
    contacts: { attribute: false },
    columns: { attribute: false },
    sort: { attribute: false },
    selected: { attribute: false },
    allSelected: { type: Boolean },
    selectable: { type: Boolean },
    caption: { type: String },
    labelNames: { attribute: false },
    hrefFor: { attribute: false },
  }

  contacts: Contact[] = []
  columns: Column[] = []
  sort: Sort = { field: 'createdDate', order: 'DESC' }
  selected: ReadonlySet<string> = new Set()
  /** Every contact matching the view is selected, on every page. */
  allSelected = false
  selectable = false
  caption = ''
  labelNames = new Map<string, string>()
  hrefFor: (id: string) => string = () => '#'

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  #isSelected(id: string): boolean {
    return this.allSelected || this.selected.has(id)
  }

  #emitSort(column: Column): void {
    const field = column.sortField!
    const order =
      this.sort.field === field
        ? this.sort.order === 'ASC'
          ? 'DESC'
          : 'ASC'
        : NEWEST_FIRST.has(field)
          ? 'DESC'
          : 'ASC'
    this.dispatchEvent(new CustomEvent('cc-sort', { detail: { field, order }, bubbles: true }))
  }

  #emitSelect(ids: string[], selected: boolean): void {
    this.dispatchEvent(new CustomEvent('cc-select', { detail: { ids, selected }, bubbles: true }))
  }

  #header(column: Column) {
    if (!column.sortField) return html`<th scope="col">${column.label}</th>`
    const active = this.sort.field === column.sortField
    const ariaSort = !active ? 'none' : this.sort.order === 'ASC' ? 'ascending' : 'descending'
    return html`<th scope="col" aria-sort=${ariaSort}>
      <button type="button" @click=${() => this.#emitSort(column)}>
        ${column.label}
        <span class="arrow" aria-hidden="true"
          >${!active ? '' : this.sort.order === 'ASC' ? '▲' : '▼'}</span
        >
      </button>
    </th>`
  }

  protected override render() {
    const ids = this.contacts.map((c) => c.id)
    const ticked = ids.filter((id) => this.#isSelected(id)).length
    return html`
      <div class="table-scroll" role="region" aria-labelledby="contacts-caption" tabindex="0">
        <table>
          <caption id="contacts-caption">${this.caption}</caption>
          <thead>
            <tr>
              ${
                this.selectable
                  ? html`<th scope="col" class="select">
                    <input
                      type="checkbox"
                      aria-label=${S.contacts.selectPage}
                      .checked=${ids.length > 0 && ticked === ids.length}
                      .indeterminate=${ticked > 0 && ticked < ids.length}
                      ?disabled=${this.allSelected || ids.length === 0}
                      @change=${(e: Event) =>
                        this.#emitSelect(ids, (e.target as HTMLInputElement).checked)}
                    />
                  </th>`
                  : nothing
              }
              <th scope="col">${S.columns.contact}</th>
              ${this.columns.map((c) => this.#header(c))}
            </tr>
          </thead>
          <tbody>
            ${this.contacts.map((contact) => {
              const name = displayName(contact)
              const selected = this.#isSelected(contact.id)
              return html`<tr class=${selected ? 'selected' : ''}>
                ${
                  this.selectable
                    ? html`<td class="select">
                      <input
                        type="checkbox"
                        aria-label=${fill(S.contacts.selectRow, { name })}
                        .checked=${selected}
                        ?disabled=${this.allSelected}
                        @change=${(e: Event) =>
                          this.#emitSelect([contact.id], (e.target as HTMLInputElement).checked)}
                      />
                    </td>`
                    : nothing
                }
                <th scope="row"><a href=${this.hrefFor(contact.id)}>${name}</a></th>
                ${this.columns.map((c) => {
                  const text = c.text(contact, this.labelNames)
                  return html`<td class=${c.id === 'labels' ? 'wrap' : ''}>${text}</td>`
                })}
              </tr>`
            })}
          </tbody>
        </table>
      </div>
    `
  }
}

customElements.define('cc-contacts-table', ContactsTable)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contacts-table': ContactsTable
  }
}
