/**
 * @module
 * The public form endpoints used by the widget: the form definition and submissions (JSON from
 * the widget, urlencoded from the no-JavaScript fallback form). In front of the pipeline, cheapest
 * first: origin, size, type, bot checks (with the address rate limit held before Turnstile and
 * for bots); the per-address and per-email limits of the rest are counted where they are recorded.
 */
import { Hono } from 'hono'
import type { Context, MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { toDefinition } from '../../shared/definition.ts'
import type { FormDefinition } from '../../shared/definition.ts'
import type { FormConfig } from '../../shared/forms-config.ts'
import { selectStore } from '../stores/select-store.ts'
import { acceptSubmission, findReplay, parseJson, TokenReusedError } from '../capture/accept.ts'
import { keepSpam } from '../capture/spam-folder.ts'
import type { SubmissionAnswer } from '../capture/idempotency.ts'
import { applicationError } from '../../shared/api-error.ts'
import type { ApiError } from '../../shared/api-error.ts'
import { NOT_ALLOWED_MESSAGE } from '../../shared/messages.ts'
import { forms, isOriginAllowed, requireForm } from '../configured-forms.ts'
import { countBlocked } from '../db/blocked-submissions.ts'
import { detectBot } from '../guards/bots.ts'
import type { BotReason } from '../guards/bots.ts'
import { clientAddress } from '../guards/client-address.ts'
import { limitByAddress } from '../guards/rate-limit.ts'
import { issueToken } from '../guards/render-token.ts'
import { fallbackPayload, fallbackSubmission, thanksUrl, webUrl } from './fallback-form.ts'
import { limitBody } from './middleware/limit-body.ts'
import { refusedPage, thanksPage } from './pages.ts'

type AppContext = Context<{ Bindings: Env }>

/** Largest submission body, counted while reading (a chunked or lying body is cut off). */
export const MAX_BODY_BYTES = 16 * 1024

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
    // The widget waits as long as a 429 (or 503, 409, 425) asks: it has to be able to read it.
    exposeHeaders: ['Retry-After'],
    maxAge: 86400,
  })
)
// Every answer of the definition is readable by any page, its refusals too: a site the form does
// not allow learns it (and its owner why, in the console) before a visitor types anything.
// (The middleware above answers `Vary: Origin` for these paths too: its `/*` takes the bare path.)
formRoutes.use('/v1/forms/:formId', cors({ origin: '*', allowMethods: ['GET'] }))

/**
 * The form's module, for the embed snippet: it imports the widget from this worker and hands it
 * the form's definition, so the page loads both at once and the element renders the form as soon
 * as they are there. Where the page may not use the form (or there is no such form), the module
 * only imports the widget, which asks for the definition itself and shows, and logs, why not.
 * Registered before the definition's route, whose `:formId` would take `demo.js` too.
 */
formRoutes.get('/v1/forms/:module{[^/]+\\.js}', async (c) => {
  const formId = c.req.param('module').slice(0, -'.js'.length)
  const widget = JSON.stringify(`${new URL(c.req.url).origin}/contact-form.js`)
  const form = Object.hasOwn(forms, formId) ? forms[formId]! : undefined
  c.header('Cache-Control', 'no-store')
  c.header('Content-Type', 'text/javascript; charset=utf-8')
  if (!form || !isOriginAllowedFor(c, form)) return c.body(`import ${widget}\n`)
  const definition = JSON.stringify(await servedDefinition(c, formId, form))
  // A namespace import and `?.`: a visitor's cached copy of an older widget, without `provide`,
  // still loads (and asks for the definition itself) instead of failing to link.
  return c.body(`import * as widget from ${widget}\nwidget.provide?.(${definition})\n`)
})

formRoutes.get('/v1/forms/:formId', async (c) => {
  const formId = c.req.param('formId')
  const form = formOrNotFound(c, formId)
  if (!isOriginAllowedFor(c, form)) throw originNotAllowed(formId, c.req.header('Origin')!)
  c.header('Cache-Control', 'no-store')
  return c.json(await servedDefinition(c, formId, form))
})

/** The form's definition with a freshly signed render token: never cached, used once. */
async function servedDefinition(
  c: AppContext,
  formId: string,
  form: FormConfig
): Promise<FormDefinition> {
  let definition = definitions.get(formId)
  if (!definition) definitions.set(formId, (definition = toDefinition(formId, form)))
  return { ...definition, token: await issueToken(c.env, formId) }
}

formRoutes.get('/v1/forms/:formId/thanks', (c) => {
  const form = requireForm(c.req.param('formId'))
  return c.html(thanksPage(form, webUrl(c.req.header('Referer'))))
})

/**
 * Whether the request may use the form. A browser names the page's origin in `Origin` on every
 * cross-origin request; a request without it comes from the worker's own pages (a same-origin GET)
 * or from a client that is not a browser, which the origin list does not concern.
 */
function isOriginAllowedFor(c: AppContext, form: FormConfig): boolean {
  const origin = c.req.header('Origin')
  return origin === undefined || isOriginAllowed(form, origin, new URL(c.req.url).origin)
}

/** For the site's owner, who reads it in the browser's console (the widget logs it). */
function originNotAllowed(formId: string, origin: string): ApiError {
  return applicationError(
    403,
    'ORIGIN_NOT_ALLOWED',
    `This form does not accept submissions from ${origin}: add it to allowedOrigins of form "${formId}" in forms.config.ts.`,
    { formId, origin }
  )
}

