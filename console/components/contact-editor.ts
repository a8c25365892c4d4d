/**
 * @module
 * `<cc-contact-editor>`: a form over every editable part of a contact — name, emails, phones,
 * addresses (with their kinds and which is primary), company, job title and the user-defined
 * extended fields. It sends nothing itself: Save gives the page the `info` for
 * `PATCH /contacts/v4/contacts/:id`, each part whole (as PATCH replaces each part it is sent).
 *
 * @event cc-save - `detail` is the ContactInfoInput to send
 * @event cc-cancel - the person left without saving
 */
import { LitElement, html, nothing } from 'lit'
import type { ContactEmail, ContactInfo, ContactPhone } from '../../shared/contact.ts'
import type { Contact, ContactInfoInput, ExtendedField } from '../contacts-api.ts'
import { fill, S } from '../strings.ts'

const EMAIL_TAGS: readonly ContactEmail['tag'][] = ['UNTAGGED', 'MAIN', 'HOME', 'WORK']
const PHONE_TAGS: readonly ContactPhone['tag'][] = [
  'UNTAGGED',
  'MAIN',
  'HOME',
  'MOBILE',
  'WORK',
  'FAX',
]
const ADDRESS_TAGS: readonly ContactAddressTag[] = [
  'UNTAGGED',
  'HOME',
  'WORK',
  'BILLING',
  'SHIPPING',
]
const ADDRESS_PARTS = [
  'addressLine',
  'addressLine2',
  'city',
  'subdivision',
  'postalCode',
  'country',
] as const

type AddressPart = (typeof ADDRESS_PARTS)[number]
type ContactAddressTag = NonNullable<ContactInfo['addresses']>['items'][number]['tag']

interface Draft {
  first: string
  last: string
  company: string
  jobTitle: string
  emails: { id?: string; tag: string; email: string }[]
  primaryEmail: number
  phones: { id?: string; tag: string; phone: string; countryCode: string }[]
  primaryPhone: number
  addresses: ({ id?: string; tag: string } & Record<AddressPart, string>)[]
  extended: Record<string, string>
}

function draftOf(contact: Contact): Draft {
  const info = contact.info
  const emails = info.emails?.items ?? []
  const phones = info.phones?.items ?? []
  return {
    first: info.name?.first ?? '',
    last: info.name?.last ?? '',
    company: info.company ?? '',
    jobTitle: info.jobTitle ?? '',
    emails: emails.map((e) => ({ id: e.id, tag: e.tag, email: e.email })),
    primaryEmail: Math.max(
      0,
      emails.findIndex((e) => e.primary)
    ),
    phones: phones.map((p) => ({
      id: p.id,
      tag: p.tag,
      phone: p.phone,
      countryCode: p.countryCode ?? '',
    })),
    primaryPhone: Math.max(
      0,
      phones.findIndex((p) => p.primary)
    ),
    addresses: (info.addresses?.items ?? []).map((a) => ({
      id: a.id,
      tag: a.tag,
      ...(Object.fromEntries(ADDRESS_PARTS.map((p) => [p, a.address[p] ?? ''])) as Record<
        AddressPart,
        string
      >),
    })),
    extended: Object.fromEntries(
      Object.entries(info.extendedFields?.items ?? {}).map(([k, v]) => [k, String(v)])
    ),
  }
}

/** The draft as PATCH's `info`: empty rows left out, system field values sent back unchanged. */
function infoOf(draft: Draft, contact: Contact, fields: ExtendedField[]): ContactInfoInput {
  const id = (item: { id?: string }) => (item.id ? { id: item.id } : {})
  const userFields = new Map(
    fields.filter((f) => f.fieldType === 'USER_DEFINED').map((f) => [f.key, f])
  )
  const extended: Record<string, string | number> = {}
  for (const [key, value] of Object.entries(contact.info.extendedFields?.items ?? {}))
    if (!userFields.has(key)) extended[key] = value
  for (const [key, field] of userFields) {
    const value = draft.extended[key]?.trim()
    if (value) extended[key] = field.dataType === 'NUMBER' ? Number(value) : value
  }
  const first = draft.first.trim()
  const last = draft.last.trim()
  return {
    name: { ...(first ? { first } : {}), ...(last ? { last } : {}) },
    emails: {
      items: draft.emails.flatMap((e, i) =>
        e.email.trim()
          ? [
              {
                ...id(e),
                tag: e.tag as ContactEmail['tag'],
                email: e.email.trim(),
                primary: i === draft.primaryEmail,
              },
            ]
          : []
      ),
    },
    phones: {
      items: draft.phones.flatMap((p, i) =>
        p.phone.trim()
          ? [
              {
                ...id(p),
                tag: p.tag as ContactPhone['tag'],
                phone: p.phone.trim(),
                ...(p.countryCode.trim()
                  ? { countryCode: p.countryCode.trim().toUpperCase() }
                  : {}),
                primary: i === draft.primaryPhone,
              },
            ]
          : []
      ),
    },
    addresses: {
      items: draft.addresses.flatMap((a) => {
        const address = Object.fromEntries(
          ADDRESS_PARTS.flatMap((part) => {
            const value = a[part].trim()
            return value ? [[part, part === 'country' ? value.toUpperCase() : value]] : []
          })
        )
        return Object.keys(address).length
          ? [{ ...id(a), tag: a.tag as ContactAddressTag, address }]
          : []
      }),
    },
    company: draft.company.trim(),
    jobTitle: draft.jobTitle.trim(),
    extendedFields: { items: extended },
  }
}

