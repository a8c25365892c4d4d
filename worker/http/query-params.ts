/**
 * @module
 * Query-string and query-body pieces shared by the list endpoints (Wix's `paging.limit=…&fields=…`
 * and `{ query: { filter, sort, paging } }` forms), as zod schemas for `validate()`.
 */
import * as z from '../../shared/zod.ts'

/** The first value of a parameter sent more than once. */
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v)

/** A whole number from 0 to 1,000,000,000. */
export const wholeNumberParam = z.pipe(
  z.transform(first),
  z.optional(
    z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a whole number')), z.transform(Number)).check(
      z.refine((n) => Number.isSafeInteger(n) && n <= 1_000_000_000, {
        message: 'must be a whole number',
        params: { violatedRule: 'FORMAT' },
      })
    )
  )
)

/** A text parameter (the first, if sent more than once). */
export const textParam = z.pipe(z.transform(first), z.optional(z.string()))

/** A list: repeated (`?fields=a&fields=b`) or comma-separated (`?fields=a,b`). */
export const listParam = z.pipe(
  z.optional(z.union([z.string(), z.array(z.string())])),
  z.transform((v) =>
    [v ?? []]
      .flat()
      .flatMap((s) => s.split(','))
      .filter(Boolean)
  )
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
  fieldName: z.string().check(z.maxLength(200)),
  order: z._default(z.enum(['ASC', 'DESC']), 'ASC'),
})

/**
 * The `query` of Wix's POST …/query bodies: filter, one sort (Wix documents an array of at most
 * one; one of its own examples sends a bare object), offset paging, and whatever `extra` adds.
 */
export function queryBody<T extends z.core.$ZodShape>(extra: T) {
  return z._default(
    z.object({
      filter: z.optional(z.record(z.string(), z.unknown())),
      sort: z.optional(z.union([z.array(sortSpec).check(z.maxLength(1)), sortSpec])),
      paging: z.optional(
        z.object({ limit: z.optional(z.int()), offset: z._default(z.int().check(z.gte(0)), 0) })
      ),
      ...extra,
    }),
    {} as never
  )
}

/** The one sort of a query, whichever way it was sent. */
export function sortOf(sort: z.infer<typeof sortSpec> | z.infer<typeof sortSpec>[] | undefined) {
  return Array.isArray(sort) ? sort[0] : sort
}
