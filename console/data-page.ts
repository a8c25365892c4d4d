/**
 * @module
 * What the Inbox, Spam, Labels and fields, Webhooks and Forms pages share: light DOM, the URL's
 * query as their view, data loaded again whenever the view changes (an older load is aborted)
 * and on coming back to the page, and the loading and error states with a way to try again.
 *
 * @example
 * class FormsPage extends DataPage<FormWithCounts[]> {
 *   protected load(signal: AbortSignal) { return listAllForms(signal) }
 * }
 */
import { LitElement, html } from 'lit'
import type { PropertyDeclarations } from 'lit'
import { errorMessage } from './api.ts'
import { hrefFor } from './router.ts'
import { S } from './strings.ts'

export abstract class DataPage<T> extends LitElement {
  static override properties: PropertyDeclarations = {
    query: { attribute: false },
    canEdit: { type: Boolean },
    data: { state: true },
    error: { state: true },
    loading: { state: true },
    status: { state: true },
    actionError: { state: true },
  }

  query = new URLSearchParams()
  /** The session may change things; read-only sessions see no actions. */
  canEdit = false
  data?: T
  error = ''
  loading = false
  /** What the last action did, said in the page's status region. */
  status = ''
  actionError = ''
  #abort?: AbortController
  #loadedKey?: string

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  /** Reads the page's data for the current view. */
  protected abstract load(signal: AbortSignal): Promise<T>

  /** The part of the query that decides what is loaded (all of it, unless a page says less). */
  protected viewKey(): string {
    return this.query.toString()
  }

  override connectedCallback(): void {
    super.connectedCallback()
    if (this.hasUpdated) void this.reload()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#abort?.abort()
    this.#loadedKey = undefined
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (!changed.has('query')) return
    const key = this.viewKey()
    if (key === this.#loadedKey) return
    // What the last action said was about the view before.
    if (this.#loadedKey !== undefined) this.said('')
    this.#loadedKey = key
    void this.reload()
  }

  async reload(): Promise<void> {
    this.#abort?.abort()
    const abort = (this.#abort = new AbortController())
    this.loading = true
    this.error = ''
    try {
      this.data = await this.load(abort.signal)
    } catch (error) {
      if (!abort.signal.aborted) this.error = errorMessage(error)
    } finally {
      if (!abort.signal.aborted) this.loading = false
    }
  }

  /** Says what an action did (or why it failed) in the page's live regions. */
  protected said(status: string, actionError = ''): void {
    this.status = status
    this.actionError = actionError
  }

  /** The page's live regions: what the last action did, and why it failed. */
  protected renderMessages() {
    return html`<div class="messages">
      <div role="status">${this.status ? html`<p class="notice ok">${this.status}</p>` : ''}</div>
      <div role="alert">${this.actionError ? html`<p class="error">${this.actionError}</p>` : ''}</div>
    </div>`
  }

  /** The error with a retry, or the loading line; undefined once there is data to show. */
  protected renderState(loadingText: string) {
    if (this.error)
      return html`<div class="error" role="alert">
        <p>${this.error}</p>
        <div class="row">
          <button type="button" @click=${() => this.reload()}>${S.errors.retry}</button>
        </div>
      </div>`
    if (!this.data) return html`<p role="status">${loadingText}</p>`
    return undefined
  }

  /** A link to this page's path with some of the query changed ('' removes a part). */
  protected hrefWith(path: string, change: Record<string, string>): string {
    const q = new URLSearchParams(this.query)
    for (const [name, value] of Object.entries(change)) {
      if (value) q.set(name, value)
      else q.delete(name)
    }
    return hrefFor(path, q)
  }
}