let editors = 0

export class ContactEditor extends LitElement {
  static override properties = {
    contact: { attribute: false },
    fields: { attribute: false },
    busy: { type: Boolean },
    draft: { state: true },
  }

  contact?: Contact
  fields: ExtendedField[] = []
  busy = false
  draft?: Draft
  readonly #id = `editor${++editors}`

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('contact') && this.contact && !this.draft) this.draft = draftOf(this.contact)
  }

  override firstUpdated(): void {
    this.querySelector<HTMLInputElement>('input')?.focus()
  }

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault()
    const form = event.target as HTMLFormElement
    if (!form.reportValidity()) return
    const info = infoOf(this.draft!, this.contact!, this.fields)
    this.dispatchEvent(new CustomEvent('cc-save', { detail: info, bubbles: true }))
  }

  /** A text input bound to one property of an object in the draft. */
  #input<T extends object>(
    target: T,
    key: keyof T & string,
    label: string,
    idPart: string,
    options: { type?: string; autocomplete?: string; pattern?: string; size?: string } = {}
  ) {
    const id = `${this.#id}-${idPart}`
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type=${options.type ?? 'text'}
        autocomplete=${options.autocomplete ?? 'off'}
        pattern=${options.pattern ?? nothing}
        maxlength=${options.size ?? '1000'}
        .value=${String(target[key] ?? '')}
        @input=${(e: Event) =>
          ((target as Record<string, unknown>)[key] = (e.target as HTMLInputElement).value)}
      />
    </div>`
  }

  #tagSelect(item: { tag: string }, tags: readonly string[], label: string, idPart: string) {
    const id = `${this.#id}-${idPart}`
    return html`<div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} @change=${(e: Event) => (item.tag = (e.target as HTMLSelectElement).value)}>
        ${tags.map(
          (t) => html`<option value=${t} ?selected=${t === item.tag}>${S.tags[t] ?? t}</option>`
        )}
      </select>
    </div>`
  }

  #remove(list: unknown[], index: number, what: string) {
    return html`<button
      type="button"
      aria-label=${fill(S.contact.removeItem, { item: what })}
      @click=${() => {
        list.splice(index, 1)
        this.requestUpdate()
      }}
    >
      ${S.contact.remove}
    </button>`
  }

  #primary(group: 'primaryEmail' | 'primaryPhone', index: number, what: string) {
    const draft = this.draft!
    return html`<label class="check">
      <input
        type="radio"
        name="${this.#id}-${group}"
        .checked=${draft[group] === index}
        @change=${() => (draft[group] = index)}
        aria-label=${`${S.contact.primary}: ${what}`}
      />
      ${S.contact.primary}
    </label>`
  }

  protected override render() {
    const d = this.draft
    if (!d) return nothing
    const userFields = this.fields.filter((f) => f.fieldType === 'USER_DEFINED')
    return html`
      <form class="editor" @submit=${this.handleSubmit} novalidate>
        <fieldset>
          <legend>${S.contact.name}</legend>
          <div class="grid-2">
            ${this.#input(d, 'first', S.contact.firstName, 'first')}
            ${this.#input(d, 'last', S.contact.lastName, 'last')}
            ${this.#input(d, 'company', S.contact.company, 'company')}
            ${this.#input(d, 'jobTitle', S.contact.jobTitle, 'job-title')}
          </div>
        </fieldset>
        <fieldset>
          <legend>${S.contact.emails}</legend>
          ${d.emails.map(
            (e, i) => html`<div class="item-row">
              ${this.#input(e, 'email', `${S.contact.email} ${i + 1}`, `email-${i}`, {
                type: 'email',
                size: '320',
              })}
              ${this.#tagSelect(e, EMAIL_TAGS, S.contact.tag, `email-${i}-tag`)}
              ${this.#primary('primaryEmail', i, `${S.contact.email} ${i + 1}`)}
              ${this.#remove(d.emails, i, `${S.contact.email} ${i + 1}`)}
            </div>`
          )}
          <button
            type="button"
            @click=${() => {
              d.emails.push({ tag: 'UNTAGGED', email: '' })
              this.requestUpdate()
            }}
          >
            ${S.contact.addEmail}
          </button>
        </fieldset>
        <fieldset>
          <legend>${S.contact.phones}</legend>
          ${d.phones.map(
            (p, i) => html`<div class="item-row">
              ${this.#input(p, 'phone', `${S.contact.phone} ${i + 1}`, `phone-${i}`, {
                type: 'tel',
                size: '50',
              })}
              ${this.#tagSelect(p, PHONE_TAGS, S.contact.tag, `phone-${i}-tag`)}
              ${this.#primary('primaryPhone', i, `${S.contact.phone} ${i + 1}`)}
              ${this.#remove(d.phones, i, `${S.contact.phone} ${i + 1}`)}
              ${this.#input(p, 'countryCode', S.contact.countryCode, `phone-${i}-country`, {
                pattern: '[A-Za-z]{2}',
                size: '2',
              })}
            </div>`
          )}
          <button
            type="button"
            @click=${() => {
              d.phones.push({ tag: 'UNTAGGED', phone: '', countryCode: '' })
              this.requestUpdate()
            }}
          >
            ${S.contact.addPhone}
          </button>
        </fieldset>
        <fieldset>
          <legend>${S.contact.addresses}</legend>
          ${d.addresses.map((a, i) => {
            const name = fill(S.contact.address, { n: i + 1 })
            return html`<div class="item-row address" role="group" aria-label=${name}>
              ${this.#tagSelect(a, ADDRESS_TAGS, S.contact.tag, `address-${i}-tag`)}
              ${this.#input(a, 'addressLine', S.contact.addressLine, `address-${i}-line`)}
              ${this.#input(a, 'addressLine2', S.contact.addressLine2, `address-${i}-line2`)}
              ${this.#input(a, 'city', S.contact.city, `address-${i}-city`)}
              ${this.#input(a, 'subdivision', S.contact.subdivision, `address-${i}-region`, {
                size: '100',
              })}
              ${this.#input(a, 'postalCode', S.contact.postalCode, `address-${i}-postal`, {
                size: '100',
              })}
              ${this.#input(a, 'country', S.contact.country, `address-${i}-country`, {
                pattern: '[A-Za-z]{2}',
                size: '2',
              })}
              <div>${this.#remove(d.addresses, i, name)}</div>
            </div>`
          })}
          <button
            type="button"
            @click=${() => {
              d.addresses.push({
                tag: 'UNTAGGED',
                ...(Object.fromEntries(ADDRESS_PARTS.map((p) => [p, ''])) as Record<
                  AddressPart,
                  string
                >),
              })
              this.requestUpdate()
            }}
          >
            ${S.contact.addAddress}
          </button>
        </fieldset>
        ${
          userFields.length
            ? html`<fieldset>
              <legend>${S.contact.extendedFields}</legend>
              <div class="grid-2">
                ${userFields.map((f) =>
                  this.#input(d.extended, f.key, f.displayName, `field-${f.key}`, {
                    type:
                      f.dataType === 'NUMBER' ? 'number' : f.dataType === 'DATE' ? 'date' : 'text',
                  })
                )}
              </div>
            </fieldset>`
            : nothing
        }
        <div class="row">
          <button type="submit" class="primary" ?disabled=${this.busy}>
            ${this.busy ? S.contact.saving : S.contact.save}
          </button>
          <button
            type="button"
            @click=${() => this.dispatchEvent(new CustomEvent('cc-cancel', { bubbles: true }))}
          >
            ${S.contact.cancel}
          </button>
        </div>
      </form>
    `
  }
}

customElements.define('cc-contact-editor', ContactEditor)

declare global {
  interface HTMLElementTagNameMap {
    'cc-contact-editor': ContactEditor
  }
}
