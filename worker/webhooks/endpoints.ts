/**
 * @module
 * Webhook endpoints, from the `WEBHOOK_ENDPOINTS` secret: a JSON array of
 * `{ "url", "events": ["*"] or slugs, "secret": "whsec_…" }`. HTTPS on a host name only; http on
 * loopback only while developing (`WEBHOOKS_ALLOW_LOOPBACK=true`, which `npm start` sets).
 */
import { z } from 'zod'

export const EVENT_SLUGS = ['created', 'updated', 'deleted', 'merged', 'submitted'] as const

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

/** Whether a URL may receive webhooks: https on a host name (http on loopback while developing). */
function acceptable(u: string, allowLoopback: boolean): boolean {
  const url = new URL(u)
  if (url.username || url.password) return false
  if (LOOPBACK.has(url.hostname))
    return allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:')
  const ipLiteral = /^[\d.]+$/.test(url.hostname) || url.hostname.startsWith('[')
  return url.protocol === 'https:' && !ipLiteral
}

const endpointSchema = (allowLoopback: boolean) =>
  z.strictObject({
    url: z
      .url()
      .refine(
        (u) => acceptable(u, allowLoopback),
        'must be https:// on a host name, without user:password@ (loopback only while developing)'
      ),
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

export type WebhookEndpoint = z.infer<ReturnType<typeof endpointSchema>>

let cached: { raw: string; endpoints: WebhookEndpoint[] } | undefined

/** The configured endpoints; throws with a readable message when the secret is malformed. */
export function webhookEndpoints(env: Env): WebhookEndpoint[] {
  const raw = `${env.WEBHOOKS_ALLOW_LOOPBACK}|${env.WEBHOOK_ENDPOINTS ?? ''}`
  if (cached?.raw === raw) return cached.endpoints
  let parsed: unknown = []
  if (env.WEBHOOK_ENDPOINTS?.trim()) {
    try {
      parsed = JSON.parse(env.WEBHOOK_ENDPOINTS)
    } catch {
      throw new Error('WEBHOOK_ENDPOINTS is not valid JSON')
    }
  }
  const result = z.array(endpointSchema(env.WEBHOOKS_ALLOW_LOOPBACK === 'true')).safeParse(parsed)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new Error(
      `WEBHOOK_ENDPOINTS[${String(issue.path[0])}].${issue.path.slice(1).join('.')}: ${issue.message}`
    )
  }
  cached = { raw, endpoints: result.data }
  return result.data
}
