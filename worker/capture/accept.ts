/**
 * @module
 * The capture pipeline for one submission: validate, record, then update or create the contact.
 * The visitor's answer is fixed when the submission is recorded, so a replay returns it byte for
 * byte, and a failed contact write never loses what was accepted.
 */
import { newId } from '../../shared/ids.ts'
import { submissionSchema, toFieldViolations } from '../../shared/submission.ts'
import type { ConsentRecord } from '../../shared/submission.ts'
import { RATE_LIMIT_DEFAULTS } from '../../shared/forms-config.ts'
import type { FormConfig } from '../../shared/forms-config.ts'
import { applicationError, rateLimited, validationError } from '../../shared/api-error.ts'
import {
  forgetIdempotencyKey,
  insertSubmission,
  selectAnswerByKey,
  selectOverLimit,
  submissionEvents,
} from '../db/submissions.ts'
import type { StoredAnswer, SubmissionRow } from '../db/submissions.ts'
import { insertLeadNotifications } from '../db/notifications.ts'
import {
  checkIdempotencyKey,
  hasExpired,
  refuseWhileInFlight,
  storedAnswer,
} from './idempotency.ts'
import type { SubmissionAnswer } from './idempotency.ts'
import { planCapture } from './plan.ts'
import { isInlineBatchStore } from '../stores/contact-store.ts'
import type { ContactStore } from '../stores/contact-store.ts'
import { d1Store } from '../stores/d1-store.ts'
import type { CapturePlan } from '../stores/contact-store.ts'

export interface SubmissionRequest {
  formId: string
  form: FormConfig
  /** The body as sent: hashed for Idempotency-Key replays, then parsed. */
  rawBody: string
  /** Already parsed, for bodies that are not JSON (the no-JavaScript fallback form). */
  parsedBody?: unknown
  idempotencyKey?: string
  origin?: string
  /** The client address (an IPv6 one by its /64), for the per-address rate limit. */
  address?: string
  /** Where a submission goes whose contact write failed, to be retried with backoff. */
  retries?: Queue<SubmissionRetry>
  /** Where contacts live; the D1 of `db` unless set (the worker passes `selectStore(env)`). */
  store?: ContactStore
  /** The nonce of the render token the submission carried: a token serves one submission. */
  renderNonce?: string
}

/** A queue message: a recorded submission whose contact is still to be written. */
export interface SubmissionRetry {
  submissionId: string
}

/** Runs steps 3–8 and 10 of the pipeline; throws ApiError for anything the visitor must fix. */
export async function acceptSubmission(
  db: D1Database,
  req: SubmissionRequest
): Promise<SubmissionAnswer> {
  checkIdempotencyKey(req.idempotencyKey)
  const payload = req.parsedBody !== undefined ? req.parsedBody : parseJson(req.rawBody)
  const parsed = submissionSchema(req.form).safeParse(payload)
  if (!parsed.success) throw validationError(toFieldViolations(parsed.error.issues))
  const { values, context } = parsed.data
  const plan = planCapture(req.form, values, context)
  requireContactKey(req.form, plan)

  const store = storeOf(db, req)
  const now = new Date().toISOString()
  const bodyHash = await sha256(req.rawBody)
  const submissionId = newId()
  const answer = JSON.stringify({ submissionId, status: 'accepted' })
  const consentField = req.form.fields.find((f) => f.type === 'consent')
  const consent: ConsentRecord | undefined =
    consentField && values[consentField.name] === true
      ? {
          field: consentField.name,
          text: consentField.label,
          // The config refuses a consent field without one.
          version: consentField.version!,
          givenAt: now,
          formId: req.formId,
          pageOrigin: req.origin ?? originOf(context.pageUrl) ?? null,
        }
      : undefined

  const row: SubmissionRow = {
    id: submissionId,
    formId: req.formId,
    idempotencyKey: req.idempotencyKey ?? null,
    bodyHash,
    values,
    context,
    consent,
    responseStatus: 202,
    responseBody: answer,
    createdDate: now,
    renderNonce: req.renderNonce ?? null,
    // Hashed, so the limit's key is not the address itself.
    emailKey: plan.email ? (await sha256(plan.email.norm)).slice(0, 32) : null,
    emailLimit: req.form.rateLimit.perEmail ?? RATE_LIMIT_DEFAULTS.perEmail,
    addressKey: req.address ? (await sha256(req.address)).slice(0, 32) : null,
    addressLimit: req.form.rateLimit.perAddress ?? RATE_LIMIT_DEFAULTS.perAddress,
    limitSince: new Date(Date.parse(now) - 60_000).toISOString(),
  }
  const notify = req.form.notify?.instant ? req.form.notify.email : []
  const recorded = await recordSubmission(db, row, plan, store, notify)
  const { stored } = recorded
  if (stored && stored.id !== submissionId)
    return settleReplay(db, req, stored, bodyHash, plan, store, now)
  if (!recorded.inserted) {
    // Not recorded, and not a replay: over a rate limit (the insert counted), or the render
    // token was used by another submission already.
    const limited = await selectOverLimit(db, row).first<{ over: number }>()
    if (limited?.over) throw rateLimited()
    throw new TokenReusedError()
  }
  if (recorded.writeContact) {
    // Round trip 2: the contact change.
    const written = await recorded.writeContact()
    if (!written)
      await req.retries
        ?.send({ submissionId }, { delaySeconds: 5 })
        .catch((err) => console.error(err))
  }
  return { status: 202, body: answer, submissionId }
}

