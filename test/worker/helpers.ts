/** Small builders shared by the worker tests. */
import { env, exports } from 'cloudflare:workers'
import { expect } from 'vitest'
import type { Contact } from '../../shared/contact.ts'
import { issueToken } from '../../worker/guards/render-token.ts'

export const ADMIN_KEY = 'test-admin-key'
export const DEMO_ORIGIN = 'http://localhost:8787'

/** An address no other test uses, so tests never depend on each other's data. */
export function uniqueEmail(prefix = 'visitor'): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.com`
}

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://localhost${path}`, init))
}

export interface SubmitOptions {
  origin?: string | null
  idempotencyKey?: string
  body?: string
  context?: Record<string, unknown>
  /** The render token to send; by default one issued a minute ago, as a person's page would hold. */
  token?: string | null
  headers?: Record<string, string>
}

/** A render token for a form, issued `agoMs` before now. */
export function renderToken(formId = 'demo', agoMs = 60_000): Promise<string> {
  return issueToken(env, formId, Date.now() - agoMs)
}

/** Posts to the demo form's submission endpoint the way the widget does. */
export async function submit(
  values: Record<string, unknown>,
  opts: SubmitOptions = {},
  formId = 'demo'
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...opts.headers }
  if (opts.origin !== null) headers.Origin = opts.origin ?? DEMO_ORIGIN
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey
  const token = opts.token === undefined ? await renderToken(formId) : opts.token
  const payload = {
    values,
    ...(opts.context ? { context: opts.context } : {}),
    ...(token === null ? {} : { token }),
  }
  return call(`/v1/forms/${formId}/submissions`, {
    method: 'POST',
    headers,
    body: opts.body ?? JSON.stringify(payload),
  })
}

export function admin(path: string, init: RequestInit = {}): Promise<Response> {
  return call(path, {
    ...init,
    headers: { Authorization: ADMIN_KEY, 'Content-Type': 'application/json', ...init.headers },
  })
}

export async function queryContacts(query: Record<string, unknown>): Promise<{
  contacts: Contact[]
  pagingMetadata: { count: number; offset: number; total: number; tooManyToCount: boolean }
}> {
  const res = await admin('/contacts/v4/contacts/query', {
    method: 'POST',
    body: JSON.stringify({ query }),
  })
  if (res.status !== 200) throw new Error(`query failed: ${res.status} ${await res.text()}`)
  return res.json()
}

/** The contacts that have this address among their emails. */
export async function contactsWithEmail(email: string): Promise<Contact[]> {
  return (await queryContacts({ filter: { 'info.emails.email': { $eq: email } } })).contacts
}

export const VALID = { consent: true } as const

export interface ApiAnswer<T = any> {
  status: number
  body: T
}

/** An admin call with a JSON body; answers status and parsed body. */
export async function api<T = any>(
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN_KEY
): Promise<ApiAnswer<T>> {
  const res = await call(path, {
    method,
    headers: {
      Authorization: key,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

/** The exact application-error envelope for a code. */
export function appError(code: string, data?: Record<string, unknown>) {
  return {
    message: expect.any(String),
    details: {
      applicationError: { code, description: expect.any(String), data: data ?? expect.any(Object) },
    },
  }
}

/** A label that exists, made through the API. */
export async function label(displayName: string): Promise<string> {
  const { body } = await api('POST', '/contacts/v4/labels', { displayName })
  return body.label.key
}

/** An extended field that exists, made through the API. */
export async function extendedField(displayName: string, dataType = 'TEXT'): Promise<string> {
  const { body } = await api('POST', '/contacts/v4/extended-fields', { displayName, dataType })
  return body.field.key
}

/** Creates a contact through the API and answers it. */
export async function createContact(info: Record<string, unknown>, allowDuplicates = false) {
  const res = await api('POST', '/contacts/v4/contacts', { info, allowDuplicates })
  if (res.status !== 200)
    throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`)
  return res.body.contact
}

/** Whether a batch writes a contact, by the SQL D1 keeps on each statement. */
export function writesContact(statements: D1PreparedStatement[]): boolean {
  return statements.some((s) =>
    /INSERT INTO contacts\b/.test((s as unknown as { statement: string }).statement)
  )
}
