/**
 * @module
 * Sends a submission and retries what is worth retrying: network errors, 408, 429 and 5xx, with
 * capped full-jitter backoff that honours `Retry-After`. One Idempotency-Key for all attempts, so
 * the worker records the submission once however often it arrives.
 */

export interface SendOptions {
  url: string
  body: string
  idempotencyKey: string
  /** Attempts in all, the first included. */
  maxAttempts?: number
  baseDelayMs?: number
  maxDelayMs?: number
  /** How long one attempt may take before it counts as a network error and is retried. */
  attemptTimeoutMs?: number
  /** Told before each retry, e.g. to update a status message. */
  onRetry?: (attempt: number) => void
}

export type SendResult =
  { kind: 'answer'; status: number; body: unknown } | { kind: 'network-error'; offline: boolean }

// 409: the worker is still processing the first attempt with this key; 425: sent faster than a
// person fills a form. Asking again later is safe for both, as for 408, 429 and 5xx.
const RETRYABLE = (status: number) => [408, 409, 425, 429].includes(status) || status >= 500

/** Posts until an answer that is final (2xx, or a 4xx not listed above) or the attempts run out. */
export async function sendSubmission(options: SendOptions): Promise<SendResult> {
  const {
    maxAttempts = 5,
    baseDelayMs = 500,
    maxDelayMs = 8000,
    attemptTimeoutMs = 15_000,
  } = options
  let last: SendResult = { kind: 'network-error', offline: !navigator.onLine }
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let retryAfterMs: number | undefined
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': options.idempotencyKey },
        body: options.body,
        signal: AbortSignal.timeout(attemptTimeoutMs),
      })
      last = { kind: 'answer', status: res.status, body: await res.json().catch(() => undefined) }
      if (!RETRYABLE(res.status)) return last
      retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'))
    } catch {
      last = { kind: 'network-error', offline: !navigator.onLine }
      // Offline: waiting here helps nobody; the caller keeps the submission for later.
      if (!navigator.onLine) return last
    }
    if (attempt === maxAttempts) break
    options.onRetry?.(attempt)
    const backoff = Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
    await sleep(retryAfterMs !== undefined ? Math.min(retryAfterMs, maxDelayMs * 4) : backoff)
  }
  return last
}

function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
