/**
 * @module
 * The console's one way to the worker: same-origin `fetch` with the session cookie, JSON both
 * ways, and the project's error envelope (`{ message, details: { applicationError |
 * validationError } }`) turned into an `ApiError` whose message a person can read.
 *
 * @example
 * const { contact } = await api<{ contact: Contact }>('GET', `/contacts/v4/contacts/${id}`)
 */
import type { ErrorBody, FieldViolation } from '../shared/errors.ts'
import { fill, S } from './strings.ts'

/** Fired on `window` when a call other than the session's own finds the session gone (401). */
export const SESSION_ENDED = 'cc-session-ended'

export class ApiError extends Error {
  override name = 'ApiError'
  /** The HTTP status; 0 when the worker could not be reached. */
  readonly status: number
  /** The applicationError code (`CONTACT_ALREADY_CHANGED`…), when there is one. */
  readonly code: string | undefined
  readonly violations: FieldViolation[]
  /** Seconds, from `Retry-After`. */
  readonly retryAfter: number | undefined

  constructor(
    status: number,
    message: string,
    code?: string,
    violations: FieldViolation[] = [],
    retryAfter?: number
  ) {
    super(message)
    this.status = status
    this.code = code
    this.violations = violations
    this.retryAfter = retryAfter
  }
}

/**
 * A call to the worker's API; resolves with the parsed JSON answer, rejects with an ApiError. A
 * `Blob` body (a CSV file) is sent as it is, as `text/csv`; any other body as JSON.
 */
export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  signal?: AbortSignal
): Promise<T> {
  const res = await send(method, path, body, signal)
  return (await res.json().catch(() => undefined)) as T
}

/**
 * Saves what a POST answers as a file, under the name the worker gives it (`Content-Disposition`),
 * for downloads whose request is too long for a link.
 */
export async function download(path: string, body: unknown): Promise<void> {
  const res = await send('POST', path, body)
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1]
  const url = URL.createObjectURL(await res.blob())
  saveLink(url, name)
  // The browser has the file once the download starts; a minute is ample for that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Follows a link as a download (a same-origin GET streams straight to the file). */
export function saveLink(href: string, name = ''): void {
  const a = document.createElement('a')
  a.href = href
  a.download = name
  a.click()
}

async function send(
  method: string,
  path: string,
  body: unknown,
  signal?: AbortSignal
): Promise<Response> {
  const file = body instanceof Blob
  let res: Response
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': file ? 'text/csv' : 'application/json' }),
      },
      ...(body === undefined ? {} : { body: file ? body : JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new ApiError(0, S.errors.network)
  }
  if (res.ok) return res
  const error = toApiError(res, await res.json().catch(() => undefined))
  if (res.status === 401 && !path.startsWith('/admin/api/session'))
    window.dispatchEvent(new CustomEvent(SESSION_ENDED))
  throw error
}

function toApiError(res: Response, json: unknown): ApiError {
  const retryAfter = Number(res.headers.get('Retry-After')) || undefined
  const body = json as Partial<ErrorBody> | undefined
  const details = body?.details as Record<string, unknown> | undefined
  const application = details?.applicationError as { code?: string } | undefined
  const violations =
    (details?.validationError as { fieldViolations?: FieldViolation[] } | undefined)
      ?.fieldViolations ?? []
  const message = violations.length
    ? violations.map((v) => `${v.field}: ${v.description}`).join(' ')
    : typeof body?.message === 'string' && body.message
      ? body.message
      : fill(S.errors.status, { status: res.status })
  return new ApiError(res.status, message, application?.code, violations, retryAfter)
}

/** The message to show for anything a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message
  return S.errors.unexpected
}

/** `{a: 1, b: undefined}` → `?a=1`: query parameters without the empty ones. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== '') q.set(name, String(value))
  const text = q.toString()
  return text ? `?${text}` : ''
}
