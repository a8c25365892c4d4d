/**
 * @module
 * `<cc-import-page>` (`#/import`): contacts from a CSV file, in steps. The worker previews the
 * file (encoding, separator, rows, the first rows and a suggested mapping); each column is mapped
 * to a contact field, an extended field (existing or new) or nothing; labels for every contact and
 * what a row does to a contact it duplicates are chosen; a dry run reports what would happen and
 * the rows it would reject; then the import runs as a bulk job, followed to the end. The file
 * stays in the page and is sent again with each request. Admin sessions only.
 */
import { html, nothing } from 'lit'
import { EXTENDED_FIELD_DATA_TYPES } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { errorMessage } from '../api.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/confirm-dialog.ts'
import { importCounts } from '../components/job-progress.ts'
import { listExtendedFields, listLabels } from '../contacts-api.ts'
import type { ExtendedField, Label } from '../contacts-api.ts'
import { DataPage } from '../data-page.ts'
import { dryRunImport, previewImport, startImport } from '../imports-api.ts'
import type {
  DryRun,
  ImportOnDuplicate,
  ImportOptions,
  ImportPreview,
  ImportTarget,
} from '../imports-api.ts'
import { fill, formatNumber, plural, S } from '../strings.ts'

/** The option values of "a new extended field" and of an existing one (this and its name). */
const NEW = 'new'
const EXISTING = 'x:'
const MODES: ImportOnDuplicate[] = ['append', 'overwrite', 'skip']

type Step = 'file' | 'options' | 'dry'

interface Catalogs {
  fields: ExtendedField[]
  labels: Label[]
}

export class ImportPage extends DataPage<Catalogs> {
  static override properties = {
    file: { state: true },
    preview: { state: true },
    mapping: { state: true },
    addLabels: { state: true },
    onDuplicate: { state: true },
    country: { state: true },
    dryRun: { state: true },
    busy: { state: true },
    jobId: { state: true },
  }

  file?: File
  preview?: ImportPreview
  /** Column name → where it goes; starts as the preview's suggestion. */
  mapping: Record<string, ImportTarget> = {}
  addLabels: string[] = []
  onDuplicate: ImportOnDuplicate = 'append'
  country = ''
  /** The last dry run; any change to the mapping or options clears it. */
  dryRun?: DryRun
  /** What is being sent: the file for a preview, a dry run, or the import. */
  busy: '' | 'read' | 'try' | 'send' = ''
  jobId = ''

  protected async load(signal: AbortSignal): Promise<Catalogs> {
    const [fields, labels] = await Promise.all([listExtendedFields(signal), listLabels(signal)])
    return { fields: fields.filter((f) => f.fieldType === 'USER_DEFINED'), labels }
  }

