/**
 * @module
 * What a notification email says, as the structured message Cloudflare's `send_email` binding
 * takes: a new lead (each field the visitor filled, the page and UTM parameters, the contact and
 * its labels, a link to it in the console), a burst of leads that came together (counts and the
 * list of leads, as in the digest) or a day's digest.
 *
 * Everything a visitor typed is escaped for HTML, and what reaches a header (the subject, the
 * Reply-To name) is cut to one line of plain text first: no CR, LF or other control character
 * passes, so a visitor cannot add a header. The Reply-To address is used only when it is a plain
 * address (see `isMailboxAddress`).
 */
import { optionsOf } from '../../shared/definition.ts'
import { isMailboxAddress } from '../../shared/forms-config.ts'
import type { FieldConfig, FormConfig } from '../../shared/forms-config.ts'
import type { CleanValue, SubmissionContext } from '../../shared/submission.ts'
import { UTM_KEYS } from '../../shared/submission.ts'

export interface NotifySettings {
  /** The sender (NOTIFY_FROM): an address on a domain onboarded to Cloudflare Email Service. */
  from: string
  /** The console's public address (CONSOLE_URL), for links to contacts; no links without it. */
  consoleUrl?: string | undefined
}

/** The contact a lead's submission went to, as far as it is known when the email is built. */
export interface LeadContact {
  /** Its id, once written. */
  id?: string | undefined
  /** `pending`: still being written (the queue retries it); `failed`: it could not be. */
  state: 'written' | 'pending' | 'failed'
  /** true: it existed before this submission; false: this submission created it. */
  returning?: boolean | undefined
  /** The contact's submissions before this one. */
  earlierSubmissions: number
  /** Its label names (or, while it is not written, the labels the form adds). */
  labels: string[]
}

export interface LeadFacts {
  formId: string
  /** The form's config; undefined when it was removed from forms.config.ts meanwhile. */
  form: FormConfig | undefined
  submissionId: string
  submittedDate: string
  values: Record<string, CleanValue>
  context: SubmissionContext
  contact: LeadContact
}

export interface DigestLead {
  submittedDate: string
  values: Record<string, CleanValue>
  contactId?: string | undefined
  /** true: the submission created its contact. */
  newContact?: boolean | undefined
}

export interface DigestFacts {
  formId: string
  form: FormConfig | undefined
  /** YYYY-MM-DD, in the form's time zone. */
  day: string
  total: number
  newContacts: number
  /** The first leads of the day, oldest first (at most DIGEST_LIST_LIMIT). */
  leads: DigestLead[]
}

/** Leads listed by name in a digest; the rest are counted. */
export const DIGEST_LIST_LIMIT = 100

const SENDER_NAME = 'contact-capture'

