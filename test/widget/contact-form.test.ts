import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing'
import { provide } from '../../widget/contact-form.ts'
import type { ContactForm } from '../../widget/contact-form.ts'
import type { FormDefinition } from '../../shared/definition.ts'
import { accepted, check, DEFINITION, ENDPOINT, stubWorker, type, unavailable } from './helpers.ts'

let worker: ReturnType<typeof stubWorker>

async function render(definition?: FormDefinition, answers: Parameters<typeof stubWorker>[0] = []) {
  worker = stubWorker(answers, definition)
  const el = await fixture<ContactForm>(
    html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
  )
  await waitUntil(() => el.querySelector('form'), 'the form did not render')
  return el
}

const $ = <T extends Element = HTMLInputElement>(el: Element, selector: string) =>
  el.querySelector<T>(selector)!
const field = (el: Element, name: string) => $<HTMLInputElement>(el, `[name="${name}"]`)
const submitButton = (el: Element) => $<HTMLButtonElement>(el, 'button[type="submit"]')
const busy = (el: Element) => submitButton(el)?.getAttribute('aria-disabled') === 'true'

async function fillValid(el: ContactForm, email = 'ann@example.com') {
  type(field(el, 'email'), email)
  check(field(el, 'consent'))
  await el.updateComplete
}

async function settle(el: ContactForm) {
  await waitUntil(() => !busy(el) || !el.querySelector('form'), 'still submitting', {
    timeout: 5000,
  })
  await el.updateComplete
}

afterEach(() => {
  worker?.restore()
  localStorage.clear()
})

describe('<contact-form> rendering', () => {
  it('renders native, labelled fields from the definition', async () => {
    const el = await render()
    const email = field(el, 'email')
    expect(email.type).to.equal('email')
    expect(email.required).to.be.true
    expect(email.getAttribute('autocomplete')).to.equal('email')
    expect(email.getAttribute('inputmode')).to.equal('email')
    expect(email.maxLength).to.equal(320)
    expect($(el, `label[for="${email.id}"]`).textContent).to.contain('Email')
    const tokens = ['firstName', 'lastName', 'phone', 'company'].map((n) =>
      field(el, n).getAttribute('autocomplete')
    )
    expect(tokens).to.deep.equal(['given-name', 'family-name', 'tel', 'organization'])
    expect(field(el, 'phone').type).to.equal('tel')
    const options = [...$<HTMLSelectElement>(el, 'select[name="interest"]').options].map(
      (o) => o.value
    )
    expect(options).to.deep.equal(['', 'pricing', 'support'])
    expect($(el, 'textarea[name="message"]').tagName).to.equal('TEXTAREA')
    const consent = field(el, 'consent')
    expect(consent.type).to.equal('checkbox')
    expect($(el, `label[for="${consent.id}"]`).textContent).to.equal('I agree to be contacted.')
    expect($(el, 'h2').textContent).to.equal('Talk to us')
    expect(submitButton(el).textContent).to.equal('Send')
    expect($<HTMLFormElement>(el, 'form').noValidate).to.be.true
  })

  it('renders a label containing markup as text, creating no element', async () => {
    const evil = '<img src=x onerror=alert(1)>'
    const el = await render({
      ...DEFINITION,
      title: evil,
      fields: [{ ...DEFINITION.fields[0]!, label: evil }],
    })
    expect(el.querySelector('img')).to.equal(null)
    expect($(el, 'label').textContent).to.contain(evil)
    expect($(el, 'h2').textContent).to.equal(evil)
  })

  it('hides the no-JavaScript fallback form it wraps, then removes it', async () => {
    worker = stubWorker()
    const el = await fixture<ContactForm>(html`
      <contact-form form="demo" endpoint=${ENDPOINT}><form id="fallback" method="post"><input name="email" /></form></contact-form>
    `)
    expect(el.querySelector<HTMLFormElement>('#fallback')?.hidden).to.be.true
    await waitUntil(() => el.querySelector('form.cf-form'))
    expect(el.querySelector('#fallback')).to.equal(null)
  })

  it('shows the fallback form again when the definition cannot be loaded', async () => {
    const original = window.fetch
    window.fetch = async () => new Response('nope', { status: 500 })
    try {
      const reasons: string[] = []
      const listen = (e: Event) =>
        reasons.push((e as CustomEvent<{ reason: string }>).detail.reason)
      document.addEventListener('contact-form-error', listen)
      const el = await fixture<ContactForm>(html`
        <contact-form form="demo" endpoint=${ENDPOINT}><form id="fallback" method="post"></form></contact-form>
      `)
      await waitUntil(
        () => !$<HTMLFormElement>(el, '#fallback').hidden,
        'the fallback stayed hidden'
      )
      document.removeEventListener('contact-form-error', listen)
      expect(reasons).to.deep.equal(['load'])
      expect(el.querySelector('.cf-form')).to.equal(null)
    } finally {
      window.fetch = original
    }
  })

  it('lets attributes override its own strings', async () => {
    worker = stubWorker([], DEFINITION)
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT} text-invalid-email="Adresse invalide." lang="fr"></contact-form>`
    )
    await waitUntil(() => el.querySelector('form'))
    type(field(el, 'email'), 'nope')
    field(el, 'email').blur()
    await el.updateComplete
    expect($(el, `#${field(el, 'email').id}-error`).textContent).to.equal('Adresse invalide.')
    expect($(el, '.cf-root').getAttribute('lang')).to.equal('fr')
  })
})

