/**
 * @module
 * `<cc-catalog-page>` (`#/labels`): the labels, each with how many contacts have it (the label
 * facets), and the extended fields, each with how many contacts have a value of it (a Query
 * Contacts count); rename, delete after a confirm that says how many contacts lose it, and a new
 * label. System fields (email subscriptions) are shown read-only.
 */
import { html, nothing } from 'lit'
import type { TemplateResult } from 'lit'
import { ApiError, errorMessage } from '../api.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/confirm-dialog.ts'
import { listExtendedFields, listFacets, listLabels } from '../contacts-api.ts'
import type { ExtendedField, Label } from '../contacts-api.ts'
import { DataPage } from '../data-page.ts'
import { hrefFor } from '../router.ts'
import {
  countContacts,
  createLabel,
  deleteCatalogEntry,
  hasValueFilter,
  renameCatalogEntry,
} from '../site-api.ts'
import { fill, formatNumber, plural, S } from '../strings.ts'

interface Catalog {
  labels: Label[]
  fields: ExtendedField[]
  /** Contacts per label key, from the facets. */
  labelCounts: Map<string, number>
}

interface Entry {
  kind: 'labels' | 'extended-fields'
  key: string
  name: string
  /** How many contacts have it; undefined while counting, null when it could not be counted. */
  count: number | null | undefined
}

export class CatalogPage extends DataPage<Catalog> {
  static override properties = {
    fieldCounts: { state: true },
    asking: { state: true },
  }

  /** Contacts with a value, per user-defined field key; null where counting failed. */
  fieldCounts = new Map<string, number | null>()
  /** The entry the open dialog is about, and what it asks. */
  asking?: { entry: Entry; action: 'rename' | 'delete' }

  protected async load(signal: AbortSignal): Promise<Catalog> {
    const [labels, fields, facets] = await Promise.all([
      listLabels(signal),
      listExtendedFields(signal),
      listFacets(signal),
    ])
    void this.#countFields(fields, signal)
    const labelCounts = new Map(
      facets.flatMap((f) => (f.facetType === 'LABEL' ? [[f.facetKey!, f.count] as const] : []))
    )
    return { labels, fields, labelCounts }
  }

