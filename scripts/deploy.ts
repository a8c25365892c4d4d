/**
 * `npm run deploy`: checks forms.config.ts, applies the D1 migrations to the production
 * database, then deploys the worker. Arguments go to `wrangler deploy`.
 */
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { spawnSync } from 'node:child_process'
import { requireBackendSettings, settingsFor } from './lib/backend-settings.ts'
import { run, withLocalBin } from './lib/run.ts'

await requireValidFormsConfig()
const settings = settingsFor(process.argv.slice(2), { devVars: false })
if (settings.CONTACTS_BACKEND === 'wix') {
  // Secrets live on Cloudflare; ask wrangler which are set.
  const listed =
    spawnSync('wrangler', ['secret', 'list'], { encoding: 'utf8', env: withLocalBin() }).stdout ??
    ''
  for (const name of ['WIX_API_KEY', 'WIX_SITE_ID'])
    if (listed.includes(`"${name}"`)) settings[name] = 'set'
}
requireBackendSettings(
  settings,
  'Set them with `npx wrangler secret put NAME` (WIX_SITE_ID may be a [vars] entry).'
)
if ((await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--remote'])) !== 0) process.exit(1)
process.exit(await run('wrangler', ['deploy', ...process.argv.slice(2)]))
