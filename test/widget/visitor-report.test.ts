/**
 * The visitors' items of the field report (issue 15): what a visitor meets on a site the form does
 * not allow, a first click that must not be lost, focus while sending, one announcement of
 * success, rate limits, a submission kept from an earlier visit, the status line's kinds, and
 * the worker's messages replaced by the element's `text-*` attributes.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing'
import { resetMouse, sendMouse, setViewport } from '@web/test-runner-commands'
import '../../widget/contact-form.ts'
import type { ContactForm } from '../../widget/contact-form.ts'
import type { FormDefinition } from '../../shared/definition.ts'
import { MESSAGES } from '../../shared/messages.ts'
import { accepted, check, DEFINITION, ENDPOINT, stubWorker, type } from './helpers.ts'

let worker: ReturnType<typeof stubWorker> | undefined
const originalFetch = window.fetch
const originalError = console.error

afterEach(async () => {
  worker?.restore()
  worker = undefined
  window.fetch = originalFetch
  console.error = originalError
  localStorage.clear()
  await resetMouse()
})

async function render(
  answers: Parameters<typeof stubWorker>[0] = [],
  definition: FormDefinition = DEFINITION,
  attributes = ''
) {
  worker = stubWorker(answers, definition)
  const el = await fixture<ContactForm>(
    html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
  )
  for (const pair of attributes.split(';').filter(Boolean)) {
    const [name, value] = pair.split('=') as [string, string]
    el.setAttribute(name, value)
  }
  await waitUntil(() => el.querySelector('form'), 'the form did not render')
  return el
}

const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.querySelector<T>(selector)!
const field = (el: Element, name: string) => $<HTMLInputElement>(el, `[name="${name}"]`)
const submitButton = (el: Element) => $<HTMLButtonElement>(el, 'button[type="submit"]')
const status = (el: Element) => $(el, '[role="status"]')

/** Answers every request for the definition with this error envelope and status. */
function refuseDefinition(httpStatus: number, code: string, message: string, data = {}) {
  window.fetch = async () =>
    Response.json(
      { message, details: { applicationError: { code, description: message, data } } },
      { status: httpStatus, headers: { 'Access-Control-Allow-Origin': '*' } }
    )
}

/** Records console.error calls, each as one line of text. */
function recordErrors(): string[] {
  const lines: string[] = []
  console.error = (...args: unknown[]) => void lines.push(args.map(String).join(' '))
  return lines
}

function rateLimited(retryAfter: string) {
  return () =>
    Response.json(
      {
        message: 'Too many',
        details: { applicationError: { code: 'RATE_LIMITED', description: 'x', data: {} } },
      },
      { status: 429, headers: { 'Retry-After': retryAfter } }
    )
}

