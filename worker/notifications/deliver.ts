/**
 * @module
 * The notification queue's consumer: sends one email per message through the `send_email` binding
 * (NOTIFY_EMAIL, Cloudflare Email Service) and records each attempt. A failure is tried again with
 * the shared backoff until the queue's last try; then the dead-letter queue's consumer records it
 * as failed. A consumer claims a notification before sending it and a sent one is never sent
 * again, so a repeated message sends nothing. A lead's email waits a little while its contact is
 * still being written, so it can say whether the contact is new and what labels it has.
 *
 * Leads go by their window (dispatch.ts): the first of a quiet spell alone and at once, with all
 * it says; those that gather in the next minute together, in one email that lists them; and so
 * every minute while they keep coming, until a minute passes without one and the window closes.
 */
import { backoffSeconds } from '../../shared/backoff.ts'
import type { FormConfig, FormsConfig } from '../../shared/forms-config.ts'
import type { CleanValue, SubmissionContext } from '../../shared/submission.ts'
import { forms as configuredForms } from '../configured-forms.ts'
import {
  claimNotification,
  claimWindowLeads,
  closeNotification,
  failWindowLeads,
  keepWindowOpen,
  recordAttempt,
  selectDigestLeads,
  selectNotificationsToSend,
  selectNotificationToSend,
  touchNotification,
} from '../db/notifications.ts'
import type { NotificationToSend } from '../db/notifications.ts'
import { queueWindow, WINDOW_SECONDS } from './dispatch.ts'
import type { NotificationMessage, WindowMessage } from './dispatch.ts'
import { burstMessage, DIGEST_LIST_LIMIT, digestMessage, leadMessage } from './message.ts'
import type { LeadContact, LeadFacts, NotifySettings } from './message.ts'

/** The sender while developing, when NOTIFY_FROM is not set (the binding is simulated there). */
export const DEV_SENDER = 'notifications@example.com'

const LEASE_MS = 60_000
const MAX_DELAY_SECONDS = 3600
/** How long a lead's email waits for its contact to be written before it goes without. */
const CONTACT_WAIT_MS = 10 * 60_000
/** The most leads one window's email takes (it lists the first 100); more go in the next. */
const WINDOW_LIMIT = 1000
const GAVE_UP = 'gave up after the last retry'

// Errors of Cloudflare Email Service that no retry can fix: recorded as failed at once.
const PERMANENT_ERRORS = new Set([
  'E_VALIDATION_ERROR',
  'E_FIELD_MISSING',
  'E_TOO_MANY_RECIPIENTS',
  'E_RECIPIENT_SUPPRESSED',
  'E_CONTENT_TOO_LARGE',
  'E_HEADER_NOT_ALLOWED',
  'E_HEADER_USE_API_FIELD',
  'E_HEADER_VALUE_INVALID',
  'E_HEADER_VALUE_TOO_LONG',
  'E_HEADER_NAME_INVALID',
  'E_HEADERS_TOO_LARGE',
  'E_HEADERS_TOO_MANY',
])

/** What sends the email: the NOTIFY_EMAIL binding. */
export type EmailSender = Pick<SendEmail, 'send'>

export interface DeliverOptions {
  sender?: EmailSender
  forms?: FormsConfig
  now?: number
}

export interface DeliveryOutcome {
  /** Try again later (after a failure, or while the lead's contact is still being written). */
  retry: boolean
}

/** Seconds before the n-th retry: base · 2^(n-1), at most an hour, with jitter above half of it. */
export function notificationDelaySeconds(env: Env, attempts: number): number {
  const baseSeconds = Number(env.NOTIFY_RETRY_BASE_SECONDS ?? 30) || 30
  return backoffSeconds(attempts, { baseSeconds, maxSeconds: MAX_DELAY_SECONDS })
}

export function notifySettings(env: Env): NotifySettings {
  return { from: env.NOTIFY_FROM || DEV_SENDER, consoleUrl: env.CONSOLE_URL || undefined }
}

