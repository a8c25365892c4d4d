/**
 * @module
 * `<cc-column-chooser>`: a disclosure (`<details>`) with a checkbox per column that the contacts
 * table can show, the extended fields included.
 *
 * @event cc-columns - `detail` is the ids of the columns to show, in the table's order
 */
import { LitElement, html } from 'lit'
import type { Column } from '../columns.ts'
import { S } from '../strings.ts'

export class ColumnChooser extends LitElement {
  static override properties = {
    columns: { attribute: false },
    visible: { attribute: false },
  }

  /** Every column there is. */
  columns: Column[] = []
  visible: string[] = []

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  private handleChange(id: string, show: boolean): void {
    const wanted = new Set(this.visible)
    if (show) wanted.add(id)
    else wanted.delete(id)
    const ids = this.columns.map((c) => c.id).filter((c) => wanted.has(c))
    this.dispatchEvent(new CustomEvent('cc-columns', { detail: ids, bubbles: true }))
  }

  private handleKeydown(event: KeyboardEvent): void {
    const details = event.currentTarget as HTMLDetailsElement
    if (event.key === 'Escape' && details.open) {
      details.open = false
      details.querySelector('summary')!.focus()
    }
  }

  protected override render() {
    return html`
      <details class="menu" @keydown=${this.handleKeydown}>
        <summary class="button">${S.contacts.columns}</summary>
        <fieldset>
          <legend>${S.contacts.visibleColumns}</legend>
          ${this.columns.map(
            (c) => html`<label class="check">
              <input
                type="checkbox"
                .checked=${this.visible.includes(c.id)}
                @change=${(e: Event) =>
                  this.handleChange(c.id, (e.target as HTMLInputElement).checked)}
              />
              ${c.label}
            </label>`
          )}
        </fieldset>
      </details>
    `
  }
}

customElements.define('cc-column-chooser', ColumnChooser)

declare global {
  interface HTMLElementTagNameMap {
    'cc-column-chooser': ColumnChooser
  }
}
