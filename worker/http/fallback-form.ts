/**
 * @module
 * The no-JavaScript form: it posts its fields flat (urlencoded) and gets pages, not JSON — 303 to
 * the thank-you page (or the form's redirect URL), a page that lists what to correct, or one that
 * says why it was not sent (public-forms.ts answers a page for an origin the form does not allow).
 */
import type { Context } from 'hono'
import { ApiError } from '../../shared/api-error.ts'
import type { FieldViolation } from '../../shared/errors.ts'
import type { FormConfig } from '../../shared/forms-config.ts'
import { honeypotName } from '../../shared/honeypot.ts'
import { notInForm } from '../../shared/submission.ts'
import { acceptSubmission } from '../capture/accept.ts'
import { clientAddress } from '../guards/client-address.ts'
import { selectStore } from '../stores/select-store.ts'
import { problemsPage, refusedPage } from './pages.ts'

type AppContext = Context<{ Bindings: Env }>

/**
 * The no-JavaScript form posts its fields flat. It gets pages, not JSON: 303 to the thank-you
 * page (or the form's redirect URL), a page that lists what to correct, or one that says why the
 * message was not sent.
 */
export async function fallbackSubmission(
  c: AppContext,
  formId: string,
  form: FormConfig,
  rawBody: string,
  params: Record<string, string>
): Promise<Response> {
  const referer = webUrl(c.req.header('Referer'))
  const { values, context, unknown } = fallbackPayload(form, params, referer)
  try {
    if (unknown.length) {
      throw new ApiError(400, {
        message: 'Unknown fields',
        details: { validationError: { fieldViolations: unknown } },
      })
    }
    await acceptSubmission(c.env.DB, {
      formId,
      form,
      rawBody,
      parsedBody: { values, context },
      ...(c.req.header('Origin') ? { origin: c.req.header('Origin')! } : {}),
      ...(clientAddress(c.req.raw.headers) ? { address: clientAddress(c.req.raw.headers)! } : {}),
      retries: c.env.SUBMISSION_RETRIES,
      store: selectStore(c.env),
    })
  } catch (err) {
    if (err instanceof ApiError && 'validationError' in err.body.details) {
      return c.html(
        problemsPage(form, err.body.details.validationError.fieldViolations, referer),
        400
      )
    }
    // Refused as a whole (a rate limit): the same answer, as a page.
    if (err instanceof ApiError && err.status < 500)
      return c.html(refusedPage(form, err.body.message, referer), err.status, err.headers)
    throw err
  }
  return c.redirect(thanksUrl(c, formId, form), 303)
}

/** The flat fields of the no-JavaScript form as the pipeline takes a submission, and any it does not know. */
export function fallbackPayload(
  form: FormConfig,
  params: Record<string, string>,
  referer: string | undefined
) {
  const trap = honeypotName(form.spam.honeypot, form.fields)
  const values: Record<string, string | boolean> = {}
  const unknown: FieldViolation[] = []
  for (const key of Object.keys(params)) {
    if (!form.fields.some((f) => f.name === key) && key !== trap) unknown.push(notInForm(key))
  }
  for (const field of form.fields) {
    const value = params[field.name]
    if (field.type === 'consent') values[field.name] = value !== undefined && value !== 'false'
    else if (value !== undefined) values[field.name] = value
  }
  return { values, context: referer ? { pageUrl: referer } : {}, unknown }
}

export function thanksUrl(c: AppContext, formId: string, form: FormConfig): string {
  return (
    form.redirectUrl ?? new URL(`/v1/forms/${encodeURIComponent(formId)}/thanks`, c.req.url).href
  )
}

/** A referrer or page address, if it is an http(s) URL. */
export function webUrl(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined
  } catch {
    return undefined
  }
}
