/**
 * @module
 * `<cc-spam-page>` (`#/spam`): the spam folder — submissions judged to come from bots, newest
 * first, by form and reason (`?form=demo&reason=honeypot&page=2`), each with what it sent and why
 * it was judged a bot. "Not spam" runs one through its form like a new submission (the form may
 * refuse it: its messages are shown); "Delete" drops it.
 */
import { html, nothing } from 'lit'
import { ApiError, errorMessage } from '../api.ts'
import type { ConfirmDialog } from '../components/confirm-dialog.ts'
import '../components/confirm-dialog.ts'
import { fieldLabel } from '../components/contact-timeline.ts'
import { pageOf, pager } from '../components/pager.ts'
import { DataPage } from '../data-page.ts'
import { hrefFor, navigate } from '../router.ts'
import { deleteSpam, listAllForms, listSpam, restoreSpam } from '../site-api.ts'
import type { FormWithCounts, Spam } from '../site-api.ts'
import { formatDateTime, plural, S } from '../strings.ts'
import { senderOf } from './inbox-page.ts'

const PATH = '/spam'
const SIZE = 25

interface Folder {
  forms: FormWithCounts[]
  spam: Spam[]
  total: number
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? S.forms.yes : S.forms.no
  return JSON.stringify(value)
}

export class SpamPage extends DataPage<Folder> {
  static override properties = {
    open: { state: true },
    refusals: { state: true },
  }

  open: ReadonlySet<string> = new Set()
  /** Why a form refused to take one back, by id: its field messages. */
  refusals = new Map<string, string[]>()

  protected async load(signal: AbortSignal): Promise<Folder> {
    const q = this.query
    const [forms, folder] = await Promise.all([
      listAllForms(signal),
      listSpam(
        {
          formId: q.get('form') ?? '',
          reason: q.get('reason') ?? '',
          'paging.limit': SIZE,
          'paging.offset': (pageOf(q) - 1) * SIZE,
        },
        signal
      ),
    ])
    return { forms, spam: folder.submissions, total: folder.pagingMetadata.total }
  }

  private handleFilters(event: SubmitEvent): void {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const q = new URLSearchParams()
    for (const name of ['form', 'reason']) {
      const value = String(data.get(name) ?? '')
      if (value) q.set(name, value)
    }
    navigate(PATH, q)
  }

