/**
 * @module
 * `<cc-forms-page>` (`#/forms`): each form of forms.config.ts — its fields and where each is
 * saved, the labels and fields it sets, its allowed origins, its latest submissions, the bots it
 * stopped per reason over 30 days, and the embed snippet (with this worker's own address) to copy.
 */
import { html, nothing } from 'lit'
import { DataPage } from '../data-page.ts'
import { hrefFor } from '../router.ts'
import { listAllForms, listLog } from '../site-api.ts'
import type { FormConfig, FormWithCounts, SubmissionRecord } from '../site-api.ts'
import { fill, formatDateTime, formatNumber, S } from '../strings.ts'
import { senderOf } from './inbox-page.ts'

const LATEST = 5

interface Form extends FormWithCounts {
  latest: SubmissionRecord[]
}

/**
 * The lines a site owner pastes into a page, loading the widget from this worker. The second is
 * the form's module, which hands the widget the form's definition; the first loads the widget
 * beside it rather than after it (its URL is the one the module imports).
 */
export function embedSnippet(formId: string): string {
  // A line break made at run time: the bundle turns written ones into spaces (esbuild moves
  // '\n' and even String.fromCharCode(10) into templates, which the bundle script flattens).
  return [
    `<link rel="modulepreload" href="${location.origin}/contact-form.js">`,
    `<script type="module" src="${location.origin}/v1/forms/${formId}.js"></script>`,
    `<contact-form form="${formId}"></contact-form>`,
  ].join(JSON.parse('"\\n"') as string)
}

function savedTo(field: FormConfig['fields'][number]): string {
  const maps = field.maps
  if (!maps) return S.forms.notSaved
  return typeof maps === 'string' ? maps : fill(S.forms.extendedField, { name: maps.extendedField })
}

export class FormsPage extends DataPage<Form[]> {
  static override properties = { copied: { state: true } }

  /** The form whose snippet was just copied, and what copying said. */
  copied?: { id: string; text: string }

  protected async load(signal: AbortSignal): Promise<Form[]> {
    const forms = await listAllForms(signal)
    return Promise.all(
      forms.map(async (f) => ({
        ...f,
        latest: (await listLog({ formId: f.id, 'paging.limit': LATEST }, signal)).submissions,
      }))
    )
  }

  async #copy(id: string): Promise<void> {
    let text: string = S.forms.copied
    try {
      await navigator.clipboard.writeText(embedSnippet(id))
    } catch {
      text = S.forms.copyFailed
    }
    this.copied = { id, text }
  }

  #renderForm(f: Form) {
    const c = f.config
    const bots = Object.entries(f.blockedLast30Days)
    const id = `form-${f.id}`
    return html`<section class="card" aria-labelledby=${id}>
      <h2 id=${id}>${c.title}</h2>
      ${c.description ? html`<p class="hint">${c.description}</p>` : nothing}
      <dl class="facts">
        <dt>${S.forms.id}</dt>
        <dd><code>${f.id}</code></dd>
        <dt>${S.forms.origins}</dt>
        <dd>
          ${c.allowedOrigins.length ? c.allowedOrigins.map((o) => html`<div>${o}</div>`) : S.forms.anyOrigin}
        </dd>
        <dt>${S.forms.labels}</dt>
        <dd>${c.labels.length ? c.labels.join(', ') : S.forms.noLabels}</dd>
        ${
          c.extendedFields.length
            ? html`<dt>${S.forms.constants}</dt>
              <dd>
                ${c.extendedFields.map((x) => html`<div>${x.displayName}: ${String(x.value)}</div>`)}
              </dd>`
            : nothing
        }
        <dt>${S.forms.onDuplicate}</dt>
        <dd>${S.forms.onDuplicateModes[c.onDuplicate] ?? c.onDuplicate}</dd>
        <dt>${S.forms.bots}</dt>
        <dd>
          ${
            bots.length
              ? bots.map(
                  ([reason, n]) =>
                    html`<div>${S.spam.reasons[reason] ?? reason}: ${formatNumber(n)}</div>`
                )
              : S.forms.noBots
          }
        </dd>
      </dl>
      <div class="table-scroll" role="region" aria-labelledby="${id}-fields" tabindex="0">
        <table>
          <caption id="${id}-fields">${fill(S.forms.fieldsCaption, { form: c.title })}</caption>
          <thead>
            <tr>
              <th scope="col">${S.forms.field}</th>
              <th scope="col">${S.forms.name}</th>
              <th scope="col">${S.forms.type}</th>
              <th scope="col">${S.forms.required}</th>
              <th scope="col">${S.forms.savedTo}</th>
            </tr>
          </thead>
          <tbody>
            ${c.fields.map(
              (x) => html`<tr>
                <th scope="row" class="wrap">${x.label}</th>
                <td><code>${x.name}</code></td>
                <td>${x.type}</td>
                <td>${x.required ? S.forms.yes : S.forms.no}</td>
                <td>${savedTo(x)}</td>
              </tr>`
            )}
          </tbody>
        </table>
      </div>
      <h3>${S.forms.latest}</h3>
      ${
        f.latest.length
          ? html`<ul class="plain">
            ${f.latest.map(
              (s) => html`<li>
                <span class="status-chip ${s.status}">${S.inbox.statuses[s.status]}</span>
                ${senderOf(s.values)}
                <time class="muted" datetime=${s.createdDate}>${formatDateTime(s.createdDate)}</time>
              </li>`
            )}
          </ul>`
          : html`<p class="hint">${S.forms.noSubmissions}</p>`
      }
      <p>
        <a href=${hrefFor('/submissions', new URLSearchParams({ form: f.id }))}
          >${S.forms.allSubmissions}</a
        >
      </p>
      <h3 id="${id}-embed">${S.forms.embed}</h3>
      <p class="hint">${S.forms.embedHint}</p>
      <pre class="snippet" tabindex="0" aria-labelledby="${id}-embed"><code>${embedSnippet(f.id)}</code></pre>
      <div class="row" style="align-items: center">
        <button type="button" @click=${() => this.#copy(f.id)}>${S.forms.copy}</button>
        <span role="status">${this.copied?.id === f.id ? this.copied.text : ''}</span>
      </div>
    </section>`
  }

  protected override render() {
    return html`<div class="page">
      <header class="page-title">
        <h1 tabindex="-1">${S.forms.heading}</h1>
        <p class="hint">${S.forms.intro}</p>
      </header>
      ${
        this.renderState(S.forms.loading) ??
        (this.data!.length
          ? this.data!.map((f) => this.#renderForm(f))
          : html`<p class="empty">${S.forms.empty}</p>`)
      }
    </div>`
  }
}

customElements.define('cc-forms-page', FormsPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-forms-page': FormsPage
  }
}
