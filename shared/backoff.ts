/**
 * @module
 * Exponential backoff with jitter, for everything the worker tries again later (submissions whose
 * contact write failed, webhook deliveries).
 */

export interface BackoffOptions {
  /** The wait before the first retry, before jitter. */
  baseSeconds: number
  /** No wait is longer than this. */
  maxSeconds: number
}

/**
 * Seconds to wait before the n-th retry (n ≥ 1): base · 2^(n-1), capped, then a random point between
 * half of it and all of it (so retries that failed together spread out), and at least 1.
 *
 * @example backoffSeconds(3, { baseSeconds: 10, maxSeconds: 600 }) // 20 to 40
 */
export function backoffSeconds(
  attempts: number,
  { baseSeconds, maxSeconds }: BackoffOptions
): number {
  const delay = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempts - 1))
  return Math.max(1, Math.round(delay / 2 + (Math.random() * delay) / 2))
}
