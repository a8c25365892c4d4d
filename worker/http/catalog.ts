/**
 * @module
 * The Labels v4 and Extended Fields v4 admin APIs. They are the same set of operations on two
 * tables; `catalogRoutes` builds either from a description of what differs.
 */
import { Hono } from 'hono'
import { z } from 'zod'
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
import { compileFilter, readInstant, scalar } from '../db/query/compile.ts'
import type { FieldRule, Operator } from '../db/query/compile.ts'
import { applicationError } from '../../shared/api-error.ts'
import { validate } from './middleware/validate.ts'
import { intParam, queryBody, sortOf } from './query-params.ts'

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
  filters: Record<string, FieldRule>
  /** Query-string filters of the GET list. */
  listFilters: Record<string, string>
  present: (row: Parameters<typeof toLabel>[0]) => unknown
}

const EQ: Operator[] = ['$eq', '$ne', '$in']
const NAME: Operator[] = ['$eq', '$ne', '$in', '$startsWith']
const RANGE: Operator[] = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte']
const common = {
  key: scalar('c.key', EQ),
  displayName: scalar('c.display_name', NAME),
  createdDate: scalar('c.created_date', RANGE, readInstant),
  updatedDate: scalar('c.updated_date', RANGE, readInstant),
  namespace: scalar('c.namespace', ['$eq', '$ne']),
}
const SORTS: Record<string, string> = {
  displayName: 'c.display_name',
  createdDate: 'c.created_date',
  updatedDate: 'c.updated_date',
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
  filters: { ...common, labelType: scalar('c.label_type', ['$eq']) },
  listFilters: { labelType: 'c.label_type', namespace: 'c.namespace' },
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
  filters: {
    ...common,
    fieldType: scalar('c.field_type', ['$eq']),
    dataType: scalar('c.data_type', ['$eq', '$ne']),
  },
  listFilters: { fieldType: 'c.field_type', namespace: 'c.namespace' },
  present: toExtendedField,
}

export function catalogRoutes(api: CatalogApi) {
  const routes = new Hono<{ Bindings: Env }>()
  const displayName = z.string().trim().min(1).max(api.maxName)
  const createBody = z.object({
    displayName,
    language: z.string().max(10).optional(),
    ...(api.kind === 'extended_fields'
      ? { dataType: z.enum(EXTENDED_FIELD_DATA_TYPES).default('TEXT') }
      : {}),
  })
  const renameBody = z.object({
    [api.one]: z.object({ displayName }),
    language: z.string().max(10).optional(),
  })
  const catalogQueryBody = z.object({
    query: queryBody({}),
    language: z.string().max(10).optional(),
  })

  async function page(
    db: D1Database,
    where: ReturnType<typeof compileFilter>,
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
    const sortField = sort?.fieldName ?? 'createdDate'
    const column = Object.hasOwn(SORTS, sortField) ? SORTS[sortField] : undefined
    if (!column) throw applicationError(400, 'INVALID_SORT', `Cannot sort by "${sort?.fieldName}".`)
    const direction = sort?.order === 'DESC' ? 'DESC' : 'ASC'
    const { rows, total } = await queryCatalog(
      db,
      api.kind,
      where,
      `${column} ${direction}, c.key ${direction}`,
      limit,
      offset
    )
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

  routes.post(api.path, validate('json', createBody), async (c) => {
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

  routes.get(api.path, async (c) => {
    const parts = Object.entries(api.listFilters).flatMap(([name, column]) => {
      const value = c.req.query(name)
      return value === undefined ? [] : [{ sql: `${column} = ?`, params: [value] as unknown[] }]
    })
    const startsWith = c.req.query('startsWith')
    // Case-sensitive, as Wix documents for this parameter.
    if (startsWith)
      parts.push({
        sql: `substr(c.display_name, 1, ?) = ?`,
        params: [startsWith.length, startsWith],
      })
    const where = parts.length
      ? {
          sql: parts.map((p) => `(${p.sql})`).join(' AND '),
          params: parts.flatMap((p) => p.params),
        }
      : { sql: '1', params: [] }

    const fieldName = c.req.query('sort.fieldName')
    const result = await page(
      c.env.DB,
      where,
      fieldName
        ? { fieldName, order: c.req.query('sort.order') === 'DESC' ? 'DESC' : 'ASC' }
        : undefined,
      intParam(c, 'paging.limit'),
      intParam(c, 'paging.offset')
    )
    return c.json({ [api.many]: result.items, metadata: result.meta })
  })

  routes.post(`${api.path}/query`, validate('json', catalogQueryBody), async (c) => {
    const { query } = c.req.valid('json')
    const where = compileFilter(query.filter, (field) =>
      Object.hasOwn(api.filters, field) ? api.filters[field] : undefined
    )
    const sort = sortOf(query.sort)
    const result = await page(c.env.DB, where, sort, query.paging?.limit, query.paging?.offset)
    return c.json({ [api.many]: result.items, pagingMetadata: result.meta })
  })

  routes.patch(`${api.path}/:key`, validate('json', renameBody), async (c) => {
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
