/**
 * @module
 * The Contacts v4 admin API: the same paths, bodies, answers and error codes as Wix. Parses and
 * validates each request, calls the contact service, and answers.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { contactInfoInputSchema } from '../../shared/contact.ts'
import { parseJson } from '../capture/accept.ts'
import { queryContacts } from '../contacts/contact-query.ts'
import {
  createContact,
  deleteContact,
  findContact,
  mergeIntoTarget,
  previewMerge,
  relabel,
  updateContact,
} from '../contacts/contact-service.ts'
import { parseProjection, project } from '../contacts/projection.ts'
import { jsonBody, validate } from './middleware/validate.ts'
import {
  listParam,
  queryBody,
  sortOf,
  sortParam,
  sortParams,
  textParam,
  wholeNumberParam,
} from './query-params.ts'

const MAX_MERGE_SOURCES = 5

const projectionQuery = z.object({ fields: listParam, fieldsets: listParam })
const listQuery = z.extend(projectionQuery, {
  ...sortParams,
  'paging.limit': wholeNumberParam,
  'paging.offset': wholeNumberParam,
})
const contactQueryBody = z.object({
  query: queryBody({
    fields: z.optional(z.array(z.string())),
    fieldsets: z.optional(z.array(z.string())),
  }),
  search: z.optional(z.string().check(z.maxLength(100))),
})
const revision = z.int().check(z.positive())
const allowDuplicates = z._default(z.boolean(), false)
const createBody = z.object({ info: contactInfoInputSchema, allowDuplicates })
const updateBody = z.object({ revision, info: contactInfoInputSchema, allowDuplicates })
const sourceIds = z
  .array(z.string().check(z.minLength(1), z.maxLength(100)))
  .check(z.minLength(1), z.maxLength(MAX_MERGE_SOURCES))
const mergeBody = z.object({ targetContactRevision: revision, sourceContactIds: sourceIds })
const previewMergeBody = z.object({ sourceContactIds: sourceIds })
const labelKeys = z
  .array(z.string().check(z.minLength(1), z.maxLength(80)))
  .check(z.minLength(1), z.maxLength(100))
const labelKeysBody = z.object({ labelKeys })
const labelKeysQuery = z.object({ labelKeys: listParam })

export const contactRoutes = new Hono<{ Bindings: Env }>()

// ---- Read

contactRoutes.get('/contacts/v4/contacts/:id', validate('query', projectionQuery), async (c) => {
  const q = c.req.valid('query')
  const { contact, responseType } = await findContact(c.env.DB, c.req.param('id'))
  return c.json({ contact: project(contact, parseProjection(q.fields, q.fieldsets)), responseType })
})

contactRoutes.get('/contacts/v4/contacts', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  return c.json(
    await queryContacts(c.env.DB, {
      sort: sortParam(q),
      limit: q['paging.limit'],
      offset: q['paging.offset'] ?? 0,
      projection: parseProjection(q.fields, q.fieldsets),
    })
  )
})

contactRoutes.post('/contacts/v4/contacts/query', jsonBody(contactQueryBody), async (c) => {
  const { query, search } = c.req.valid('json')
  return c.json(
    await queryContacts(c.env.DB, {
      filter: query.filter,
      sort: sortOf(query.sort),
      limit: query.paging?.limit,
      offset: query.paging?.offset ?? 0,
      projection: parseProjection(query.fields, query.fieldsets),
      ...(search ? { search } : {}),
    })
  )
})

// ---- Write

contactRoutes.post('/contacts/v4/contacts', jsonBody(createBody), async (c) => {
  const { info, allowDuplicates } = c.req.valid('json')
  return c.json({ contact: await createContact(c.env.DB, info, allowDuplicates) })
})

contactRoutes.patch('/contacts/v4/contacts/:id', jsonBody(updateBody), async (c) => {
  const { revision, info, allowDuplicates } = c.req.valid('json')
  const id = c.req.param('id')
  return c.json({ contact: await updateContact(c.env.DB, id, revision, info, allowDuplicates) })
})

contactRoutes.delete('/contacts/v4/contacts/:id', async (c) => {
  await deleteContact(c.env.DB, c.req.param('id'))
  return c.json({})
})

contactRoutes.post(
  '/contacts/v4/contacts/:id/preview-merge',
  jsonBody(previewMergeBody),
  async (c) => {
    const { sourceContactIds } = c.req.valid('json')
    return c.json({ contact: await previewMerge(c.env.DB, c.req.param('id'), sourceContactIds) })
  }
)

contactRoutes.post('/contacts/v4/contacts/:id/merge', jsonBody(mergeBody), async (c) => {
  const { targetContactRevision, sourceContactIds } = c.req.valid('json')
  const id = c.req.param('id')
  return c.json({
    contact: await mergeIntoTarget(c.env.DB, id, targetContactRevision, sourceContactIds),
  })
})

contactRoutes.post('/contacts/v4/contacts/:id/labels', jsonBody(labelKeysBody), async (c) => {
  const keys = c.req.valid('json').labelKeys
  return c.json({ contact: await relabel(c.env.DB, c.req.param('id'), keys, 'add') })
})

contactRoutes.delete(
  '/contacts/v4/contacts/:id/labels',
  validate('query', labelKeysQuery),
  async (c) => {
    // The REST docs send the keys in the body, the SDK in the query string; both are accepted.
    const fromQuery = c.req.valid('query').labelKeys
    const text = fromQuery.length ? '' : await c.req.text()
    const body = fromQuery.length ? { labelKeys: fromQuery } : text.trim() ? parseJson(text) : {}
    const parsed = labelKeysBody.safeParse(body)
    if (!parsed.success) {
      throw applicationError(
        400,
        'INVALID_ARGUMENT',
        'Send 1 to 100 labelKeys, in the body or as ?labelKeys=.'
      )
    }
    const keys = parsed.data.labelKeys
    return c.json({ contact: await relabel(c.env.DB, c.req.param('id'), keys, 'remove') })
  }
)