/** The email about one new lead, for one recipient. */
export function leadMessage(
  lead: LeadFacts,
  to: string,
  settings: NotifySettings
): EmailMessageBuilder {
  const title = titleOf(lead.formId, lead.form)
  const visitor = visitorOf(lead.form, lead.values)
  const who = visitor.name ?? visitor.email ?? visitor.phone?.phone ?? 'a visitor'
  const subject = headerText(
    `${lead.contact.returning ? 'Returning lead' : 'New lead'}: ${headerText(who, 80)} · ${title}`,
    200
  )
  const timeZone = lead.form?.notify?.timeZone ?? 'UTC'
  const received = formatInstant(lead.submittedDate, timeZone)
  const fields = fieldRows(lead.form, lead.values)
  const origin = originRows(lead.context)
  const contactLink = contactUrl(settings, lead.contact.id)
  const status = contactStatus(lead.contact)
  const replyTo =
    visitor.email && isMailboxAddress(visitor.email) ? asciiAddress(visitor.email) : undefined
  const replyName = visitor.name ? headerText(visitor.name, 100).replace(/["<>\\]/g, '') : ''
  const firstName = visitor.firstName ?? visitor.name

  const text = [
    `${lead.contact.returning ? 'A returning lead' : 'A new lead'} on "${title}", received ${received}.`,
    '',
    ...fields.map(textRow),
    ...(origin.length ? ['', ...origin.map(textRow)] : []),
    '',
    `Contact: ${status.text}`,
    ...(lead.contact.labels.length ? [`Labels: ${lead.contact.labels.join(', ')}`] : []),
    ...(contactLink ? [`Open in the console: ${contactLink}`] : []),
    '',
    '--',
    replyTo
      ? `Reply to this email to answer ${firstName ?? replyTo}.`
      : 'The visitor left no email address: use the details above to get in touch.',
    `Form "${lead.formId}", submission ${lead.submissionId}. Sent by ${SENDER_NAME}.`,
  ].join('\n')

  const contactDetails = [visitor.name ? visitor.email : undefined, visitor.phone?.phone]
    .filter(Boolean)
    .join(' · ')
  const buttons = [
    contactLink ? button(contactLink, 'Open contact', true) : '',
    replyTo
      ? button(
          `mailto:${encodeURIComponent(replyTo)}?subject=${encodeURIComponent(`Re: ${title}`)}`,
          `Reply to ${headerText(firstName ?? replyTo, 40)}`,
          !contactLink
        )
      : '',
  ].filter(Boolean)
  const html = shell({
    subject,
    preheader: `${who} wrote via ${title}${firstText(lead.form, lead.values)}`,
    body: [
      eyebrow(`${lead.contact.returning ? 'Returning lead' : 'New lead'} · ${title}`),
      `<h1 class="cc-text" style="margin:0;font:700 24px/1.3 ${FONT};color:#111827;">${esc(who)}</h1>`,
      contactDetails
        ? `<p class="cc-muted" style="margin:6px 0 0;font:400 15px/1.5 ${FONT};color:#4b5563;">${esc(contactDetails)}</p>`
        : '',
      `<p style="margin:14px 0 0;font:400 13px/1.5 ${FONT};">${badge(status)}` +
        `<span class="cc-muted" style="color:#6b7280;">&nbsp; Received ${esc(received)}</span></p>`,
      buttons.length ? buttonRow(buttons) : '',
      section('What they sent', table(fields)),
      origin.length ? section('Where they came from', table(origin)) : '',
      section(
        'Contact',
        table([
          { label: 'Status', text: status.text },
          ...(lead.contact.earlierSubmissions
            ? [{ label: 'Earlier submissions', text: String(lead.contact.earlierSubmissions) }]
            : []),
          ...(lead.contact.labels.length
            ? [
                {
                  label: 'Labels',
                  text: lead.contact.labels.join(', '),
                  html: pills(lead.contact.labels),
                },
              ]
            : []),
        ])
      ),
    ].join('\n'),
    footer: [
      replyTo
        ? `Reply to this email to answer ${esc(firstName ?? replyTo)} directly.`
        : 'The visitor left no email address: use the details above to get in touch.',
      `Form <b>${esc(lead.formId)}</b> · submission ${esc(lead.submissionId)}`,
    ],
  })

  return {
    from: { email: settings.from, name: SENDER_NAME },
    to,
    subject,
    text,
    html,
    ...(replyTo ? { replyTo: replyName ? { email: replyTo, name: replyName } : replyTo } : {}),
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Contact-Capture-Form': lead.formId,
      'X-Contact-Capture-Submission': lead.submissionId,
    },
  }
}

/** The summary of one day's leads of a form, for one recipient. */
export function digestMessage(
  digest: DigestFacts,
  to: string,
  settings: NotifySettings
): EmailMessageBuilder {
  const title = titleOf(digest.formId, digest.form)
  const timeZone = digest.form?.notify?.timeZone ?? 'UTC'
  const day = formatDay(digest.day)
  const leads = `${digest.total} ${digest.total === 1 ? 'lead' : 'leads'}`
  const subject = headerText(`${title}: ${leads} on ${day}`, 200)
  const list = leadList(digest, timeZone, settings)

  const text = [
    `"${title}" on ${day} (${timeZone}): ${list.counts}.`,
    '',
    ...list.text,
    '',
    '--',
    `Form "${digest.formId}", daily digest. Sent by ${SENDER_NAME}.`,
  ].join('\n')

  const html = shell({
    subject,
    preheader: `${list.counts}.`,
    body: [
      eyebrow(`Daily digest · ${title}`),
      `<h1 class="cc-text" style="margin:0;font:700 24px/1.3 ${FONT};color:#111827;">${esc(leads)} on ${esc(day)}</h1>`,
      list.html,
    ].join('\n'),
    footer: [`Form <b>${esc(digest.formId)}</b> · daily digest for ${esc(digest.day)}`],
  })

  return {
    from: { email: settings.from, name: SENDER_NAME },
    to,
    subject,
    text,
    html,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Contact-Capture-Form': digest.formId,
      'X-Contact-Capture-Digest': digest.day,
    },
  }
}

