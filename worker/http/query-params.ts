/**
 * @module
 * Query-string and query-body pieces shared by the list endpoints (Wix's `paging.limit=…&fields=…`
 * and `{ query: { filter, sort, paging } }` forms), as zod schemas for `validate()`.
 */
import * as z from 'zod'

/** The first value of a parameter sent more than once. */
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/** A whole number from 0 to 1,000,000,000. */
export const wholeNumberParam = z.preprocess(
  first,
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n <= 1_000_000_000, {
      message: 'must be a whole number',
      params: { violatedRule: 'FORMAT' },
    })
    .optional()
)

/** A text parameter (the first, if sent more than once). */
export const textParam = z.preprocess(first, z.string().optional())

/** A list: repeated (`?fields=a&fields=b`) or comma-separated (`?fields=a,b`). */
export const listParam = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    [v ?? []]
      .flat()
      .flatMap((s) => s.split(','))
      .filter(Boolean)
  )

/** `sort.fieldName` and `sort.order` (anything but DESC sorts ascending). */
export const sortParams = {
  'sort.fieldName': textParam,
  'sort.order': textParam,
}

/** The one sort of a GET list, from `sortParams`. */
export function sortParam(q: {
  'sort.fieldName'?: string | undefined
  'sort.order'?: string | undefined
}): { fieldName: string; order: 'ASC' | 'DESC' } | undefined {
  const fieldName = q['sort.fieldName']
  return fieldName ? { fieldName, order: q['sort.order'] === 'DESC' ? 'DESC' : 'ASC' } : undefined
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
