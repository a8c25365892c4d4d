/**
 * @module
 * From the notifications table to the NOTIFICATIONS queue. A lead's notification is written in the
 * batch that records its submission; right after the answer (in the background) it is queued
 * here. The cron sweep writes the daily digests, queues whatever is still unqueued (the worker
 * stopped before it could) and queues again the notifications whose message was lost.
 */
import { forms as configuredForms } from '../configured-forms.ts'
import type { FormsConfig } from '../../shared/forms-config.ts'
import { claimUnqueued, requeueStale } from '../db/notifications.ts'
import { writeDigests } from './digest.ts'

export interface NotificationMessage {
  notificationId: string
}

// A waiting notification untouched for longer than any wait for its contact (ten minutes), or
// after a failed try for longer than any backoff (an hour), has lost its queue message.
const UNTRIED_STALE_MS = 15 * 60_000
const TRIED_STALE_MS = 2 * 3600_000

/** Queues the notifications that have no queue message yet; answers how many. */
export async function queueNotifications(env: Env, now = Date.now()): Promise<number> {
  let queued = 0
  for (;;) {
    const ids = await claimUnqueued(env.DB, new Date(now).toISOString(), 100)
    await send(env, ids)
    queued += ids.length
    if (ids.length < 100) return queued
  }
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

async function send(env: Env, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 100) {
    await env.NOTIFICATIONS.sendBatch(
      ids.slice(i, i + 100).map((notificationId) => ({ body: { notificationId } }))
    )
  }
}
