/**
 * @module
 * Notification emails: the list for site owners (admin key) with every attempt, and the
 * middleware that queues a new lead's email once its submission is answered, in the background.
 */
import { Hono } from 'hono'
import type { MiddlewareHandler } from 'hono'
import * as z from '../../shared/zod.ts'
import { formIdSchema } from '../../shared/forms-config.ts'
import { forms } from '../configured-forms.ts'
import { listNotifications } from '../db/notifications.ts'
import { queueAfterLead } from '../notifications/dispatch.ts'
import { validate } from './middleware/validate.ts'
import { textParam, wholeNumberParam } from './query-params.ts'

export const NOTIFICATION_STATUSES = ['queued', 'sending', 'sent', 'failed', 'skipped'] as const

const limits = (min: number, max: number) =>
  wholeNumberParam.check(
    z.refine((n) => n === undefined || (n >= min && n <= max), {
      message: `must be from ${min} to ${max}`,
      params: { violatedRule: 'VALIDATION' },
    })
  )

const listQuery = z.object({
  status: z.pipe(textParam, z.optional(z.enum(NOTIFICATION_STATUSES))),
  kind: z.pipe(textParam, z.optional(z.enum(['lead', 'digest']))),
  formId: z.pipe(textParam, z.optional(formIdSchema)),
  submissionId: z.pipe(textParam, z.optional(z.string().check(z.minLength(1), z.maxLength(100)))),
  'paging.limit': limits(1, 1000),
  'paging.offset': limits(0, 1_000_000_000),
})

export const notificationRoutes = new Hono<{ Bindings: Env }>()

notificationRoutes.get('/v1/notifications', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  const offset = q['paging.offset'] ?? 0
  const { rows, total } = await listNotifications(
    c.env.DB,
    {
      ...(q.status ? { status: q.status } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.formId ? { formId: q.formId } : {}),
      ...(q.submissionId ? { submissionId: q.submissionId } : {}),
    },
    { limit: q['paging.limit'] ?? 50, offset }
  )
  return c.json({
    notifications: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      formId: r.form_id,
      ...(r.submission_id ? { submissionId: r.submission_id } : {}),
      ...(r.digest_day ? { digestDay: r.digest_day } : {}),
      recipient: r.recipient,
      status: r.status,
      attempts: r.attempts,
      lastError: r.last_error,
      messageId: r.message_id,
      createdDate: r.created_date,
      updatedDate: r.updated_date,
      sentDate: r.sent_date,
      history: JSON.parse(r.history) as unknown[],
    })),
    pagingMetadata: { count: rows.length, offset, total },
  })
})

/**
 * Per form, until when its lead windows stay open at least, as this isolate last read it: a lead
 * recorded before then waits in a window, whose own message sends it.
 */
const windowsOpenUntil = new Map<string, number>()
/** Stops relying on it a little early, for clocks that differ between isolates and the consumer. */
const CLOCK_MARGIN_MS = 10_000

/**
 * After a submission is answered, queues the email its batch wrote when its lead is the first of
 * a quiet spell (in the background: the visitor's answer never waits for it, and a failure here
 * is left to the cron sweep). While the form's windows are known to be open, a lead waits in
 * them and there is nothing to queue: no round trip.
 */
export function queueNotificationsAfterCapture(): MiddlewareHandler<{ Bindings: Env }> {
  return async function queueNotificationsAfterCapture(c, next) {
    await next()
    const formId = c.req.param('formId')
    const notify = formId && Object.hasOwn(forms, formId) ? forms[formId]!.notify : undefined
    if (!formId || !notify?.instant || c.req.method !== 'POST' || c.res.status >= 400) return
    if (Date.now() < (windowsOpenUntil.get(formId) ?? 0) - CLOCK_MARGIN_MS) return
    c.executionCtx.waitUntil(
      queueAfterLead(c.env, formId, notify.email)
        .then((openUntil) => windowsOpenUntil.set(formId, openUntil))
        .catch((err) => console.error('notification queueing failed', err))
    )
  }
}
