/** A stubbed worker for widget tests: definitions and answers, and a record of what was sent. */
import type { FormDefinition } from '../../shared/definition.ts'
import { MESSAGES } from '../../shared/messages.ts'

export const ENDPOINT = 'https://forms.test'

export const DEFINITION: FormDefinition = {
  id: 'demo',
  title: 'Talk to us',
  description: 'We answer within a day.',
  submitLabel: 'Send',
  successMessage: 'Thanks, we will be in touch.',
  fields: [
    {
      name: 'email',
      type: 'email',
      label: 'Email',
      required: true,
      autocomplete: 'email',
      inputMode: 'email',
      maxLength: 320,
    },
    {
      name: 'firstName',
      type: 'text',
      label: 'First name',
      required: false,
      autocomplete: 'given-name',
      maxLength: 1000,
    },
    {
      name: 'lastName',
      type: 'text',
      label: 'Last name',
      required: false,
      autocomplete: 'family-name',
      maxLength: 1000,
    },
    {
      name: 'phone',
      type: 'tel',
      label: 'Phone',
      required: false,
      autocomplete: 'tel',
      inputMode: 'tel',
      maxLength: 50,
    },
    {
      name: 'company',
      type: 'text',
      label: 'Company',
      required: false,
      autocomplete: 'organization',
      maxLength: 1000,
    },
    {
      name: 'interest',
      type: 'select',
      label: 'Interested in',
      required: false,
      options: [
        { value: 'pricing', label: 'Pricing' },
        { value: 'support', label: 'Support' },
      ],
    },
    { name: 'message', type: 'textarea', label: 'Message', required: false, maxLength: 5000 },
    { name: 'consent', type: 'consent', label: 'I agree to be contacted.', required: true },
  ],
  consent: { field: 'consent', text: 'I agree to be contacted.', version: '2026-11-01' },
  messages: MESSAGES,
}

export interface SentRequest {
  url: string
  method: string
  headers: Headers
  body: string
}

/** `'hang'`: the request never answers (until its signal aborts it). */
type Answer = Response | Error | 'hang' | (() => Response | Promise<Response>)

/**
 * Replaces window.fetch: GET of the definition answers `definition`; each POST takes the next
 * answer from `answers` (a Response, an Error to throw, or a function).
 */
export function stubWorker(answers: Answer[] = [], definition: FormDefinition = DEFINITION) {
  const sent: SentRequest[] = []
  const original = window.fetch
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    if (request.method === 'GET') return Response.json(definition)
    sent.push({
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    })
    const next = answers.shift() ?? accepted()
    if (next instanceof Error) throw next
    if (next === 'hang') {
      return new Promise<Response>((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason))
      )
    }
    return typeof next === 'function' ? next() : next
  }
  return { sent, restore: () => (window.fetch = original) }
}

export function accepted(submissionId: string = crypto.randomUUID()): Response {
  return Response.json({ submissionId, status: 'accepted' }, { status: 202 })
}

export function unavailable(): Response {
  return Response.json({ message: 'busy' }, { status: 503, headers: { 'Retry-After': '0' } })
}

/** Types into a field the way a person does: value, then input and change events. */
export function type(
  el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  value: string
): void {
  el.focus()
  el.value = value
  el.dispatchEvent(new Event('input', { bubbles: true }))
  el.dispatchEvent(new Event('change', { bubbles: true }))
}

export function check(el: HTMLInputElement): void {
  el.click()
}
