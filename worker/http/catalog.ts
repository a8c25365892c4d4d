/**
 * @module
 * The Labels v4 and Extended Fields v4 admin APIs. They are the same set of operations on two
 * tables; `catalogRoutes` builds either from a description of what differs.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { EXTENDED_FIELD_DATA_TYPES } from '../../shared/extended-values.ts'
import {
  deleteEntry,
  findOrCreate,
  getCatalogEntry,
  queryCatalog,
  renameEntry,
  toExtendedField,
  toLabel,
} from '../db/catalog-entries.ts'
import type { CatalogKind } from '../db/catalog-entries.ts'
import {
  catalogListCondition,
  catalogOrderBy,
  compileCatalogFilter,
  LIST_FILTERS,
} from '../db/query/catalog-fields.ts'
import type { SqlCondition } from '../db/query/compile.ts'
import { applicationError } from '../../shared/api-error.ts'
import { jsonBody, validate } from './middleware/validate.ts'
import {
  queryBody,
  sortOf,
  sortParam,
  sortParams,
  textParam,
  wholeNumberParam,
} from './query-params.ts'

interface CatalogApi {
  kind: CatalogKind
  path: string
  /** JSON property names: `label`/`labels`/`newLabel` or `field`/`fields`/`newField`. */
  one: string
  many: string
  created: string
  notFound: string
  maxName: number
  defaultLimit: number
  maxLimit: number
  present: (row: Parameters<typeof toLabel>[0]) => unknown
}

export const LABELS: CatalogApi = {
  kind: 'labels',
  path: '/contacts/v4/labels',
  one: 'label',
  many: 'labels',
  created: 'newLabel',
  notFound: 'LABEL_NOT_FOUND',
  maxName: 180,
  defaultLimit: 1000,
  maxLimit: 2000,
  present: toLabel,
}

export const EXTENDED_FIELDS: CatalogApi = {
  kind: 'extended_fields',
  path: '/contacts/v4/extended-fields',
  one: 'field',
  many: 'fields',
  created: 'newField',
  notFound: 'EXTENDED_FIELD_NOT_FOUND',
  maxName: 150,
  defaultLimit: 100,
  maxLimit: 1000,
  present: toExtendedField,
}

export function catalogRoutes(api: CatalogApi) {
  const routes = new Hono<{ Bindings: Env }>()
  const displayName = z.string().check(z.trim(), z.minLength(1), z.maxLength(api.maxName))
  const language = z.optional(z.string().check(z.maxLength(10)))
  const createBody = z.object({
    displayName,
    language,
    ...(api.kind === 'extended_fields'
      ? { dataType: z._default(z.enum(EXTENDED_FIELD_DATA_TYPES), 'TEXT') }
      : {}),
  })
  const renameBody = z.object({
    [api.one]: z.object({ displayName }),
    language,
  })
  const listQuery = z.object({
    ...Object.fromEntries(Object.keys(LIST_FILTERS[api.kind]).map((name) => [name, textParam])),
    startsWith: textParam,
    ...sortParams,
    'paging.limit': wholeNumberParam,
    'paging.offset': wholeNumberParam,
  })
  const catalogQueryBody = z.object({
    query: queryBody({}),
    language,
  })

  async function page(
    db: D1Database,
    where: SqlCondition,
    sort: { fieldName: string; order: 'ASC' | 'DESC' } | undefined,
    limit = api.defaultLimit,
    offset = 0
  ) {
    if (limit < 1 || limit > api.maxLimit) {
      throw applicationError(
        400,
        'ILLEGAL_LIMIT',
        `paging.limit must be between 1 and ${api.maxLimit}.`
      )
    }
    const orderBy = catalogOrderBy(
      sort?.fieldName ?? 'createdDate',
      sort?.order === 'DESC' ? 'DESC' : 'ASC'
    )
    if (!orderBy)
      throw applicationError(400, 'INVALID_SORT', `Cannot sort by "${sort?.fieldName}".`)
    const { rows, total } = await queryCatalog(db, api.kind, where, orderBy, limit, offset)
    return {
      items: rows.map(api.present),
      meta: { count: rows.length, offset, total, tooManyToCount: false },
    }
  }

  async function requireEntry(db: D1Database, key: string) {
    const row = await getCatalogEntry(db, api.kind, key)
    if (!row) throw applicationError(404, api.notFound, `There is no ${api.one} "${key}".`, { key })
    return row
  }

  function requireUserDefined(row: { field_type?: string; label_type?: string; key: string }) {
    if (row.field_type === 'SYSTEM' || row.label_type === 'SYSTEM') {
      throw applicationError(
        400,
        'CANNOT_MODIFY_SYSTEM_ENTRY',
        `"${row.key}" is managed by the system and cannot be changed.`
      )
    }
  }

  routes.post(api.path, jsonBody(createBody), async (c) => {
    const body = c.req.valid('json') as {
      displayName: string
      dataType?: (typeof EXTENDED_FIELD_DATA_TYPES)[number]
    }
    const { row, created } = await findOrCreate(c.env.DB, api.kind, body.displayName, body.dataType)
    return c.json({ [api.one]: api.present(row), [api.created]: created })
  })

  routes.get(`${api.path}/:key`, async (c) =>
    c.json({ [api.one]: api.present(await requireEntry(c.env.DB, c.req.param('key'))) })
  )

  routes.get(api.path, validate('query', listQuery), async (c) => {
    const q = c.req.valid('query')
    const where = catalogListCondition(api.kind, q as Record<string, string | undefined>)
    const result = await page(c.env.DB, where, sortParam(q), q['paging.limit'], q['paging.offset'])
    return c.json({ [api.many]: result.items, metadata: result.meta })
  })

  routes.post(`${api.path}/query`, jsonBody(catalogQueryBody), async (c) => {
    const { query } = c.req.valid('json')
    const where = compileCatalogFilter(api.kind, query.filter)
    const sort = sortOf(query.sort)
    const result = await page(c.env.DB, where, sort, query.paging?.limit, query.paging?.offset)
    return c.json({ [api.many]: result.items, pagingMetadata: result.meta })
  })

  routes.patch(`${api.path}/:key`, jsonBody(renameBody), async (c) => {
    const key = c.req.param('key')
    requireUserDefined(await requireEntry(c.env.DB, key))
    const { displayName: name } = (c.req.valid('json') as Record<string, { displayName: string }>)[
      api.one
    ]!
    if (!(await renameEntry(c.env.DB, api.kind, key, name))) {
      throw applicationError(
        409,
        'ALREADY_EXISTS',
        `Another ${api.one} is already called "${name}".`,
        { displayName: name }
      )
    }
    return c.json({ [api.one]: api.present(await requireEntry(c.env.DB, key)) })
  })

  routes.delete(`${api.path}/:key`, async (c) => {
    const key = c.req.param('key')
    requireUserDefined(await requireEntry(c.env.DB, key))
    await deleteEntry(c.env.DB, api.kind, key)
    return c.json({})
  })

  return routes
}
