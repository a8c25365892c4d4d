/**
 * @module
 * Webhook endpoints, from the `WEBHOOK_ENDPOINTS` secret: a JSON array of
 * `{ "url", "events": ["*"] or slugs, "secret": "whsec_…" }`. HTTPS on a public host name only;
 * http on loopback only while developing (`WEBHOOKS_ALLOW_LOOPBACK=true`, which `npm start` sets).
 *
 * The check reads the URL's text, so it cannot know where a name resolves: a public name whose
 * DNS answers a private address, or changes its answer after the check (DNS rebinding), passes.
 * A Worker's `fetch` cannot be pinned to an address resolved here; what keeps deliveries off
 * private networks in production is Cloudflare's egress, which does not reach them. The check
 * catches the names that are local by definition, and mistakes.
 */
import * as z from '../../shared/zod.ts'

export const EVENT_SLUGS = ['created', 'updated', 'deleted', 'merged', 'submitted'] as const

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]'])

const RULE =
  'must be https:// on a host name, without user:password@ (loopback only while developing)'

// Top-level names that are never public: special-use (RFC 6761: localhost, test, invalid, example;
// local for mDNS, arpa with home.arpa, onion, alt), .internal (reserved for private use) and
// suffixes routers and companies use on their own networks.
const LOCAL_TLDS = new Set([
  'localhost',
  'local',
  'internal',
  'arpa',
  'test',
  'invalid',
  'example',
  'onion',
  'alt',
  'home',
  'lan',
  'corp',
])

// Public DNS services that answer the address written into the name (10-0-0-5.sslip.io) or
// always loopback (lvh.me). Others exist; this list only catches the well-known ones.
const ADDRESS_NAMES = /(^|\.)(nip\.io|sslip\.io|xip\.io|traefik\.me|localtest\.me|lvh\.me)$/
const DOTTED_ADDRESS = /(^|\.)\d+\.\d+\.\d+\.\d+\./

/** Why a URL may not receive webhooks, or undefined when it may. */
function problem(u: string, allowLoopback: boolean): string | undefined {
  const url = new URL(u)
  const host = url.hostname // lower case, IDNA and percent-decoded, IPv4 in dotted decimal
  if (url.username || url.password) return RULE
  if (LOOPBACK.has(host)) return allowLoopback && /^https?:$/.test(url.protocol) ? undefined : RULE
  if (url.protocol !== 'https:' || /^[\d.]+$/.test(host) || host.startsWith('[')) return RULE
  // The same host as without the dot, so nothing is lost by refusing it; allowing it would let
  // "localhost." slip past name checks, and TLS and Host headers treat it unevenly.
  if (host.endsWith('.')) return `"${host}" ends in a dot; write it without`
  if (!host.includes('.') || LOCAL_TLDS.has(host.slice(host.lastIndexOf('.') + 1)))
    return `"${host}" is a local or special-use name, not a public host name`
  if (ADDRESS_NAMES.test(host) || DOTTED_ADDRESS.test(host))
    return `"${host}" names an address rather than a host; use the receiver's own name`
  return undefined
}

const endpointSchema = (allowLoopback: boolean) =>
  z.strictObject({
    url: z.url().check(
      z.superRefine((u, ctx) => {
        const message = problem(u, allowLoopback)
        if (message) ctx.addIssue({ code: 'custom', message })
      })
    ),
    events: z._default(
      z.array(z.union([z.literal('*'), z.enum(EVENT_SLUGS)])).check(z.minLength(1)),
      ['*']
    ),
    secret: z.string().check(
      z.regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64'),
      z.refine((s) => {
        const bytes = atob(s.slice('whsec_'.length)).length
        return bytes >= 24 && bytes <= 64
      }, 'must hold 24 to 64 random bytes')
    ),
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
