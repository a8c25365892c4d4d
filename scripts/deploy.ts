/**
 * `npm run deploy`: checks forms.config.ts, applies the D1 migrations to the production
 * database, then deploys the worker. Arguments go to `wrangler deploy`.
 */
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { run } from './lib/run.ts'

await requireValidFormsConfig()
if ((await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--remote'])) !== 0) process.exit(1)
process.exit(await run('wrangler', ['deploy', ...process.argv.slice(2)]))
