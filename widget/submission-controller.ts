/**
 * @module
 * A submission's way to the worker, from the send button to the answer: one Idempotency-Key per
 * submission, kept on this device while the browser is offline and sent again when it is back
 * online or the form loads on a later visit; an expired render token is swapped for a fresh one.
 * Retries of one attempt are submit-client.ts's business.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { FormDefinition } from '../shared/definition.ts'
import { isValidationError } from '../shared/errors.ts'
import { ContactFormErrorEvent, ContactFormSuccessEvent } from './events.ts'
import type { ContactFormErrorDetail } from './events.ts'
import { fetchDefinition, formUrl } from './form-api.ts'
import type { FormFields } from './form-fields.ts'
import { clearPending, loadPending, savePending } from './pending-store.ts'
import type { PendingSubmission } from './pending-store.ts'
import type { Strings } from './strings.ts'
import { sendSubmission } from './submit-client.ts'
import type { TaskState } from './task-controller.ts'

export type SubmissionState = 'ready' | 'submitting' | 'offline' | 'success'

export interface SubmissionHost extends ReactiveControllerHost, HTMLElement {
  readonly form: string
  readonly endpoint?: string
  readonly timeout: number
}

export class SubmissionController implements ReactiveController {
  state: SubmissionState = 'ready'
  /** For the live region: progress, the outcome, or what the visitor has to do next. */
  status = ''
  #pending?: PendingSubmission
  readonly #host: SubmissionHost
  readonly #definition: TaskState<FormDefinition>
  readonly #fields: FormFields
  readonly #strings: Strings

  constructor(
    host: SubmissionHost,
    definition: TaskState<FormDefinition>,
    fields: FormFields,
    strings: Strings
  ) {
    ;(this.#host = host).addController(this)
    this.#definition = definition
    this.#fields = fields
    this.#strings = strings
  }

  hostConnected(): void {
    window.addEventListener('online', this.#handleOnline)
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this.#handleOnline)
  }

  /** Sends what the visitor has just submitted (the request body, ready to go). */
  submit(body: string): Promise<void> {
    // Sending the same thing again (say, a second click while offline) keeps its key: the worker
    // then records it once even if the first attempt did arrive.
    const idempotencyKey =
      this.#pending?.body === body ? this.#pending.idempotencyKey : crypto.randomUUID()
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
    this.announce(this.#strings.fixErrors)
    await this.#focus('[aria-invalid="true"]')
    this.#emitError({ reason: 'validation', ...(status ? { status } : {}), fieldErrors: errors })
  }

  get #formUrl(): string {
    return formUrl(this.#host.endpoint, this.#host.form)
  }

  get #url(): string {
    return `${this.#formUrl}/submissions`
  }

  /** Puts `status` in the live region (inside this controller, with the `state` it goes with). */
  announce(status: string, state = this.state): void {
    this.status = status
    this.state = state
    this.#host.requestUpdate()
  }

  async #send(pending: PendingSubmission, resumed = false, refreshed = false): Promise<void> {
    this.announce(resumed ? this.#strings.resuming : this.#strings.sending, 'submitting')
    this.#pending = pending
    const result = await sendSubmission({
      url: this.#url,
      body: pending.body,
      idempotencyKey: pending.idempotencyKey,
      attemptTimeoutMs: this.#host.timeout,
      onRetry: () => this.announce(this.#strings.retrying),
    })
    if (result.kind === 'network-error' && result.offline) {
      savePending(this.#url, pending)
      this.announce(this.#strings.offline, 'offline')
      this.#emitError({ reason: 'offline' })
      return
    }
    if (result.kind === 'answer' && result.status >= 200 && result.status < 300) {
      clearPending(this.#url)
      this.#pending = undefined
      return this.#succeed(result.body as { submissionId: string }, resumed)
    }
    const code = result.kind === 'answer' ? applicationCode(result.body) : undefined
    if (code === 'FORM_TOKEN_EXPIRED' && !refreshed) {
      // The page was open for long (or the worker's key changed): the same submission, with a
      // fresh render token, under the same key (the refused request recorded nothing).
      const fresh = await this.#freshToken()
      if (fresh)
        return this.#send({ ...pending, body: withToken(pending.body, fresh) }, resumed, true)
    }
    this.state = 'ready'
    const final =
      result.kind === 'answer' &&
      result.status >= 400 &&
      result.status < 500 &&
      ![409, 425, 429].includes(result.status)
    const fields = this.#fields
    if (final) {
      // Refused for good as it stands: the visitor gets the values back to correct and resend.
      clearPending(this.#url)
      this.#pending = undefined
      if (resumed) fields.restore(pending.body)
      const violations = isValidationError(result.body)
        ? result.body.details.validationError.fieldViolations
        : []
      const errors = fields.fromServer(violations)
      if (Object.keys(errors).length) return this.refuse(errors, result.status)
    } else if (resumed) {
      // Still failing after every retry: a submission saved earlier stays saved for the next try
      // (and sending again reuses its key, so the worker records it once).
      fields.restore(pending.body)
    }
    this.announce(this.#strings.failed)
    this.#emitError({
      reason: 'failed',
      ...(result.kind === 'answer' ? { status: result.status } : {}),
    })
  }

  /** A new render token, from a fresh copy of the definition. */
  #freshToken(): Promise<string | undefined> {
    return fetchDefinition(this.#formUrl).then(
      (definition) => definition.token,
      () => undefined
    )
  }

  async #succeed(answer: { submissionId: string }, resumed: boolean): Promise<void> {
    const def = this.#definition.value!
    this.#host.dispatchEvent(new ContactFormSuccessEvent(answer.submissionId))
    // A message saved on an earlier visit must not carry the visitor off the page they are on now.
    if (def.redirectUrl && !resumed) {
      window.location.assign(def.redirectUrl)
      return
    }
    this.announce(def.successMessage, 'success')
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
    if (this.#definition.value?.turnstile) {
      // A Turnstile token is good for minutes and one check: the visitor completes a new one.
      this.#fields.restore(pending.body)
      this.#pending = pending
      this.announce(this.#strings.challenge)
      return
    }
    void this.#send(pending, true)
  }

  #handleOnline = (): void => {
    // While the definition loads, or after it failed to, there is no form to send from.
    if (this.#definition.status !== 'complete') return
    if (this.state === 'offline' && this.#pending && !this.#definition.value?.turnstile)
      void this.#send(this.#pending, true)
    else if (this.state === 'offline') {
      this.announce(this.status, 'ready')
      this.#resumePending()
    } else if (this.state === 'ready') this.#resumePending()
  }

  #emitError(detail: ContactFormErrorDetail): void {
    this.#host.dispatchEvent(new ContactFormErrorEvent(detail))
  }
}

function applicationCode(body: unknown): string | undefined {
  const details = (body as { details?: { applicationError?: { code?: string } } } | undefined)
    ?.details
  return details?.applicationError?.code
}

/** The same request body with another render token. */
function withToken(body: string, token: string): string {
  return JSON.stringify({ ...(JSON.parse(body) as object), token })
}