/**
 * The form the path names. An unknown id is a 404 that names forms.config.ts and, to a page on a
 * site that forms are configured for, the ids of those forms: ids are public in every embed, but a
 * page learns only those of its own site, never the whole list.
 */
function formOrNotFound(c: AppContext, formId: string): FormConfig {
  if (Object.hasOwn(forms, formId)) return forms[formId]!
  const self = new URL(c.req.url).origin
  const origin =
    c.req.header('Origin') ?? (c.req.header('Sec-Fetch-Site') === 'same-origin' ? self : undefined)
  const ids = origin
    ? Object.keys(forms).filter((id) => forms[id]!.allowedOrigins.includes(origin))
    : []
  throw applicationError(
    404,
    'FORM_NOT_FOUND',
    `There is no form "${formId}" in forms.config.ts.` +
      (ids.length ? ` The forms for ${origin}: ${ids.join(', ')}.` : ''),
    { formId, ...(ids.length ? { formIds: ids } : {}) }
  )
}

const isFallback = (c: AppContext) =>
  /^application\/x-www-form-urlencoded\b/i.test(c.req.header('Content-Type') ?? '')

/** 403 before any other work for a browser on an origin the form does not allow. */
const checkOrigin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const formId = c.req.param('formId')!
  const form = requireForm(formId)
  if (!isOriginAllowedFor(c, form)) {
    // The no-JavaScript form was posted by the visitor's browser: it gets a page to read.
    if (isFallback(c))
      return c.html(refusedPage(form, NOT_ALLOWED_MESSAGE, webUrl(c.req.header('Referer'))), 403)
    throw originNotAllowed(formId, c.req.header('Origin')!)
  }
  await next()
}

const limitSubmission = limitBody(MAX_BODY_BYTES, 'A submission')

formRoutes.post('/v1/forms/:formId/submissions', checkOrigin, limitSubmission, async (c) => {
  const formId = c.req.param('formId')
  const form = requireForm(formId)
  const fallback = isFallback(c)
  if (!fallback && !/^application\/json\b/i.test(c.req.header('Content-Type') ?? '')) {
    throw applicationError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the submission as application/json.'
    )
  }
  if (fallback && !form.spam.allowFallback) {
    throw applicationError(403, 'FALLBACK_DISABLED', 'This form needs JavaScript to be sent.')
  }
  // As bytes: workerd warns when .text() reads a urlencoded body, which is plain ASCII anyway.
  const rawBody = new TextDecoder().decode(await c.req.arrayBuffer())
  const payload = fallback ? Object.fromEntries(new URLSearchParams(rawBody)) : parseJson(rawBody)
  const idempotencyKey = c.req.header('Idempotency-Key')
  const address = clientAddress(c.req.raw.headers)
  const request = {
    formId,
    form,
    rawBody,
    parsedBody: payload,
    ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    ...(c.req.header('Origin') ? { origin: c.req.header('Origin')! } : {}),
    ...(address ? { address } : {}),
    retries: c.env.SUBMISSION_RETRIES,
    store: selectStore(c.env),
  }
  // A retry of a submission already recorded is answered first: never charged, never refused.
  const replayed = fallback ? undefined : await findReplay(c.env.DB, request)
  if (replayed) return jsonAnswer(c, replayed)

  // The per-address limit of submissions that pass the bot checks is counted where they are
  // recorded, exactly and without another call. A form with Turnstile asks siteverify first, so
  // there the limit comes before that; bots are held to it before they are counted.
  if (form.spam.turnstile) await limitByAddress(c.env, formId, form, address)
  const verdict = await detectBot(c.env, {
    formId,
    form,
    payload,
    fallback,
    ...(address ? { remoteIp: c.req.header('CF-Connecting-IP')! } : {}),
    selfUrl: c.req.url,
    ...(idempotencyKey ? { idempotencyKey } : {}),
  })
  if (verdict.reason) {
    if (!form.spam.turnstile) await limitByAddress(c.env, formId, form, address)
    return answerBot(c, formId, form, verdict.reason, fallback, payload)
  }
  if (fallback)
    return fallbackSubmission(c, formId, form, rawBody, payload as Record<string, string>)

  try {
    return jsonAnswer(
      c,
      await acceptSubmission(c.env.DB, { ...request, renderNonce: verdict.renderNonce! })
    )
  } catch (err) {
    if (err instanceof TokenReusedError)
      return answerBot(c, formId, form, 'token-reused', false, payload)
    throw err
  }
})

function jsonAnswer(c: AppContext, answer: SubmissionAnswer): Response {
  return c.body(answer.body, answer.status as 202, { 'Content-Type': 'application/json' })
}

/**
 * A bot is answered like an accepted submission, so it learns nothing. It is counted, and what it
 * sent goes to the spam folder (never to a contact), where an owner can restore a person's message.
 */
function answerBot(
  c: AppContext,
  formId: string,
  form: FormConfig,
  reason: BotReason,
  fallback: boolean,
  payload: unknown
): Response {
  const day = new Date().toISOString().slice(0, 10)
  const sent = fallback
    ? fallbackPayload(form, payload as Record<string, string>, webUrl(c.req.header('Referer')))
    : payload
  const spam = { formId, reason, payload: sent, origin: c.req.header('Origin') }
  c.executionCtx.waitUntil(
    Promise.all([countBlocked(c.env.DB, formId, reason, day), keepSpam(c.env.DB, spam)]).catch(
      (err) => console.error('could not record suspected spam', formId, err)
    )
  )
  if (fallback) return c.redirect(thanksUrl(c, formId, form), 303)
  return c.json({ submissionId: crypto.randomUUID(), status: 'accepted' }, 202)
}
