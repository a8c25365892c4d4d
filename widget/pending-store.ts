/**
 * @module
 * A submission that could not be sent while the browser was offline, kept in localStorage for at
 * most 24 hours and removed as soon as it is accepted. It holds only the request body (what the
 * visitor typed and the page it was typed on) and its Idempotency-Key: resending the same bytes
 * with the same key can never create a second submission.
 */

export interface PendingSubmission {
  body: string
  idempotencyKey: string
  savedAt: number
}

export const PENDING_TTL_MS = 24 * 60 * 60 * 1000

const storageKey = (url: string) => `contact-form:pending:${url}`

export function savePending(url: string, pending: PendingSubmission): void {
  try {
    localStorage.setItem(storageKey(url), JSON.stringify(pending))
  } catch {
    // Storage full or disabled (private mode): the visitor still sees the offline message.
  }
}

/** The pending submission for this endpoint, unless it is older than 24 hours (then it is dropped). */
export function loadPending(url: string): PendingSubmission | undefined {
  try {
    const raw = localStorage.getItem(storageKey(url))
    if (!raw) return undefined
    const pending = JSON.parse(raw) as PendingSubmission
    if (typeof pending.body !== 'string' || Date.now() - pending.savedAt > PENDING_TTL_MS) {
      clearPending(url)
      return undefined
    }
    return pending
  } catch {
    return undefined
  }
}

export function clearPending(url: string): void {
  try {
    localStorage.removeItem(storageKey(url))
  } catch {
    // nothing stored
  }
}
