/**
 * @module
 * Where the worker serves a form: its definition (GET) and, under it, its submissions (POST, sent
 * by submit-client.ts).
 */
import type { FormDefinition } from '../shared/definition.ts'

// The origin this script was loaded from: the worker that serves the form, unless `endpoint` says otherwise.
const SCRIPT_ORIGIN = new URL(import.meta.url).origin

/** The form's URL on the worker; its submissions go to `${formUrl(…)}/submissions`. */
export function formUrl(endpoint: string | undefined, form: string): string {
  return `${(endpoint || SCRIPT_ORIGIN).replace(/\/+$/, '')}/v1/forms/${encodeURIComponent(form)}`
}

/** A refused definition: the status, and the worker's explanation (for the site's owner) as the message. */
export interface DefinitionError extends Error {
  status?: number
}

/** The form's definition; any answer but a 2xx is thrown as a `DefinitionError`. */
export async function fetchDefinition(url: string, signal?: AbortSignal): Promise<FormDefinition> {
  const res = await fetch(url, { signal, headers: { Accept: 'application/json' } })
  if (res.ok) return res.json()
  const { message } = await res.json().catch(() => ({}))
  throw Object.assign(new Error(message ?? `HTTP ${res.status}`), { status: res.status })
}