describe('<contact-form> honeypot', () => {
  it('renders the trap field out of sight, out of the accessibility tree, never autofilled, and sends it', async () => {
    const el = await render({ ...DEFINITION, honeypot: { name: 'website' } })
    const trap = field(el, 'website')
    const box = trap.closest('.cf-hp')!
    expect(box.getAttribute('aria-hidden')).to.equal('true')
    expect(trap.tabIndex).to.equal(-1)
    expect(trap.getAttribute('autocomplete')).to.equal('off')
    const rect = trap.getBoundingClientRect()
    expect(rect.right <= 0 || rect.width <= 1).to.be.true
    await expect(el).to.be.accessible()
    await fillValid(el)
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    const body = JSON.parse(worker.sent[0]!.body)
    expect(body.honeypot).to.equal('')
    expect(body.values).not.to.have.property('website')
  })
})

describe('<contact-form> Turnstile', () => {
  it('renders the challenge when the definition asks for it and sends its token once', async () => {
    const rendered: Record<string, unknown>[] = []
    let resets = 0
    window.turnstile = {
      render: (_box: HTMLElement, options: Record<string, unknown>) => {
        rendered.push(options)
        return 'widget-1'
      },
      reset: () => void resets++,
    }
    try {
      const el = await render({
        ...DEFINITION,
        turnstile: { siteKey: '1x00000000000000000000AA', action: 'contact-form' },
      })
      await waitUntil(() => rendered.length === 1, 'Turnstile was not rendered')
      expect(rendered[0]).to.include({
        sitekey: '1x00000000000000000000AA',
        action: 'contact-form',
      })
      await fillValid(el)
      submitButton(el).click()
      await el.updateComplete
      expect(worker.sent).to.have.length(0) // no token yet: the visitor is asked to complete it
      expect($(el, '[role="status"]').textContent).to.equal(
        'Please complete the verification above.'
      )
      ;(rendered[0]!.callback as (t: string) => void)('XXXX.DUMMY.TOKEN.XXXX')
      submitButton(el).click()
      await oneEvent(el, 'contact-form-success')
      expect(JSON.parse(worker.sent[0]!.body).turnstile).to.equal('XXXX.DUMMY.TOKEN.XXXX')
      await waitUntil(() => resets === 1, 'the used token was not reset')
    } finally {
      delete window.turnstile
    }
  })
})

