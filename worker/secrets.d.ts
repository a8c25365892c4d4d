// Secrets live outside wrangler.toml (`wrangler secret put`, `.dev.vars`), so `wrangler types`
// cannot list them; they are declared here.
interface Secrets {
  /** An admin API key; `npm start` writes a dev key into .dev.vars. */
  ADMIN_API_KEY?: string
  /** More admin API keys, comma-separated. */
  ADMIN_API_KEYS?: string
  /** Read-only API keys (GET and query only), comma-separated. */
  READ_API_KEYS?: string
  /** Signs the render tokens of served forms; derived from ADMIN_API_KEY when not set. */
  FORM_TOKEN_SECRET?: string
  /** Cloudflare Turnstile's secret, for forms that use Turnstile. */
  TURNSTILE_SECRET_KEY?: string
  /** JSON array of webhook endpoints: `[{ "url", "events": ["*"], "secret": "whsec_…" }]`. */
  WEBHOOK_ENDPOINTS?: string
  /** "true" while developing (npm start): webhooks may go to http:// on loopback. */
  WEBHOOKS_ALLOW_LOOPBACK?: string
}
interface Env extends Secrets {}
declare namespace Cloudflare {
  interface Env extends Secrets {}
}
