/**
 * @module
 * From the notifications table to the NOTIFICATIONS queue. A lead's notification is written in the
 * batch that records its submission. The first lead of a quiet spell opens a window for its form
 * and recipient, and right after the answer (in the background) the window's message is queued
 * here, to send at once; the leads that follow wait in the window, which its consumer flushes
 * every minute (deliver.ts). The cron sweep writes the daily digests, queues whatever is still
 * unqueued (the worker stopped before it could) and queues again what lost its message.
 */
import { forms as configuredForms } from '../configured-forms.ts'
import type { FormsConfig } from '../../shared/forms-config.ts'
import { claimUnqueued, claimUnqueuedSeeingWindows, requeueStale } from '../db/notifications.ts'
import type { ToQueue } from '../db/notifications.ts'
import { writeDigests } from './digest.ts'

/** How long the leads after an email wait to go together in the next: a window's length. */
export const WINDOW_SECONDS = 60

/** A queue message: one notification (a digest), or the leads waiting in a window. */
export type NotificationMessage = { notificationId: string } | WindowMessage

/** Send the leads waiting for this form and recipient (in one email when there are several). */
export interface WindowMessage {
  formId: string
  recipient: string
}

// A waiting notification untouched for longer than any wait for its contact (ten minutes), or
// after a failed try for longer than any backoff (an hour), has lost its queue message.
const UNTRIED_STALE_MS = 15 * 60_000
const TRIED_STALE_MS = 2 * 3600_000

/** Queues the notifications that have no queue message yet; answers how many. */
export async function queueNotifications(env: Env, now = Date.now()): Promise<number> {
  let queued = 0
  for (;;) {
    const rows = await claimUnqueued(env.DB, new Date(now).toISOString(), 100)
    if (rows.length) await send(env, rows)
    queued += rows.length
    if (rows.length < 100) return queued
  }
}

/**
 * What a lead's request does once it is answered: queues what has no queue message yet (the
 * window its lead opened, if it did), and answers until when the form's windows stay open at
 * least (0 when one is closed). A window stays open a minute after each flush that found leads,
 * so every lead of the form recorded before then waits in one: a request before then has nothing
 * to queue, and need not look.
 */
export async function queueAfterLead(
  env: Env,
  formId: string,
  recipients: string[],
  now = Date.now()
): Promise<number> {
  const { rows, windows } = await claimUnqueuedSeeingWindows(
    env.DB,
    new Date(now).toISOString(),
    100,
    formId
  )
  if (rows.length) await send(env, rows)
  if (rows.length === 100) await queueNotifications(env, now)
  const flushed = new Map(windows.map((w) => [w.recipient, Date.parse(w.updated_date)]))
  if (!recipients.every((to) => flushed.has(to))) return 0
  return Math.min(...recipients.map((to) => flushed.get(to)!)) + WINDOW_SECONDS * 1000
}

/**
 * The cron's part: writes the digests of the day that just ended, queues what was never queued,
 * and queues again what a stopped consumer or a lost message left behind (the claim in `deliver`
 * keeps a duplicate message from sending twice). `now` is the cron's scheduled time.
 */
export async function sweepNotifications(
  env: Env,
  now = Date.now(),
  forms: FormsConfig = configuredForms
): Promise<number> {
  await writeDigests(env.DB, forms, now)
  const stale = await requeueStale(env.DB, {
    untriedSince: new Date(now - UNTRIED_STALE_MS).toISOString(),
    triedSince: new Date(now - TRIED_STALE_MS).toISOString(),
    now: new Date(now).toISOString(),
  })
  await send(env, stale)
  return stale.length + (await queueNotifications(env, now))
}

/** A digest's message by its id; a lead's is its window's, once per form and recipient. */
async function send(env: Env, rows: ToQueue[]): Promise<void> {
  const messages = new Map<string, NotificationMessage>()
  for (const row of rows) {
    if (row.kind === 'lead')
      messages.set(JSON.stringify([row.form_id, row.recipient]), {
        formId: row.form_id,
        recipient: row.recipient,
      })
    else messages.set(row.id, { notificationId: row.id })
  }
  const bodies = [...messages.values()]
  for (let i = 0; i < bodies.length; i += 100) {
    await env.NOTIFICATIONS.sendBatch(bodies.slice(i, i + 100).map((body) => ({ body })))
  }
}

/** Queues a window's next flush, after `delaySeconds`. */
export async function queueWindow(
  env: Env,
  window: WindowMessage,
  delaySeconds: number
): Promise<void> {
  const body: NotificationMessage = { formId: window.formId, recipient: window.recipient }
  await env.NOTIFICATIONS.send(body, { delaySeconds })
}