describe('<contact-form> styles', () => {
  it('is not broken by page CSS, and its CSS does not reach the page', async () => {
    const page = document.createElement('style')
    document.body.id = 'page'
    page.textContent = `
      input, select, textarea, button, label { display: none; color: rgb(255, 0, 0); font-size: 40px; }
      #page input, #page .cf-input { border-radius: 20px; display: none; }
      form .cf-input, .cf-submit { visibility: hidden; }
      h2 { text-transform: uppercase; }
    `
    document.head.append(page)
    const outside = await fixture<HTMLDivElement>(
      html`<div><input class="cf-input" /><p class="cf-error"></p></div>`
    )
    try {
      const el = await render()
      const email = field(el, 'email')
      const style = getComputedStyle(email)
      expect(style.display).to.equal('block')
      expect(style.visibility).to.equal('visible')
      expect(style.color).not.to.equal('rgb(255, 0, 0)')
      expect(getComputedStyle(submitButton(el)).display).not.to.equal('none')
      expect(getComputedStyle($(el, 'label')).fontSize).not.to.equal('40px')
      expect(getComputedStyle($(el, 'h2')).textTransform).to.equal('none')
      // The element's rules are scoped to <contact-form>: the same classes elsewhere stay untouched.
      const lookalike = outside.querySelector('input')!
      expect(getComputedStyle(lookalike).display).to.equal('none')
      expect(getComputedStyle(lookalike).borderRadius).to.equal('20px')
      expect(style.borderRadius).to.equal('6px')
    } finally {
      page.remove()
      document.body.removeAttribute('id')
    }
  })

  it('takes its colours from --contact-form-* custom properties', async () => {
    const el = await render()
    el.style.setProperty('--contact-form-accent', 'rgb(1, 2, 3)')
    el.style.setProperty('--contact-form-radius', '0px')
    expect(getComputedStyle(submitButton(el)).backgroundColor).to.equal('rgb(1, 2, 3)')
    expect(getComputedStyle(field(el, 'email')).borderRadius).to.equal('0px')
  })
})

describe('<contact-form> accessibility', () => {
  it('passes an audit when empty', async () => {
    const el = await render()
    await expect(el).to.be.accessible()
  })

  it('passes an audit when invalid, with the errors described', async () => {
    const el = await render()
    submitButton(el).click()
    await el.updateComplete
    await expect(el).to.be.accessible()
  })

  it('passes an audit while submitting', async () => {
    let release!: (r: Response) => void
    const el = await render(undefined, [() => new Promise<Response>((r) => (release = r))])
    await fillValid(el)
    submitButton(el).click()
    await waitUntil(() => busy(el))
    expect($(el, 'form').getAttribute('aria-busy')).to.equal('true')
    await expect(el).to.be.accessible()
    release(accepted())
    await settle(el)
  })

  it('passes an audit in the success state, which is focused (and so read out)', async () => {
    const el = await render()
    await fillValid(el)
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    await waitUntil(() => document.activeElement === el.querySelector('.cf-success'))
    expect(el.querySelector('form')).to.equal(null)
    expect($(el, '.cf-success').textContent).to.equal('Thanks, we will be in touch.')
    await expect(el).to.be.accessible()
  })
})

