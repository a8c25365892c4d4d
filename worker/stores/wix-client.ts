/**
 * @module
 * A small client for the Wix REST API (`https://www.wixapis.com`): the raw API key in
 * `Authorization` (no "Bearer"), the site in `wix-site-id`, JSON bodies. Every request takes a
 * token of the site's budget, has a timeout, and is tried again on 429, 5xx and timeouts with
 * backoff and jitter, honouring Retry-After. A wait too long to make a visitor's request sit
 * through throws `RetryLater`: the submission stays pending and the retry queue finishes it.
 */

export interface WixClientOptions {
  apiBase: string
  apiKey: string
  siteId: string
  /** Takes one request of the site's budget: 0 to go now, else milliseconds to wait. */
  throttle: { take(): Promise<number> }
  timeoutMs?: number
  attempts?: number
  /** The longest wait (throttle or Retry-After) sat through inside one request. */
  maxInlineWaitMs?: number
}

export interface WixAnswer<T = any> {
  status: number
  body: T
}

/** Wix cannot take the request now; try the submission again after `waitMs`. */
export class RetryLater extends Error {
  override name = 'RetryLater'
  readonly waitMs: number
  constructor(waitMs: number, message: string) {
    super(message)
    this.waitMs = waitMs
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export function wixClient(options: WixClientOptions) {
  const { timeoutMs = 10_000, attempts = 4, maxInlineWaitMs = 2_000 } = options
  const base = options.apiBase.replace(/\/+$/, '')

  async function slot(): Promise<void> {
    for (;;) {
      const wait = await options.throttle.take()
      if (wait === 0) return
      if (wait > maxInlineWaitMs)
        throw new RetryLater(wait, `the site's budget of requests is used up for ${wait} ms`)
      await sleep(wait)
    }
  }

  /** One API call; answers the final status and JSON body (4xx included), throws when Wix is unreachable. */
  async function request<T = any>(
    method: string,
    path: string,
    body?: unknown
  ): Promise<WixAnswer<T>> {
    let lastError = ''
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await slot()
      let res: Response
      let text: string | undefined
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: {
            Authorization: options.apiKey,
            'wix-site-id': options.siteId,
            ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        })
        // The timeout covers the body too: an answer whose body stops coming is tried again.
        if (res.status !== 429 && res.status < 500) text = await res.text()
      } catch (err) {
        lastError = String(err)
        await sleep(backoff(attempt))
        continue
      }
      if (text !== undefined) {
        return { status: res.status, body: (text ? JSON.parse(text) : {}) as T }
      }
      lastError = `HTTP ${res.status}`
      await res.body?.cancel()
      const asked = retryAfterMs(res.headers.get('Retry-After'))
      const wait = Math.max(asked ?? 0, backoff(attempt))
      if (wait > maxInlineWaitMs)
        throw new RetryLater(wait, `Wix answered ${res.status}; asked to wait ${wait} ms`)
      await sleep(wait)
    }
    throw new RetryLater(backoff(attempts + 1), `Wix did not answer: ${lastError}`)
  }

  return { request }
}

/** Capped full jitter: random(0, min(2 s, 100 ms · 2^attempt)). */
function backoff(attempt: number): number {
  return Math.random() * Math.min(2000, 100 * 2 ** attempt)
}

function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined
  const seconds = /^\d+$/.test(value) ? Number(value) : (Date.parse(value) - Date.now()) / 1000
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined
}
