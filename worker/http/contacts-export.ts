/**
 * @module
 * CSV downloads: contacts (`GET /v1/contacts/export`, with the filter and search of Query Contacts
 * in the query string, or `POST /v1/contacts/export/query` with them in a JSON body, for filters
 * too long for a URL) and a form's submissions (`GET /v1/submissions/export?formId=`).
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { formIdSchema } from '../../shared/forms-config.ts'
import { requireForm } from '../configured-forms.ts'
import { exportContacts, exportSubmissions, MAX_EXPORT_IDS } from '../contacts/csv-export.ts'
import type { ExportSelection } from '../contacts/csv-export.ts'
import { jsonBody, validate } from './middleware/validate.ts'
import { listParam, textParam } from './query-params.ts'

const search = z.string().check(z.trim(), z.minLength(1), z.maxLength(100))
const ids = z
  .array(z.string().check(z.minLength(1), z.maxLength(100)))
  .check(z.maxLength(MAX_EXPORT_IDS))

const exportQuery = z.object({
  filter: textParam,
  // An empty `search=` (a console view without one) means no search.
  search: z.pipe(
    z.pipe(
      textParam,
      z.transform((v) => v?.trim() || undefined)
    ),
    z.optional(search)
  ),
  ids: z.pipe(listParam, ids),
})
const exportBody = z.strictObject({
  filter: z.optional(z.record(z.string(), z.unknown())),
  search: z.optional(search),
  ids: z.optional(ids),
})
const submissionsQuery = z.object({ formId: z.pipe(textParam, formIdSchema) })

/** `?filter=` is Query Contacts' filter as JSON text. */
function parseFilter(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || !text.trim()) return undefined
  try {
    const filter = JSON.parse(text) as unknown
    if (typeof filter === 'object' && filter !== null && !Array.isArray(filter))
      return filter as Record<string, unknown>
  } catch {
    // answered below
  }
  throw applicationError(
    400,
    'MALFORMED_FILTER',
    'filter must be a JSON object in the query language of Query Contacts, e.g. {"info.labelKeys":{"$hasSome":["custom.website-lead"]}}.'
  )
}

function csv(c: Context, body: ReadableStream<Uint8Array>, name: string): Response {
  const day = new Date().toISOString().slice(0, 10)
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}-${day}.csv"`,
    'Cache-Control': 'no-store',
  })
}

async function contactsCsv(c: Context<{ Bindings: Env }>, selection: ExportSelection) {
  return csv(c, await exportContacts(c.env.DB, selection), 'contacts')
}

export const exportRoutes = new Hono<{ Bindings: Env }>()

exportRoutes.get('/v1/contacts/export', validate('query', exportQuery), async (c) => {
  const q = c.req.valid('query')
  return contactsCsv(c, {
    filter: parseFilter(q.filter),
    search: q.search,
    ...(q.ids.length ? { ids: q.ids } : {}),
  })
})

exportRoutes.post('/v1/contacts/export/query', jsonBody(exportBody), async (c) =>
  contactsCsv(c, c.req.valid('json'))
)

exportRoutes.get('/v1/submissions/export', validate('query', submissionsQuery), async (c) => {
  const { formId } = c.req.valid('query')
  return csv(c, exportSubmissions(c.env.DB, formId, requireForm(formId)), `submissions-${formId}`)
})