describe('<contact-form> validation', () => {
  it('blocks a bad email with aria-invalid, a described message and focus', async () => {
    const el = await render()
    type(field(el, 'email'), 'ann@')
    check(field(el, 'consent'))
    submitButton(el).click()
    await el.updateComplete
    const email = field(el, 'email')
    expect(email.getAttribute('aria-invalid')).to.equal('true')
    const message = $(el, `#${email.getAttribute('aria-describedby')}`)
    expect(message.textContent).to.equal('Enter a valid email address.')
    expect(document.activeElement).to.equal(email)
    expect(worker.sent).to.have.length(0)
  })

  it('shows errors only after a field is touched', async () => {
    const el = await render()
    const email = field(el, 'email')
    expect(email.getAttribute('aria-invalid')).to.equal('false')
    email.focus()
    email.blur()
    await el.updateComplete
    expect(email.getAttribute('aria-invalid')).to.equal('true')
    expect(field(el, 'phone').getAttribute('aria-invalid')).to.equal('false')
  })

  it('focuses the first invalid field on submit', async () => {
    const el = await render()
    type(field(el, 'email'), 'ann@example.com')
    submitButton(el).click()
    await el.updateComplete
    expect(document.activeElement).to.equal(field(el, 'consent'))
    expect(field(el, 'consent').getAttribute('aria-invalid')).to.equal('true')
  })

  it('maps server fieldViolations onto their fields and keeps the input', async () => {
    const violations = Response.json(
      {
        message: 'phone: Enter a valid phone number',
        details: {
          validationError: {
            fieldViolations: [
              { field: 'phone', description: 'Enter a valid phone number', violatedRule: 'FORMAT' },
              { field: 'company', description: 'Too long for us', violatedRule: 'MAX_LENGTH' },
            ],
          },
        },
      },
      { status: 400 }
    )
    const el = await render(undefined, [violations])
    await fillValid(el)
    type(field(el, 'phone'), '+1 212 555 0134')
    type(field(el, 'company'), 'Acme')
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail).to.deep.include({ reason: 'validation', status: 400 })
    await el.updateComplete
    expect(field(el, 'phone').getAttribute('aria-invalid')).to.equal('true')
    expect($(el, `#${field(el, 'phone').id}-error`).textContent).to.equal(
      'Enter a valid phone number'
    )
    expect($(el, `#${field(el, 'company').id}-error`).textContent).to.equal('Too long for us')
    expect(field(el, 'email').getAttribute('aria-invalid')).to.equal('false')
    expect(field(el, 'email').value).to.equal('ann@example.com')
    expect(document.activeElement).to.equal(field(el, 'phone'))
  })
})

