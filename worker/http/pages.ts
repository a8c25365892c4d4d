/**
 * @module
 * The two HTML pages of the no-JavaScript fallback form: thanks, and what to correct.
 * Values are escaped by hono/html.
 */
import { html } from 'hono/html'
import type { FieldViolation } from '../../shared/errors.ts'
import type { FormConfig } from '../../shared/forms-config.ts'

function page(title: string, body: ReturnType<typeof html>) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <style>
          body {
            font-family: system-ui, sans-serif;
            margin: 0 auto;
            max-width: 40rem;
            padding: 2rem 1.25rem;
            line-height: 1.5;
          }
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`
}

export function thanksPage(form: FormConfig, backUrl?: string) {
  return page(
    form.title,
    html`<h1>${form.title}</h1>
      <p role="status">${form.successMessage}</p>
      ${backUrl ? html`<p><a href="${backUrl}">Back to the page you came from</a></p>` : ''}`
  )
}

export function problemsPage(form: FormConfig, violations: FieldViolation[], backUrl?: string) {
  const labelOf = (name: string) => form.fields.find((f) => f.name === name)?.label ?? name
  return page(
    `Please check your details – ${form.title}`,
    html`<h1>Please check your details</h1>
      <p>Your message was not sent yet. Go back, correct the following and send it again:</p>
      <ul>
        ${violations.map((v) => html`<li><strong>${labelOf(v.field)}</strong>: ${v.description}</li>`)}
      </ul>
      ${backUrl ? html`<p><a href="${backUrl}">Back to the form</a></p>` : ''}`
  )
}

/** A submission refused for a reason the visitor cannot correct in the form (the site, a rate limit). */
export function refusedPage(form: FormConfig, message: string, backUrl?: string) {
  return page(
    `Not sent – ${form.title}`,
    html`<h1>Your message was not sent</h1>
      <p>${message}</p>
      ${backUrl ? html`<p><a href="${backUrl}">Back to the page you came from</a></p>` : ''}`
  )
}