  get #options(): ImportOptions {
    return {
      mapping: this.mapping,
      labels: this.addLabels,
      onDuplicate: this.onDuplicate,
      defaultCountry: this.country,
    }
  }

  /** A change to what the import would do: the dry run before it no longer tells. */
  #change(change: Partial<Pick<ImportPage, 'mapping' | 'addLabels' | 'onDuplicate' | 'country'>>) {
    Object.assign(this, change)
    this.dryRun = undefined
  }

  /** The step whose card shows what went wrong: the one the person is at. */
  get #step(): Step {
    return this.dryRun ? 'dry' : this.preview ? 'options' : 'file'
  }

  /** The card's alert region: there from the start, so what it comes to say is announced. */
  #alert(step: Step) {
    const shown = this.actionError && this.#step === step
    return html`<div class="messages" role="alert">
      ${shown ? html`<p class="error">${this.actionError}</p>` : nothing}
    </div>`
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete
    this.querySelector<HTMLElement>(selector)?.focus()
  }

  private async handleFile(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0]
    Object.assign(this, { file, preview: undefined, mapping: {}, dryRun: undefined, busy: '' })
    this.said('')
    if (!file) return
    this.busy = 'read'
    try {
      const preview = await previewImport(file)
      if (file !== this.file) return
      this.preview = preview
      this.mapping = { ...preview.suggestedMapping }
      await this.#focus('#map-heading')
    } catch (error) {
      if (file === this.file) this.said('', errorMessage(error))
    } finally {
      // A file chosen since is being read: its own answer ends that.
      if (file === this.file) this.busy = ''
    }
  }

  /** The option that a target is: a contact field, `skip`, an existing field, or a new one. */
  #optionOf(target: ImportTarget): string {
    if (typeof target === 'string') return target
    const name = target.extendedField.toLowerCase()
    const field = this.data!.fields.find((f) => f.displayName.toLowerCase() === name)
    return field ? EXISTING + field.displayName : NEW
  }

  #choose(column: string, option: string): void {
    const field = this.data!.fields.find((f) => EXISTING + f.displayName === option)
    const target: ImportTarget = field
      ? { extendedField: field.displayName, dataType: field.dataType }
      : option === NEW
        ? { extendedField: column.trim(), dataType: 'TEXT' }
        : (option as ImportTarget)
    this.#change({ mapping: { ...this.mapping, [column]: target } })
  }

  /** Each column whose field another column has too, with that other column. */
  #mappedTwice(): Map<string, string> {
    const byTarget = new Map<string, string>()
    const twice = new Map<string, string>()
    for (const [column, target] of Object.entries(this.mapping)) {
      if (target === 'skip') continue
      const id = typeof target === 'string' ? target : EXISTING + target.extendedField.toLowerCase()
      const other = byTarget.get(id)
      if (other === undefined) byTarget.set(id, column)
      else {
        twice.set(column, other)
        if (!twice.has(other)) twice.set(other, column)
      }
    }
    return twice
  }

  private async handleDryRun(): Promise<void> {
    // Not disabled while busy: a disabled button would drop the keyboard's focus.
    if (this.busy) return
    if (this.#mappedTwice().size) {
      this.said('', S.imports.mappedTwice)
      return this.#focus('[aria-invalid="true"]')
    }
    const file = this.file!
    const options = this.#options
    this.busy = 'try'
    this.said('')
    try {
      const dryRun = await dryRunImport(file, options)
      // Changed while it ran: this answer is about a file or options no longer chosen.
      if (file !== this.file || JSON.stringify(options) !== JSON.stringify(this.#options)) return
      this.dryRun = dryRun
      await this.#focus('#dry-heading')
    } catch (error) {
      this.said('', errorMessage(error))
    } finally {
      if (this.busy === 'try') this.busy = ''
    }
  }

  private async handleImport(): Promise<void> {
    if (this.busy) return
    if (!(await this.querySelector<ConfirmDialog>('#import-dialog')!.ask())) return
    this.busy = 'send'
    this.said('')
    try {
      this.jobId = (await startImport(this.file!, this.#options)).jobId
      await this.#focus('#job-heading')
    } catch (error) {
      this.said('', errorMessage(error))
    } finally {
      this.busy = ''
    }
  }

  private handleAddLabel(event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    const name = String(new FormData(form).get('label') ?? '').trim()
    if (name && !this.addLabels.includes(name))
      this.#change({ addLabels: [...this.addLabels, name] })
    form.reset()
  }

  private handleStartOver(): void {
    Object.assign(this, { file: undefined, preview: undefined, dryRun: undefined, jobId: '' })
    this.said('')
    void this.#focus('#import-file')
  }

  #renderColumn(column: string, i: number, other: string | undefined) {
    const target = this.mapping[column] ?? 'skip'
    const chosen = this.#optionOf(target)
    const option = (value: string, text: string) =>
      html`<option value=${value} ?selected=${value === chosen}>${text}</option>`
    const newField = typeof target === 'object' && chosen === NEW ? target : undefined
    return html`<div class="field">
      <label for="map-${i}">${column}</label>
      <select
        id="map-${i}"
        aria-invalid=${other ? 'true' : 'false'}
        aria-describedby=${other ? `map-${i}-twice` : nothing}
        @change=${(e: Event) => this.#choose(column, (e.target as HTMLSelectElement).value)}
      >
        ${option('skip', S.imports.skip)}
        <optgroup label=${S.imports.contactFields}>
          ${Object.entries(S.imports.fields).map(([field, text]) => option(field, text))}
        </optgroup>
        <optgroup label=${S.imports.extendedFields}>
          ${this.data!.fields.map((f) => option(EXISTING + f.displayName, f.displayName))}
          ${option(
            NEW,
            fill(S.imports.newField, { name: newField?.extendedField ?? column.trim() })
          )}
        </optgroup>
      </select>
      ${
        other
          ? html`<p class="error" id="map-${i}-twice">${fill(S.imports.twice, { column: other })}</p>`
          : nothing
      }
      ${
        newField
          ? html`<label for="type-${i}">${S.imports.fieldType}</label>
            <select
              id="type-${i}"
              @change=${(e: Event) =>
                this.#change({
                  mapping: {
                    ...this.mapping,
                    [column]: {
                      ...newField,
                      dataType: (e.target as HTMLSelectElement).value as ExtendedFieldDataType,
                    },
                  },
                })}
            >
              ${EXTENDED_FIELD_DATA_TYPES.map(
                (t) =>
                  html`<option value=${t} ?selected=${t === newField.dataType}>
                    ${S.catalog.types[t]}
                  </option>`
              )}
            </select>`
          : nothing
      }
    </div>`
  }

  #renderMapping(p: ImportPreview) {
    const twice = this.#mappedTwice()
    return html`<section class="card" aria-labelledby="map-heading">
      <h2 id="map-heading" tabindex="-1">${S.imports.mapStep}</h2>
      <dl class="facts">
        <dt>${S.imports.encoding}</dt>
        <dd>${p.encoding}</dd>
        <dt>${S.imports.delimiter}</dt>
        <dd>${S.imports.delimiters[p.delimiter] ?? p.delimiter}</dd>
        <dt>${S.imports.rows}</dt>
        <dd>
          ${formatNumber(p.totalRows)}
          ${p.blankRows ? plural(S.imports.blankRows, p.blankRows) : nothing}
        </dd>
      </dl>
      <div class="table-scroll" role="region" aria-labelledby="preview-caption" tabindex="0">
        <table class="preview">
          <caption id="preview-caption">
            ${fill(S.imports.firstRows, { file: this.file!.name })}
          </caption>
          <thead>
            <tr>
              <th scope="col">${S.imports.row}</th>
              ${p.header.map((h) => html`<th scope="col">${h}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${p.rows.map(
              (r) => html`<tr>
                <th scope="row">${r.row}</th>
                ${r.cells.map((c) => html`<td>${c}</td>`)}
              </tr>`
            )}
          </tbody>
        </table>
      </div>
      <p class="hint">${S.imports.mapHint}</p>
      <div class="grid-2">
        ${p.header
          .filter(Boolean)
          .map((column, i) => this.#renderColumn(column, i, twice.get(column)))}
      </div>
    </section>`
  }

  #renderOptions() {
    return html`<section class="card" aria-labelledby="options-heading">
      <h2 id="options-heading">${S.imports.optionsStep}</h2>
      <form class="row" @submit=${this.handleAddLabel}>
        <div class="field">
          <label for="import-label">${S.imports.labels}</label>
          <input
            id="import-label"
            name="label"
            list="import-label-names"
            maxlength="180"
            autocomplete="off"
            aria-describedby="import-label-hint"
          />
          <datalist id="import-label-names">
            ${this.data!.labels.map((l) => html`<option value=${l.displayName}></option>`)}
          </datalist>
        </div>
        <button type="submit">${S.imports.addLabel}</button>
        <p class="hint" id="import-label-hint" style="flex-basis: 100%">${S.imports.labelHint}</p>
      </form>
      ${
        this.addLabels.length
          ? html`<ul class="chips" aria-label=${S.imports.labels}>
            ${this.addLabels.map(
              (name) => html`<li class="chip">
                ${name}
                <button
                  type="button"
                  aria-label=${fill(S.contact.removeLabel, { name })}
                  @click=${() => {
                    this.#change({ addLabels: this.addLabels.filter((l) => l !== name) })
                    void this.#focus('#import-label')
                  }}
                >
                  ✕
                </button>
              </li>`
            )}
          </ul>`
          : nothing
      }
      <fieldset>
        <legend>${S.imports.onDuplicate}</legend>
        <div class="grid-2">
          ${MODES.map(
            (mode) => html`<div>
              <label class="check">
                <input
                  type="radio"
                  name="on-duplicate"
                  value=${mode}
                  .checked=${this.onDuplicate === mode}
                  aria-describedby="mode-${mode}"
                  @change=${() => this.#change({ onDuplicate: mode })}
                />
                ${S.imports.modes[mode]}
              </label>
              <p class="hint" id="mode-${mode}">${S.imports.modeHints[mode]}</p>
            </div>`
          )}
        </div>
      </fieldset>
      <div class="field">
        <label for="import-country">${S.imports.country}</label>
        <input
          id="import-country"
          maxlength="2"
          autocomplete="off"
          style="width: 6rem"
          .value=${this.country}
          aria-describedby="import-country-hint"
          @input=${(e: Event) =>
            this.#change({ country: (e.target as HTMLInputElement).value.trim() })}
        />
        <p class="hint" id="import-country-hint">${S.imports.countryHint}</p>
      </div>
      <div class="row" style="align-items: center">
        <button type="button" class="primary" @click=${this.handleDryRun}>
          ${S.imports.dryRun}
        </button>
        <p role="status" class="hint">
          ${this.busy === 'try' ? S.imports.trying : ''}
        </p>
      </div>
      ${this.#alert('options')}
    </section>`
  }

  #renderDryRun(d: DryRun) {
    const s = d.summary
    const named = (names: string[]) => names.map((n) => `“${n}”`).join(', ')
    return html`<section class="card" aria-labelledby="dry-heading">
      <h2 id="dry-heading" tabindex="-1">${S.imports.dryHeading}</h2>
      <p>${plural(S.imports.dryIntro, s.rows)}</p>
      ${importCounts(s)}
      ${
        d.newLabels.length
          ? html`<p>${fill(S.imports.newLabels, { names: named(d.newLabels) })}</p>`
          : nothing
      }
      ${
        d.newExtendedFields.length
          ? html`<p>
            ${fill(S.imports.newFields, {
              names: named(d.newExtendedFields.map((f) => f.displayName)),
            })}
          </p>`
          : nothing
      }
      ${
        d.rejected.length
          ? html`<div
              class="table-scroll"
              role="region"
              aria-labelledby="rejected-caption"
              tabindex="0"
            >
              <table>
                <caption id="rejected-caption">${S.imports.rejected}</caption>
                <thead>
                  <tr>
                    ${[S.imports.row, S.imports.column, S.imports.value, S.imports.problem].map(
                      (h) => html`<th scope="col">${h}</th>`
                    )}
                  </tr>
                </thead>
                <tbody>
                  ${d.rejected.flatMap((r) =>
                    r.errors.map(
                      (e) => html`<tr>
                        <td>${r.row}</td>
                        <td>${e.column ?? ''}</td>
                        <td>${e.value ?? ''}</td>
                        <td class="wrap">${e.message}</td>
                      </tr>`
                    )
                  )}
                </tbody>
              </table>
            </div>
            ${
              s.failed > d.rejected.length
                ? html`<p class="hint">
                  ${fill(S.imports.moreRejected, { shown: d.rejected.length })}
                </p>`
                : nothing
            }`
          : nothing
      }
      <div class="row" style="align-items: center">
        <button type="button" class="primary" @click=${this.handleImport}>
          ${S.imports.import}
        </button>
        <p role="status" class="hint">${this.busy === 'send' ? S.imports.sending : ''}</p>
      </div>
      ${this.#alert('dry')}
      <cc-confirm-dialog
        id="import-dialog"
        .heading=${plural(S.imports.confirmHeading, s.rows)}
        .confirmLabel=${plural(S.imports.confirm, s.rows)}
        .body=${html`${importCounts(s)}
          <p>${S.imports.confirmBody}</p>`}
      ></cc-confirm-dialog>
    </section>`
  }

  #renderWizard() {
    const p = this.preview
    return html`<section class="card" aria-labelledby="file-heading">
        <h2 id="file-heading">${S.imports.fileStep}</h2>
        <div class="field">
          <label for="import-file">${S.imports.file}</label>
          <input
            id="import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="import-file-hint"
            @change=${this.handleFile}
          />
          <p class="hint" id="import-file-hint">${S.imports.fileHint}</p>
          <p role="status" class="hint">${this.busy === 'read' ? S.imports.reading : ''}</p>
        </div>
        ${this.#alert('file')}
      </section>
      ${p ? html`${this.#renderMapping(p)} ${this.#renderOptions()}` : nothing}
      ${this.dryRun ? this.#renderDryRun(this.dryRun) : nothing}`
  }

  protected override render() {
    return html`<div class="page">
      <header class="page-title">
        <h1 tabindex="-1">${S.imports.heading}</h1>
        <p class="hint">${S.imports.intro}</p>
      </header>
      ${
        !this.canEdit
          ? html`<p class="notice">${S.imports.readOnly}</p>`
          : this.jobId
            ? html`<cc-job-progress
                .jobId=${this.jobId}
                .dismissLabel=${S.imports.another}
                @cc-job-dismiss=${this.handleStartOver}
              ></cc-job-progress>`
            : (this.renderState(S.imports.loading) ?? this.#renderWizard())
      }
    </div>`
  }
}

customElements.define('cc-import-page', ImportPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-import-page': ImportPage
  }
}
