/**
 * @module
 * The contact-capture worker: wiring only. HTTP (routes, middleware, pages) lives in ./http; the
 * capture pipeline in ./capture; contact rules in ./contacts; where contacts live in ./stores
 * (D1 or Wix); bot and rate checks in ./guards; webhooks in ./webhooks; owner emails in
 * ./notifications; every SQL statement in ./db. Each layer imports only those below it
 * (test/node/layers.test.ts checks).
 */
import { Hono } from 'hono'
export { WixThrottle } from './stores/wix-throttle.ts'
import type { SubmissionRetry } from './capture/accept.ts'
import { handleRetryBatch, sweepPending } from './capture/retry.ts'
import { sweepSpamFolder } from './capture/spam-folder.ts'
import { handleError, handleNotFound } from './http/errors.ts'
import { handleBulkJobBatch, resumeStalledJobs } from './contacts/bulk-jobs.ts'
import type { BulkQueueMessage } from './contacts/bulk-jobs.ts'
import { rekeyStaleEmails } from './contacts/email-keys.ts'
import { sweepConsoleSessions } from './guards/console-sessions.ts'
import { sweepRateLimits } from './guards/rate-limit.ts'
import { adminAuth } from './http/middleware/admin-auth.ts'
import { dispatchAfterChange } from './http/middleware/dispatch-after-change.ts'
import { limitBody } from './http/middleware/limit-body.ts'
import { securityHeaders } from './http/middleware/security-headers.ts'
import { adminFormRoutes } from './http/admin-forms.ts'
import { catalogRoutes, EXTENDED_FIELDS, LABELS } from './http/catalog.ts'
import { bulkJobRoutes } from './http/bulk-jobs.ts'
import { consoleSessionRoutes } from './http/console-session.ts'
import { contactRoutes } from './http/contacts.ts'
import { exportRoutes } from './http/contacts-export.ts'
import { importRoutes, IMPORT_UPLOADS } from './http/imports.ts'
import { facetRoutes } from './http/facets.ts'
import { formRoutes } from './http/public-forms.ts'
import { health } from './http/health.ts'
import { spamRoutes } from './http/spam.ts'
import { submissionRoutes } from './http/submissions.ts'
import { webhookRoutes } from './http/webhook-deliveries.ts'
import { notificationRoutes, queueNotificationsAfterCapture } from './http/notifications.ts'
import { handleNotificationBatch } from './notifications/deliver.ts'
import type { NotificationMessage } from './notifications/dispatch.ts'
import { sweepNotifications } from './notifications/dispatch.ts'
import { handleDeliveryBatch } from './webhooks/deliver.ts'
import type { DeliveryMessage } from './webhooks/dispatch.ts'
import { dispatchOutbox, resendStaleDeliveries } from './webhooks/dispatch.ts'

const ADMIN_BODY_BYTES = 512 * 1024

const app = new Hono<{ Bindings: Env }>()

app.use('*', securityHeaders())
for (const path of [
  '/contacts/v4/*',
  '/v1/submissions',
  '/v1/submissions/*',
  '/v1/spam',
  '/v1/spam/*',
  '/v1/contacts/*',
  '/v1/forms',
  '/v1/webhooks/*',
  '/v1/notifications',
]) {
  // Larger than any documented request (a contact with 2,000 label keys is about 170 KiB).
  // CSV uploads are limited by the import itself (20 MB), counted as the file is read.
  const limit = limitBody(ADMIN_BODY_BYTES, 'A request body')
  app.use(path, adminAuth(), (c, next) =>
    IMPORT_UPLOADS.includes(c.req.path) ? next() : limit(c, next)
  )
}
app.use('*', dispatchAfterChange())
app.use('/v1/forms/:formId/submissions', queueNotificationsAfterCapture())

app.route('/', health)
app.route('/', consoleSessionRoutes)
app.route('/', formRoutes)
app.route('/', adminFormRoutes)
app.route('/', exportRoutes)
app.route('/', importRoutes)
app.route('/', submissionRoutes)
app.route('/', spamRoutes)
app.route('/', webhookRoutes)
app.route('/', notificationRoutes)
app.route('/', bulkJobRoutes)
app.route('/', facetRoutes)
app.route('/', contactRoutes)
app.route('/', catalogRoutes(LABELS))
app.route('/', catalogRoutes(EXTENDED_FIELDS))

app.onError(handleError)
app.notFound(handleNotFound)

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue.startsWith('contact-capture-bulk-jobs')) {
      await handleBulkJobBatch(batch as MessageBatch<BulkQueueMessage>, env)
    } else if (batch.queue.startsWith('contact-capture-webhook-deliveries')) {
      await handleDeliveryBatch(batch as MessageBatch<DeliveryMessage>, env)
    } else if (batch.queue.startsWith('contact-capture-notifications')) {
      await handleNotificationBatch(batch as MessageBatch<NotificationMessage>, env)
    } else {
      await handleRetryBatch(batch as MessageBatch<SubmissionRetry>, env)
      await dispatchOutbox(env)
    }
  },
  async scheduled(controller, env) {
    // Independent sweeps: one failing (say, a malformed WEBHOOK_ENDPOINTS) must not stop the others.
    const results = await Promise.allSettled([
      sweepPending(env, controller.scheduledTime),
      dispatchOutbox(env),
      resendStaleDeliveries(env),
      sweepRateLimits(env.DB),
      sweepSpamFolder(env.DB, controller.scheduledTime),
      sweepConsoleSessions(env.DB, controller.scheduledTime),
      rekeyStaleEmails(env.DB),
      resumeStalledJobs(env, controller.scheduledTime),
      sweepNotifications(env, controller.scheduledTime),
    ])
    for (const r of results)
      if (r.status === 'rejected') console.error('scheduled sweep failed', r.reason)
  },
} satisfies ExportedHandler<
  Env,
  SubmissionRetry | DeliveryMessage | BulkQueueMessage | NotificationMessage
>
