/**
 * @module
 * `<cc-webhooks-page>` (`#/webhooks`): the endpoints of WEBHOOK_ENDPOINTS with their state and
 * recent deliveries, and the deliveries log, newest first and by status
 * (`?status=failed&page=2`), with the tries and last answer of each and a re-send; and the newest
 * notification emails to the owner, with their tries and last error.
 */
import { html, nothing } from 'lit'
import { errorMessage } from '../api.ts'
import { pageOf, pager } from '../components/pager.ts'
import { DataPage } from '../data-page.ts'
import { hrefFor, navigate } from '../router.ts'
import { listDeliveries, listEndpoints, listNotifications, redeliver } from '../site-api.ts'
import type { Delivery, Endpoint, Notification } from '../site-api.ts'
import { fill, formatDateTime, S } from '../strings.ts'

const PATH = '/webhooks'
const SIZE = 25
/** The statuses the log can be filtered by. */
const FILTERS = ['queued', 'delivered', 'failed', 'disabled']

interface Webhooks {
  endpoints: Endpoint[]
  counted: number
  deliveries: Delivery[]
  emails: Notification[]
}

export class WebhooksPage extends DataPage<Webhooks> {
  static override properties = { busy: { state: true } }

  busy = ''

  protected async load(signal: AbortSignal): Promise<Webhooks> {
    const status = this.query.get('status') ?? ''
    const [list, deliveries, emails] = await Promise.all([
      listEndpoints(signal),
      listDeliveries(
        {
          status: FILTERS.includes(status) ? status : '',
          'paging.limit': SIZE,
          'paging.offset': (pageOf(this.query) - 1) * SIZE,
        },
        signal
      ),
      listNotifications({ 'paging.limit': SIZE }, signal),
    ])
    return { endpoints: list.endpoints, counted: list.recentDeliveriesCounted, deliveries, emails }
  }

