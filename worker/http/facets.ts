/**
 * @module
 * Contacts v4 List Facets and Query Facets. Mounted before the contact routes, whose
 * `/contacts/v4/contacts/:id` would otherwise take `facets` for a contact id.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { listFacets } from '../contacts/facets.ts'
import type { ContactsFacet } from '../contacts/facets.ts'
import { jsonBody, validate } from './middleware/validate.ts'
import { textParam, wholeNumberParam } from './query-params.ts'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000

const listQuery = z.object({
  'paging.limit': wholeNumberParam,
  'paging.offset': wholeNumberParam,
  language: textParam,
})
const queryBody = z.strictObject({
  filter: z.optional(z.record(z.string(), z.unknown())),
  paging: z.optional(
    z.strictObject({
      limit: z.optional(z.int()),
      offset: z._default(z.int().check(z.gte(0)), 0),
    })
  ),
  // Display names are the owner's own; there is nothing to translate.
  language: z.optional(z.string().check(z.maxLength(20))),
})

function page(facets: ContactsFacet[], limit = DEFAULT_LIMIT, offset = 0) {
  if (limit < 1 || limit > MAX_LIMIT)
    throw applicationError(400, 'ILLEGAL_LIMIT', `paging.limit must be between 1 and ${MAX_LIMIT}.`)
  const items = facets.slice(offset, offset + limit)
  return {
    facets: items,
    pagingMetadata: { count: items.length, offset, total: facets.length, tooManyToCount: false },
  }
}

export const facetRoutes = new Hono<{ Bindings: Env }>()

facetRoutes.get('/contacts/v4/contacts/facets', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  return c.json(page(await listFacets(c.env.DB, undefined), q['paging.limit'], q['paging.offset']))
})

facetRoutes.post('/contacts/v4/contacts/facets/query', jsonBody(queryBody), async (c) => {
  const { filter, paging } = c.req.valid('json')
  return c.json(page(await listFacets(c.env.DB, filter), paging?.limit, paging?.offset))
})
