/**
 * `npm start`: checks forms.config.ts, makes sure a dev admin key exists, builds the widget,
 * migrates the local D1 and runs `wrangler dev`. Arguments after `--` go to wrangler
 * (`npm start -- --port 8899`); secrets come from .dev.vars or the environment
 * (`ADMIN_API_KEY=… npm start`), as npm echoes arguments.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, appendFileSync } from 'node:fs'
import { requireBackendSettings, settingsFor } from './lib/backend-settings.ts'
import { varsFromEnvironment } from './lib/env-secrets.ts'
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { run, withLocalBin } from './lib/run.ts'
import { buildWidget } from './lib/widget-bundle.ts'

// Before the arguments, so an explicit --var still wins; both override .dev.vars.
const fromEnvironment = varsFromEnvironment()
const args = [...fromEnvironment.args, ...process.argv.slice(2)]
if (fromEnvironment.names.length)
  console.log(`Using ${fromEnvironment.names.join(', ')} from the environment.`)

await requireValidFormsConfig()
requireBackendSettings(
  settingsFor(args),
  'Put them in .dev.vars or the environment (NAME=value npm start).'
)
ensureDevAdminKey(args)
await buildWidget({ write: true })

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
if ((await run('wrangler', migrate, { env: { ...process.env, CI: 'true' } })) !== 0) {
  console.error('Could not apply the D1 migrations to the local database.')
  process.exit(1)
}

// Developing here: webhooks may go to a receiver on this machine (http on loopback).
const devVars = ['--var', 'WEBHOOKS_ALLOW_LOOPBACK:true']
const dev = spawn('wrangler', ['dev', ...devVars, ...args], {
  stdio: 'inherit',
  env: withLocalBin(),
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))
dev.on('exit', (code) => process.exit(code ?? 0))

/** Writes a random ADMIN_API_KEY into .dev.vars when there is none, and prints it this once. */
function ensureDevAdminKey(wranglerArgs: string[]): void {
  const overridden = wranglerArgs.some((a, i) =>
    (a === '--var' ? (wranglerArgs[i + 1] ?? '') : a).startsWith('ADMIN_API_KEY:')
  )
  const vars = existsSync('.dev.vars') ? readFileSync('.dev.vars', 'utf8') : ''
  if (overridden || /^ADMIN_API_KEY\s*=/m.test(vars)) return
  const key = `dev_${randomBytes(24).toString('base64url')}`
  appendFileSync('.dev.vars', `${vars && !vars.endsWith('\n') ? '\n' : ''}ADMIN_API_KEY=${key}\n`)
  console.log(
    `\nCreated a local admin API key in .dev.vars (shown only now):\n\n  ADMIN_API_KEY=${key}\n`
  )
}

function optionValue(list: string[], name: string): string | undefined {
  const i = list.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i < 0) return undefined
  return list[i]!.includes('=') ? list[i]!.split('=').slice(1).join('=') : list[i + 1]
}
