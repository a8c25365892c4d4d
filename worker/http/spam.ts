/**
 * @module
 * The spam folder for site owners: submissions refused as automated, with what they sent, for
 * 30 days; restore ("not spam") runs one through the pipeline; delete drops it.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { formIdSchema } from '../../shared/forms-config.ts'
import { restoreSpam } from '../capture/spam-folder.ts'
import { deleteSpam, listSpam } from '../db/spam.ts'
import type { SpamRow } from '../db/spam.ts'
import { jsonBody, validate } from './middleware/validate.ts'
import { textParam, wholeNumberParam } from './query-params.ts'

const MAX_LIMIT = 1000

const listQuery = z.object({
  formId: z.pipe(
    z.transform((v) => (Array.isArray(v) ? v[0] : v)),
    z.optional(formIdSchema)
  ),
  reason: textParam,
  'paging.limit': wholeNumberParam,
  'paging.offset': wholeNumberParam,
})

function toRecord(row: SpamRow) {
  const { values, context } = JSON.parse(row.payload) as Record<string, unknown>
  return {
    id: row.id,
    formId: row.form_id,
    reason: row.reason,
    createdDate: row.created_date,
    origin: row.origin,
    values,
    context,
  }
}

export const spamRoutes = new Hono<{ Bindings: Env }>()

spamRoutes.get('/v1/spam', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  const limit = q['paging.limit'] ?? 50
  if (limit < 1 || limit > MAX_LIMIT)
    throw applicationError(400, 'ILLEGAL_LIMIT', `paging.limit must be between 1 and ${MAX_LIMIT}.`)
  const offset = q['paging.offset'] ?? 0
  const { rows, total } = await listSpam(
    c.env.DB,
    { formId: q.formId, reason: q.reason },
    { limit, offset }
  )
  return c.json({
    submissions: rows.map(toRecord),
    pagingMetadata: { count: rows.length, offset, total },
  })
})

// No options: a body with any is refused rather than ignored.
spamRoutes.post('/v1/spam/:id/restore', jsonBody(z.strictObject({})), async (c) =>
  c.json(await restoreSpam(c.env, c.req.param('id')))
)

spamRoutes.delete('/v1/spam/:id', async (c) => {
  const id = c.req.param('id')
  if (!(await deleteSpam(c.env.DB, id)))
    throw applicationError(404, 'SPAM_NOT_FOUND', `There is no suspected spam "${id}".`, { id })
  return c.json({})
})