  /** Counts come after the lists: one query per user-defined field. */
  async #countFields(fields: ExtendedField[], signal: AbortSignal): Promise<void> {
    const counts = new Map<string, number | null>()
    await Promise.all(
      fields
        .filter((f) => f.fieldType === 'USER_DEFINED')
        .map(async (f) => {
          try {
            counts.set(f.key, await countContacts(hasValueFilter(f), signal))
          } catch {
            counts.set(f.key, null)
          }
        })
    )
    if (!signal.aborted) this.fieldCounts = counts
  }

  async #act(entry: Entry, action: 'rename' | 'delete'): Promise<void> {
    // A field still being counted: its count is needed before the question is asked.
    if (action === 'delete' && entry.count === undefined)
      entry.count = await countContacts(
        hasValueFilter(this.data!.fields.find((f) => f.key === entry.key)!)
      ).catch(() => null)
    this.asking = { entry, action }
    await this.updateComplete
    const dialog = this.querySelector<ConfirmDialog>('#catalog-dialog')!
    const data = await dialog.ask(
      action === 'rename'
        ? (d) => (String(d.get('name') ?? '').trim() ? undefined : S.catalog.nameRequired)
        : undefined
    )
    if (!data) return
    this.said('')
    try {
      if (action === 'delete') {
        await deleteCatalogEntry(entry.kind, entry.key)
        await this.reload()
        this.said(fill(S.catalog.deleted, { name: entry.name }))
      } else {
        const name = String(data.get('name')).trim()
        await renameCatalogEntry(entry.kind, entry.key, name)
        await this.reload()
        this.said(fill(S.catalog.renamed, { name }))
      }
    } catch (error) {
      this.said('', errorMessage(error))
    }
  }

  private async handleCreate(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const name = String(new FormData(form).get('name') ?? '').trim()
    if (!name) return this.said('', S.catalog.nameRequired)
    this.said('')
    try {
      const { newLabel } = await createLabel(name)
      form.reset()
      await this.reload()
      if (newLabel) this.said(fill(S.catalog.created, { name }))
      else this.said('', fill(S.catalog.exists, { name }))
    } catch (error) {
      this.said('', error instanceof ApiError ? error.message : errorMessage(error))
    }
  }

  #actions(entry: Entry) {
    return html`<td>
      <div class="row">
      <button
        type="button"
        aria-label=${fill(S.catalog.renameLabel, { name: entry.name })}
        @click=${() => this.#act(entry, 'rename')}
      >
        ${S.catalog.rename}
      </button>
      <button
        type="button"
        aria-label=${fill(S.catalog.deleteLabel, { name: entry.name })}
        @click=${() => this.#act(entry, 'delete')}
      >
        ${S.catalog.delete}
      </button>
      </div>
    </td>`
  }

  #table(id: string, caption: string, columns: string[], rows: TemplateResult[]) {
    return html`<div class="table-scroll" role="region" aria-labelledby=${id} tabindex="0">
      <table>
        <caption id=${id} class="visually-hidden">${caption}</caption>
        <thead>
          <tr>
            ${columns.map((c) => html`<th scope="col">${c}</th>`)}
            ${this.canEdit ? html`<th scope="col">${S.catalog.actions}</th>` : nothing}
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>`
  }

  #nameCell(name: string, key: string, system: boolean) {
    return html`<th scope="row">
      ${name}${system ? html` <span class="badge">${S.catalog.system}</span>` : nothing}<br /><code
        class="hint"
        >${key}</code
      >
    </th>`
  }

  /** Rename and delete, for entries that are not the system's (whose cell stays empty). */
  #actionsCell(entry: Entry, system: boolean) {
    if (!this.canEdit) return nothing
    return system ? html`<td></td>` : this.#actions(entry)
  }

  #dialogText(): { heading: string; confirm: string; body: TemplateResult } {
    const asking = this.asking
    if (!asking) return { heading: '', confirm: '', body: html`` }
    const { entry } = asking
    const name = { name: entry.name }
    if (asking.action === 'rename')
      return {
        heading: fill(S.catalog.renameHeading, name),
        confirm: S.catalog.rename,
        body: html`<div class="field">
          <label for="catalog-name">${S.catalog.newName}</label>
          <input id="catalog-name" name="name" value=${entry.name} maxlength="180" required />
        </div>`,
      }
    const label = entry.kind === 'labels'
    const loses =
      typeof entry.count === 'number'
        ? plural(label ? S.catalog.labelLoses : S.catalog.fieldLoses, entry.count)
        : S.catalog.fieldCountUnknown
    return {
      heading: fill(label ? S.catalog.deleteLabelHeading : S.catalog.deleteFieldHeading, name),
      confirm: S.catalog.deleteConfirm,
      body: html`<p><strong>${loses}</strong></p>
        <p>${S.catalog.formNote} ${S.catalog.cannotUndo}</p>`,
    }
  }

  #count(n: number | null | undefined) {
    return n === undefined
      ? S.catalog.counting
      : n === null
        ? S.catalog.countUnknown
        : formatNumber(n)
  }

  #renderLabels(d: Catalog) {
    const rows = d.labels.map((l) => {
      const entry: Entry = {
        kind: 'labels',
        key: l.key,
        name: l.displayName,
        count: d.labelCounts.get(l.key) ?? 0,
      }
      const system = l.labelType !== 'USER_DEFINED'
      return html`<tr>
        ${this.#nameCell(l.displayName, l.key, system)}
        <td>
          <a href=${hrefFor('/contacts', new URLSearchParams({ label: l.key }))}
            >${this.#count(entry.count)}<span class="visually-hidden"
              >: ${fill(S.catalog.showContacts, { name: l.displayName })}</span
            ></a
          >
        </td>
        ${this.#actionsCell(entry, system)}
      </tr>`
    })
    return html`<section class="card" aria-labelledby="labels-heading">
      <h2 id="labels-heading">${S.catalog.labels}</h2>
      <p class="hint">${S.catalog.labelsIntro}</p>
      ${
        rows.length
          ? this.#table(
              'labels-caption',
              S.catalog.labelsTable,
              [S.catalog.name, S.catalog.contacts],
              rows
            )
          : html`<p class="empty">${S.catalog.noLabels}</p>`
      }
      ${
        this.canEdit
          ? html`<form class="row" @submit=${this.handleCreate}>
            <div class="field">
              <label for="new-label">${S.catalog.newLabel}</label>
              <input id="new-label" name="name" maxlength="180" autocomplete="off" />
            </div>
            <button type="submit">${S.catalog.create}</button>
          </form>`
          : nothing
      }
    </section>`
  }

  #renderFields(d: Catalog) {
    const rows = d.fields.map((f) => {
      const system = f.fieldType === 'SYSTEM'
      const entry: Entry = {
        kind: 'extended-fields',
        key: f.key,
        name: f.displayName,
        count: this.fieldCounts.get(f.key),
      }
      return html`<tr>
        ${this.#nameCell(f.displayName, f.key, system)}
        <td>${S.catalog.types[f.dataType] ?? f.dataType}</td>
        <td>${system ? S.list.none : this.#count(entry.count)}</td>
        ${this.#actionsCell(entry, system)}
      </tr>`
    })
    return html`<section class="card" aria-labelledby="fields-heading">
      <h2 id="fields-heading">${S.catalog.fields}</h2>
      <p class="hint">${S.catalog.fieldsIntro}</p>
      ${
        rows.length
          ? this.#table(
              'fields-caption',
              S.catalog.fieldsTable,
              [S.catalog.name, S.catalog.type, S.catalog.contacts],
              rows
            )
          : html`<p class="empty">${S.catalog.noFields}</p>`
      }
    </section>`
  }

  protected override render() {
    const dialog = this.#dialogText()
    return html`<div class="page">
      <h1 tabindex="-1">${S.catalog.heading}</h1>
      ${this.renderMessages()}
      ${
        this.renderState(S.catalog.loading) ??
        html`${this.#renderLabels(this.data!)} ${this.#renderFields(this.data!)}`
      }
      ${
        this.canEdit
          ? html`<cc-confirm-dialog
            id="catalog-dialog"
            ?danger=${this.asking?.action === 'delete'}
            .heading=${dialog.heading}
            .confirmLabel=${dialog.confirm}
            .body=${dialog.body}
          ></cc-confirm-dialog>`
          : nothing
      }
    </div>`
  }
}

customElements.define('cc-catalog-page', CatalogPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-catalog-page': CatalogPage
  }
}