describe('<contact-form> submitting', () => {
  it('retries 503, 503, then 202 with three POSTs carrying one Idempotency-Key', async () => {
    const el = await render(undefined, [unavailable(), unavailable(), accepted('sub-1')])
    await fillValid(el)
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-1')
    expect(worker.sent).to.have.length(3)
    const keys = new Set(worker.sent.map((r) => r.headers.get('Idempotency-Key')))
    expect(keys.size).to.equal(1)
    expect([...keys][0]).to.match(/^[0-9a-f-]{36}$/)
    expect(new Set(worker.sent.map((r) => r.body)).size).to.equal(1)
  })

  it('sends once on a double click', async () => {
    const el = await render(undefined, [() => aTimeout(50).then(() => accepted())])
    await fillValid(el)
    submitButton(el).click()
    submitButton(el).click()
    await el.updateComplete
    submitButton(el)?.click()
    await oneEvent(el, 'contact-form-success')
    expect(worker.sent).to.have.length(1)
  })

  it('posts the values, page context and the definition token as JSON', async () => {
    const el = await render({ ...DEFINITION, token: 'signed-token' })
    await fillValid(el)
    type(field(el, 'firstName'), 'Ann')
    type($<HTMLSelectElement>(el, 'select'), 'support')
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    const [request] = worker.sent
    expect(request!.url).to.equal(`${ENDPOINT}/v1/forms/demo/submissions`)
    expect(request!.headers.get('Content-Type')).to.equal('application/json')
    const body = JSON.parse(request!.body)
    expect(body.values).to.deep.equal({
      email: 'ann@example.com',
      firstName: 'Ann',
      lastName: '',
      phone: '',
      company: '',
      interest: 'support',
      message: '',
      consent: true,
    })
    expect(body.context.pageUrl).to.equal(location.href.split('#')[0])
    expect(body.token).to.equal('signed-token')
  })

  it('keeps a submission made offline and sends it once when back online', async () => {
    let online = false
    const onLine = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')!
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online })
    try {
      const el = await render(undefined, [new TypeError('Failed to fetch')])
      await fillValid(el)
      submitButton(el).click()
      const { detail } = await oneEvent(el, 'contact-form-error')
      expect(detail.reason).to.equal('offline')
      expect(worker.sent).to.have.length(1)
      const stored = Object.keys(localStorage).filter((k) => k.startsWith('contact-form:pending:'))
      expect(stored).to.have.length(1)
      expect(JSON.parse(localStorage.getItem(stored[0]!)!).body).to.equal(worker.sent[0]!.body)

      online = true
      window.dispatchEvent(new Event('online'))
      window.dispatchEvent(new Event('online'))
      await oneEvent(el, 'contact-form-success')
      await aTimeout(50)
      expect(worker.sent).to.have.length(2)
      expect(worker.sent[1]!.body).to.equal(worker.sent[0]!.body)
      expect(worker.sent[1]!.headers.get('Idempotency-Key')).to.equal(
        worker.sent[0]!.headers.get('Idempotency-Key')
      )
      expect(
        Object.keys(localStorage).filter((k) => k.startsWith('contact-form:pending:'))
      ).to.have.length(0)
    } finally {
      Object.defineProperty(navigator, 'onLine', onLine)
      delete (navigator as { onLine?: boolean }).onLine
    }
  })

  it('sends a submission kept from an earlier visit when the form loads', async () => {
    const body = JSON.stringify({
      values: { email: 'earlier@example.com', consent: true },
      context: {},
    })
    localStorage.setItem(
      `contact-form:pending:${ENDPOINT}/v1/forms/demo/submissions`,
      JSON.stringify({ body, idempotencyKey: 'k-1', savedAt: Date.now() - 60_000 })
    )
    worker = stubWorker([accepted('sub-earlier')])
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
    )
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-earlier')
    expect(worker.sent.map((r) => [r.body, r.headers.get('Idempotency-Key')])).to.deep.equal([
      [body, 'k-1'],
    ])
  })

  it('drops a kept submission older than 24 hours', async () => {
    localStorage.setItem(
      `contact-form:pending:${ENDPOINT}/v1/forms/demo/submissions`,
      JSON.stringify({ body: '{}', idempotencyKey: 'old', savedAt: Date.now() - 25 * 3600_000 })
    )
    await render()
    await aTimeout(50)
    expect(worker.sent).to.have.length(0)
    expect(localStorage.length).to.equal(0)
  })

  it('keeps the input and says so when the worker keeps failing', async () => {
    const failing = () => new Response('{}', { status: 500, headers: { 'Retry-After': '0' } })
    const el = await render(undefined, [failing, failing, failing, failing, failing])
    await fillValid(el)
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail).to.deep.equal({ reason: 'failed', status: 500 })
    expect(worker.sent).to.have.length(5)
    await el.updateComplete
    expect(field(el, 'email').value).to.equal('ann@example.com')
    expect($(el, '[role="status"]').textContent).to.equal(
      'Your message could not be sent. Please try again.'
    )
  })
})

