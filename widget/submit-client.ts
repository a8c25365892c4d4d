/**
 * @module
 * Sends a submission and retries what is worth retrying: network errors, 408, 409, 425 and 5xx,
 * with capped full-jitter backoff that honours `Retry-After`. A rate limit (429) is waited out
 * once, and only when its `Retry-After` is short: asking again sooner is refused again, so the
 * visitor is told when to try instead. One Idempotency-Key for all attempts, so the worker
 * records the submission once however often it arrives.
 */

export interface SendOptions {
  url: string
  body: string
  idempotencyKey: string
  /** How long one attempt may take before it counts as a network error and is retried. */
  attemptTimeoutMs: number
  /** Told before each retry, e.g. to update a status message. */
  onRetry: () => void
}

/** The last answer; `status` 0 when none came (and `offline` when the browser knows why). */
export interface SendResult {
  status: number
  body?: unknown
  retryAfterMs?: number | undefined
  offline?: boolean
}

/** Attempts in all, the first included. */
const MAX_ATTEMPTS = 5
const BASE_DELAY_MS = 500
const MAX_DELAY_MS = 8000
/** The longest `Retry-After` of a 429 that is waited out for the visitor (once). */
const RATE_LIMIT_WAIT_MS = 10_000

// 409: the worker is still processing the first attempt with this key; 425: sent faster than a
// person fills a form. Asking again later is safe for both, as for 408, 429 and 5xx.
const RETRYABLE = (status: number) => [408, 409, 425, 429].includes(status) || status >= 500

/** Posts until an answer that is final (2xx, or a 4xx not listed above) or the attempts run out. */
export async function sendSubmission(options: SendOptions): Promise<SendResult> {
  let last: SendResult = { status: 0, offline: !navigator.onLine }
  let limited = false
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let retryAfterMs: number | undefined
    try {
      const res = await fetch(options.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': options.idempotencyKey },
        body: options.body,
        signal: AbortSignal.timeout(options.attemptTimeoutMs),
      })
      retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'))
      last = { status: res.status, body: await res.json().catch(() => undefined), retryAfterMs }
      if (!RETRYABLE(res.status)) return last
      if (res.status === 429) {
        if (limited || (retryAfterMs ?? Infinity) > RATE_LIMIT_WAIT_MS) return last
        limited = true
      }
    } catch {
      last = { status: 0, offline: !navigator.onLine }
      // Offline: waiting here helps nobody; the caller keeps the submission for later.
      if (!navigator.onLine) return last
    }
    if (attempt === MAX_ATTEMPTS) break
    options.onRetry()
    const backoff = Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1))
    await sleep(retryAfterMs !== undefined ? Math.min(retryAfterMs, MAX_DELAY_MS * 4) : backoff)
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
