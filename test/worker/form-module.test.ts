/**
 * The form's module of the embed snippet (`GET /v1/forms/:formId.js`): it imports the widget from
 * this worker and hands it the form's definition with a fresh render token, only to pages the
 * form allows; elsewhere it only imports the widget, which asks for the definition itself.
 */
import { describe, expect, it } from 'vitest'
import { call, contactsWithEmail, DEMO_ORIGIN, submit, uniqueEmail } from './helpers.ts'

const WIDGET_IMPORT = 'import * as widget from "http://localhost/contact-form.js"'

/** The module's lines, and the definition it provides (undefined when it provides none). */
async function moduleOf(res: Response) {
  const lines = (await res.text()).trimEnd().split('\n')
  const provided = /^widget\.provide\?\.\((.*)\)$/.exec(lines[1] ?? '')
  return {
    lines,
    definition: provided ? (JSON.parse(provided[1]!) as Record<string, unknown>) : undefined,
  }
}

describe('GET /v1/forms/:formId.js', () => {
  it('imports the widget and provides the definition, with a fresh token, never cached', async () => {
    const res = await call('/v1/forms/demo.js', { headers: { Origin: DEMO_ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toBe('text/javascript; charset=utf-8')
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    // A module from another origin is fetched with CORS.
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
    // What it holds depends on the page's origin.
    expect(res.headers.get('Vary')).toBe('Origin')
    const { lines, definition } = await moduleOf(res)
    expect(lines).toHaveLength(2)
    expect(lines[0]).toBe(WIDGET_IMPORT)

    const served = await (await call('/v1/forms/demo')).json<Record<string, unknown>>()
    const { token, ...rest } = definition!
    const { token: servedToken, ...servedRest } = served
    // The very definition GET /v1/forms/demo serves, with a token of its own.
    expect(rest).toEqual(servedRest)
    expect(token).toMatch(/^[\w-]+\.[\w-]+$/)
    expect(token).not.toBe(servedToken)
    const again = await moduleOf(await call('/v1/forms/demo.js'))
    expect(again.definition!.token).not.toBe(token)
  })

  it('provides a token the submission endpoint takes', async () => {
    const { definition } = await moduleOf(
      await call('/v1/forms/demo.js', { headers: { Origin: DEMO_ORIGIN } })
    )
    // A person takes a few seconds; the worker refuses forms sent faster than 2 s after serving.
    await new Promise((r) => setTimeout(r, 2100))
    const email = uniqueEmail('module')
    const res = await submit(
      { email, consent: true },
      { token: definition!.token as string, origin: DEMO_ORIGIN }
    )
    expect(res.status).toBe(202)
    // A contact, not the spam folder (a refused token is answered 202 too).
    expect(await contactsWithEmail(email)).toHaveLength(1)
  })

  it('only imports the widget for a page the form does not allow, or a form that does not exist', async () => {
    for (const [path, origin] of [
      ['/v1/forms/demo.js', 'https://elsewhere.example'],
      ['/v1/forms/nope.js', DEMO_ORIGIN],
      // Not even a form id: still a module, so the widget loads and says what is wrong.
      ['/v1/forms/My_Form.js', DEMO_ORIGIN],
    ] as const) {
      const res = await call(path, { headers: { Origin: origin } })
      expect(res.status).toBe(200)
      expect(res.headers.get('Cache-Control')).toBe('no-store')
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe('*')
      expect(res.headers.get('Vary')).toBe('Origin')
      const { lines, definition } = await moduleOf(res)
      // No definition, no token: the widget asks, and learns (and logs) why not.
      expect(lines).toEqual(['import "http://localhost/contact-form.js"'])
      expect(definition).toBeUndefined()
    }
  })
})
