/**
 * @module
 * The contacts table's whole view — search, label, created dates, form, sort, page, page size and
 * columns — read from and written to the URL's query, so that a view is a link. Defaults are left
 * out of the URL, so the plain `#/contacts` is the newest contacts first.
 *
 * @example
 * readView(new URLSearchParams('q=ann@example.com&sort=primaryInfo.email&page=2'))
 */
import type { Facet, Filter } from './contacts-api.ts'

export interface ContactsView {
  /** Query Contacts' `search`: an exact name, email or phone. */
  search: string
  /** `''` every contact, `'none'` not labelled, else a label key. */
  label: string
  /** YYYY-MM-DD, in the browser's time zone, inclusive. */
  from: string
  to: string
  form: string
  sort: { field: string; order: 'ASC' | 'DESC' }
  /** From 1. */
  page: number
  size: number
  columns: string[]
}

export const NOT_LABELLED = 'none'
export const PAGE_SIZES = [25, 50, 100]
export const DEFAULT_COLUMNS = ['email', 'phone', 'company', 'labels', 'created']
const DEFAULT_SORT = { field: 'createdDate', order: 'DESC' } as const
const DAY = /^\d{4}-\d\d-\d\d$/

export function readView(q: URLSearchParams): ContactsView {
  const [field, order] = (q.get('sort') ?? '').split(':')
  const size = Number(q.get('size'))
  const page = Number(q.get('page'))
  const day = (name: string) => (DAY.test(q.get(name) ?? '') ? q.get(name)! : '')
  return {
    search: q.get('q')?.trim() ?? '',
    label: q.get('label') ?? '',
    from: day('from'),
    to: day('to'),
    form: q.get('form') ?? '',
    sort: field
      ? { field, order: order === 'asc' ? 'ASC' : 'DESC' }
      : { field: DEFAULT_SORT.field, order: DEFAULT_SORT.order },
    page: Number.isInteger(page) && page > 0 ? page : 1,
    size: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0]!,
    columns: q.has('cols') ? q.get('cols')!.split(',').filter(Boolean) : DEFAULT_COLUMNS,
  }
}

export function writeView(view: ContactsView): URLSearchParams {
  const q = new URLSearchParams()
  if (view.search) q.set('q', view.search)
  if (view.label) q.set('label', view.label)
  if (view.from) q.set('from', view.from)
  if (view.to) q.set('to', view.to)
  if (view.form) q.set('form', view.form)
  if (view.sort.field !== DEFAULT_SORT.field || view.sort.order !== DEFAULT_SORT.order)
    q.set('sort', `${view.sort.field}:${view.sort.order.toLowerCase()}`)
  if (view.page > 1) q.set('page', String(view.page))
  if (view.size !== PAGE_SIZES[0]) q.set('size', String(view.size))
  if (view.columns.join(',') !== DEFAULT_COLUMNS.join(',')) q.set('cols', view.columns.join(','))
  return q
}

/** The view changed in some parts; any change but the page or columns starts again at page 1. */
export function changeView(view: ContactsView, change: Partial<ContactsView>): ContactsView {
  const keepsPage = Object.keys(change).every((k) => k === 'page' || k === 'columns')
  return { ...view, ...(keepsPage ? {} : { page: 1 }), ...change }
}

/** What selects the same contacts: everything but the page, page size and columns. */
export function selectionKey(view: ContactsView): string {
  const { search, label, from, to, form } = view
  return JSON.stringify([search, label, from, to, form])
}

/** The facet a view's label stands for: its `queryFilter` is the filter to apply. */
export function facetFor(view: ContactsView, facets: Facet[]): Facet | undefined {
  if (!view.label) return facets.find((f) => f.facetType === 'ALL_CONTACTS')
  if (view.label === NOT_LABELLED) return facets.find((f) => f.facetType === 'NOT_LABELED')
  return facets.find((f) => f.facetType === 'LABEL' && f.facetKey === view.label)
}

/**
 * The Query Contacts filter of a view: its label facet's filter, the created dates (whole days in
 * the browser's time zone) and the ids of the form's contacts, joined by `$and`.
 */
export function filterFor(
  view: ContactsView,
  facet: Facet | undefined,
  formContactIds: string[] | undefined
): Filter {
  const parts: Filter[] = []
  const labelFilter = facet ? (JSON.parse(facet.queryFilter) as Filter) : {}
  if (Object.keys(labelFilter).length) parts.push(labelFilter)
  const created: Record<string, string> = {}
  if (view.from) created.$gte = new Date(`${view.from}T00:00:00`).toISOString()
  if (view.to) created.$lte = new Date(`${view.to}T23:59:59.999`).toISOString()
  if (Object.keys(created).length) parts.push({ createdDate: created })
  if (formContactIds) parts.push(idFilter(formContactIds))
  return parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts }
}

/** `id $in`, split into lists of at most 1,000 (the API's limit for one `$in`). */
export function idFilter(ids: string[]): Filter {
  const chunks: Filter[] = []
  for (let i = 0; i < ids.length; i += 1000) chunks.push({ id: { $in: ids.slice(i, i + 1000) } })
  return chunks.length === 1 ? chunks[0]! : { $or: chunks }
}
