/**
 * @module
 * The Contacts v4 admin API (Wix-compatible paths, bodies and answers).
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { applicationError } from '../errors.ts'
import { compileContactFilter, SORT_COLUMNS } from '../db/contact-filter.ts'
import { getContact, selectContacts } from '../db/contacts.ts'
import { validate } from '../middleware/validate.ts'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000

const queryBody = z.object({
  query: z
    .object({
      filter: z.record(z.string(), z.unknown()).optional(),
      // Wix documents an array of at most one; one of its own examples sends a bare object.
      sort: z
        .union([
          z
            .array(
              z.object({ fieldName: z.string(), order: z.enum(['ASC', 'DESC']).default('ASC') })
            )
            .max(1),
          z.object({ fieldName: z.string(), order: z.enum(['ASC', 'DESC']).default('ASC') }),
        ])
        .optional(),
      paging: z
        .object({ limit: z.number().int().optional(), offset: z.number().int().min(0).default(0) })
        .optional(),
    })
    .default({}),
})

export const contactRoutes = new Hono<{ Bindings: Env }>()

contactRoutes.get('/contacts/v4/contacts/:id', async (c) => {
  const id = c.req.param('id')
  const contact = await getContact(c.env.DB, id)
  if (!contact)
    throw applicationError(404, 'CONTACT_NOT_FOUND', `There is no contact "${id}".`, { id })
  return c.json({ contact })
})

contactRoutes.post('/contacts/v4/contacts/query', validate('json', queryBody), async (c) => {
  const { query } = c.req.valid('json')
  const sort = Array.isArray(query.sort) ? query.sort[0] : query.sort
  const sortColumn = SORT_COLUMNS[sort?.fieldName ?? 'createdDate']
  if (!sortColumn) {
    throw applicationError(
      400,
      'UNSUPPORTED_SORT_FIELD',
      `Contacts cannot be sorted by "${sort?.fieldName}".`
    )
  }
  const limit = query.paging?.limit ?? DEFAULT_LIMIT
  if (limit < 1 || limit > MAX_LIMIT) {
    throw applicationError(400, 'ILLEGAL_LIMIT', `paging.limit must be between 1 and ${MAX_LIMIT}.`)
  }
  const offset = query.paging?.offset ?? 0
  const direction = sort?.order === 'DESC' ? 'DESC' : 'ASC'
  const page = await selectContacts(c.env.DB, {
    where: compileContactFilter(query.filter),
    // id breaks ties, so offset pages neither skip nor repeat contacts created in the same millisecond.
    orderBy: `${sortColumn} ${direction}, c.id ${direction}`,
    limit,
    offset,
  })
  return c.json({
    contacts: page.contacts,
    pagingMetadata: {
      count: page.contacts.length,
      offset,
      total: page.total,
      tooManyToCount: false,
    },
  })
})
