/**
 * @module
 * `<cc-label-sidebar>`: the label facets — all contacts, not labelled, each label — with their
 * counts, as links to the same view filtered by that facet.
 */
import { LitElement, html } from 'lit'
import type { Facet } from '../contacts-api.ts'
import { NOT_LABELLED } from '../contacts-view.ts'
import { formatNumber, plural, S } from '../strings.ts'

export class LabelSidebar extends LitElement {
  static override properties = {
    facets: { attribute: false },
    current: { type: String },
    hrefFor: { attribute: false },
  }

  facets: Facet[] = []
  /** The view's label: '' all, 'none' not labelled, else a key. */
  current = ''
  /** The link to the view with another label. */
  hrefFor: (label: string) => string = () => '#'

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  protected override render() {
    const items: { label: string; name: string; count: number }[] = []
    for (const f of this.facets) {
      if (f.facetType === 'ALL_CONTACTS')
        items.unshift({ label: '', name: S.contacts.allContacts, count: f.count })
      else if (f.facetType === 'NOT_LABELED')
        items.push({ label: NOT_LABELLED, name: S.contacts.notLabelled, count: f.count })
    }
    const labels = this.facets
      .filter((f) => f.facetType === 'LABEL')
      .sort((a, b) => (a.facetDisplayName ?? '').localeCompare(b.facetDisplayName ?? ''))
    for (const f of labels)
      items.push({ label: f.facetKey!, name: f.facetDisplayName ?? f.facetKey!, count: f.count })
    return html`
      <nav class="facets" aria-labelledby="facets-heading">
        <h2 id="facets-heading" class="hint">${S.contacts.labels}</h2>
        <ul>
          ${items.map(
            (item) => html`<li>
              <a
                href=${this.hrefFor(item.label)}
                aria-current=${item.label === this.current ? 'true' : 'false'}
              >
                <span>${item.name}</span>
                <span class="count" aria-hidden="true">${formatNumber(item.count)}</span>
                <span class="visually-hidden">
                  (${plural(S.contacts.facetCount, item.count)})
                </span>
              </a>
            </li>`
          )}
        </ul>
      </nav>
    `
  }
}

customElements.define('cc-label-sidebar', LabelSidebar)

declare global {
  interface HTMLElementTagNameMap {
    'cc-label-sidebar': LabelSidebar
  }
}
