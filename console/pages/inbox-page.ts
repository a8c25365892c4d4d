/**
 * @module
 * `<cc-inbox-page>` (`#/submissions`): every submission across the forms, newest first, filtered
 * by form, status and received date (`?form=demo&status=failed,pending&from=…&to=…&page=2`). Each
 * opens to what the visitor typed, the page it came from, the consent given and its contact; one
 * whose contact is not written (pending, failed) can be retried. Filtered by one form, all of that
 * form's submissions download as CSV.
 */
import { html, nothing } from 'lit'
import { errorMessage } from '../api.ts'
import { submissionDetails } from '../components/contact-timeline.ts'
import { pageOf, pager } from '../components/pager.ts'
import { DataPage } from '../data-page.ts'
import { submissionsExportHref } from '../imports-api.ts'
import { hrefFor, navigate } from '../router.ts'
import { listAllForms, listLog, retrySubmission } from '../site-api.ts'
import type { FormWithCounts, SubmissionRecord, SubmissionStatus } from '../site-api.ts'
import { fill, formatDateTime, plural, S } from '../strings.ts'

const PATH = '/submissions'
const SIZE = 25
const STATUSES: SubmissionStatus[] = ['pending', 'processed', 'failed']
const DAY = /^\d{4}-\d\d-\d\d$/

interface Inbox {
  forms: FormWithCounts[]
  submissions: SubmissionRecord[]
  total: number
}

/** Who sent it, as far as the values tell: email, else name, else phone. */
export function senderOf(values: Record<string, unknown>): string {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : '')
  const phone = values.phone as { phone?: string } | string | undefined
  return (
    text('email') ||
    [text('firstName'), text('lastName')].filter(Boolean).join(' ') ||
    (typeof phone === 'object' ? phone?.phone : phone) ||
    S.inbox.anonymous
  )
}

export class InboxPage extends DataPage<Inbox> {
  static override properties = {
    open: { state: true },
    busy: { state: true },
  }

  /** The submissions opened, by id (kept across reloads). */
  open: ReadonlySet<string> = new Set()
  busy = ''

