/**
 * @module
 * Wix allows 200 requests a minute per site. One Durable Object per site keeps the count for every
 * isolate of the worker (a sliding window of the last minute's requests); a request that would go
 * over waits, or, when the wait is long, its submission is left for the retry queue.
 */
import { DurableObject } from 'cloudflare:workers'

export const WIX_REQUESTS_PER_MINUTE = 200
const WINDOW_MS = 60_000

export class WixThrottle extends DurableObject<Env> {
  private sent: number[] = []

  /** Takes one request of the site's budget: 0 when it may go now, else how long to wait (ms). */
  take(limit: number = WIX_REQUESTS_PER_MINUTE): number {
    const now = Date.now()
    while (this.sent.length && this.sent[0]! <= now - WINDOW_MS) this.sent.shift()
    if (this.sent.length < limit) {
      this.sent.push(now)
      return 0
    }
    return this.sent[0]! + WINDOW_MS - now
  }
}

/** The throttle of one Wix site. */
export function siteThrottle(env: Env, siteId: string): { take(): Promise<number> } {
  const stub = env.WIX_THROTTLE.get(env.WIX_THROTTLE.idFromName(siteId))
  const limit =
    Number(env.WIX_REQUESTS_PER_MINUTE ?? WIX_REQUESTS_PER_MINUTE) || WIX_REQUESTS_PER_MINUTE
  return { take: () => stub.take(limit) }
}