describe('<contact-form> resilience', () => {
  it('retries an attempt that takes longer than its timeout, with the same key', async () => {
    worker = stubWorker(['hang', accepted('sub-slow')])
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT} timeout="50"></contact-form>`
    )
    await waitUntil(() => el.querySelector('form'))
    await fillValid(el)
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-slow')
    expect(worker.sent).to.have.length(2)
    expect(worker.sent[0]!.headers.get('Idempotency-Key')).to.equal(
      worker.sent[1]!.headers.get('Idempotency-Key')
    )
  })

  it('loads again when moved in the page while loading', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const original = window.fetch
    let loads = 0
    window.fetch = async () => {
      loads++
      await gate
      return Response.json(DEFINITION)
    }
    try {
      const el = document.createElement('contact-form')
      el.setAttribute('form', 'demo')
      el.setAttribute('endpoint', ENDPOINT)
      document.body.append(el)
      await el.updateComplete
      el.remove()
      document.body.append(el)
      release()
      await waitUntil(() => el.querySelector('form'), 'stuck loading')
      expect(loads).to.equal(2)
      el.remove()
    } finally {
      window.fetch = original
    }
  })

  it('shows a refusal that names no field as a general failure', async () => {
    const refusal = Response.json(
      {
        message: 'Idempotency-Key: bad',
        details: {
          validationError: {
            fieldViolations: [
              { field: 'Idempotency-Key', description: 'bad', violatedRule: 'FORMAT' },
            ],
          },
        },
      },
      { status: 400 }
    )
    const el = await render(undefined, [refusal])
    await fillValid(el)
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail).to.deep.equal({ reason: 'failed', status: 400 })
    await el.updateComplete
    expect($(el, '[role="status"]').textContent).to.equal(
      'Your message could not be sent. Please try again.'
    )
    expect(el.querySelectorAll('[aria-invalid="true"]')).to.have.length(0)
  })

  it('keeps a submission saved earlier when it still fails, with its values back in the form', async () => {
    const storageKey = `contact-form:pending:${ENDPOINT}/v1/forms/demo/submissions`
    const body = JSON.stringify({
      values: { email: 'kept@example.com', consent: true },
      context: {},
    })
    localStorage.setItem(
      storageKey,
      JSON.stringify({ body, idempotencyKey: 'k-2', savedAt: Date.now() })
    )
    const failing = () => new Response('{}', { status: 503, headers: { 'Retry-After': '0' } })
    worker = stubWorker([failing, failing, failing, failing, failing])
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
    )
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail.reason).to.equal('failed')
    await el.updateComplete
    expect(localStorage.getItem(storageKey)).not.to.equal(null)
    expect(field(el, 'email').value).to.equal('kept@example.com')
    expect(field(el, 'consent').checked).to.be.true
  })

  it('gives back the values of a saved submission the worker refuses, with the errors on the fields', async () => {
    const storageKey = `contact-form:pending:${ENDPOINT}/v1/forms/demo/submissions`
    const body = JSON.stringify({
      values: { email: 'old@example.com', phone: '12', consent: true },
      context: {},
    })
    localStorage.setItem(
      storageKey,
      JSON.stringify({ body, idempotencyKey: 'k-3', savedAt: Date.now() })
    )
    const refusal = Response.json(
      {
        message: 'phone',
        details: {
          validationError: {
            fieldViolations: [
              { field: 'phone', description: 'Enter a valid phone number', violatedRule: 'FORMAT' },
            ],
          },
        },
      },
      { status: 400 }
    )
    worker = stubWorker([refusal])
    const el = await fixture<ContactForm>(
      html`<contact-form form="demo" endpoint=${ENDPOINT}></contact-form>`
    )
    await oneEvent(el, 'contact-form-error')
    await el.updateComplete
    expect(localStorage.getItem(storageKey)).to.equal(null)
    expect(field(el, 'phone').value).to.equal('12')
    expect(field(el, 'phone').getAttribute('aria-invalid')).to.equal('true')
    expect(field(el, 'email').value).to.equal('old@example.com')
  })
})

describe('<contact-form> render tokens', () => {
  const refusal =
    (status: number, code: string, headers: Record<string, string> = {}) =>
    () =>
      Response.json(
        { message: code, details: { applicationError: { code, description: code, data: {} } } },
        { status, headers }
      )

  it('fetches a fresh token when the form has expired and sends again under the same key', async () => {
    const definition = { ...DEFINITION, token: 'old-token' }
    const el = await render(definition, [refusal(403, 'FORM_TOKEN_EXPIRED'), accepted('sub-fresh')])
    await fillValid(el)
    definition.token = 'fresh-token'
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-fresh')
    expect(worker.sent.map((r) => JSON.parse(r.body).token)).to.deep.equal([
      'old-token',
      'fresh-token',
    ])
    expect(new Set(worker.sent.map((r) => r.headers.get('Idempotency-Key'))).size).to.equal(1)
  })

  it('waits and sends again when it was too early (425)', async () => {
    const el = await render(undefined, [
      refusal(425, 'TOO_EARLY', { 'Retry-After': '0' }),
      accepted('sub-later'),
    ])
    await fillValid(el)
    submitButton(el).click()
    const { detail } = await oneEvent(el, 'contact-form-success')
    expect(detail.submissionId).to.equal('sub-later')
    expect(worker.sent).to.have.length(2)
  })

  it('keeps the key after a final 429, so sending again cannot record it twice', async () => {
    const limited = refusal(429, 'RATE_LIMITED', { 'Retry-After': '0' })
    // A short Retry-After is waited out once; the second 429 is final.
    const el = await render(undefined, [limited, limited, accepted('sub-ok')])
    await fillValid(el)
    submitButton(el).click()
    await oneEvent(el, 'contact-form-error')
    await el.updateComplete
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    expect(new Set(worker.sent.map((r) => r.headers.get('Idempotency-Key'))).size).to.equal(1)
  })
})

describe("<contact-form> definition from the form's module", () => {
  const element = async (endpoint?: string) => {
    const el = await fixture<ContactForm>(
      endpoint
        ? html`<contact-form form="demo" endpoint=${endpoint}></contact-form>`
        : html`<contact-form form="demo"></contact-form>`
    )
    await waitUntil(() => el.querySelector('form'), 'the form did not render')
    return el
  }
  const title = (el: Element) => $(el, '.cf-title').textContent

  it('renders a provided definition without asking the worker, for one element only', async () => {
    worker = stubWorker()
    const stubbed = window.fetch
    const asked: string[] = []
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init)
      if (request.method === 'GET') asked.push(request.url)
      return stubbed(input, init)
    }
    provide({ ...DEFINITION, title: 'Provided', token: 'provided-token' })
    const el = await element()
    expect(title(el)).to.equal('Provided')
    expect(asked).to.deep.equal([])

    await fillValid(el)
    submitButton(el).click()
    await oneEvent(el, 'contact-form-success')
    expect(JSON.parse(worker.sent[0]!.body).token).to.equal('provided-token')

    // Its render token serves one element: the next of the same form asks for its own.
    expect(title(await element())).to.equal('Talk to us')
    expect(asked).to.deep.equal([`${location.origin}/v1/forms/demo`])

    // The module's worker is this script's: an element that names another asks that one.
    provide({ ...DEFINITION, title: 'Provided again' })
    expect(title(await element(ENDPOINT))).to.equal('Talk to us')
    expect(asked.at(-1)).to.equal(`${ENDPOINT}/v1/forms/demo`)
    expect(title(await element())).to.equal('Provided again')
    expect(asked).to.have.length(2)
  })
})

describe('<contact-form> events', () => {
  it('fires a cancelable contact-form-submit with the values, and sends nothing when it is cancelled', async () => {
    const el = await render()
    await fillValid(el)
    el.addEventListener('contact-form-submit', (e) => e.preventDefault(), { once: true })
    setTimeout(() => submitButton(el).click())
    const event = await oneEvent(el, 'contact-form-submit')
    expect(event.cancelable).to.be.true
    expect(event.bubbles && event.composed).to.be.true
    expect(event.detail.values).to.include({ email: 'ann@example.com', consent: true })
    await aTimeout(20)
    expect(worker.sent).to.have.length(0)
  })

  it('fires contact-form-success with the submissionId, bubbling to the document', async () => {
    const el = await render(undefined, [accepted('sub-42')])
    await fillValid(el)
    setTimeout(() => submitButton(el).click())
    const event = await oneEvent(document, 'contact-form-success')
    expect(event.detail).to.deep.equal({ submissionId: 'sub-42' })
    expect(event.target).to.equal(el)
  })

  it('fires contact-form-error with the field errors when validation fails', async () => {
    const el = await render()
    setTimeout(() => submitButton(el).click())
    const { detail } = await oneEvent(el, 'contact-form-error')
    expect(detail.reason).to.equal('validation')
    expect(Object.keys(detail.fieldErrors!)).to.deep.equal(['email', 'consent'])
  })
})
