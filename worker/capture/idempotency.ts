/**
 * @module
 * Idempotency-Key rules: what a key may be, and how a request with a known key is answered — the
 * stored answer byte for byte for the same body, 422 for another body, 409 while the first request
 * is still writing, and nothing at all once the stored answer has expired (24 hours).
 */
import { ApiError, applicationError, validationError } from '../../shared/api-error.ts'
import type { StoredAnswer } from '../db/submissions.ts'

/** How long a stored answer is replayed for one Idempotency-Key. */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000
/** A replay this soon after a first request that has not finished is told to wait (409). */
const IN_FLIGHT_MS = 30_000

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export interface SubmissionAnswer {
  status: number
  /** JSON text, exactly as stored for replays. */
  body: string
  submissionId: string
}

/** 1 to 255 visible ASCII characters; anything else is a 400 naming the header. */
export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw validationError([
      {
        field: 'Idempotency-Key',
        description: 'Use 1 to 255 visible ASCII characters, such as a UUID',
        violatedRule: 'FORMAT',
      },
    ])
  }
}

/** The stored answer is too old to replay: the key is free again. */
export function hasExpired(stored: StoredAnswer, now = Date.now()): boolean {
  return now - Date.parse(stored.created_date) > IDEMPOTENCY_TTL_MS
}

/** The stored answer, for a request with the same body; 422 for another body. */
export function storedAnswer(stored: StoredAnswer, bodyHash: string): SubmissionAnswer {
  if (stored.body_hash !== bodyHash) {
    throw applicationError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different submission.'
    )
  }
  return { status: stored.response_status, body: stored.response_body, submissionId: stored.id }
}

/** 409 with Retry-After while the first request of a pending submission may still be writing. */
export function refuseWhileInFlight(stored: StoredAnswer, now = Date.now()): void {
  if (stored.attempts === 0 && now - Date.parse(stored.created_date) < IN_FLIGHT_MS) {
    throw new ApiError(
      409,
      applicationError(
        409,
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'This submission is still being processed.'
      ).body,
      { 'Retry-After': '2' }
    )
  }
}
