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
  /** Where contacts live: "d1" (default) or "wix". */
  CONTACTS_BACKEND?: string
  /** For CONTACTS_BACKEND=wix: an API key with the Manage Contacts, Labels and Extended Fields scopes. */
  WIX_API_KEY?: string
  /** For CONTACTS_BACKEND=wix: the site whose contact list is used. */
  WIX_SITE_ID?: string
  /** For CONTACTS_BACKEND=wix: the API's address (default https://www.wixapis.com). */
  WIX_API_BASE?: string
  /** For CONTACTS_BACKEND=wix: milliseconds one request may take (default 10000). */
  WIX_TIMEOUT_MS?: string
  /** For CONTACTS_BACKEND=wix: requests a minute per site (default 200, Wix's limit). */
  WIX_REQUESTS_PER_MINUTE?: string
  /** Contacts per chunk of a bulk job (default: 500 for labels and delete, 25 for update); for tests. */
  BULK_JOB_CHUNK_SIZE?: string
  /** Milliseconds a bulk job's runner works before queueing the job's next turn (default 20000); for tests. */
  BULK_JOB_TURN_MS?: string
  /** The sender of notification emails: an address on a domain onboarded to Cloudflare Email Service. */
  NOTIFY_FROM?: string
  /** The console's public address (https://contacts.example.com), for links in notification emails. */
  CONSOLE_URL?: string
}
interface Env extends Secrets {}
declare namespace Cloudflare {
  interface Env extends Secrets {}
}
