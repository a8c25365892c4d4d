/**
 * @module
 * The contact-capture worker: wiring only. Handlers live in ./routes, SQL in ./db.
 */
import { Hono } from 'hono'
import { handleRetryBatch, sweepPending } from './capture/retry.ts'
import type { SubmissionRetry } from './capture/pipeline.ts'
import { handleError, handleNotFound } from './errors.ts'
import { adminAuth } from './middleware/admin-auth.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import { adminFormRoutes } from './routes/admin-forms.ts'
import { catalogRoutes, EXTENDED_FIELDS, LABELS } from './routes/catalog.ts'
import { contactRoutes } from './routes/contacts.ts'
import { formRoutes } from './routes/forms.ts'
import { health } from './routes/health.ts'
import { submissionRoutes } from './routes/submissions.ts'

const app = new Hono<{ Bindings: Env }>()

app.use('*', securityHeaders())
app.use('/contacts/v4/*', adminAuth())
app.use('/v1/submissions', adminAuth())
app.use('/v1/submissions/*', adminAuth())
app.use('/v1/forms', adminAuth())

app.route('/', health)
app.route('/', formRoutes)
app.route('/', adminFormRoutes)
app.route('/', submissionRoutes)
app.route('/', contactRoutes)
app.route('/', catalogRoutes(LABELS))
app.route('/', catalogRoutes(EXTENDED_FIELDS))

app.onError(handleError)
app.notFound(handleNotFound)

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleRetryBatch(batch, env),
  scheduled: async (_controller, env) => {
    await sweepPending(env)
  },
} satisfies ExportedHandler<Env, SubmissionRetry>
