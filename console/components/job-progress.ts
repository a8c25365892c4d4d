/**
 * @module
 * `<cc-job-progress>`: follows a bulk job (`GET /contacts/v4/bulk/jobs/:id`, about once a second)
 * until it is COMPLETED, showing its progress and, at the end, how many contacts changed or failed
 * and why; for an import, how its rows ended, with its rejected rows to download and a way to the
 * contacts. Announced politely as it goes.
 *
 * @event cc-job-done - `detail` is the finished job
 * @event cc-job-dismiss - the person closed the report
 */
import { LitElement, html, nothing } from 'lit'
import { errorMessage } from '../api.ts'
import { getJob } from '../contacts-api.ts'
import type { BulkJob } from '../contacts-api.ts'
import { hrefFor } from '../router.ts'
import { fill, formatNumber, S } from '../strings.ts'

const POLL_MS = 1000

export class JobProgress extends LitElement {
  static override properties = {
    jobId: { type: String },
    dismissLabel: { type: String },
    job: { state: true },
    error: { state: true },
  }

  jobId = ''
  /** The text of the button that closes the report. */
  dismissLabel: string = S.bulk.dismiss
  job?: BulkJob
  error = ''
  #timer?: ReturnType<typeof setTimeout>
  #abort?: AbortController

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.#stop()
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('jobId') && this.jobId) {
      this.#stop()
      this.job = undefined
      this.error = ''
      void this.#poll()
    }
  }

  #stop(): void {
    clearTimeout(this.#timer)
    this.#abort?.abort()
  }

  async #poll(): Promise<void> {
    const abort = (this.#abort = new AbortController())
    try {
      this.job = await getJob(this.jobId, abort.signal)
      this.error = ''
    } catch (error) {
      if (abort.signal.aborted) return
      this.error = errorMessage(error)
    }
    if (this.job?.status === 'COMPLETED') {
      this.dispatchEvent(new CustomEvent('cc-job-done', { detail: this.job, bubbles: true }))
      return
    }
    this.#timer = setTimeout(() => void this.#poll(), POLL_MS)
  }

  #renderImport(summary: NonNullable<BulkJob['importSummary']>) {
    return html`${importCounts(summary)}
    ${
      summary.failed
        ? html`<p><a href=${summary.rejectedRowsUrl} download>${S.imports.rejectedDownload}</a></p>
            <p class="hint">${S.imports.rejectedHint}</p>`
        : nothing
    }`
  }

  protected override render() {
    const job = this.job
    const done = job ? job.successTotal + job.failedTotal : 0
    const finished = job?.status === 'COMPLETED'
    return html`
      <section class="card" aria-labelledby="job-heading">
        <h2 id="job-heading" tabindex="-1">${job ? S.bulk.heading[job.type] : S.app.loading}</h2>
        ${
          job && !finished
            ? html`<progress
              max=${Math.max(job.totalItems, 1)}
              value=${done}
              aria-labelledby="job-heading"
            ></progress>`
            : nothing
        }
        <p role="status">
          ${
            !job
              ? S.app.loading
              : finished
                ? fill(job.importSummary ? S.imports.done : S.bulk.done, {
                    success: job.successTotal,
                    failed: job.failedTotal,
                  })
                : fill(S.bulk.progress, {
                    type: S.bulk.type[job.type],
                    status: S.bulk.status[job.status],
                    done,
                    total: job.totalItems,
                  })
          }
        </p>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${finished && job.importSummary ? this.#renderImport(job.importSummary) : nothing}
        ${
          finished && job.errors.length
            ? html`<h3>${S.bulk.errorsHeading}</h3>
              <ul>
                ${job.errors.map(
                  (e) =>
                    html`<li>${fill(S.bulk.errorLine, { count: e.count, message: e.message })}</li>`
                )}
              </ul>`
            : nothing
        }
        ${
          finished
            ? html`<div class="row">
              ${
                job.importSummary
                  ? html`<a class="button" href=${hrefFor('/contacts')}>${S.imports.toContacts}</a>`
                  : nothing
              }
              <button
                type="button"
                @click=${() =>
                  this.dispatchEvent(new CustomEvent('cc-job-dismiss', { bubbles: true }))}
              >
                ${this.dismissLabel}
              </button>
            </div>`
            : nothing
        }
      </section>
    `
  }
}

customElements.define('cc-job-progress', JobProgress)

declare global {
  interface HTMLElementTagNameMap {
    'cc-job-progress': JobProgress
  }
}

/** How an import's rows ended (or would end, after a dry run), as a list of counts. */
export function importCounts(counts: Record<keyof typeof S.imports.counts, number>) {
  const names = Object.entries(S.imports.counts) as [keyof typeof counts, string][]
  return html`<dl class="facts">
    ${names.map(([name, text]) => html`<dt>${text}</dt><dd>${formatNumber(counts[name])}</dd>`)}
  </dl>`
}
