/**
 * @module
 * A reactive controller for one asynchronous job that depends on the host's properties: the shape
 * of `@lit/task`'s Task (args → task(args, { signal }) → status, value, error; `render()`), in a
 * fraction of its bytes, because the whole widget has to fit in 12 KB gzipped.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit'

// Before its first run a task counts as pending: there is nothing to show but the wait.
export type TaskStatus = 'pending' | 'complete' | 'error'

/** What a task's users read: how far it got and what it produced. */
export interface TaskState<R> {
  readonly status: TaskStatus
  readonly value?: R
}

export interface TaskConfig<A extends readonly unknown[], R> {
  /**
   * Read on every host update; the task runs again when one of them changed. `undefined` means
   * there is nothing to run yet, and whatever the last run produced stays.
   */
  args: () => A | undefined
  task: (args: A, options: { signal: AbortSignal }) => Promise<R>
  onComplete?: (value: R) => void
  onError?: (error: unknown) => void
}

export class TaskController<A extends readonly unknown[], R>
  implements ReactiveController, TaskState<R>
{
  status: TaskStatus = 'pending'
  /** The last value a run produced; a later failure keeps it. */
  value?: R
  /** Why the last failed run failed. */
  error?: unknown
  #lastArgs?: A
  #abortController?: AbortController
  readonly #host: ReactiveControllerHost
  readonly #config: TaskConfig<A, R>

  constructor(host: ReactiveControllerHost, config: TaskConfig<A, R>) {
    ;(this.#host = host).addController(this)
    this.#config = config
  }

  // In the host's update, before it renders: the pending state shows in the same render.
  hostUpdate(): void {
    const args = this.#config.args()
    const last = this.#lastArgs
    this.#lastArgs = args
    if (args && !(last && args.every((arg, i) => arg === last[i]))) void this.run(args)
  }

  hostDisconnected(): void {
    this.#abortController?.abort()
  }

  /**
   * Runs the task now (by default with the arguments of the last update), cancelling a run still
   * pending; a cancelled run leaves no trace.
   */
  async run(args = this.#lastArgs): Promise<void> {
    if (!args) return
    this.#abortController?.abort()
    const { signal } = (this.#abortController = new AbortController())
    this.status = 'pending'
    this.#host.requestUpdate()
    try {
      const value = await this.#config.task(args, { signal })
      signal.throwIfAborted()
      this.value = value
      this.status = 'complete'
      this.#config.onComplete?.(value)
    } catch (error) {
      if (signal.aborted) return
      this.error = error
      this.status = 'error'
      this.#config.onError?.(error)
    }
    this.#host.requestUpdate()
  }

  render<T>(renderers: {
    pending: () => T
    complete: (value: R) => T
    error: (error: unknown) => T
  }): T {
    return this.status === 'complete'
      ? renderers.complete(this.value!)
      : this.status === 'error'
        ? renderers.error(this.error)
        : renderers.pending()
  }
}
