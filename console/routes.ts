/**
 * @module
 * The console's pages: the path each answers, its title, whether the navigation lists it, and
 * how it is rendered. To add a page: write `pages/<name>-page.ts` (a Lit element, light DOM, its
 * heading an `<h1 tabindex="-1">`), import it here and add a route; a `nav` label puts it in
 * the navigation (for admin sessions only, with `changes`).
 */
import { html } from 'lit'
import type { TemplateResult } from 'lit'
import './pages/catalog-page.ts'
import './pages/contact-page.ts'
import './pages/contacts-page.ts'
import './pages/forms-page.ts'
import './pages/import-page.ts'
import './pages/inbox-page.ts'
import './pages/spam-page.ts'
import './pages/webhooks-page.ts'
import { matchPath } from './router.ts'
import type { Location } from './router.ts'
import { S } from './strings.ts'

/** What every page is given besides its path parameters and query. */
export interface PageContext {
  /** The session may change things (an admin key); false for read-only keys. */
  canEdit: boolean
}

export interface Route {
  /** `/contacts/:id`: `:name` parts become parameters. */
  pattern: string
  title: string
  /** The label in the navigation; routes without one are reached by links. */
  nav?: string
  /** The page is for changing things: read-only sessions do not see it in the navigation. */
  changes?: boolean
  render: (
    params: Record<string, string>,
    query: URLSearchParams,
    ctx: PageContext
  ) => TemplateResult
}

export const ROUTES: Route[] = [
  {
    pattern: '/contacts',
    title: S.contacts.heading,
    nav: S.nav.contacts,
    render: (_, query, ctx) =>
      html`<cc-contacts-page .query=${query} ?canEdit=${ctx.canEdit}></cc-contacts-page>`,
  },
  {
    pattern: '/contacts/:id',
    title: S.contacts.heading,
    render: ({ id }, _, ctx) =>
      html`<cc-contact-page .contactId=${id!} ?canEdit=${ctx.canEdit}></cc-contact-page>`,
  },
  {
    pattern: '/import',
    title: S.imports.heading,
    nav: S.nav.import,
    changes: true,
    render: (_, query, ctx) =>
      html`<cc-import-page .query=${query} ?canEdit=${ctx.canEdit}></cc-import-page>`,
  },
  {
    pattern: '/submissions',
    title: S.inbox.heading,
    nav: S.nav.inbox,
    render: (_, query, ctx) =>
      html`<cc-inbox-page .query=${query} ?canEdit=${ctx.canEdit}></cc-inbox-page>`,
  },
  {
    pattern: '/spam',
    title: S.spam.heading,
    nav: S.nav.spam,
    render: (_, query, ctx) =>
      html`<cc-spam-page .query=${query} ?canEdit=${ctx.canEdit}></cc-spam-page>`,
  },
  {
    pattern: '/labels',
    title: S.catalog.heading,
    nav: S.nav.catalog,
    render: (_, query, ctx) =>
      html`<cc-catalog-page .query=${query} ?canEdit=${ctx.canEdit}></cc-catalog-page>`,
  },
  {
    pattern: '/webhooks',
    title: S.webhooks.heading,
    nav: S.nav.webhooks,
    render: (_, query, ctx) =>
      html`<cc-webhooks-page .query=${query} ?canEdit=${ctx.canEdit}></cc-webhooks-page>`,
  },
  {
    pattern: '/forms',
    title: S.forms.heading,
    nav: S.nav.forms,
    render: (_, query, ctx) =>
      html`<cc-forms-page .query=${query} ?canEdit=${ctx.canEdit}></cc-forms-page>`,
  },
]

/** The route for a location and its parameters, if any route fits. */
export function routeFor(
  location: Location
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, location.path)
    if (params) return { route, params }
  }
  return undefined
}

/** The nav entry a path belongs to: the one whose pattern starts its first segment. */
export function navRouteFor(path: string): Route | undefined {
  const first = `/${path.split('/')[1] ?? ''}`
  return ROUTES.find((r) => r.nav && r.pattern === first)
}
