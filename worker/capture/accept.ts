/**
 * @module
 * The capture pipeline for one submission: validate, record, then update or create the contact.
 * The visitor's answer is fixed when the submission is recorded, so a replay returns it byte for
 * byte, and a failed contact write never loses what was accepted.
 */
import { submissionSchema, toFieldViolations } from '../../shared/submission.ts'
import { RATE_LIMIT_DEFAULTS } from '../../shared/forms.ts'
import type { FormConfig } from '../../shared/forms.ts'
import { rateLimited } from '../guards/rate-limit.ts'
import { ApiError, applicationError, validationError } from '../http/errors.ts'
import {
  cachedCatalog,
  forgetCatalog,
  rememberCatalog,
  selectCatalog,
} from '../db/catalog-lookup.ts'
import type { CatalogRow } from '../db/catalog-lookup.ts'
import {
  forgetIdempotencyKey,
  insertSubmission,
  selectAnswerByKey,
  selectOverLimit,
  submittedEvent,
} from '../db/submissions.ts'
import type { StoredAnswer, SubmissionRow } from '../db/submissions.ts'
import { planCapture } from './plan.ts'
import { d1Backend } from '../stores/d1-store.ts'
import type { CatalogHint, ContactsBackend } from '../stores/contact-store.ts'
import type { CapturePlan } from './plan.ts'

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
  /** Where contacts live; D1 (the `db` given) unless set. */
  backend?: ContactsBackend
  /** The nonce of the render token the submission carried: a token serves one submission. */
  renderNonce?: string
}

/** A queue message: a recorded submission whose contact is still to be written. */
export interface SubmissionRetry {
  submissionId: string
}

/** How long a stored answer is replayed for one Idempotency-Key. */
const IDEMPOTENCY_TTL_MS = 24 * 3600_000
/** A replay this soon after a first request that has not finished is told to wait (409). */
const IN_FLIGHT_MS = 30_000

