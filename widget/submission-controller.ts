/**
 * @module
 * A submission's way to the worker, from the send button to the answer: one Idempotency-Key per
 * submission, kept on this device while the browser is offline and sent again when it is back
 * online or the form loads on a later visit (whose visitor is then told it went, and keeps the
 * form); an expired render token is swapped for a fresh one; after a rate limit nothing is sent
 * until the time it asked for. Retries of one attempt are submit-client.ts's business.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { FormDefinition } from '../shared/definition.ts'
import type { FieldViolation } from '../shared/errors.ts'
import { ContactFormErrorEvent, ContactFormSuccessEvent } from './events.ts'
import type { ContactFormErrorDetail } from './events.ts'
import { fetchDefinition, formUrl } from './form-api.ts'
import type { FormFields } from './form-fields.ts'
import { clearPending, loadPending, savePending } from './pending-store.ts'
import type { PendingSubmission } from './pending-store.ts'
import type { Say, TextCode } from './strings.ts'
import { sendSubmission } from './submit-client.ts'
import type { TaskState } from './task-controller.ts'

export type SubmissionState = 'ready' | 'submitting' | 'offline' | 'success'
/** What the status line says, for its look (`data-kind`). */
export type StatusKind = '' | 'error' | 'offline' | 'sending' | 'notice'

export interface SubmissionHost extends ReactiveControllerHost, HTMLElement {
  readonly form: string
  readonly endpoint?: string
  readonly timeout: number
  readonly say: Say
}

export class SubmissionController implements ReactiveController {
  state: SubmissionState = 'ready'
  kind: StatusKind = ''
  #status: TextCode | '' = ''
  #params?: Record<string, unknown> | undefined
  #pending?: PendingSubmission
  /** The submission on its way was saved on an earlier visit. */
  #earlier = false
  /** Until then the worker asked (with a 429) to be sent nothing. */
  #limitedUntil = 0
  readonly #host: SubmissionHost
  readonly #definition: TaskState<FormDefinition>
  readonly #fields: FormFields

