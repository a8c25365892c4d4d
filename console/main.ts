/**
 * @module
 * The owner console at `/admin`: boots `<cc-console>`, which checks for a session (else shows the
 * sign-in page), draws the shell — skip link, navigation, read-only badge, sign-out — and renders
 * the page for the URL's hash (./routes.ts). It is a client of the worker's own HTTP API only.
 */
import { LitElement, html, nothing } from 'lit'
import { errorMessage, SESSION_ENDED } from './api.ts'
import { NOTICE } from './notices.ts'
import type { Notice } from './notices.ts'
import './pages/sign-in-page.ts'
import { currentLocation, hrefFor } from './router.ts'
import type { Location } from './router.ts'
import { navRouteFor, ROUTES, routeFor } from './routes.ts'
import { currentSession, signOut } from './session.ts'
import type { Session } from './session.ts'
import { fill, LANG, S } from './strings.ts'
import { adoptConsoleStyles } from './styles.ts'

export class ConsoleApp extends LitElement {
  static override properties = {
    session: { state: true },
    location: { state: true },
    signInNotice: { state: true },
    notice: { state: true },
    bootError: { state: true },
  }

  /** undefined while it is being checked; null when signed out. */
  session?: Session | null
  location: Location = currentLocation()
  signInNotice = ''
  notice?: Notice
  bootError = ''

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  readonly #onHashChange = () => {
    const before = this.location.path
    this.location = currentLocation()
    // A notice is for the move it came with; the next one takes it away.
    if (this.notice && (this.#noticeShown || this.notice.path !== this.location.path))
      this.notice = undefined
    this.#noticeShown = !!this.notice
    if (before !== this.location.path) void this.#focusPage()
  }

  readonly #onSessionEnded = () => {
    if (!this.session) return
    this.session = null
    this.signInNotice = S.signIn.sessionEnded
  }

  #noticeShown = false

  readonly #onNotice = (event: Event) => {
    this.notice = (event as CustomEvent<Notice>).detail
    this.#noticeShown = false
  }

  override connectedCallback(): void {
    super.connectedCallback()
    document.documentElement.lang = LANG
    adoptConsoleStyles()
    window.addEventListener('hashchange', this.#onHashChange)
    window.addEventListener(SESSION_ENDED, this.#onSessionEnded)
    window.addEventListener(NOTICE, this.#onNotice)
    void this.#checkSession()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('hashchange', this.#onHashChange)
    window.removeEventListener(SESSION_ENDED, this.#onSessionEnded)
    window.removeEventListener(NOTICE, this.#onNotice)
  }

  async #checkSession(): Promise<void> {
    this.bootError = ''
    try {
      this.session = await currentSession()
    } catch (error) {
      this.bootError = errorMessage(error)
    }
  }

  /** After moving to another page: its heading gets the focus, so reading starts there. */
  async #focusPage(): Promise<void> {
    await this.updateComplete
    const page = this.querySelector('main')?.lastElementChild as LitElement | null
    await page?.updateComplete
    this.querySelector<HTMLElement>('main h1')?.focus()
  }

  private async handleSignedIn(event: CustomEvent<Session>): Promise<void> {
    this.session = event.detail
    this.signInNotice = ''
    await this.#focusPage()
  }

  private async handleSignOut(): Promise<void> {
    try {
      await signOut()
    } catch {
      // Whatever the worker said, this page forgets the session; the cookie expires anyway.
    }
    this.session = null
    this.notice = undefined
    this.signInNotice = S.signIn.signedOut
  }

  protected override updated(): void {
    const found = this.session ? routeFor(this.location) : undefined
    const page = this.session === null ? S.signIn.heading : (found?.route.title ?? S.app.notFound)
    document.title = fill(S.app.pageTitle, { page })
  }

  #renderPage() {
    const found = routeFor(this.location)
    if (!found)
      return html`<div class="page">
        <h1 tabindex="-1">${S.app.notFound}</h1>
        <p><a href=${hrefFor('/contacts')}>${S.app.toContacts}</a></p>
      </div>`
    return found.route.render(found.params, this.location.query, {
      canEdit: this.session?.access === 'admin',
    })
  }

  protected override render() {
    if (this.bootError)
      return html`<main id="main" class="sign-in">
        <div class="error" role="alert">
          <p>${this.bootError}</p>
          <div class="row">
            <button type="button" @click=${this.#checkSession}>${S.errors.retry}</button>
          </div>
        </div>
      </main>`
    if (this.session === undefined)
      return html`<main id="main"><p role="status">${S.app.loading}</p></main>`
    if (this.session === null)
      return html`<cc-sign-in-page
        .notice=${this.signInNotice}
        @cc-signed-in=${this.handleSignedIn}
      ></cc-sign-in-page>`
    const current = navRouteFor(this.location.path)
    const readOnly = this.session.access !== 'admin'
    return html`
      <a class="skip-link button" href="#main" @click=${this.handleSkip}>${S.app.skip}</a>
      <header class="app-header">
        <span class="brand">${S.app.brand}</span>
        <nav class="app-nav" aria-label=${S.nav.label}>
          <ul>
            ${ROUTES.filter((r) => r.nav && (!r.changes || !readOnly)).map(
              (r) => html`<li>
                <a
                  href=${hrefFor(r.pattern)}
                  aria-current=${r === current ? 'page' : nothing}
                  >${r.nav}</a
                >
              </li>`
            )}
          </ul>
        </nav>
        <div class="session">
          ${
            readOnly
              ? html`<span class="badge" title=${S.app.readOnlyHint}>${S.app.readOnly}</span>`
              : nothing
          }
          <button type="button" @click=${this.handleSignOut}>${S.app.signOut}</button>
        </div>
      </header>
      <main id="main" tabindex="-1">
        ${readOnly ? html`<p class="visually-hidden">${S.app.readOnlyHint}</p>` : nothing}
        <div role="status" class="app-notice">
          ${
            this.notice?.path === this.location.path
              ? html`<p class="notice ok">${this.notice.text}</p>`
              : nothing
          }
        </div>
        ${this.#renderPage()}
      </main>
    `
  }

  /** The skip link's `#main` would change the route hash: move the focus instead. */
  private handleSkip(event: Event): void {
    event.preventDefault()
    this.querySelector<HTMLElement>('main')?.focus()
  }
}

customElements.define('cc-console', ConsoleApp)

declare global {
  interface HTMLElementTagNameMap {
    'cc-console': ConsoleApp
  }
}
