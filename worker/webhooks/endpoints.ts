/**
 * @module
 * Webhook endpoints, from the `WEBHOOK_ENDPOINTS` secret: a JSON array of
 * `{ "url", "events": ["*"] or slugs, "secret": "whsec_…" }`. HTTPS only, except on loopback
 * (a receiver on the same machine while developing).
 */
import { z } from 'zod'

export const EVENT_SLUGS = ['created', 'updated', 'deleted', 'merged', 'submitted'] as const

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

const endpointSchema = z.strictObject({
  url: z.url().refine((u) => {
    const url = new URL(u)
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))
  }, 'must be https:// (http:// only on loopback)'),
  events: z
    .array(z.union([z.literal('*'), z.enum(EVENT_SLUGS)]))
    .min(1)
    .default(['*']),
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
    .refine((s) => {
      const bytes = atob(s.slice('whsec_'.length)).length
      return bytes >= 24 && bytes <= 64
    }, 'must hold 24 to 64 random bytes'),
})

export type WebhookEndpoint = z.infer<typeof endpointSchema>

let cached: { raw: string; endpoints: WebhookEndpoint[] } | undefined

/** The configured endpoints; throws with a readable message when the secret is malformed. */
export function webhookEndpoints(env: Env): WebhookEndpoint[] {
  const raw = env.WEBHOOK_ENDPOINTS ?? ''
  if (cached?.raw === raw) return cached.endpoints
  let parsed: unknown = []
  if (raw.trim()) {
    try {
      parsed = JSON.parse(raw)
    } catch {
      throw new Error('WEBHOOK_ENDPOINTS is not valid JSON')
    }
  }
  const result = z.array(endpointSchema).safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new Error(
      `WEBHOOK_ENDPOINTS[${String(issue.path[0])}].${issue.path.slice(1).join('.')}: ${issue.message}`
    )
  }
  cached = { raw, endpoints: result.data }
  return result.data
}
