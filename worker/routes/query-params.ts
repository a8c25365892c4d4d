/**
 * @module
 * Reading the query string of the GET list endpoints (Wix's `paging.limit=…&fields=…` form).
 */
import type { Context } from 'hono'
import { validationError } from '../errors.ts'

/** A whole number from 0 to 1,000,000,000, or undefined when absent; anything else is a 400. */
export function intParam(c: Context, name: string): number | undefined {
  const value = c.req.query(name)
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 1_000_000_000) {
    throw validationError([
      { field: name, description: 'must be a whole number', violatedRule: 'FORMAT' },
    ])
  }
  return n
}

/** A list: repeated (`?fields=a&fields=b`) or comma-separated (`?fields=a,b`). */
export function listParam(c: Context, name: string): string[] {
  return (c.req.queries(name) ?? []).flatMap((v) => v.split(',')).filter(Boolean)
}
