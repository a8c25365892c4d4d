/**
 * @module
 * The public form endpoints used by the widget: the form definition and submissions. CORS is
 * granted per form, to its allowed origins and the worker's own origin.
 */
import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { etag } from 'hono/etag'
import { toDefinition } from '../../shared/definition.ts'
import type { FormDefinition } from '../../shared/definition.ts'
import { acceptSubmission } from '../capture/pipeline.ts'
import { applicationError } from '../errors.ts'
import { forms, isOriginAllowed, requireForm } from '../forms.ts'

const definitions = new Map<string, FormDefinition>()

export const formRoutes = new Hono<{ Bindings: Env }>()

formRoutes.use(
  '/v1/forms/:formId/*',
  cors({
    origin: (origin, c) => {
      const formId = c.req.param('formId')
      const form = formId && Object.hasOwn(forms, formId) ? forms[formId] : undefined
      return form && isOriginAllowed(form, origin, new URL(c.req.url).origin) ? origin : null
    },
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Idempotency-Key'],
    maxAge: 86400,
  })
)
formRoutes.use('/v1/forms/:formId', cors({ origin: '*', allowMethods: ['GET'] }))

formRoutes.get('/v1/forms/:formId', etag(), (c) => {
  const formId = c.req.param('formId')
  const form = requireForm(formId)
  let definition = definitions.get(formId)
  if (!definition) definitions.set(formId, (definition = toDefinition(formId, form)))
  c.header('Cache-Control', 'public, max-age=60, stale-while-revalidate=600')
  return c.json(definition)
})

formRoutes.post('/v1/forms/:formId/submissions', async (c) => {
  const formId = c.req.param('formId')
  const form = requireForm(formId)
  const origin = c.req.header('Origin')
  if (origin !== undefined && !isOriginAllowed(form, origin, new URL(c.req.url).origin)) {
    throw applicationError(
      403,
      'ORIGIN_NOT_ALLOWED',
      'This form does not accept submissions from this site.',
      {
        origin,
      }
    )
  }
  const type = c.req.header('Content-Type') ?? ''
  if (!/^application\/json\b/i.test(type)) {
    throw applicationError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the submission as application/json.'
    )
  }
  const answer = await acceptSubmission(c.env.DB, {
    formId,
    form,
    rawBody: await c.req.text(),
    idempotencyKey: c.req.header('Idempotency-Key'),
    origin,
  })
  return c.body(answer.body, answer.status as 202, { 'Content-Type': 'application/json' })
})
