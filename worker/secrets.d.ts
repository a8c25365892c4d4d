// Secrets live outside wrangler.toml (`wrangler secret put`, `.dev.vars`), so `wrangler types`
// cannot list them; they are declared here.
interface Env {
  /** The admin API key; `npm start` writes a dev key into .dev.vars. */
  ADMIN_API_KEY?: string
}
declare namespace Cloudflare {
  interface Env {
    ADMIN_API_KEY?: string
  }
}