/** Leads that came close together, told of in one email (the first 100 listed, the rest counted). */
export interface BurstFacts {
  formId: string
  form: FormConfig | undefined
  /** Oldest first; the first DIGEST_LIST_LIMIT are listed. */
  leads: LeadFacts[]
}

/**
 * The email about several leads that came within a minute or so of each other, for one recipient:
 * who, when, new or returning, and a link to each (the one-lead email has all they sent).
 */
export function burstMessage(
  burst: BurstFacts,
  to: string,
  settings: NotifySettings
): EmailMessageBuilder {
  const title = titleOf(burst.formId, burst.form)
  const timeZone = burst.form?.notify?.timeZone ?? 'UTC'
  const total = burst.leads.length
  const names = burst.leads.map((lead) => {
    const visitor = visitorOf(burst.form, lead.values)
    return headerText(visitor.name ?? visitor.email ?? visitor.phone?.phone ?? 'a visitor', 40)
  })
  const shown = names.slice(0, 3).join(', ') + (total > 3 ? ` and ${total - 3} more` : '')
  const subject = headerText(`${total} new leads: ${shown} · ${title}`, 200)
  const first = burst.leads[0]!.submittedDate
  const last = burst.leads.at(-1)!.submittedDate
  const span = `${formatInstant(first, timeZone)} – ${formatTime(last, timeZone)}`
  const list = leadList(
    {
      formId: burst.formId,
      form: burst.form,
      total,
      newContacts: burst.leads.filter((lead) => lead.contact.returning === false).length,
      leads: burst.leads.slice(0, DIGEST_LIST_LIMIT).map((lead) => ({
        submittedDate: lead.submittedDate,
        values: lead.values,
        contactId: lead.contact.id,
        newContact: lead.contact.returning === undefined ? undefined : !lead.contact.returning,
      })),
    },
    timeZone,
    settings
  )

  const text = [
    `${total} new leads on "${title}", received ${span}: ${list.counts}.`,
    '',
    ...list.text,
    '',
    '--',
    `Leads that come within a minute of the last email wait and come together. Form "${burst.formId}". Sent by ${SENDER_NAME}.`,
  ].join('\n')

  const html = shell({
    subject,
    preheader: `${shown} wrote via ${title}.`,
    body: [
      eyebrow(`New leads · ${title}`),
      `<h1 class="cc-text" style="margin:0;font:700 24px/1.3 ${FONT};color:#111827;">${total} new leads</h1>`,
      `<p class="cc-muted" style="margin:6px 0 0;font:400 15px/1.5 ${FONT};color:#4b5563;">Received ${esc(span)}</p>`,
      list.html,
    ].join('\n'),
    footer: [
      'Leads that come within a minute of the last email wait and come together.',
      `Form <b>${esc(burst.formId)}</b>`,
    ],
  })

  return {
    from: { email: settings.from, name: SENDER_NAME },
    to,
    subject,
    text,
    html,
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Contact-Capture-Form': burst.formId,
    },
  }
}

