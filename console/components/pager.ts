/**
 * @module
 * Previous and next links under a paged list, with where the page is: "Showing 26–50 of 120",
 * or "Page 2" for lists that do not tell their total (webhook deliveries).
 *
 * @example
 * pager({ page: 2, size: 25, shown: 25, total: 120 }, (page) => `#/submissions?page=${page}`)
 */
import { html } from 'lit'
import { fill, S } from '../strings.ts'

/** A page number from the query's `page`: a whole number from 1. */
export function pageOf(query: URLSearchParams): number {
  const page = Number(query.get('page'))
  return Number.isInteger(page) && page > 0 ? page : 1
}

export function pager(
  at: { page: number; size: number; shown: number; total?: number },
  href: (page: number) => string
) {
  const { page, size, shown, total } = at
  const from = (page - 1) * size + 1
  const more = total === undefined ? shown === size : page * size < total
  const link = (label: string, to: number, enabled: boolean) =>
    enabled
      ? html`<a class="button" href=${href(to)}>${label}</a>`
      : html`<a class="button" role="link" aria-disabled="true">${label}</a>`
  if (page === 1 && !more) return ''
  return html`<nav class="pager" aria-label=${S.list.pages}>
    <p>
      ${
        total === undefined
          ? fill(S.list.pageN, { page })
          : fill(S.list.showing, { from, to: from + shown - 1, total })
      }
    </p>
    <ul>
      <li>${link(S.list.previous, page - 1, page > 1)}</li>
      <li>${link(S.list.next, page + 1, more)}</li>
    </ul>
  </nav>`
}
