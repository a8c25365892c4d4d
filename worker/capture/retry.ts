/**
 * @module
 * Finishing submissions whose contact write failed: from the retry queue (with backoff), from its
 * dead-letter queue (marked failed), from the periodic sweep of forgotten pending submissions, and
 * on an admin's request.
 */
import { backoffSeconds } from '../../shared/backoff.ts'
import type { CleanValue, SubmissionContext } from '../../shared/submission.ts'
import {
  markFailed,
  reopenFailedSubmission,
  selectStalePending,
  selectSubmission,
} from '../db/submissions.ts'
import { forms } from '../configured-forms.ts'
import type { SubmissionRetry } from './accept.ts'
import { planCapture } from './plan.ts'
import type { ContactStore } from '../stores/contact-store.ts'
import { selectStore } from '../stores/select-store.ts'

/** Writes the contact of a recorded submission; true when done (or nothing was left to do). */
export async function retrySubmission(
  db: D1Database,
  submissionId: string,
  store: ContactStore,
  { reopenFailed = false }: { reopenFailed?: boolean } = {}
): Promise<boolean> {
  const row = await selectSubmission(db, submissionId).first<{
    form_id: string
    status: string
    submitted_values: string
    context: string
    created_date: string
  }>()
  if (!row || row.status === 'processed') return true
  // Given up on (dead-lettered): only an admin's retry opens it again, never a stray queue message.
  if (row.status === 'failed' && !reopenFailed) return true
  const form = Object.hasOwn(forms, row.form_id) ? forms[row.form_id] : undefined
  if (!form) {
    await markFailed(db, submissionId, `form "${row.form_id}" is no longer configured`).run()
    return true
  }
  if (row.status === 'failed') {
    await reopenFailedSubmission(db, submissionId).run()
  }
  const values = JSON.parse(row.submitted_values) as Record<string, CleanValue>
  const context = JSON.parse(row.context) as SubmissionContext
  return store.writeSubmission(submissionId, planCapture(form, values, context), row.created_date)
}

/**
 * Backoff for the n-th delivery of a retry message: 10 s, 20 s, 40 s, … with jitter, at most 10
 * minutes. `baseSeconds` (SUBMISSION_RETRY_BASE_SECONDS) is the first wait before jitter.
 */
export function retryDelaySeconds(attempts: number, baseSeconds = 10): number {
  return backoffSeconds(attempts, { baseSeconds, maxSeconds: 600 })
}

/** The consumer of the retry queue and of its dead-letter queue. */
export async function handleRetryBatch(
  batch: MessageBatch<SubmissionRetry>,
  env: Env
): Promise<void> {
  const deadLetters = batch.queue.endsWith('-dlq')
  const baseSeconds = Number(env.SUBMISSION_RETRY_BASE_SECONDS ?? 10) || 10
  for (const message of batch.messages) {
    const { submissionId } = message.body
    try {
      if (deadLetters) {
        await markFailed(env.DB, submissionId, 'gave up after the last retry').run()
        message.ack()
      } else if (await retrySubmission(env.DB, submissionId, selectStore(env))) {
        message.ack()
      } else {
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts, baseSeconds) })
      }
    } catch (err) {
      console.error('retry of submission failed', submissionId, err)
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts, baseSeconds) })
    }
  }
}

/**
 * The periodic sweep: submissions still pending a few minutes after they were recorded (the
 * worker stopped between recording and queueing, say) are queued again. `now` is the cron's
 * scheduled time.
 */
export async function sweepPending(env: Env, now = Date.now()): Promise<number> {
  const olderThan = new Date(now - 5 * 60_000).toISOString()
  const { results } = await selectStalePending(env.DB, olderThan, 100).all<{ id: string }>()
  if (results.length)
    await env.SUBMISSION_RETRIES.sendBatch(results.map((r) => ({ body: { submissionId: r.id } })))
  return results.length
}
