/**
 * `npm start`: checks forms.config.ts, makes sure a dev admin key exists, builds the widget,
 * migrates the local D1 and runs `wrangler dev`, which gets each later save of forms.config.ts
 * only once it passes the check (./lib/forms-config-watch.ts). Arguments after `--` go to wrangler
 * (`npm start -- --port 8899`); secrets come from .dev.vars or the environment
 * (`ADMIN_API_KEY=… npm start`), as npm echoes arguments.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { requireBackendSettings, settingsFor } from './lib/backend-settings.ts'
import { varsFromEnvironment } from './lib/env-secrets.ts'
import { readFormsConfig } from './lib/forms-config.ts'
import { serveCheckedFormsConfig } from './lib/forms-config-watch.ts'
import { withLocalBin } from './lib/run.ts'
import { buildConsole } from './lib/console-bundle.ts'
import { buildWidget } from './lib/widget-bundle.ts'

// Before the arguments, so an explicit --var still wins; both override .dev.vars.
const fromEnvironment = varsFromEnvironment()
const args = [...fromEnvironment.args, ...process.argv.slice(2)]
if (fromEnvironment.names.length)
  console.log(`Using ${fromEnvironment.names.join(', ')} from the environment.`)

const config = await readFormsConfig()
if ('error' in config) {
  console.error(config.error)
  process.exit(1)
}
requireBackendSettings(
  settingsFor(args),
  'Put them in .dev.vars or the environment (NAME=value npm start).'
)
const createdKey = ensureDevAdminKey(args)
await buildWidget({ write: true })
await buildConsole({ write: true })

// The local D1 lives where wrangler dev keeps it; migrate the same place.
const persist = optionValue(args, '--persist-to')
const migrate = [
  'd1',
  'migrations',
  'apply',
  'DB',
  '--local',
  ...(persist ? ['--persist-to', persist] : []),
]
// Quietly: wrangler's tables would push the one-time admin key out of sight.
const migrated = spawnSync('wrangler', migrate, {
  env: withLocalBin({ ...process.env, CI: 'true' }),
  encoding: 'utf8',
})
if (migrated.status !== 0) {
  console.error(`${migrated.stdout}${migrated.stderr}`)
  console.error('Could not apply the D1 migrations to the local database.')
  process.exit(1)
}
const applied = new Set(migrated.stdout.match(/\b\d{4}_[\w-]+\.sql\b(?=.*✅)/g)).size
console.log(
  applied
    ? `Local D1: applied ${applied} migration${applied > 1 ? 's' : ''}.`
    : 'Local D1: up to date.'
)

// Developing here: webhooks may go to a receiver on this machine (http on loopback), and links in
// notification emails lead to this server (a CONSOLE_URL of your own wins: it comes later).
const local = `http://${optionValue(args, '--ip') ?? 'localhost'}:${optionValue(args, '--port') ?? '8787'}`
const devVars = ['--var', 'WEBHOOKS_ALLOW_LOOPBACK:true', '--var', `CONSOLE_URL:${local}`]
const formsConfig = serveCheckedFormsConfig(config.forms, config.inputs)
const dev = spawn('wrangler', ['dev', ...devVars, ...formsConfig, ...args], {
  stdio: 'inherit',
  env: withLocalBin(),
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
void announceWhenReady()
dev.on('exit', (code) => process.exit(code ?? 0))

/** Writes a random ADMIN_API_KEY into .dev.vars when there is none; answers it when it did. */
function ensureDevAdminKey(wranglerArgs: string[]): string | undefined {
  const overridden = wranglerArgs.some((a, i) =>
    (a === '--var' ? (wranglerArgs[i + 1] ?? '') : a).startsWith('ADMIN_API_KEY:')
  )
  const vars = existsSync('.dev.vars') ? readFileSync('.dev.vars', 'utf8') : ''
  if (overridden || /^ADMIN_API_KEY\s*=/m.test(vars)) return undefined
  const key = `dev_${randomBytes(24).toString('base64url')}`
  appendFileSync('.dev.vars', `${vars && !vars.endsWith('\n') ? '\n' : ''}ADMIN_API_KEY=${key}\n`)
  return key
}

/** Once the worker answers: where to look, and a new admin key, last, where they stay in sight. */
async function announceWhenReady(): Promise<void> {
  const port = optionValue(args, '--port') ?? '8787'
  const host = optionValue(args, '--ip') ?? 'localhost'
  const base = `http://${host}:${port}`
  for (let i = 0; i < 240; i++) {
    await new Promise((r) => setTimeout(r, 500))
    const up = await fetch(`${base}/healthz`).then(
      (res) => res.ok,
      () => false
    )
    if (!up) continue
    const lines = [
      `\ncontact-capture is running: ${base}/ (the demo page and its embed snippet)`,
      `Notification emails are simulated, never sent: each is written under ${join(process.cwd(), '.wrangler', 'tmp', 'email')}/ (wrangler prints its file).`,
    ]
    if (createdKey)
      lines.push(
        'Created a local admin API key in .dev.vars (shown only now):',
        `  ADMIN_API_KEY=${createdKey}`
      )
    console.log(`${lines.join('\n')}\n`)
    return
  }
}

function optionValue(list: string[], name: string): string | undefined {
  const i = list.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i < 0) return undefined
  return list[i]!.includes('=') ? list[i]!.split('=').slice(1).join('=') : list[i + 1]
}