export interface SubmissionAnswer {
  status: number
  /** JSON text, exactly as stored for replays. */
  body: string
  submissionId: string
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

/** Runs steps 3–8 and 10 of the pipeline; throws ApiError for anything the visitor must fix. */
export async function acceptSubmission(
  db: D1Database,
  req: SubmissionRequest
): Promise<SubmissionAnswer> {
  if (req.idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(req.idempotencyKey)) {
    throw validationError([
      {
        field: 'Idempotency-Key',
        description: 'Use 1 to 255 visible ASCII characters, such as a UUID',
        violatedRule: 'FORMAT',
      },
    ])
  }
  const payload = req.parsedBody !== undefined ? req.parsedBody : parseJson(req.rawBody)
  const parsed = submissionSchema(req.form).safeParse(payload)
  if (!parsed.success) throw validationError(toFieldViolations(parsed.error.issues))
  const { values, context } = parsed.data
  const plan = planCapture(req.form, values, context)
  requireContactKey(req.form, plan)

  const backend = req.backend ?? d1Backend(db)
  const now = new Date().toISOString()
  const bodyHash = await sha256(req.rawBody)
  const submissionId = crypto.randomUUID()
  const answer = JSON.stringify({ submissionId, status: 'accepted' })
  const consentField = req.form.fields.find((f) => f.type === 'consent')
  const consent =
    consentField && values[consentField.name] === true
      ? {
          field: consentField.name,
          text: consentField.label,
          version: consentField.version,
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
  const recorded = await recordSubmission(db, row, plan, backend)
  const { stored } = recorded
  if (stored && stored.id !== submissionId)
    return settleReplay(db, req, stored, bodyHash, plan, backend, now)
  if (!recorded.inserted) {
    // Not recorded, and not a replay: over a rate limit (the insert counted), or the render
    // token was used by another submission already.
    const limited = await selectOverLimit(db, row).first<{ over: number }>()
    if (limited?.over) throw rateLimited()
    throw new TokenReusedError()
  }
  if (recorded.catalog) {
    // Round trip 2: the contact change, atomically.
    const written = await backend.writeSubmission(submissionId, plan, now, recorded.catalog)
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
  /** The labels and fields to write the contact with, when the batch did not write it. */
  catalog?: CatalogHint
}

/**
 * Round trip 1: records the submission. When this isolate knows every label and field the form
 * uses and the backend keeps contacts in D1, the contact change rides in the same batch (one
 * round trip in all; it finds its submission row, so it does nothing when the row was not
 * inserted); otherwise the batch looks the labels and fields up for round trip 2.
 */
async function recordSubmission(
  db: D1Database,
  row: SubmissionRow,
  plan: CapturePlan,
  backend: ContactsBackend,
  inline = true
): Promise<Recorded> {
  const labels = cachedCatalog('labels', plan.labels)
  const fields = cachedCatalog(
    'extended_fields',
    plan.extendedValues.map((v) => v.displayName)
  )
  const known = { labels: labels.rows, fields: fields.rows }
  const contact =
    inline && !labels.missing.length && !fields.missing.length
      ? backend.captureStatements?.(row.id, plan, row.createdDate, known)
      : undefined
  const head = [
    insertSubmission(db, row),
    submittedEvent(db, row.id, row.createdDate),
    ...(row.idempotencyKey ? [selectAnswerByKey(db, row.formId, row.idempotencyKey)] : []),
  ]
  const tail = contact ?? [
    selectCatalog(db, 'labels', labels.missing),
    selectCatalog(db, 'extended_fields', fields.missing),
  ]
  let results: D1Result<Record<string, unknown>>[]
  try {
    results = await db.batch<Record<string, unknown>>([...head, ...tail])
  } catch (err) {
    if (!contact) throw err
    // The batch failed as a whole (say, a label renamed since this isolate cached it), so nothing
    // was recorded: record alone, with fresh lookups, and write the contact in round trip 2.
    forgetCatalog()
    return recordSubmission(db, row, plan, backend, false)
  }
  const stored = row.idempotencyKey ? results[2]!.results[0] : undefined
  const recorded: Recorded = {
    inserted: results[0]!.meta.changes > 0,
    ...(stored ? { stored: stored as unknown as StoredAnswer } : {}),
  }
  if (contact) return recorded
  const looked = {
    labels: results[head.length]!.results as unknown as CatalogRow[],
    fields: results[head.length + 1]!.results as unknown as CatalogRow[],
  }
  rememberCatalog('labels', looked.labels)
  rememberCatalog('extended_fields', looked.fields)
  return {
    ...recorded,
    catalog: {
      labels: [...known.labels, ...looked.labels],
      fields: [...known.fields, ...looked.fields],
    },
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
  return settleReplay(
    db,
    req,
    stored,
    bodyHash,
    plan,
    req.backend ?? d1Backend(db),
    new Date().toISOString()
  )
}

/** Replays a stored answer: 422 for another body, 409 while the first is in flight; finishes a pending one. */
async function settleReplay(
  db: D1Database,
  req: SubmissionRequest,
  stored: StoredAnswer,
  bodyHash: string,
  plan: CapturePlan,
  backend: ContactsBackend,
  now: string
): Promise<SubmissionAnswer> {
  if (Date.now() - Date.parse(stored.created_date) > IDEMPOTENCY_TTL_MS) {
    // The stored answer has expired: the key is free again.
    await forgetIdempotencyKey(db, stored.id).run()
    return acceptSubmission(db, req)
  }
  const answer = replay(stored, bodyHash)
  if (stored.status === 'pending') {
    if (stored.attempts === 0 && Date.now() - Date.parse(stored.created_date) < IN_FLIGHT_MS) {
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
    // The first request was recorded but its contact write failed: this retry finishes it.
    await backend.writeSubmission(stored.id, plan, now)
  }
  return answer
}

function replay(stored: StoredAnswer, bodyHash: string): SubmissionAnswer {
  if (stored.body_hash !== bodyHash) {
    throw applicationError(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was already used for a different submission.'
    )
  }
  return { status: stored.response_status, body: stored.response_body, submissionId: stored.id }
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

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
