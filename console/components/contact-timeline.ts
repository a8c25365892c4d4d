/**
 * @module
 * `<cc-contact-timeline>`: what happened to a contact, newest first — each form submission (the
 * form, when, its status, the page and campaign it came from, every value the visitor typed, the
 * consent they gave) and, as the worker keeps no change log, the contact's creation and its last
 * change.
 */
import { LitElement, html, nothing } from 'lit'
import type { TemplateResult } from 'lit'
import type { Contact, ConfiguredForm, SubmissionRecord } from '../contacts-api.ts'
import { fill, formatDateTime, S } from '../strings.ts'

type Value = SubmissionRecord['values'][string]

export function valueText(value: Value): string {
  if (typeof value === 'boolean') return value ? S.contact.yes : ''
  if (typeof value === 'string') return value
  return value.e164Phone && value.e164Phone !== value.phone
    ? `${value.phone} (${value.e164Phone})`
    : value.phone
}

/** A form field's label, by its name (the name itself for a field no longer configured). */
export function fieldLabel(form: ConfiguredForm | undefined, name: string): string {
  return form?.config.fields?.find((f) => f.name === name)?.label ?? name
}

/**
 * What a submission holds: its status, the page and campaign it came from (and `facts` to add),
 * every value the visitor typed, and the consent they gave. The Inbox shows it too.
 */
export function submissionDetails(
  s: SubmissionRecord,
  form: ConfiguredForm | undefined,
  more: [string, TemplateResult | string][] = []
) {
  const utm = Object.entries(s.context.utm ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const facts: [string, TemplateResult | string][] = [
    [S.contact.status, S.contact.statusNames[s.status]],
  ]
  if (s.context.pageUrl) facts.push([S.contact.page, s.context.pageUrl])
  if (s.context.referrer) facts.push([S.contact.referrer, s.context.referrer])
  if (utm) facts.push([S.contact.utm, utm])
  facts.push(...more)
  const values = Object.entries(s.values)
  return html`${s.erased ? html`<p class="notice">${S.contact.erased}</p>` : nothing}
    <dl class="facts">
      ${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
    </dl>
    ${
      values.length
        ? html`<h4 class="hint">${S.contact.values}</h4>
          <dl class="facts">
            ${values.map(([name, v]) => html`<dt>${fieldLabel(form, name)}</dt><dd>${valueText(v)}</dd>`)}
          </dl>`
        : nothing
    }
    <p>
      <span class="hint">${S.contact.consent}:</span>
      ${
        s.consent
          ? fill(S.contact.consentLine, {
              text: s.consent.text,
              version: s.consent.version,
              time: formatDateTime(s.consent.givenAt),
            })
          : S.contact.noConsent
      }
    </p>`
}

export class ContactTimeline extends LitElement {
  static override properties = {
    contact: { attribute: false },
    submissions: { attribute: false },
    total: { type: Number },
    forms: { attribute: false },
  }

  contact?: Contact
  submissions: SubmissionRecord[] = []
  /** How many submissions the contact has in all (more than are shown, at times). */
  total = 0
  forms: ConfiguredForm[] = []

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  #submission(s: SubmissionRecord) {
    const form = this.forms.find((f) => f.id === s.formId)
    return html`<li>
      <h3>${fill(S.contact.submitted, { form: form?.config.title ?? s.formId })}</h3>
      <time datetime=${s.createdDate}>${formatDateTime(s.createdDate)}</time>
      ${submissionDetails(s, form)}
    </li>`
  }

  protected override render() {
    const contact = this.contact
    if (!contact) return nothing
    const entries: { date: string; template: TemplateResult }[] = this.submissions.map((s) => ({
      date: s.createdDate,
      template: this.#submission(s),
    }))
    entries.push({
      date: contact.createdDate,
      template: html`<li>
        <h3>${S.contact.createdEvent}</h3>
        <time datetime=${contact.createdDate}>${formatDateTime(contact.createdDate)}</time>
      </li>`,
    })
    if (contact.revision > 1)
      entries.push({
        date: contact.updatedDate,
        template: html`<li>
          <h3>${fill(S.contact.updatedEvent, { revision: contact.revision })}</h3>
          <time datetime=${contact.updatedDate}>${formatDateTime(contact.updatedDate)}</time>
        </li>`,
      })
    entries.sort((a, b) => b.date.localeCompare(a.date))
    return html`
      ${this.submissions.length === 0 ? html`<p class="hint">${S.contact.noSubmissions}</p>` : nothing}
      ${
        this.total > this.submissions.length
          ? html`<p class="hint">
            ${fill(S.contact.moreSubmissions, { shown: this.submissions.length, total: this.total })}
          </p>`
          : nothing
      }
      <ol class="timeline">
        ${entries.map((e) => e.template)}
      </ol>
      <p class="hint">${S.contact.changesNote}</p>
    `
  }
}

customElements.define('cc-contact-timeline', ContactTimeline)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contact-timeline': ContactTimeline
  }
}