export async function handleNotificationBatch(
  batch: MessageBatch<NotificationMessage>,
  env: Env
): Promise<void> {
  const deadLetters = batch.queue.endsWith('-dlq')
  for (const message of batch.messages) {
    const body = message.body
    try {
      if (deadLetters) {
        const now = new Date().toISOString()
        if ('notificationId' in body)
          await closeNotification(env.DB, [body.notificationId], 'failed', GAVE_UP, now)
        else await failWindowLeads(env.DB, body, GAVE_UP, now)
        message.ack()
        continue
      }
      const { retry } =
        'notificationId' in body
          ? await deliverNotification(env, body.notificationId)
          : await flushWindow(env, body)
      if (retry) message.retry({ delaySeconds: notificationDelaySeconds(env, message.attempts) })
      else message.ack()
    } catch (err) {
      console.error('notification failed', body, err)
      message.retry({ delaySeconds: notificationDelaySeconds(env, message.attempts) })
    }
  }
}

/**
 * Sends the leads waiting in a window: one alone with all it says, several in one email that
 * lists them. After an email the window stays open and is flushed again in WINDOW_SECONDS; a
 * flush that finds no lead waiting closes it. Safe to repeat: each lead is claimed before sending.
 */
export async function flushWindow(
  env: Env,
  window: WindowMessage,
  options: DeliverOptions = {}
): Promise<DeliveryOutcome> {
  const now = options.now ?? Date.now()
  const at = new Date(now).toISOString()
  const leaseUntil = new Date(now + LEASE_MS).toISOString()
  const claim = await claimWindowLeads(env.DB, window, at, leaseUntil, WINDOW_LIMIT)
  if (claim.closed) return { retry: false }
  const forms = options.forms ?? configuredForms
  const form = Object.hasOwn(forms, window.formId) ? forms[window.formId] : undefined
  const leads: (LeadFacts & { notificationId: string })[] = []
  const waiting: string[] = []
  const gone: string[] = []
  for (const row of await selectNotificationsToSend(env.DB, claim.ids)) {
    const lead = leadFacts(row, form, now)
    if ('wait' in lead) waiting.push(row.id)
    else if ('skip' in lead) gone.push(row.id)
    else leads.push({ ...lead, notificationId: row.id })
  }
  if (waiting.length) await touchNotification(env.DB, waiting, at)
  if (gone.length) await closeNotification(env.DB, gone, 'skipped', CONTACT_GONE, at)
  if (leads.length) {
    const settings = notifySettings(env)
    const message =
      leads.length === 1
        ? leadMessage(leads[0]!, window.recipient, settings)
        : burstMessage({ formId: window.formId, form, leads }, window.recipient, settings)
    const ids = leads.map((lead) => lead.notificationId)
    const sent = await send(env.DB, ids, options.sender ?? env.NOTIFY_EMAIL, message)
    // Failed, to be tried again: the queue brings this message back after the backoff.
    if (sent.retry) return sent
  }
  // Leads came (or wait for their contact, or another consumer holds them): more may follow.
  await keepWindowOpen(env.DB, window, at)
  await queueWindow(env, window, claim.ids.length === WINDOW_LIMIT ? 0 : WINDOW_SECONDS)
  return { retry: false }
}

/** One attempt to send a notification; safe to repeat (one sent, or claimed, is left alone). */
export async function deliverNotification(
  env: Env,
  notificationId: string,
  options: DeliverOptions = {}
): Promise<DeliveryOutcome> {
  const now = options.now ?? Date.now()
  const at = new Date(now).toISOString()
  const row = await selectNotificationToSend(env.DB, notificationId)
  if (!row || (row.status !== 'queued' && row.status !== 'sending')) return { retry: false }
  const forms = options.forms ?? configuredForms
  const form = Object.hasOwn(forms, row.form_id) ? forms[row.form_id] : undefined
  const settings = notifySettings(env)
  const email =
    row.kind === 'lead'
      ? leadEmail(row, form, settings, now)
      : await digestEmail(env.DB, row, form, settings)
  if ('wait' in email) {
    await touchNotification(env.DB, [notificationId], at)
    return { retry: true }
  }
  if ('skip' in email) {
    await closeNotification(env.DB, [notificationId], 'skipped', email.skip, at)
    return { retry: false }
  }
  const leaseUntil = new Date(now + LEASE_MS).toISOString()
  if (!(await claimNotification(env.DB, notificationId, at, leaseUntil))) return { retry: false } // another consumer has it
  return send(env.DB, [notificationId], options.sender ?? env.NOTIFY_EMAIL, email.message)
}

