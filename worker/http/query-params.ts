/**
 * @module
 * Reading the query string of the GET list endpoints (Wix's `paging.limit=…&fields=…` form).
 */
import type { Context } from 'hono'
import { z } from 'zod'
import { validationError } from '../../shared/api-error.ts'

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

const sortSpec = z.object({
  fieldName: z.string().max(200),
  order: z.enum(['ASC', 'DESC']).default('ASC'),
})

/**
 * The `query` of Wix's POST …/query bodies: filter, one sort (Wix documents an array of at most
 * one; one of its own examples sends a bare object), offset paging, and whatever `extra` adds.
 */
export function queryBody<T extends z.ZodRawShape>(extra: T) {
  return z
    .object({
      filter: z.record(z.string(), z.unknown()).optional(),
      sort: z.union([z.array(sortSpec).max(1), sortSpec]).optional(),
      paging: z
        .object({ limit: z.number().int().optional(), offset: z.number().int().min(0).default(0) })
        .optional(),
      ...extra,
    })
    .default({} as never)
}

/** The one sort of a query, whichever way it was sent. */
export function sortOf(sort: z.infer<typeof sortSpec> | z.infer<typeof sortSpec>[] | undefined) {
  return Array.isArray(sort) ? sort[0] : sort
}