interface Recorded {
  /** Whether this request's submission row was inserted. */
  inserted: boolean
  /** The submission holding the request's Idempotency-Key, when it has one. */
  stored?: StoredAnswer
  /** The contact write still to do, when the batch did not write it. */
  writeContact?: () => Promise<boolean>
}

/**
 * Round trip 1: records the submission. A store that keeps contacts in this D1 joins the batch:
 * with the contact change itself when it can (one round trip in all), else with the lookups its
 * write needs. Any other store writes the contact afterwards.
 */
async function recordSubmission(
  db: D1Database,
  row: SubmissionRow,
  plan: CapturePlan,
  store: ContactStore,
  /** Who gets an email about this lead (sent from the queue once the batch commits). */
  notify: string[],
  withContact = true
): Promise<Recorded> {
  const joined = isInlineBatchStore(store)
    ? store.joinBatch(row.id, plan, row.createdDate, withContact)
    : undefined
  const head = [
    insertSubmission(db, row, joined?.pin),
    submissionEvents(db, row.id, row.createdDate, joined?.pin),
    ...(row.idempotencyKey ? [selectAnswerByKey(db, row.formId, row.idempotencyKey)] : []),
    ...(notify.length
      ? insertLeadNotifications(db, row.id, row.formId, notify, row.createdDate)
      : []),
  ]
  let results: D1Result<Record<string, unknown>>[]
  try {
    results = await db.batch<Record<string, unknown>>([...head, ...(joined?.statements ?? [])])
  } catch (err) {
    if (!joined?.writesContact) throw err
    // The batch failed as a whole, so nothing was recorded: record alone, and write the contact
    // in round trip 2.
    joined.failed()
    return recordSubmission(db, row, plan, store, notify, false)
  }
  const stored = row.idempotencyKey ? results[2]!.results[0] : undefined
  const writeContact = joined
    ? joined.committed(results.slice(head.length))
    : () => store.writeSubmission(row.id, plan, row.createdDate)
  return {
    inserted: results[0]!.meta.changes > 0,
    ...(stored ? { stored: stored as unknown as StoredAnswer } : {}),
    ...(writeContact ? { writeContact } : {}),
  }
}

/** A second submission with the render token of an earlier one: answered like a bot. */
export class TokenReusedError extends Error {
  override name = 'TokenReusedError'
}

/**
 * The stored answer for a request whose Idempotency-Key is known, looked up before any guard, so
 * a retry is never charged against rate limits or bot checks; undefined for a new key.
 */
export async function findReplay(
  db: D1Database,
  req: SubmissionRequest
): Promise<SubmissionAnswer | undefined> {
  if (!req.idempotencyKey) return undefined
  const stored = await selectAnswerByKey(db, req.formId, req.idempotencyKey).first<StoredAnswer>()
  if (!stored) return undefined
  const bodyHash = await sha256(req.rawBody)
  const payload = req.parsedBody !== undefined ? req.parsedBody : parseJson(req.rawBody)
  const parsed = submissionSchema(req.form).safeParse(payload)
  if (!parsed.success) return undefined // a different body; the pipeline answers it
  const plan = planCapture(req.form, parsed.data.values, parsed.data.context)
  return settleReplay(db, req, stored, bodyHash, plan, storeOf(db, req), new Date().toISOString())
}

/** Replays a stored answer: 422 for another body, 409 while the first is in flight; finishes a pending one. */
async function settleReplay(
  db: D1Database,
  req: SubmissionRequest,
  stored: StoredAnswer,
  bodyHash: string,
  plan: CapturePlan,
  store: ContactStore,
  now: string
): Promise<SubmissionAnswer> {
  if (hasExpired(stored)) {
    // The stored answer has expired: the key is free again.
    await forgetIdempotencyKey(db, stored.id).run()
    return acceptSubmission(db, req)
  }
  const answer = storedAnswer(stored, bodyHash)
  if (stored.status === 'pending') {
    refuseWhileInFlight(stored)
    // The first request was recorded but its contact write failed: this retry finishes it.
    await store.writeSubmission(stored.id, plan, now)
  }
  return answer
}

function storeOf(db: D1Database, req: SubmissionRequest): ContactStore {
  return req.store ?? d1Store(db)
}

function requireContactKey(form: FormConfig, plan: CapturePlan): void {
  if (plan.email || plan.phone) return
  const keyField =
    form.fields.find((f) => f.maps === 'email') ?? form.fields.find((f) => f.maps === 'phone')!
  throw validationError([
    {
      field: keyField.name,
      description: 'Enter an email address or a phone number',
      violatedRule: 'REQUIRED_FIELD',
    },
  ])
}

/** Parses a JSON body; a malformed one is a 400 `MALFORMED_BODY`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw applicationError(400, 'MALFORMED_BODY', 'The request body is not valid JSON.')
  }
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}

const encoder = new TextEncoder()
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'))

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
  let hex = ''
  for (const b of digest) hex += HEX[b]
  return hex
}
