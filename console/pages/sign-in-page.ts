/**
 * @module
 * `<cc-sign-in-page>`: asks for the admin key once and exchanges it for a session cookie. The
 * field is emptied as the key is sent, and the key is held in no property, storage or URL.
 *
 * @event cc-signed-in - `detail` is the new Session
 */
import { LitElement, html, nothing } from 'lit'
import { ApiError, errorMessage } from '../api.ts'
import { signIn } from '../session.ts'
import { fill, S } from '../strings.ts'

export class SignInPage extends LitElement {
  static override properties = {
    notice: { type: String },
    error: { state: true },
    busy: { state: true },
  }

  /** Said above the form: why the visitor is here (signed out, session ended). */
  notice = ''
  error = ''
  busy = false

  protected override createRenderRoot(): HTMLElement {
    return this
  }

  override firstUpdated(): void {
    this.querySelector<HTMLInputElement>('#admin-key')?.focus()
  }

  private async handleSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault()
    const input = this.querySelector<HTMLInputElement>('#admin-key')!
    if (!input.value) {
      input.focus()
      return
    }
    this.busy = true
    this.error = ''
    const sending = signIn(input.value)
    input.value = ''
    try {
      const session = await sending
      this.dispatchEvent(new CustomEvent('cc-signed-in', { detail: session, bubbles: true }))
    } catch (error) {
      this.error =
        error instanceof ApiError && error.status === 401
          ? S.signIn.wrongKey
          : error instanceof ApiError && error.status === 429
            ? fill(S.signIn.tooMany, { seconds: error.retryAfter ?? 60 })
            : errorMessage(error)
      this.busy = false
      await this.updateComplete
      input.focus()
    }
  }

  protected override render() {
    return html`
      <main class="sign-in" id="main">
        <section class="card" aria-labelledby="sign-in-heading">
          <h1 id="sign-in-heading">${S.signIn.heading}</h1>
          ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
          <form @submit=${this.handleSubmit} novalidate>
            <!-- For password managers, which file a password under a user name. -->
            <input type="text" name="username" autocomplete="username" value="admin" hidden />
            <div class="field">
              <label for="admin-key">${S.signIn.keyLabel}</label>
              <input
                id="admin-key"
                name="key"
                type="password"
                autocomplete="current-password"
                spellcheck="false"
                required
                aria-describedby="admin-key-hint ${this.error ? 'admin-key-error' : ''}"
                aria-invalid=${this.error ? 'true' : 'false'}
              />
              <p class="hint" id="admin-key-hint">${S.signIn.keyHint}</p>
            </div>
            <div role="alert" id="admin-key-error">
              ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
            </div>
            <div>
              <button class="primary" type="submit" ?disabled=${this.busy}>
                ${this.busy ? S.signIn.signingIn : S.signIn.submit}
              </button>
            </div>
          </form>
        </section>
      </main>
    `
  }
}

customElements.define('cc-sign-in-page', SignInPage)

declare global {
  interface HTMLElementTagNameMap {
    'cc-sign-in-page': SignInPage
  }
}
