/**
 * @module
 * CSV import. The file is the request body itself (`curl --data-binary @contacts.csv`, or
 * `fetch(url, { method: 'POST', body: file })` in a browser); the options are query parameters.
 * - `POST /v1/contacts/imports/preview`: the header, the first rows, the suggested mapping.
 * - `POST /v1/contacts/imports?dryRun=true&…`: what the import would do, row by row; nothing stored.
 * - `POST /v1/contacts/imports?…`: the import as a bulk job → `{ jobId, rows }`; its progress at
 *   `GET /contacts/v4/bulk/jobs/:jobId`, its rejected rows at `GET …/imports/:jobId/rejected.csv`.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { IMPORT_LIMITS, IMPORT_ON_DUPLICATE } from '../../shared/contact-csv.ts'
import { dryRunImport, previewImport, rejectedRowsCsv, startImport } from '../contacts/imports.ts'
import type { ImportOptions } from '../contacts/imports.ts'
import { validate } from './middleware/validate.ts'
import { textParam } from './query-params.ts'

/** The uploads: their bodies are CSV files, limited by the import itself rather than the admin cap. */
export const IMPORT_UPLOADS = ['/v1/contacts/imports', '/v1/contacts/imports/preview']

const yes = z.pipe(
  z.transform((v) => (Array.isArray(v) ? v[0] : v)),
  z.pipe(
    z.optional(z.enum(['true', 'false', '1', '0'])),
    z.transform((v) => v === 'true' || v === '1')
  )
)
const labels = z.pipe(
  z.pipe(
    z.optional(z.union([z.string(), z.array(z.string())])),
    z.transform((v) =>
      [v ?? []]
        .flat()
        .map((s) => s.trim())
        .filter(Boolean)
    )
  ),
  z.array(z.string().check(z.maxLength(180))).check(z.maxLength(100))
)

const importQuery = z.object({
  mapping: textParam,
  labels,
  onDuplicate: z.pipe(textParam, z._default(z.enum(IMPORT_ON_DUPLICATE), 'append')),
  defaultCountry: z.pipe(
    textParam,
    z.optional(
      z
        .string()
        .check(
          z.regex(/^[A-Za-z]{2}$/, 'Use an ISO 3166 alpha-2 country code, such as US'),
          z.toUpperCase()
        )
    )
  ),
  dryRun: yes,
})

/** The body as a stream, after refusing what cannot be a CSV file or is too large to read. */
function csvBody(c: Context): ReadableStream<Uint8Array> | null {
  const type = c.req.header('Content-Type')?.split(';')[0]!.trim().toLowerCase() ?? ''
  if (type === 'multipart/form-data' || type === 'application/json') {
    throw applicationError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the CSV file itself as the body (Content-Type: text/csv), e.g. curl --data-binary @contacts.csv -H "Content-Type: text/csv".'
    )
  }
  const length = Number(c.req.header('Content-Length'))
  if (length > IMPORT_LIMITS.bytes) {
    throw applicationError(
      413,
      'PAYLOAD_TOO_LARGE',
      `A CSV file may be at most ${IMPORT_LIMITS.bytes / 1024 / 1024} MB (${IMPORT_LIMITS.bytes.toLocaleString('en')} bytes).`,
      { limit: IMPORT_LIMITS.bytes }
    )
  }
  return c.req.raw.body
}

function parseMapping(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw applicationError(
      400,
      'MALFORMED_MAPPING',
      'mapping must be a JSON object from column names to targets, e.g. {"E-mail":"email","Notes":"skip"}.'
    )
  }
}

export const importRoutes = new Hono<{ Bindings: Env }>()

importRoutes.post('/v1/contacts/imports/preview', async (c) =>
  c.json(await previewImport(c.env.DB, csvBody(c)))
)

importRoutes.post('/v1/contacts/imports', validate('query', importQuery), async (c) => {
  const q = c.req.valid('query')
  const options: ImportOptions = {
    mapping: parseMapping(q.mapping),
    labels: q.labels,
    onDuplicate: q.onDuplicate,
    defaultCountry: q.defaultCountry,
  }
  const body = csvBody(c)
  if (q.dryRun) return c.json(await dryRunImport(c.env.DB, body, options))
  return c.json(await startImport(c.env.DB, c.env.BULK_JOBS, body, options))
})

importRoutes.get('/v1/contacts/imports/:jobId/rejected.csv', async (c) => {
  const jobId = c.req.param('jobId')
  return c.body(await rejectedRowsCsv(c.env.DB, jobId), 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="rejected-rows-${jobId}.csv"`,
    'Cache-Control': 'no-store',
  })
})
