/**
 * @module
 * Query Contacts: a filter in Wix's query language, one sort with the id breaking ties, offset
 * paging, optional plain-text search, and the projection of each contact.
 */
import { applicationError } from '../../shared/api-error.ts'
import type { Contact, PagingMetadata } from '../../shared/contact.ts'
import { customFieldTypes } from '../db/catalog-entries.ts'
import { selectContacts } from '../db/contact-reads.ts'
import { join } from '../db/query/compile.ts'
import type { SqlCondition } from '../db/query/compile.ts'
import {
  compileContactFilter,
  contactSortExpression,
  mentionsCustomField,
} from '../db/query/contact-fields.ts'
import { contactSearch } from '../db/query/contact-search.ts'
import { project } from './projection.ts'
import type { Projection } from './projection.ts'

export const DEFAULT_LIMIT = 50
export const MAX_LIMIT = 1000

export interface ContactQuery {
  filter?: unknown
  sort?: { fieldName: string; order: 'ASC' | 'DESC' } | undefined
  limit?: number | undefined
  offset: number
  projection: Projection
  /** Wix's plain-text search: an exact match (any case) on first or last name, an email or a phone. */
  search?: string
}

/** The SQL condition (over contacts `c`) for a filter and an optional search, as Query Contacts reads them. */
export async function matchingContacts(
  db: D1Database,
  filter: unknown,
  search?: string
): Promise<SqlCondition> {
  const custom = mentionsCustomField(filter) ? await customFieldTypes(db) : undefined
  return contactCondition(filter, search, custom)
}

function contactCondition(
  filter: unknown,
  search: string | undefined,
  custom: Awaited<ReturnType<typeof customFieldTypes>> | undefined
): SqlCondition {
  const compiled = compileContactFilter(filter, custom)
  return search ? join([compiled, contactSearch(search)], ' AND ') : compiled
}

export async function queryContacts(
  db: D1Database,
  q: ContactQuery
): Promise<{ contacts: Partial<Contact>[]; pagingMetadata: PagingMetadata }> {
  const limit = q.limit ?? DEFAULT_LIMIT
  if (limit < 1 || limit > MAX_LIMIT)
    throw applicationError(400, 'ILLEGAL_LIMIT', `paging.limit must be between 1 and ${MAX_LIMIT}.`)
  const custom = mentionsCustomField(q.filter, q.sort?.fieldName)
    ? await customFieldTypes(db)
    : undefined
  const sortField = q.sort?.fieldName ?? 'createdDate'
  const sortExpression = contactSortExpression(sortField, custom)
  if (!sortExpression)
    throw applicationError(
      400,
      'UNSUPPORTED_SORT_FIELD',
      `Contacts cannot be sorted by "${sortField}".`
    )
  const direction = q.sort?.order === 'DESC' ? 'DESC' : 'ASC'
  const where = contactCondition(q.filter, q.search, custom)
  const page = await selectContacts(db, {
    where,
    // id breaks ties, so offset pages neither skip nor repeat contacts with equal sort values.
    orderBy: `${sortExpression} ${direction}, c.id ${direction}`,
    limit,
    offset: q.offset,
  })
  return {
    contacts: page.contacts.map((contact) => project(contact, q.projection)),
    pagingMetadata: {
      count: page.contacts.length,
      offset: q.offset,
      total: page.total,
      tooManyToCount: false,
    },
  }
}
