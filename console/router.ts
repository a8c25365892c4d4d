/**
 * @module
 * The console's places live in the URL's hash (`/admin/#/contacts?label=custom.vip&page=2`), so
 * the worker serves one static page for all of them, and a view can be bookmarked, shared, and
 * walked with back and forward. A route is a path with `:name` parts and a query.
 *
 * @example
 * matchPath('/contacts/:id', '/contacts/abc') // { id: 'abc' }
 * navigate('/contacts', new URLSearchParams({ q: 'ann@example.com' }))
 */

export interface Location {
  path: string
  query: URLSearchParams
}

export const DEFAULT_PATH = '/contacts'

/** Where the hash points now: `#/contacts?page=2` → `{ path: '/contacts', query: page=2 }`. */
export function currentLocation(): Location {
  const hash = window.location.hash.replace(/^#/, '')
  const [path = '', query = ''] = hash.split(/\?(.*)/s)
  return {
    path: path.startsWith('/') && path.length > 1 ? path.replace(/\/+$/, '') : DEFAULT_PATH,
    query: new URLSearchParams(query),
  }
}

/** The link to a place: `#/contacts?page=2`. */
export function hrefFor(path: string, query?: URLSearchParams): string {
  const q = query?.toString()
  return `#${path}${q ? `?${q}` : ''}`
}

/**
 * Goes to a place: a new history entry, or with `replace` the current one changed (for state that
 * back should not step through). Either way `hashchange` tells the console.
 */
export function navigate(path: string, query?: URLSearchParams, { replace = false } = {}): void {
  const href = hrefFor(path, query)
  if (href === window.location.hash) return
  if (replace) window.location.replace(href)
  else window.location.hash = href
}

/** The `:name` parts of `path` if it fits `pattern`, else undefined. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.split('/')
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (const [i, part] of want.entries()) {
    const value = got[i]!
    if (part.startsWith(':')) {
      if (!value) return undefined
      params[part.slice(1)] = decodeURIComponent(value)
    } else if (part !== value) return undefined
  }
  return params
}
