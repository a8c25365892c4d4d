/**
 * @module
 * The notification queue's consumer: sends one email per message through the `send_email` binding
 * (NOTIFY_EMAIL, Cloudflare Email Service) and records each attempt. A failure is tried again with
 * the shared backoff until the queue's last try; then the dead-letter queue's consumer records it
 * as failed. A consumer claims a notification before sending it and a sent one is never sent
 * again, so a repeated message sends nothing. A lead's email waits a little while its contact is
 * still being written, so it can say whether the contact is new and what labels it has.
 */
import { backoffSeconds } from '../../shared/backoff.ts'
import type { FormConfig, FormsConfig } from '../../shared/forms-config.ts'
import type { CleanValue, SubmissionContext } from '../../shared/submission.ts'
import { forms as configuredForms } from '../configured-forms.ts'
import {
  claimNotification,
  closeNotification,
  recordAttempt,
  selectDigestLeads,
  selectNotificationToSend,
  touchNotification,
} from '../db/notifications.ts'
import type { NotificationToSend } from '../db/notifications.ts'
import type { NotificationMessage } from './dispatch.ts'
import { DIGEST_LIST_LIMIT, digestMessage, leadMessage } from './message.ts'
import type { LeadContact, NotifySettings } from './message.ts'

/** The sender while developing, when NOTIFY_FROM is not set (the binding is simulated there). */
export const DEV_SENDER = 'notifications@example.com'

const LEASE_MS = 60_000
const MAX_DELAY_SECONDS = 3600
/** How long a lead's email waits for its contact to be written before it goes without. */
const CONTACT_WAIT_MS = 10 * 60_000

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
    const { notificationId } = message.body
    try {
      if (deadLetters) {
        const now = new Date().toISOString()
        await closeNotification(
          env.DB,
          notificationId,
          'failed',
          'gave up after the last retry',
          now
        )
        message.ack()
        continue
      }
      const { retry } = await deliverNotification(env, notificationId)
      if (retry) message.retry({ delaySeconds: notificationDelaySeconds(env, message.attempts) })
      else message.ack()
    } catch (err) {
      console.error('notification failed', notificationId, err)
      message.retry({ delaySeconds: notificationDelaySeconds(env, message.attempts) })
    }
  }
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
    await touchNotification(env.DB, notificationId, at)
    return { retry: true }
  }
  if ('skip' in email) {
    await closeNotification(env.DB, notificationId, 'skipped', email.skip, at)
    return { retry: false }
  }
  const leaseUntil = new Date(now + LEASE_MS).toISOString()
  if (!(await claimNotification(env.DB, notificationId, at, leaseUntil))) return { retry: false } // another consumer has it
  return send(env.DB, notificationId, options.sender ?? env.NOTIFY_EMAIL, email.message)
}

type Email = { message: EmailMessageBuilder } | { wait: true } | { skip: string }

function leadEmail(
  row: NotificationToSend,
  form: FormConfig | undefined,
  settings: NotifySettings,
  now: number
): Email {
  if (
    row.submission_status === 'pending' &&
    now - Date.parse(row.submitted_date!) < CONTACT_WAIT_MS
  )
    return { wait: true }
  const values = row.submitted_values
    ? (JSON.parse(row.submitted_values) as Record<string, CleanValue>)
    : undefined
  if (!values || values.erased === true)
    return { skip: 'the contact was deleted before the email was sent' }
  const lead = {
    formId: row.form_id,
    form,
    submissionId: row.submission_id!,
    submittedDate: row.submitted_date!,
    values,
    context: JSON.parse(row.context ?? '{}') as SubmissionContext,
    contact: leadContact(row, form?.labels ?? []),
  }
  return { message: leadMessage(lead, row.recipient, settings) }
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

/** Sends through the binding and records the attempt; a failure no retry can fix ends it. */
async function send(
  db: D1Database,
  notificationId: string,
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
    await recordAttempt(db, notificationId, { outcome: 'failed', error, status }, nowIso())
    return { retry: !permanent }
  }
  await recordAttempt(db, notificationId, { outcome: 'sent', messageId }, nowIso())
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
