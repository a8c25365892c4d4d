/**
 * @module
 * A short message for a page that is about to be shown ("The contact was deleted." on the
 * contacts list): the console shell shows it there, in a status region, until the next move.
 */

export const NOTICE = 'cc-notice'

export interface Notice {
  text: string
  /** The route path it is about. */
  path: string
}

export function announce(text: string, path: string): void {
  window.dispatchEvent(new CustomEvent<Notice>(NOTICE, { detail: { text, path } }))
}