  async #resend(d: Delivery): Promise<void> {
    this.busy = d.id
    this.said('')
    try {
      await redeliver(d.id)
      await this.reload()
      this.said(S.webhooks.resent)
    } catch (error) {
      this.said('', errorMessage(error))
    } finally {
      this.busy = ''
    }
  }

  #renderEndpoints(d: Webhooks) {
    const rows = d.endpoints.map((e) => {
      const n = e.recentDeliveries
      return html`<tr>
        <th scope="row" class="wrap url">${e.url}</th>
        <td class="wrap">${e.events.includes('*') ? S.webhooks.allEvents : e.events.join(', ')}</td>
        <td class="wrap">
          <span class="status-chip ${e.state === 'active' ? 'processed' : 'failed'}"
            >${e.state === 'active' ? S.webhooks.active : S.webhooks.disabled}</span
          >
          ${e.state === 'active' ? nothing : html`<div class="hint">${S.webhooks.disabledHint}</div>`}
        </td>
        <td>
          ${fill(S.webhooks.recentLine, {
            delivered: n.delivered ?? 0,
            waiting: (n.queued ?? 0) + (n.sending ?? 0),
            failed: (n.failed ?? 0) + (n.disabled ?? 0),
          })}
        </td>
      </tr>`
    })
    return html`<section class="card" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">${S.webhooks.endpoints}</h2>
      <p class="hint">${S.webhooks.endpointsIntro}</p>
      ${
        rows.length
          ? html`<div
              class="table-scroll"
              role="region"
              aria-label=${S.webhooks.endpointsRegion}
              tabindex="0"
            >
              <table>
                <thead>
                  <tr>
                    <th scope="col">${S.webhooks.url}</th>
                    <th scope="col">${S.webhooks.events}</th>
                    <th scope="col">${S.webhooks.state}</th>
                    <th scope="col">${S.webhooks.recent}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>
            <p class="hint">${fill(S.webhooks.recentHint, { count: d.counted })}</p>`
          : html`<p class="empty">${S.webhooks.noEndpoints}</p>`
      }
    </section>`
  }

  #renderDeliveries(d: Webhooks) {
    const status = this.query.get('status') ?? ''
    const statuses = S.webhooks.statuses
    return html`<section class="card" aria-labelledby="deliveries-heading">
      <h2 id="deliveries-heading">${S.webhooks.deliveries}</h2>
      <form
        class="filters"
        aria-label=${S.list.filters}
        @submit=${(e: SubmitEvent) => {
          e.preventDefault()
          const value = String(new FormData(e.target as HTMLFormElement).get('status') ?? '')
          navigate(PATH, new URLSearchParams(value ? { status: value } : {}))
        }}
      >
        <div class="field">
          <label for="delivery-status">${S.webhooks.status}</label>
          <select id="delivery-status" name="status">
            <option value="">${S.webhooks.anyStatus}</option>
            ${FILTERS.map(
              (s) => html`<option value=${s} ?selected=${s === status}>${statuses[s]}</option>`
            )}
          </select>
        </div>
        <button type="submit">${S.list.apply}</button>
        ${status ? html`<a class="button" href=${hrefFor(PATH)}>${S.list.clear}</a>` : nothing}
      </form>
      ${
        d.deliveries.length === 0
          ? html`<p class="empty">${status ? S.webhooks.emptyFiltered : S.webhooks.empty}</p>`
          : html`<div
              class="table-scroll"
              role="region"
              aria-label=${S.webhooks.tableRegion}
              tabindex="0"
            >
              <table aria-busy=${this.loading ? 'true' : 'false'}>
                <caption>${S.webhooks.deliveriesCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">${S.webhooks.created}</th>
                    <th scope="col">${S.webhooks.event}</th>
                    <th scope="col">${S.webhooks.endpoint}</th>
                    <th scope="col">${S.webhooks.status}</th>
                    <th scope="col">${S.webhooks.attempts}</th>
                    <th scope="col">${S.webhooks.lastAnswer}</th>
                    ${this.canEdit ? html`<th scope="col">${S.catalog.actions}</th>` : nothing}
                  </tr>
                </thead>
                <tbody>
                  ${d.deliveries.map((x) => this.#renderDelivery(x))}
                </tbody>
              </table>
            </div>
            ${pager({ page: pageOf(this.query), size: SIZE, shown: d.deliveries.length }, (page) =>
              this.hrefWith(PATH, { page: page > 1 ? String(page) : '' })
            )}`
      }
    </section>`
  }

  #renderDelivery(x: Delivery) {
    const answer = [
      x.lastStatus ? fill(S.webhooks.httpStatus, { status: x.lastStatus }) : '',
      x.lastError && x.lastError !== `HTTP ${x.lastStatus}` ? x.lastError : '',
    ]
      .filter(Boolean)
      .join(' — ')
    const chip =
      x.status === 'delivered' ? 'processed' : x.status === 'queued' ? 'pending' : 'failed'
    return html`<tr>
      <td class="wrap"><time datetime=${x.createdDate}>${formatDateTime(x.createdDate)}</time></td>
      <th scope="row">${x.slug}<br /><code class="hint">${x.entityId}</code></th>
      <td class="wrap url">${x.endpoint}</td>
      <td><span class="status-chip ${chip}">${S.webhooks.statuses[x.status] ?? x.status}</span></td>
      <td>${x.attempts}</td>
      <td class="wrap">${answer || S.list.none}</td>
      ${
        this.canEdit
          ? html`<td>
            <button
              type="button"
              ?disabled=${this.busy === x.id}
              aria-label=${fill(S.webhooks.resendLabel, { event: x.slug, endpoint: x.endpoint })}
              @click=${() => this.#resend(x)}
            >
              ${S.webhooks.resend}
            </button>
          </td>`
          : nothing
      }
    </tr>`
  }

  #renderEmails(d: Webhooks) {
    const rows = d.emails.map((n) => {
      const chip = n.status === 'sent' ? 'processed' : n.status === 'failed' ? 'failed' : 'pending'
      return html`<tr>
        <td class="wrap"><time datetime=${n.createdDate}>${formatDateTime(n.createdDate)}</time></td>
        <th scope="row" class="wrap">
          ${n.kind === 'digest' ? fill(S.webhooks.digest, { day: n.digestDay ?? '' }) : S.webhooks.lead}
          <br /><code class="hint">${n.formId}</code>
        </th>
        <td class="wrap url">${n.recipient}</td>
        <td>
          <span class="status-chip ${chip}">${S.webhooks.emailStatuses[n.status] ?? n.status}</span>
        </td>
        <td>${n.attempts}</td>
        <td class="wrap">${n.lastError || S.list.none}</td>
      </tr>`
    })
    return html`<section class="card" aria-labelledby="emails-heading">
      <h2 id="emails-heading">${S.webhooks.emails}</h2>
      <p class="hint">${S.webhooks.emailsIntro}</p>
      ${
        rows.length
          ? html`<div class="table-scroll" role="region" aria-label=${S.webhooks.emailsRegion} tabindex="0">
              <table>
                <caption>${S.webhooks.emailsCaption}</caption>
                <thead>
                  <tr>
                    <th scope="col">${S.webhooks.created}</th>
                    <th scope="col">${S.webhooks.kind}</th>
                    <th scope="col">${S.webhooks.recipient}</th>
                    <th scope="col">${S.webhooks.status}</th>
                    <th scope="col">${S.webhooks.attempts}</th>
                    <th scope="col">${S.webhooks.lastAnswer}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows}
                </tbody>
              </table>
            </div>`
          : html`<p class="empty">${S.webhooks.emailsEmpty}</p>`
      }
    </section>`
  }

  protected override render() {
    return html`<div class="page">
      <h1 tabindex="-1">${S.webhooks.heading}</h1>
      ${this.renderMessages()}
      ${
        this.renderState(S.webhooks.loading) ??
        html`${this.#renderEndpoints(this.data!)} ${this.#renderDeliveries(this.data!)}
        ${this.#renderEmails(this.data!)}`
      }
    </div>`
  }
}

customElements.define('cc-webhooks-page', WebhooksPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-webhooks-page': WebhooksPage
  }
}
