/**
 * @module
 * The submission log for site owners (admin key): every submission with what the visitor sent,
 * filtered and paged, a contact's submissions, and a retry of one whose contact is not written.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { retrySubmission } from '../capture/retry.ts'
import { selectStore } from '../stores/select-store.ts'
import { listSubmissions, selectSubmissionStatus } from '../db/submissions.ts'
import type { SubmissionFilter } from '../db/submissions.ts'
import { applicationError } from '../../shared/api-error.ts'
import type { ViolatedRule } from '../../shared/errors.ts'
import { formIdSchema } from '../../shared/forms-config.ts'
import { SUBMISSION_STATUSES } from '../../shared/submission.ts'
import type { SubmissionStatus } from '../../shared/submission.ts'
import { validate } from './middleware/validate.ts'
import { listParam, textParam, wholeNumberParam } from './query-params.ts'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000

const rule = (violatedRule: ViolatedRule) => ({ params: { violatedRule } })

/** `status=pending,failed` or `status=pending&status=failed`; none means every status. */
const statusParam = z.pipe(
  listParam,
  z.transform((list, ctx) => {
    const unknown = list.filter((s) => !SUBMISSION_STATUSES.includes(s as SubmissionStatus))
    if (unknown.length) {
      ctx.issues.push({
        code: 'custom',
        message: `"${unknown[0]}" is not a status: use ${SUBMISSION_STATUSES.join(', ')}`,
        input: list,
        ...rule('INVALID_ENUM_VALUE'),
      })
      return z.NEVER
    }
    return list as SubmissionStatus[]
  })
)

const DAY = /^\d{4}-\d\d-\d\d$/
const isDay = (s: string) => z.iso.date().safeParse(s).success
const isInstant = (s: string) => z.iso.datetime({ offset: true }).safeParse(s).success

/**
 * A creation-date bound: a date (YYYY-MM-DD, a whole day in UTC) or a date and time with `Z` or an
 * offset, both inclusive, turned into the half-open range the stored ISO strings compare against:
 * `from` to the first millisecond it covers, `to` to the first one after it.
 */
function dateParam(edge: 'from' | 'to') {
  return z.pipe(
    textParam,
    z.transform((value, ctx) => {
      if (value === undefined) return undefined
      const day = DAY.test(value) && isDay(value)
      if (!day && !isInstant(value)) {
        ctx.issues.push({
          code: 'custom',
          message: 'must be a date (2026-11-01) or a date and time (2026-11-01T09:30:00Z)',
          input: value,
          ...rule('FORMAT'),
        })
        return z.NEVER
      }
      const start = Date.parse(day ? `${value}T00:00:00.000Z` : value)
      const after = edge === 'from' ? 0 : day ? 86_400_000 : 1
      return new Date(start + after).toISOString()
    })
  )
}

const pageParam = (min: number, max: number) =>
  wholeNumberParam.check(
    z.refine((n) => n === undefined || (n >= min && n <= max), {
      message: `must be from ${min} to ${max}`,
      ...rule('VALIDATION'),
    })
  )

const filters = {
  formId: z.pipe(textParam, z.optional(formIdSchema)),
  status: statusParam,
  'createdDate.from': dateParam('from'),
  'createdDate.to': dateParam('to'),
  'paging.limit': pageParam(1, MAX_LIMIT),
  'paging.offset': pageParam(0, 1_000_000_000),
}

/** The query of a list, with the check that its date range is not upside down. */
function listQuery<T extends z.core.$ZodShape>(shape: T) {
  return z.object(shape).check(
    z.refine(
      (q) => {
        const { 'createdDate.from': from, 'createdDate.to': before } = q as FilterQuery
        return !from || !before || from < before
      },
      {
        message: 'must not be before createdDate.from',
        path: ['createdDate.to'],
        ...rule('VALIDATION'),
      }
    )
  )
}

const filterQuery = listQuery(filters)
const logQuery = listQuery({
  ...filters,
  contactId: z.pipe(textParam, z.optional(z.string().check(z.minLength(1), z.maxLength(100)))),
})

type FilterQuery = z.output<z.ZodMiniObject<typeof filters>>

async function listed(db: D1Database, q: FilterQuery, contactId: string | undefined) {
  const filter: SubmissionFilter = {
    ...(q.formId !== undefined ? { formId: q.formId } : {}),
    ...(contactId !== undefined ? { contactId } : {}),
    ...(q.status.length ? { statuses: q.status } : {}),
    ...(q['createdDate.from'] ? { createdFrom: q['createdDate.from'] } : {}),
    ...(q['createdDate.to'] ? { createdBefore: q['createdDate.to'] } : {}),
  }
  const offset = q['paging.offset'] ?? 0
  const { submissions, total } = await listSubmissions(db, filter, {
    limit: q['paging.limit'] ?? DEFAULT_LIMIT,
    offset,
  })
  return { submissions, pagingMetadata: { count: submissions.length, offset, total } }
}

export const submissionRoutes = new Hono<{ Bindings: Env }>()

submissionRoutes.get('/v1/submissions', validate('query', logQuery), async (c) => {
  const q = c.req.valid('query')
  return c.json(await listed(c.env.DB, q, q.contactId))
})

// A contact's timeline; a merged-away id answers with the submissions of the contact it joined.
submissionRoutes.get('/v1/contacts/:id/submissions', validate('query', filterQuery), async (c) =>
  c.json(await listed(c.env.DB, c.req.valid('query'), c.req.param('id')))
)

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
