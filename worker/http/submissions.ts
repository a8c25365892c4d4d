/**
 * @module
 * The submission log for site owners (admin key): what is pending or failed, and a retry.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { retrySubmission } from '../capture/retry.ts'
import { selectStore } from '../stores/select-store.ts'
import { selectSubmissionsByStatus, selectSubmissionStatus } from '../db/submissions.ts'
import type { SubmissionListRow } from '../db/submissions.ts'
import { applicationError } from '../../shared/api-error.ts'
import { validate } from './middleware/validate.ts'

const listQuery = z.object({
  status: z.enum(['pending', 'processed', 'failed']).default('pending'),
  'paging.limit': z.coerce.number().int().min(1).max(1000).default(50),
  'paging.offset': z.coerce.number().int().min(0).default(0),
})

export const submissionRoutes = new Hono<{ Bindings: Env }>()

submissionRoutes.get('/v1/submissions', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  const { results } = await selectSubmissionsByStatus(
    c.env.DB,
    q.status,
    q['paging.limit'],
    q['paging.offset']
  ).all<SubmissionListRow>()
  return c.json({
    submissions: results.map((r) => ({
      id: r.id,
      formId: r.form_id,
      status: r.status,
      contactId: r.contact_id,
      attempts: r.attempts,
      lastError: r.last_error,
      createdDate: r.created_date,
      processedDate: r.processed_date,
    })),
    pagingMetadata: { count: results.length, offset: q['paging.offset'] },
  })
})

submissionRoutes.post('/v1/submissions/:id/retry', async (c) => {
  const id = c.req.param('id')
  if (!(await selectSubmissionStatus(c.env.DB, id)))
    throw applicationError(404, 'SUBMISSION_NOT_FOUND', `There is no submission "${id}".`, { id })
  const done = await retrySubmission(c.env.DB, id, selectStore(c.env), { reopenFailed: true })
  const after = await selectSubmissionStatus(c.env.DB, id)
  return c.json({
    submission: { id, status: after?.status, contactId: after?.contact_id ?? null },
    retried: done,
  })
})