type Email = { message: EmailMessageBuilder } | { wait: true } | { skip: string }

const CONTACT_GONE = 'the contact was deleted before the email was sent'

function leadEmail(
  row: NotificationToSend,
  form: FormConfig | undefined,
  settings: NotifySettings,
  now: number
): Email {
  const lead = leadFacts(row, form, now)
  return 'wait' in lead || 'skip' in lead
    ? lead
    : { message: leadMessage(lead, row.recipient, settings) }
}

/** What a lead's email tells; or wait (its contact is still being written), or skip (deleted). */
function leadFacts(
  row: NotificationToSend,
  form: FormConfig | undefined,
  now: number
): LeadFacts | { wait: true } | { skip: string } {
  if (
    row.submission_status === 'pending' &&
    now - Date.parse(row.submitted_date!) < CONTACT_WAIT_MS
  )
    return { wait: true }
  const values = row.submitted_values
    ? (JSON.parse(row.submitted_values) as Record<string, CleanValue>)
    : undefined
  if (!values || values.erased === true) return { skip: CONTACT_GONE }
  return {
    formId: row.form_id,
    form,
    submissionId: row.submission_id!,
    submittedDate: row.submitted_date!,
    values,
    context: JSON.parse(row.context ?? '{}') as SubmissionContext,
    contact: leadContact(row, form?.labels ?? []),
  }
}

async function digestEmail(
  db: D1Database,
  row: NotificationToSend,
  form: FormConfig | undefined,
  settings: NotifySettings
): Promise<Email> {
  const found = await selectDigestLeads(
    db,
    row.form_id,
    row.period_start!,
    row.period_end!,
    DIGEST_LIST_LIMIT
  )
  if (!found.total) return { skip: 'no leads left that day' }
  const digest = {
    formId: row.form_id,
    form,
    day: row.digest_day!,
    total: found.total,
    newContacts: found.newContacts,
    leads: found.leads.map((lead) => ({
      submittedDate: lead.created_date,
      values: JSON.parse(lead.submitted_values) as Record<string, CleanValue>,
      contactId: lead.contact_id ?? undefined,
      newContact: lead.new_contact === null ? undefined : lead.new_contact === 1,
    })),
  }
  return { message: digestMessage(digest, row.recipient, settings) }
}

/** Sends through the binding and records the attempt on each notification the email tells of; a failure no retry can fix ends them. */
async function send(
  db: D1Database,
  notificationIds: string[],
  sender: EmailSender,
  message: EmailMessageBuilder
): Promise<DeliveryOutcome> {
  let messageId: string
  try {
    ;({ messageId } = await sender.send(message))
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const permanent = typeof code === 'string' && PERMANENT_ERRORS.has(code)
    const text = err instanceof Error ? err.message : String(err)
    const error = typeof code === 'string' ? `${code}: ${text}` : text
    const status = permanent ? 'failed' : 'queued'
    await recordAttempt(db, notificationIds, { outcome: 'failed', error, status }, nowIso())
    return { retry: !permanent }
  }
  await recordAttempt(db, notificationIds, { outcome: 'sent', messageId }, nowIso())
  return { retry: false }
}

const nowIso = () => new Date().toISOString()

/** What is known of the lead's contact: new or returning, its labels, whether it is written. */
function leadContact(row: NotificationToSend, formLabels: string[]): LeadContact {
  const state =
    row.submission_status === 'processed'
      ? 'written'
      : row.submission_status === 'failed'
        ? 'failed'
        : 'pending'
  // A contact created before the submission, or one with earlier submissions, is returning; one
  // this D1 does not hold (contacts on Wix) is known only by its submissions.
  const returning = row.contact_id
    ? row.contact_created_date! < row.submitted_date! || row.earlier_submissions > 0
    : state === 'written' && row.earlier_submissions > 0
      ? true
      : undefined
  return {
    id: row.contact_id ?? row.recorded_contact_id ?? undefined,
    state,
    returning,
    earlierSubmissions: row.earlier_submissions,
    // While the contact is not readable here, the labels the form adds to it.
    labels: row.contact_id ? (JSON.parse(row.label_names ?? '[]') as string[]) : formLabels,
  }
}
