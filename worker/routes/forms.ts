/**
 * @module
 * The public form endpoints used by the widget: the form definition and submissions (JSON from
 * the widget, urlencoded from the no-JavaScript fallback form). CORS is granted per form, to its
 * allowed origins and the worker's own origin.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { cors } from 'hono/cors'
import { etag } from 'hono/etag'
import { toDefinition } from '../../shared/definition.ts'
import type { FormDefinition } from '../../shared/definition.ts'
import type { FieldViolation } from '../../shared/errors.ts'
import type { FormConfig } from '../../shared/forms.ts'
import { acceptSubmission } from '../capture/pipeline.ts'
import { ApiError, applicationError } from '../errors.ts'
import { forms, isOriginAllowed, requireForm } from '../forms.ts'
import { problemsPage, thanksPage } from '../pages.ts'

type AppContext = Context<{ Bindings: Env }>

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

formRoutes.get('/v1/forms/:formId/thanks', (c) => {
  const form = requireForm(c.req.param('formId'))
  return c.html(thanksPage(form, webUrl(c.req.header('Referer'))))
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
  if (/^application\/x-www-form-urlencoded\b/i.test(type))
    return fallbackSubmission(c, formId, form)
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

/**
 * The no-JavaScript form posts its fields flat. It gets pages, not JSON: 303 to the thank-you
 * page (or the form's redirect URL), or a page that lists what to correct.
 */
async function fallbackSubmission(
  c: AppContext,
  formId: string,
  form: FormConfig
): Promise<Response> {
  const rawBody = await c.req.text()
  const params = new URLSearchParams(rawBody)
  const referer = webUrl(c.req.header('Referer'))
  const values: Record<string, string | boolean> = {}
  const unknown: FieldViolation[] = []
  for (const key of new Set(params.keys())) {
    if (!form.fields.some((f) => f.name === key)) {
      unknown.push({
        field: key,
        description: 'This field is not part of the form',
        violatedRule: 'FIELD_NOT_ALLOWED',
      })
    }
  }
  for (const field of form.fields) {
    const value = params.get(field.name)
    if (field.type === 'consent') values[field.name] = value !== null && value !== 'false'
    else if (value !== null) values[field.name] = value
  }
  try {
    if (unknown.length)
      throw new ApiError(400, {
        message: 'Unknown fields',
        details: { validationError: { fieldViolations: unknown } },
      })
    await acceptSubmission(c.env.DB, {
      formId,
      form,
      rawBody,
      parsedBody: { values, context: referer ? { pageUrl: referer } : {} },
      origin: c.req.header('Origin'),
    })
  } catch (err) {
    if (err instanceof ApiError && 'validationError' in err.body.details) {
      return c.html(
        problemsPage(form, err.body.details.validationError.fieldViolations, referer),
        400
      )
    }
    throw err
  }
  const thanks = new URL(`/v1/forms/${encodeURIComponent(formId)}/thanks`, c.req.url).href
  return c.redirect(form.redirectUrl ?? thanks, 303)
}

function webUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}
