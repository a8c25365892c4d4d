/**
 * @module
 * Cloudflare Turnstile, for forms whose definition asks for it: the script is loaded once, when a
 * form first needs it, and the challenge is rendered into the form's `.cf-turnstile` box.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'
import type { FormDefinition } from '../shared/definition.ts'
import type { TaskState } from './task-controller.ts'

export interface Turnstile {
  render(container: HTMLElement, options: Record<string, unknown>): string
  reset(widget: string): void
}

export class TurnstileController implements ReactiveController {
  /** Proof that the visitor passed the challenge; the worker accepts it once. */
  token?: string
  #widget?: string
  readonly #host: ReactiveControllerHost & HTMLElement
  readonly #definition: TaskState<FormDefinition>

  constructor(host: ReactiveControllerHost & HTMLElement, definition: TaskState<FormDefinition>) {
    ;(this.#host = host).addController(this)
    this.#definition = definition
  }

  // After the host rendered: the box exists, and is empty until Turnstile fills it.
  hostUpdated(): void {
    const box = this.#host.querySelector<HTMLElement>('.cf-turnstile')
    const challenge = this.#definition.value?.turnstile
    if (box && challenge && !box.hasChildNodes()) {
      void loadTurnstile().then((turnstile) => {
        this.#widget = turnstile.render(box, {
          sitekey: challenge.siteKey,
          action: challenge.action,
          callback: (token: string) => (this.token = token),
          'expired-callback': () => (this.token = undefined),
        })
      })
    }
  }

  /** After a submission: its token is spent, and the next one needs a fresh challenge. */
  reset(): void {
    if (this.#widget !== undefined) {
      this.token = undefined
      window.turnstile?.reset(this.#widget)
    }
  }
}

let turnstileScript: Promise<Turnstile> | undefined

function loadTurnstile(): Promise<Turnstile> {
  if (window.turnstile) return Promise.resolve(window.turnstile)
  turnstileScript ??= new Promise((resolve, reject) => {
    const script = document.createElement('script')
    script.src = 'https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit'
    script.async = true
    script.onload = () =>
      window.turnstile ? resolve(window.turnstile) : reject(new Error('no turnstile'))
    script.onerror = reject
    document.head.append(script)
  })
  return turnstileScript
}