  get #view() {
    const q = this.query
    const day = (name: string) => (DAY.test(q.get(name) ?? '') ? q.get(name)! : '')
    return {
      form: q.get('form') ?? '',
      statuses: (q.get('status') ?? '')
        .split(',')
        .filter((s): s is SubmissionStatus => STATUSES.includes(s as SubmissionStatus)),
      from: day('from'),
      to: day('to'),
      page: pageOf(q),
    }
  }

  protected async load(signal: AbortSignal): Promise<Inbox> {
    const v = this.#view
    const [forms, log] = await Promise.all([
      listAllForms(signal),
      listLog(
        {
          formId: v.form,
          status: v.statuses.join(','),
          // Whole days in the browser's time zone, both included.
          'createdDate.from': v.from && new Date(`${v.from}T00:00:00`).toISOString(),
          'createdDate.to': v.to && new Date(`${v.to}T23:59:59.999`).toISOString(),
          'paging.limit': SIZE,
          'paging.offset': (v.page - 1) * SIZE,
        },
        signal
      ),
    ])
    return { forms, submissions: log.submissions, total: log.pagingMetadata.total }
  }

  private handleFilters(event: SubmitEvent): void {
    event.preventDefault()
    const data = new FormData(event.target as HTMLFormElement)
    const q = new URLSearchParams()
    for (const name of ['form', 'from', 'to']) {
      const value = String(data.get(name) ?? '')
      if (value) q.set(name, value)
    }
    const statuses = data.getAll('status').map(String)
    if (statuses.length) q.set('status', statuses.join(','))
    navigate(PATH, q)
  }

  #toggle(id: string, event: Event): void {
    const next = new Set(this.open)
    if ((event.target as HTMLDetailsElement).open) next.add(id)
    else next.delete(id)
    this.open = next
  }

  async #retry(s: SubmissionRecord): Promise<void> {
    this.busy = s.id
    this.said('')
    try {
      const { submission } = await retrySubmission(s.id)
      await this.reload()
      if (submission.status === 'processed') this.said(S.inbox.retried)
      else
        this.said(
          '',
          fill(S.inbox.stillFailing, { status: S.contact.statusNames[submission.status] })
        )
    } catch (error) {
      this.said('', errorMessage(error))
    } finally {
      this.busy = ''
    }
  }

  #renderFilters(forms: FormWithCounts[]) {
    const v = this.#view
    const filtered = v.form || v.statuses.length || v.from || v.to
    return html`<form class="filters" aria-label=${S.list.filters} @submit=${this.handleFilters}>
      <div class="field">
        <label for="inbox-form">${S.list.form}</label>
        <select id="inbox-form" name="form">
          <option value="" ?selected=${!v.form}>${S.list.anyForm}</option>
          ${forms.map(
            (f) =>
              html`<option value=${f.id} ?selected=${f.id === v.form}>${f.config.title}</option>`
          )}
        </select>
      </div>
      <fieldset class="inline">
        <legend>${S.inbox.status}</legend>
        ${STATUSES.map(
          (s) => html`<label class="check">
            <input type="checkbox" name="status" value=${s} .checked=${v.statuses.includes(s)} />
            ${S.inbox.statuses[s]}
          </label>`
        )}
      </fieldset>
      <div class="field">
        <label for="inbox-from">${S.list.from}</label>
        <input id="inbox-from" name="from" type="date" .value=${v.from} />
      </div>
      <div class="field">
        <label for="inbox-to">${S.list.to}</label>
        <input id="inbox-to" name="to" type="date" .value=${v.to} />
      </div>
      <button type="submit">${S.list.apply}</button>
      ${filtered ? html`<a class="button" href=${hrefFor(PATH)}>${S.list.clear}</a>` : nothing}
    </form>`
  }

  #renderItem(s: SubmissionRecord, forms: FormWithCounts[]) {
    const form = forms.find((f) => f.id === s.formId)
    const contact = s.contactId
      ? html`<a href=${hrefFor(`/contacts/${encodeURIComponent(s.contactId)}`)}
          >${S.inbox.openContact}</a
        >`
      : S.inbox.noContact
    const more: [string, string | ReturnType<typeof html>][] = [
      [S.inbox.contact, contact],
      [S.inbox.attempts, String(s.attempts)],
    ]
    if (s.processedDate) more.push([S.inbox.processed, formatDateTime(s.processedDate)])
    if (s.lastError && s.status !== 'processed') more.push([S.inbox.lastError, s.lastError])
    return html`<li>
      <details ?open=${this.open.has(s.id)} @toggle=${(e: Event) => this.#toggle(s.id, e)}>
        <summary>
          <span class="status-chip ${s.status}">${S.inbox.statuses[s.status]}</span>
          <strong>${senderOf(s.values)}</strong>
          <span class="muted">${form?.config.title ?? s.formId}</span>
          <time class="muted" datetime=${s.createdDate}>${formatDateTime(s.createdDate)}</time>
        </summary>
        <div class="item-body">
          ${submissionDetails(s, form, more)}
          ${
            this.canEdit && s.status !== 'processed'
              ? html`<div class="row">
                <button
                  type="button"
                  ?disabled=${this.busy === s.id}
                  @click=${() => this.#retry(s)}
                >
                  ${this.busy === s.id ? S.inbox.retrying : S.inbox.retry}
                </button>
              </div>`
              : nothing
          }
        </div>
      </details>
    </li>`
  }

  protected override render() {
    const d = this.data
    const v = this.#view
    const filtered = v.form || v.statuses.length || v.from || v.to
    return html`<div class="page">
      <header class="page-title">
        <h1 tabindex="-1">${S.inbox.heading}</h1>
        <p class="hint">${S.inbox.intro}</p>
      </header>
      ${this.renderMessages()} ${this.#renderFilters(d?.forms ?? [])}
      ${
        v.form
          ? html`<p>
            <a class="button" href=${submissionsExportHref(v.form)} download
              >${S.exports.submissions}</a
            >
          </p>`
          : nothing
      }
      ${
        this.renderState(S.inbox.loading) ??
        html`<p class="visually-hidden" role="status">
            ${this.loading ? S.inbox.loading : plural(S.inbox.count, d!.total)}
          </p>
          ${
            d!.total === 0
              ? html`<p class="empty">${filtered ? S.inbox.emptyFiltered : S.inbox.empty}</p>`
              : html`<ol class="items" aria-busy=${this.loading ? 'true' : 'false'}>
                  ${d!.submissions.map((s) => this.#renderItem(s, d!.forms))}
                </ol>
                ${pager(
                  { page: v.page, size: SIZE, shown: d!.submissions.length, total: d!.total },
                  (page) => this.hrefWith(PATH, { page: page > 1 ? String(page) : '' })
                )}`
          }`
      }
    </div>`
  }
}

customElements.define('cc-inbox-page', InboxPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-inbox-page': InboxPage
  }
}
