/**
 * @module
 * The spam folder: a submission refused as automated is kept with what it sent (values and page
 * context only) instead of forgotten, so that an owner can look, and restore a person's message
 * that a check took for a bot. Restoring runs it through the pipeline like any submission, once.
 */
import { newId } from '../../shared/ids.ts'
import { applicationError } from '../../shared/api-error.ts'
import { forms } from '../configured-forms.ts'
import { deleteSpam, keepSpamStatements, selectSpam, SPAM_DAYS, sweepSpam } from '../db/spam.ts'
import { selectStore } from '../stores/select-store.ts'
import { acceptSubmission } from './accept.ts'

export interface SuspectedSpam {
  formId: string
  reason: string
  /** The parsed body; only its `values` and `context` objects are kept. */
  payload: unknown
  origin?: string | undefined
}

const objectOr = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

export async function keepSpam(db: D1Database, spam: SuspectedSpam): Promise<void> {
  const body = objectOr(spam.payload)
  await db.batch(
    keepSpamStatements(db, {
      id: newId(),
      form_id: spam.formId,
      reason: spam.reason,
      payload: JSON.stringify({ values: objectOr(body.values), context: objectOr(body.context) }),
      origin: spam.origin ?? null,
      created_date: new Date().toISOString(),
    })
  )
}

/**
 * "Not spam": the kept submission goes through the pipeline (validation, duplicates, labels,
 * webhooks, notifications) as if it had just been sent, and leaves the folder. Its key makes a
 * second restore of the same one answer the first's submission instead of recording it again.
 */
export async function restoreSpam(env: Env, id: string): Promise<{ submissionId: string }> {
  const row = await selectSpam(env.DB, id)
  if (!row)
    throw applicationError(404, 'SPAM_NOT_FOUND', `There is no suspected spam "${id}".`, { id })
  const form = Object.hasOwn(forms, row.form_id) ? forms[row.form_id] : undefined
  if (!form) {
    throw applicationError(
      409,
      'FORM_NOT_FOUND',
      `Form "${row.form_id}" is no longer in forms.config.ts, so this cannot be restored.`,
      { formId: row.form_id }
    )
  }
  const answer = await acceptSubmission(env.DB, {
    formId: row.form_id,
    form,
    rawBody: row.payload,
    parsedBody: JSON.parse(row.payload),
    idempotencyKey: `spam-${row.id}`,
    ...(row.origin ? { origin: row.origin } : {}),
    retries: env.SUBMISSION_RETRIES,
    store: selectStore(env),
  })
  await deleteSpam(env.DB, id)
  return { submissionId: answer.submissionId }
}

/** The cron: suspected spam older than 30 days is deleted (`now`: the cron's scheduled time). */
export function sweepSpamFolder(db: D1Database, now = Date.now()): Promise<void> {
  return sweepSpam(db, new Date(now - SPAM_DAYS * 86_400_000).toISOString())
}