  async #gone(status: string): Promise<void> {
    await this.reload()
    this.said(status)
    await this.updateComplete
    this.querySelector<HTMLElement>('h1')?.focus()
  }

  async #restore(spam: Spam, form: FormWithCounts | undefined): Promise<void> {
    this.said('')
    this.refusals = new Map([...this.refusals].filter(([id]) => id !== spam.id))
    try {
      await restoreSpam(spam.id)
      await this.#gone(S.spam.restored)
    } catch (error) {
      if (error instanceof ApiError && error.violations.length)
        this.refusals = new Map(this.refusals).set(
          spam.id,
          error.violations.map((v) => `${fieldLabel(form, v.field)}: ${v.description}`)
        )
      else this.said('', errorMessage(error))
    }
  }

  async #delete(spam: Spam): Promise<void> {
    if (!(await this.querySelector<ConfirmDialog>('#spam-delete')!.ask())) return
    try {
      await deleteSpam(spam.id)
      await this.#gone(S.spam.deleted)
    } catch (error) {
      this.said('', errorMessage(error))
    }
  }

  #renderItem(spam: Spam, forms: FormWithCounts[]) {
    const form = forms.find((f) => f.id === spam.formId)
    const values = Object.entries(spam.values)
    const { pageUrl, referrer } = spam.context
    const refused = this.refusals.get(spam.id)
    return html`<li>
      <details
        ?open=${this.open.has(spam.id)}
        @toggle=${(e: Event) => {
          const next = new Set(this.open)
          if ((e.target as HTMLDetailsElement).open) next.add(spam.id)
          else next.delete(spam.id)
          this.open = next
        }}
      >
        <summary>
          <span class="status-chip failed">${S.spam.reasons[spam.reason] ?? spam.reason}</span>
          <strong>${senderOf(spam.values)}</strong>
          <span class="muted">${form?.config.title ?? spam.formId}</span>
          <time class="muted" datetime=${spam.createdDate}>${formatDateTime(spam.createdDate)}</time>
        </summary>
        <div class="item-body">
          <p><span class="hint">${S.spam.reason}:</span> ${S.spam.explain[spam.reason] ?? spam.reason}</p>
          <dl class="facts">
            ${spam.origin ? html`<dt>${S.list.origin}</dt><dd>${spam.origin}</dd>` : nothing}
            ${pageUrl ? html`<dt>${S.contact.page}</dt><dd>${pageUrl}</dd>` : nothing}
            ${referrer ? html`<dt>${S.contact.referrer}</dt><dd>${referrer}</dd>` : nothing}
          </dl>
          <h4 class="hint">${S.spam.values}</h4>
          ${
            values.length
              ? html`<dl class="facts">
                ${values.map(([name, v]) => html`<dt>${fieldLabel(form, name)}</dt><dd>${shown(v)}</dd>`)}
              </dl>`
              : html`<p>${S.spam.noValues}</p>`
          }
          <div role="alert">
            ${
              refused
                ? html`<div class="error">
                  <p>${S.spam.refused}</p>
                  <ul>
                    ${refused.map((line) => html`<li>${line}</li>`)}
                  </ul>
                </div>`
                : nothing
            }
          </div>
          ${
            this.canEdit
              ? html`<div class="row">
                <button type="button" @click=${() => this.#restore(spam, form)}>
                  ${S.spam.restore}
                </button>
                <button type="button" @click=${() => this.#delete(spam)}>${S.spam.delete}</button>
              </div>`
              : nothing
          }
        </div>
      </details>
    </li>`
  }

  protected override render() {
    const d = this.data
    const q = this.query
    const [form, reason] = [q.get('form') ?? '', q.get('reason') ?? '']
    return html`<div class="page">
      <header class="page-title">
        <h1 tabindex="-1">${S.spam.heading}</h1>
        <p class="hint">${S.spam.intro}</p>
      </header>
      ${this.renderMessages()}
      <form class="filters" aria-label=${S.list.filters} @submit=${this.handleFilters}>
        <div class="field">
          <label for="spam-form">${S.list.form}</label>
          <select id="spam-form" name="form">
            <option value="">${S.list.anyForm}</option>
            ${(d?.forms ?? []).map(
              (f) =>
                html`<option value=${f.id} ?selected=${f.id === form}>${f.config.title}</option>`
            )}
          </select>
        </div>
        <div class="field">
          <label for="spam-reason">${S.spam.reason}</label>
          <select id="spam-reason" name="reason">
            <option value="">${S.spam.anyReason}</option>
            ${Object.entries(S.spam.reasons).map(
              ([key, text]) =>
                html`<option value=${key} ?selected=${key === reason}>${text}</option>`
            )}
          </select>
        </div>
        <button type="submit">${S.list.apply}</button>
        ${form || reason ? html`<a class="button" href=${hrefFor(PATH)}>${S.list.clear}</a>` : nothing}
      </form>
      ${
        this.renderState(S.spam.loading) ??
        html`<p class="visually-hidden" role="status">
            ${this.loading ? S.spam.loading : plural(S.spam.count, d!.total)}
          </p>
          ${
            d!.total === 0
              ? html`<p class="empty">${form || reason ? S.spam.emptyFiltered : S.spam.empty}</p>`
              : html`<ol class="items" aria-busy=${this.loading ? 'true' : 'false'}>
                  ${d!.spam.map((s) => this.#renderItem(s, d!.forms))}
                </ol>
                ${pager(
                  { page: pageOf(q), size: SIZE, shown: d!.spam.length, total: d!.total },
                  (page) => this.hrefWith(PATH, { page: page > 1 ? String(page) : '' })
                )}`
          }`
      }
      ${
        this.canEdit
          ? html`<cc-confirm-dialog
            id="spam-delete"
            danger
            .heading=${S.spam.deleteHeading}
            .confirmLabel=${S.spam.delete}
            .body=${html`<p>${S.spam.deleteBody}</p>`}
          ></cc-confirm-dialog>`
          : nothing
      }
    </div>`
  }
}

customElements.define('cc-spam-page', SpamPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-spam-page': SpamPage
  }
}