/** The counts and the list of leads of a digest or a burst, as text lines and HTML. */
function leadList(
  digest: Omit<DigestFacts, 'day'>,
  timeZone: string,
  settings: NotifySettings
): { counts: string; text: string[]; html: string } {
  const leads = `${digest.total} ${digest.total === 1 ? 'lead' : 'leads'}`
  const returning = digest.total - digest.newContacts
  const rows = digest.leads.map((lead) => {
    const visitor = visitorOf(digest.form, lead.values)
    return {
      time: formatTime(lead.submittedDate, timeZone),
      who: visitor.name ?? visitor.email ?? visitor.phone?.phone ?? 'a visitor',
      detail: [visitor.name ? visitor.email : undefined, visitor.phone?.phone]
        .filter(Boolean)
        .join(' · '),
      link: contactUrl(settings, lead.contactId),
      isNew: lead.newContact,
    }
  })
  const more = digest.total - rows.length
  const counts = `${leads}: ${digest.newContacts} new ${digest.newContacts === 1 ? 'contact' : 'contacts'}, ${returning} returning`

  const text = [
    ...rows.map(
      (r) =>
        `${r.time}  ${r.who}${r.detail ? ` (${r.detail})` : ''}${r.isNew ? '  [new]' : ''}${r.link ? `\n       ${r.link}` : ''}`
    ),
    ...(more > 0 ? ['', `…and ${more} more.`] : []),
  ]

  const list = rows
    .map(
      (r, i) =>
        `<tr><td class="cc-muted cc-rule" style="padding:12px 12px 12px 0;${i ? 'border-top:1px solid #e5e7eb;' : ''}width:56px;vertical-align:top;font:400 14px/1.5 ${FONT};color:#6b7280;white-space:nowrap;">${esc(r.time)}</td>` +
        `<td class="cc-rule" style="padding:12px 0;${i ? 'border-top:1px solid #e5e7eb;' : ''}vertical-align:top;font:400 14px/1.5 ${FONT};">` +
        `<span class="cc-text" style="font-weight:600;color:#111827;">${esc(r.who)}</span>` +
        (r.isNew
          ? ` <span class="cc-badge-new" style="display:inline-block;margin-left:4px;padding:0 8px;border-radius:999px;background:#dcfce7;color:#166534;font:600 11px/1.7 ${FONT};">new</span>`
          : '') +
        (r.detail
          ? `<br><span class="cc-muted" style="color:#6b7280;">${esc(r.detail)}</span>`
          : '') +
        `</td><td class="cc-rule" style="padding:12px 0 12px 12px;${i ? 'border-top:1px solid #e5e7eb;' : ''}vertical-align:top;text-align:right;font:600 14px/1.5 ${FONT};">` +
        (r.link
          ? `<a class="cc-accent" href="${esc(r.link)}" style="color:#4338ca;text-decoration:none;">Open</a>`
          : '') +
        `</td></tr>`
    )
    .join('')
  const html = [
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin-top:20px;"><tr>` +
      [
        ['Leads', digest.total],
        ['New contacts', digest.newContacts],
        ['Returning', returning],
      ]
        .map(
          ([label, n], i) =>
            `${i ? '<td width="10"></td>' : ''}<td class="cc-stat" style="background:#f5f5ff;border-radius:10px;padding:14px 16px;">` +
            `<div class="cc-text" style="font:700 22px/1.2 ${FONT};color:#111827;">${n}</div>` +
            `<div class="cc-muted" style="font:400 13px/1.4 ${FONT};color:#6b7280;">${label}</div></td>`
        )
        .join('') +
      `</tr></table>`,
    section(
      `Leads (times in ${timeZone})`,
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${list}</table>` +
        (more > 0
          ? `<p class="cc-muted" style="margin:12px 0 0;font:400 14px/1.5 ${FONT};color:#6b7280;">…and ${more} more.</p>`
          : '')
    ),
  ].join('\n')
  return { counts, text, html }
}

// Controls (C0, DEL, C1), the Unicode line and paragraph separators, and bidirectional overrides
// (which can make a subject read backwards): none of them belongs in a header.
const UNSAFE_IN_HEADER =
  /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * Visitor text made fit for a header: one line (every control character and line break becomes a
 * space), spaces collapsed, at most `max` characters.
 *
 * @example headerText('Ann\r\nBcc: x@example.com', 80) // 'Ann Bcc: x@example.com'
 */
export function headerText(text: string, max: number): string {
  const line = text.replace(UNSAFE_IN_HEADER, ' ').replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line
}

/** HTML-escapes text (element content and quoted attribute values). */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function titleOf(formId: string, form: FormConfig | undefined): string {
  return headerText(form?.title ?? formId, 100)
}

interface Visitor {
  name?: string
  firstName?: string
  email?: string
  phone?: { phone: string; e164Phone: string }
}

/** Who wrote, from the fields that map to the contact's name, email and phone. */
function visitorOf(form: FormConfig | undefined, values: Record<string, CleanValue>): Visitor {
  const mapped = (target: string) => {
    const field = form?.fields.find((f) => f.maps === target)
    return field ? values[field.name] : values[target]
  }
  const text = (v: CleanValue | undefined) =>
    typeof v === 'string' && v.trim() ? v.trim() : undefined
  const first = text(mapped('name.first'))
  const name = [first, text(mapped('name.last'))].filter(Boolean).join(' ') || undefined
  const email = text(mapped('email'))
  const phone = mapped('phone')
  return {
    ...(name ? { name } : {}),
    ...(first ? { firstName: first } : {}),
    ...(email ? { email } : {}),
    ...(phone && typeof phone === 'object' ? { phone } : {}),
  }
}

interface Row {
  label: string
  text: string
  href?: string
  multiline?: boolean
  /** Markup shown instead of the text, built here from escaped parts. */
  html?: string
}

/** Each field the visitor filled, in the form's order, label and value as the visitor saw them. */
function fieldRows(form: FormConfig | undefined, values: Record<string, CleanValue>): Row[] {
  const known = new Map((form?.fields ?? []).map((f) => [f.name, f]))
  const rows: Row[] = []
  for (const field of form?.fields ?? []) {
    const value = values[field.name]
    if (value === undefined || value === '' || value === false) continue
    rows.push(fieldRow(field, value))
  }
  // Fields removed from the config since the visitor sent them still show, by name.
  for (const [name, value] of Object.entries(values))
    if (!known.has(name) && value !== '' && value !== false)
      rows.push({ label: name, text: displayValue(value) })
  return rows
}

function fieldRow(field: FieldConfig, value: CleanValue): Row {
  if (field.type === 'consent')
    return {
      label: 'Consent',
      text: `Agreed: “${field.label}”${field.version ? ` (version ${field.version})` : ''}`,
    }
  if (typeof value === 'object')
    return { label: field.label, text: value.phone, href: `tel:${value.e164Phone}` }
  if (field.type === 'select') {
    const option = optionsOf(field)?.find((o) => o.value === value)
    return { label: field.label, text: option?.label ?? String(value) }
  }
  if (field.type === 'email' && isMailboxAddress(String(value)))
    return { label: field.label, text: String(value), href: `mailto:${value}` }
  return { label: field.label, text: String(value), multiline: field.type === 'textarea' }
}

function displayValue(value: CleanValue): string {
  if (typeof value === 'object') return value.phone
  return value === true ? 'Yes' : String(value)
}

/** The first long text the visitor wrote, for the inbox preview. */
function firstText(form: FormConfig | undefined, values: Record<string, CleanValue>): string {
  const field = form?.fields.find(
    (f) => f.type === 'textarea' && typeof values[f.name] === 'string'
  )
  return field ? `: ${headerText(String(values[field.name]), 120)}` : ''
}

function originRows(context: SubmissionContext): Row[] {
  const rows: Row[] = []
  const link = (label: string, url: string | undefined) => {
    if (url) rows.push({ label, text: url, ...(/^https?:\/\//i.test(url) ? { href: url } : {}) })
  }
  link('Page', context.pageUrl)
  link('Referrer', context.referrer)
  for (const key of UTM_KEYS) {
    const value = context.utm?.[key]
    if (value) rows.push({ label: `UTM ${key}`, text: value })
  }
  return rows
}

function contactStatus(contact: LeadContact): { text: string; tone: 'new' | 'back' | 'wait' } {
  if (contact.state === 'pending')
    return { text: 'Being saved (the contact list did not answer yet; retrying)', tone: 'wait' }
  if (contact.state === 'failed')
    return { text: 'Not saved as a contact (retry it from the submission log)', tone: 'wait' }
  if (contact.returning) return { text: 'Returning contact', tone: 'back' }
  if (contact.returning === false) return { text: 'New contact', tone: 'new' }
  return { text: 'Saved', tone: 'new' }
}

function contactUrl(settings: NotifySettings, contactId: string | undefined): string | undefined {
  if (!settings.consoleUrl || !contactId) return undefined
  return `${settings.consoleUrl.replace(/\/+$/, '')}/admin/#/contacts/${encodeURIComponent(contactId)}`
}

/** An IDN domain in its ASCII form, which every mail system reads. */
function asciiAddress(email: string): string {
  const at = email.lastIndexOf('@')
  const domain = email.slice(at + 1)
  if (/^[\x00-\x7f]*$/.test(domain)) return email
  return `${email.slice(0, at)}@${new URL(`http://${domain}`).hostname}`
}

function textRow(row: Row): string {
  if (!row.multiline && !row.text.includes('\n')) return `${row.label}: ${row.text}`
  return `${row.label}:\n${row.text.replace(/\r\n?/g, '\n').replace(/^/gm, '  ')}`
}

function formatInstant(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
    timeZoneName: 'short',
  }).format(new Date(iso))
}

function formatTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso))
}

function formatDay(day: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${day}T12:00:00Z`))
}

// The HTML: tables and inline styles, which every mail client keeps; a dark palette for clients
// that honour prefers-color-scheme, and light colours that read well when a client inverts them.
const FONT = `-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif`

const DARK_CSS = `
  :root { color-scheme: light dark; supported-color-schemes: light dark; }
  @media (prefers-color-scheme: dark) {
    .cc-page { background: #0d1017 !important; }
    .cc-card { background: #161b24 !important; border-color: #283040 !important; }
    .cc-text { color: #eef0f4 !important; }
    .cc-muted { color: #a0a8b8 !important; }
    .cc-rule { border-color: #283040 !important; }
    .cc-accent, .cc-value a { color: #aab4ff !important; }
    .cc-pill { background: #1f2636 !important; border-color: #34405a !important; color: #d3d9ff !important; }
    .cc-stat { background: #1c2232 !important; }
    .cc-badge-new { background: #12341f !important; color: #8ff0b0 !important; }
    .cc-badge-back { background: #222a52 !important; color: #c9d0ff !important; }
    .cc-badge-wait { background: #3a2a0c !important; color: #ffd27a !important; }
    .cc-secondary { border-color: #3b4660 !important; }
    .cc-secondary a { color: #eef0f4 !important; }
  }
  @media (max-width: 620px) {
    .cc-card { padding: 24px 20px !important; }
    .cc-label, .cc-value { display: block !important; width: auto !important; }
    .cc-label { padding-bottom: 0 !important; }
    .cc-value { padding-top: 2px !important; border-top: 0 !important; }
  }
`

function shell(parts: {
  subject: string
  preheader: string
  body: string
  footer: string[]
}): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="supported-color-schemes" content="light dark">
<title>${esc(parts.subject)}</title>
<style>${DARK_CSS}</style>
</head>
<body class="cc-page" style="margin:0;padding:0;background:#f3f4f6;">
<div style="display:none;max-height:0;overflow:hidden;opacity:0;">${esc(headerText(parts.preheader, 200))}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="cc-page" style="background:#f3f4f6;">
<tr><td align="center" style="padding:32px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:600px;">
<tr><td class="cc-muted" style="padding:0 4px 12px;font:600 13px/1.4 ${FONT};color:#6b7280;letter-spacing:.02em;">${SENDER_NAME}</td></tr>
<tr><td class="cc-card" style="background:#ffffff;border:1px solid #e5e7eb;border-radius:14px;padding:32px;">
${parts.body}
</td></tr>
<tr><td class="cc-muted" style="padding:16px 4px 0;font:400 12px/1.6 ${FONT};color:#6b7280;">${parts.footer.join('<br>')}</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`
}

function eyebrow(text: string): string {
  return `<p class="cc-accent" style="margin:0 0 8px;font:700 12px/1.4 ${FONT};letter-spacing:.08em;text-transform:uppercase;color:#4338ca;">${esc(text)}</p>`
}

function badge(status: { text: string; tone: 'new' | 'back' | 'wait' }): string {
  const [bg, fg] = {
    new: ['#dcfce7', '#166534'],
    back: ['#e0e7ff', '#3730a3'],
    wait: ['#fef3c7', '#92400e'],
  }[status.tone]
  const label = status.tone === 'wait' ? 'Not saved yet' : status.text
  return `<span class="cc-badge-${status.tone}" style="display:inline-block;padding:2px 10px;border-radius:999px;background:${bg};color:${fg};font:600 12px/1.6 ${FONT};">${esc(label)}</span>`
}

function button(href: string, label: string, primary: boolean): string {
  return primary
    ? `<td style="border-radius:8px;background:#4338ca;"><a href="${esc(href)}" style="display:inline-block;padding:11px 18px;font:600 14px/1.2 ${FONT};color:#ffffff;text-decoration:none;border-radius:8px;">${esc(label)}</a></td>`
    : `<td class="cc-secondary" style="border-radius:8px;border:1px solid #d1d5db;"><a href="${esc(href)}" style="display:inline-block;padding:10px 17px;font:600 14px/1.2 ${FONT};color:#111827;text-decoration:none;border-radius:8px;">${esc(label)}</a></td>`
}

function buttonRow(buttons: string[]): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin-top:24px;"><tr>${buttons.join('<td width="10"></td>')}</tr></table>`
}

function section(title: string, content: string): string {
  return (
    `<h2 class="cc-muted" style="margin:32px 0 8px;font:700 12px/1.4 ${FONT};letter-spacing:.08em;text-transform:uppercase;color:#6b7280;">${esc(title)}</h2>` +
    content
  )
}

function table(rows: Row[]): string {
  const cells = rows
    .map((row, i) => {
      const rule = i ? 'border-top:1px solid #e5e7eb;' : ''
      const value =
        row.html ??
        (row.href
          ? `<a href="${esc(row.href)}" style="color:#4338ca;text-decoration:none;word-break:break-all;">${esc(row.text)}</a>`
          : esc(row.text))
      return (
        `<tr><td class="cc-label cc-muted cc-rule" style="${rule}padding:10px 16px 10px 0;width:34%;vertical-align:top;font:400 14px/1.5 ${FONT};color:#6b7280;">${esc(row.label)}</td>` +
        `<td class="cc-value cc-text cc-rule" style="${rule}padding:10px 0;vertical-align:top;font:400 15px/1.5 ${FONT};color:#111827;white-space:pre-wrap;word-break:break-word;">${value}</td></tr>`
      )
    })
    .join('')
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${cells}</table>`
}

function pills(labels: string[]): string {
  return labels
    .map(
      (l) =>
        `<span class="cc-pill" style="display:inline-block;margin:0 6px 4px 0;padding:1px 10px;border:1px solid #c7d2fe;border-radius:999px;background:#eef2ff;color:#3730a3;font:500 13px/1.6 ${FONT};white-space:nowrap;">${esc(l)}</span>`
    )
    .join('')
}