describe('a site missing from allowedOrigins (report item 2)', () => {
  // The worker's 403 for the definition names the page's origin and where to add it.
  const ownerMessage = `This form does not accept submissions from ${location.origin}: add it to allowedOrigins of form "demo" in forms.config.ts.`

  it('tells the visitor the form cannot be used here, and the owner what to change, before anyone types', async () => {
    refuseDefinition(403, 'ORIGIN_NOT_ALLOWED', ownerMessage)
    const errors = recordErrors()
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT}><form id="fallback" method="post"></form></contact-form>`
    )
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail).to.include({ reason: 'load', status: 403 })
    await el.updateComplete
    expect($(el, '[role="alert"]').textContent).to.equal('This form cannot be used on this site.')
    expect(el.querySelector('.cf-form')).to.equal(null)
    // The page's own no-JavaScript form would be refused too: it stays out of sight.
    expect($<HTMLFormElement>(el, '#fallback').hidden).to.be.true
    expect(errors.some((line) => line.includes(ownerMessage))).to.be.true
    await expect(el).to.be.accessible()
  })
})

describe('an unknown form id (report item 11)', () => {
  it('names the id, forms.config.ts and the ids that exist in the console', async () => {
    refuseDefinition(
      404,
      'FORM_NOT_FOUND',
      `There is no form "demoo" in forms.config.ts. The forms for ${location.origin}: demo, newsletter.`,
      { formId: 'demoo', formIds: ['demo', 'newsletter'] }
    )
    const errors = recordErrors()
    const el = await fixture<ContactForm>(
      html`<contact-form form="demoo" endpoint=${ENDPOINT}></contact-form>`
    )
    await oneEvent(el, 'contact-form-error')
    const line = errors.find((l) => l.includes('contact-form'))!
    expect(line)
      .to.include('"demoo"')
      .and.include('forms.config.ts')
      .and.include('demo, newsletter')
    await el.updateComplete
    expect($(el, '[role="alert"]').textContent).to.equal(
      'The form could not be loaded. Please try again later.'
    )
  })
})

describe('the first click on Send (report item 3)', () => {
  // Tall enough for the whole form: a page scrolled down would anchor the scroll on the content
  // below the field and hide the shift.
  before(() => setViewport({ width: 800, height: 1400 }))
  after(() => setViewport({ width: 800, height: 600 }))

  it('is not lost when leaving an invalid field would show its error', async () => {
    const el = await render()
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@') // focused and invalid: leaving it would add an error line
    await el.updateComplete
    const button = submitButton(el).getBoundingClientRect()
    const refusals: string[] = []
    el.addEventListener('contact-form-error', (e) =>
      refusals.push((e as CustomEvent<{ reason: string }>).detail.reason)
    )
    // A real pointer: down, (the field blurs), up, click, where the button was at pointer-down.
    await sendMouse({
      type: 'click',
      position: [Math.round(button.x + 8), Math.round(button.y + button.height / 2)],
    })
    await waitUntil(() => refusals.length > 0, 'the click was lost: the form was not submitted')
    expect(refusals).to.deep.equal(['validation'])
    expect(field(el, 'email').getAttribute('aria-invalid')).to.equal('true')
  })
})

describe('while sending (report item 4)', () => {
  it('keeps the focus on the button, marked aria-disabled, and the form aria-busy; clicks are ignored', async () => {
    let release!: (r: Response) => void
    const el = await render([() => new Promise<Response>((r) => (release = r))])
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@example.com')
    const button = submitButton(el)
    button.focus()
    button.click()
    await waitUntil(() => $(el, 'form').getAttribute('aria-busy') === 'true')
    expect(button.getAttribute('aria-disabled')).to.equal('true')
    expect(button.disabled).to.be.false
    expect(document.activeElement).to.equal(button)
    button.click()
    await el.updateComplete
    expect(worker!.sent).to.have.length(1)
    release(accepted())
    await oneEvent(el, 'contact-form-success')
  })
})

describe('success (report item 5)', () => {
  it('is said once: in the focused success box, not again in the status line', async () => {
    const el = await render()
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@example.com')
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    await waitUntil(() => document.activeElement === el.querySelector('.cf-success'))
    expect($(el, '.cf-success').textContent).to.equal(DEFINITION.successMessage)
    expect(status(el).textContent).to.equal('')
    expect(el.textContent!.split(DEFINITION.successMessage)).to.have.length(2)
  })
})

describe('a rate limit (report item 6)', () => {
  async function submitValid(el: ContactForm) {
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@example.com')
    submitButton(el).click()
  }

  it('waits out a short Retry-After once, then sends again', async () => {
    const el = await render([rateLimited('0'), accepted('sub-after-wait')])
    await submitValid(el)
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-after-wait')
    expect(worker!.sent).to.have.length(2)
  })

  it('stops after the second 429 instead of hammering, and says when to try again', async () => {
    const el = await render([rateLimited('0'), rateLimited('45'), accepted()])
    await submitValid(el)
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail).to.deep.equal({ reason: 'failed', status: 429 })
    expect(worker!.sent).to.have.length(2)
    await el.updateComplete
    expect(status(el).textContent).to.match(/Please try again in (44|45) s\.$/)
    expect(status(el).dataset.kind).to.equal('error')
  })

  it('does not wait out a long Retry-After, and sends nothing more until then', async () => {
    const el = await render([rateLimited('120'), accepted()])
    await submitValid(el)
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail.status).to.equal(429)
    await el.updateComplete
    expect(status(el).textContent).to.equal(
      'Too many messages were sent from here. Please try again in 120 s.'
    )
    submitButton(el).click()
    await el.updateComplete
    expect(worker!.sent).to.have.length(1)
    expect(status(el).textContent).to.match(/Please try again in 1(19|20) s\.$/)
  })
})

describe('a submission kept from an earlier visit (report item 7)', () => {
  it('is sent with a notice, and the form stays usable for a new message', async () => {
    const body = JSON.stringify({ values: { email: 'earlier@example.com', consent: true } })
    localStorage.setItem(
      `contact-form:pending:${ENDPOINT}/v1/forms/demo/submissions`,
      JSON.stringify({ body, idempotencyKey: 'k-earlier', savedAt: Date.now() - 60_000 })
    )
    worker = stubWorker([accepted('sub-earlier')])
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
    )
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-earlier')
    await el.updateComplete
    expect(status(el).textContent).to.equal('The message you wrote earlier has been sent.')
    expect(status(el).dataset.kind).to.equal('notice')
    expect(el.querySelector('.cf-success')).to.equal(null)
    expect(submitButton(el).hasAttribute('aria-disabled')).to.be.false
    // …and a new message goes as usual.
    check(field(el, 'consent'))
    type(field(el, 'email'), 'new@example.com')
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    expect(JSON.parse(worker.sent[1]!.body).values.email).to.equal('new@example.com')
  })
})

describe('the status line (report item 8)', () => {
  it('marks sending, offline and error distinctly, with an icon screen readers skip', async () => {
    let release!: (r: Response) => void
    const failing = () => new Response('{}', { status: 500, headers: { 'Retry-After': '0' } })
    const el = await render([
      () => new Promise<Response>((r) => (release = r)),
      failing,
      failing,
      failing,
      failing,
    ])
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@example.com')
    submitButton(el).click()
    await el.updateComplete
    const line = status(el)
    expect(line.dataset.kind).to.equal('sending')
    const sending = getComputedStyle(line, '::before').content
    await waitUntil(() => release, 'not sent')
    release(new Response('{}', { status: 500, headers: { 'Retry-After': '0' } }))
    await oneEvent(el, 'contact-form-error')
    await el.updateComplete
    expect(line.dataset.kind).to.equal('error')
    // The colour of the field errors (--contact-form-error), and another icon.
    const fieldError = $(el, '.cf-error')
    expect(getComputedStyle(line).color).to.equal(getComputedStyle(fieldError).color)
    const error = getComputedStyle(line, '::before').content
    expect(error).to.match(/^".+" \/ ""$/)
    expect(error).not.to.equal(sending)
    expect(sending).to.match(/^".+" \/ ""$/)
  })

  it('is marked offline when the submission is kept for later', async () => {
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
    try {
      const el = await render([new TypeError('Failed to fetch')])
      check(field(el, 'consent'))
      type(field(el, 'email'), 'ann@example.com')
      submitButton(el).click()
      await oneEvent(el, 'contact-form-error')
      await el.updateComplete
      expect(status(el).dataset.kind).to.equal('offline')
      expect(getComputedStyle(status(el)).color).not.to.equal(
        getComputedStyle($(el, '.cf-error')).color
      )
    } finally {
      Object.defineProperty(navigator, 'onLine', onLine)
      delete (navigator as { onLine?: boolean }).onLine
    }
  })

  it('clears "Please correct the highlighted fields" once they are corrected', async () => {
    const el = await render()
    submitButton(el).click()
    await el.updateComplete
    expect(status(el).textContent).to.equal('Please correct the highlighted fields.')
    type(field(el, 'email'), 'ann@example.com')
    await el.updateComplete
    expect(status(el).textContent).to.equal('Please correct the highlighted fields.')
    check(field(el, 'consent'))
    await el.updateComplete
    expect(status(el).textContent).to.equal('')
    expect(status(el).hasAttribute('data-kind')).to.be.false
  })

  it('shows the messages the definition carries (the worker’s words) for its own checks', async () => {
    const el = await render([], {
      ...DEFINITION,
      messages: { ...MESSAGES, invalidEmail: 'Worker words: not an email.' },
    })
    type(field(el, 'email'), 'ann@')
    field(el, 'email').blur()
    await el.updateComplete
    expect($(el, `#${field(el, 'email').id}-error`).textContent).to.equal(
      'Worker words: not an email.'
    )
  })

  it('replaces the worker’s field messages with its text-* attributes, by message code', async () => {
    const violations = Response.json(
      {
        message: 'phone: Enter a valid phone number.',
        details: {
          validationError: {
            fieldViolations: [
              {
                field: 'phone',
                description: 'Enter a valid phone number.',
                violatedRule: 'FORMAT',
                data: { messageCode: 'invalidPhone' },
              },
              {
                field: 'company',
                description: 'Use at most 3 characters.',
                violatedRule: 'MAX_LENGTH',
                data: { messageCode: 'tooLong', max: 3 },
              },
            ],
          },
        },
      },
      { status: 400 }
    )
    const el = await render(
      [violations],
      DEFINITION,
      'text-invalid-phone=Numéro invalide.;text-too-long=Au plus {max} caractères.'
    )
    check(field(el, 'consent'))
    type(field(el, 'email'), 'ann@example.com')
    type(field(el, 'phone'), '+1 212 555 0134')
    type(field(el, 'company'), 'Acme')
    submitButton(el).click()
    await oneEvent(el, 'contact-form-error')
    await el.updateComplete
    expect($(el, `#${field(el, 'phone').id}-error`).textContent).to.equal('Numéro invalide.')
    expect($(el, `#${field(el, 'company').id}-error`).textContent).to.equal('Au plus 3 caractères.')
  })
})