  constructor(host: SubmissionHost, definition: TaskState<FormDefinition>, fields: FormFields) {
    ;(this.#host = host).addController(this)
    this.#definition = definition
    this.#fields = fields
  }

  hostConnected(): void {
    window.addEventListener('online', this.#handleOnline)
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#handleOnline)
  }

  /**
   * For the live region: progress, the outcome, or what the visitor has to do next ("Please
   * correct the highlighted fields" only while some are).
   */
  get status(): string {
    const code = this.#status
    return !code || (code === 'fixErrors' && !Object.keys(this.#fields.errors).length)
      ? ''
      : this.#host.say(code, this.#params)
  }

  /** Sends what the visitor has just submitted (the request body, ready to go). */
  submit(body: string): Promise<void> {
    // Sending the same thing again (say, a second click while offline) keeps its key: the worker
    // then records it once even if the first attempt did arrive.
    const idempotencyKey =
      this.#pending?.body === body ? this.#pending.idempotencyKey : crypto.randomUUID()
    this.#earlier = false
    return this.#send({ body, idempotencyKey, savedAt: Date.now() })
  }

  /** The definition has (re)loaded: the form is ready, and a submission saved earlier goes now. */
  resume(): void {
    this.state = 'ready'
    this.#resumePending()
  }

  /** Fields to correct, found before sending or by the worker (then `status` is its answer's). */
  async refuse(errors: Record<string, string>, status?: number): Promise<void> {
    this.#fields.show(errors)
    this.announce('fixErrors', 'error')
    await this.#focus('[aria-invalid="true"]')
    this.#emitError({ reason: 'validation', ...(status ? { status } : {}), fieldErrors: errors })
  }

  get #formUrl(): string {
    return formUrl(this.#host.endpoint, this.#host.form)
  }

  get #url(): string {
    return `${this.#formUrl}/submissions`
  }

  /** Puts a message in the live region (inside this controller, with the `state` it goes with). */
  announce(
    status: TextCode | '',
    kind: StatusKind,
    state = this.state,
    params?: Record<string, unknown>
  ): void {
    this.#status = status
    this.#params = params
    this.kind = kind
    this.state = state
    this.#host.requestUpdate()
  }

  async #send(pending: PendingSubmission, refreshed = false): Promise<void> {
    // Before the time a 429 asked for, it would only be refused again (and count against them).
    if (Date.now() < this.#limitedUntil) return this.#tellLimited()
    const resumed = this.#earlier
    this.announce(resumed ? 'resuming' : 'sending', 'sending', 'submitting')
    this.#pending = pending
    const { status, body, retryAfterMs, offline } = await sendSubmission({
      url: this.#url,
      body: pending.body,
      idempotencyKey: pending.idempotencyKey,
      attemptTimeoutMs: this.#host.timeout,
      onRetry: () => this.announce('retrying', 'sending'),
    })
    if (offline) {
      savePending(this.#url, pending)
      this.announce('offline', 'offline', 'offline')
      this.#emitError({ reason: 'offline' })
      return
    }
    if (status >= 200 && status < 300) {
      clearPending(this.#url)
      this.#pending = undefined
      return this.#succeed(body as { submissionId: string })
    }
    const { details } = (body ?? {}) as ErrorAnswer
    if (details?.applicationError?.code === 'FORM_TOKEN_EXPIRED' && !refreshed) {
      // The page was open for long (or the worker's key changed): the same submission, with a
      // fresh render token, under the same key (the refused request recorded nothing).
      const fresh = await this.#freshToken()
      if (fresh) return this.#send({ ...pending, body: withToken(pending.body, fresh) }, true)
    }
    this.state = 'ready'
    const final = status >= 400 && status < 500 && ![409, 425, 429].includes(status)
    const fields = this.#fields
    if (final) {
      // Refused for good as it stands: the visitor gets the values back to correct and resend.
      clearPending(this.#url)
      this.#pending = undefined
      if (resumed) fields.restore(pending.body)
      const errors = fields.fromServer(details?.validationError?.fieldViolations ?? [])
      if (Object.keys(errors).length) return this.refuse(errors, status)
    } else if (resumed) {
      // Still failing after every retry: a submission saved earlier stays saved for the next try
      // (and sending again reuses its key, so the worker records it once).
      fields.restore(pending.body)
    }
    if (status === 429) {
      this.#limitedUntil = Date.now() + (retryAfterMs ?? 60_000)
      this.#tellLimited()
    } else this.announce('failed', 'error')
    this.#emitError({ reason: 'failed', ...(status ? { status } : {}) })
  }

  /** A new render token, from a fresh copy of the definition. */
  #freshToken(): Promise<string | undefined> {
    return fetchDefinition(this.#formUrl).then(
      (definition) => definition.token,
      () => undefined
    )
  }

  /** "Please try again in 42 s" */
  #tellLimited(): void {
    const seconds = Math.ceil((this.#limitedUntil - Date.now()) / 1000)
    this.announce('rateLimited', 'error', 'ready', { seconds })
  }

  async #succeed(answer: { submissionId: string }): Promise<void> {
    const { redirectUrl } = this.#definition.value!
    this.#host.dispatchEvent(new ContactFormSuccessEvent(answer.submissionId))
    // A message saved on an earlier visit: the visitor may be here to write another. They are
    // told it went, and keep the form (and the page: no redirect).
    if (this.#earlier) return this.announce('sentEarlier', 'notice', 'ready')
    if (redirectUrl) {
      window.location.assign(redirectUrl)
      return
    }
    // The success box says it, and takes the focus, which reads it out: once is enough.
    this.announce('', '', 'success')
    await this.#focus('.cf-success')
  }

  /** Focus follows the outcome once it is rendered, so that keyboard and screen reader users land on it. */
  async #focus(selector: string): Promise<void> {
    await this.#host.updateComplete
    this.#host.querySelector<HTMLElement>(selector)?.focus()
  }

  /** Sends a submission saved while offline, on the next visit or when the browser is back online. */
  #resumePending(): void {
    const pending = loadPending(this.#url)
    if (!pending || this.state !== 'ready') return
    this.#earlier = true
    if (this.#definition.value?.turnstile) {
      // A Turnstile token is good for minutes and one check: the visitor completes a new one.
      this.#fields.restore(pending.body)
      this.#pending = pending
      this.announce('challenge', 'error')
      return
    }
    void this.#send(pending)
  }

  #handleOnline = (): void => {
    // While the definition loads, or after it failed to, there is no form to send from.
    if (this.#definition.status !== 'complete') return
    if (this.state === 'offline' && this.#pending && !this.#definition.value?.turnstile)
      void this.#send(this.#pending)
    else if (this.state === 'offline') {
      this.announce(this.#status, this.kind, 'ready', this.#params)
      this.#resumePending()
    } else if (this.state === 'ready') this.#resumePending()
  }

  #emitError(detail: ContactFormErrorDetail): void {
    this.#host.dispatchEvent(new ContactFormErrorEvent(detail))
  }
}

/** What an error answer may hold (shared/errors.ts), as far as this controller reads it. */
interface ErrorAnswer {
  details?: {
    applicationError?: { code?: string }
    validationError?: { fieldViolations?: FieldViolation[] }
  }
}

/** The same request body with another render token. */
function withToken(body: string, token: string): string {
  return JSON.stringify({ ...(JSON.parse(body) as object), token })
}
