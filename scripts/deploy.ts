/**
 * `npm run deploy`: checks forms.config.ts and what a deploy needs on Cloudflare (a login, the D1
 * database, the queues, the secrets, allowed origins beyond this machine, and for forms that
 * email the owner the sending binding, sender and domain: ./lib/deploy-preflight.ts)
 * and stops with the command that fixes each gap; then applies the D1 migrations to the production
 * database and deploys the worker. Arguments go to `wrangler deploy`.
 */
import { spawnSync } from 'node:child_process'
import { unstable_readConfig } from 'wrangler'
import { requireBackendSettings, settingsFor } from './lib/backend-settings.ts'
import {
  d1Problems,
  describeProblems,
  emailProblems,
  lastLines,
  loginProblem,
  originProblems,
  queueNamesFromList,
  queueProblems,
  requiredQueues,
  secretNamesFromList,
  secretProblems,
} from './lib/deploy-preflight.ts'
import type { CommandOutput, Problem } from './lib/deploy-preflight.ts'
import { requireValidFormsConfig } from './lib/forms-config.ts'
import { run, withLocalBin } from './lib/run.ts'

const args = process.argv.slice(2)
const envIndex = args.findIndex((a) => a === '--env' || a === '-e')
const env = envIndex >= 0 ? args[envIndex + 1] : undefined
const forms = await requireValidFormsConfig()
const settings = settingsFor(args, { devVars: false })

function wrangler(...command: string[]): CommandOutput {
  const result = spawnSync('wrangler', command, {
    encoding: 'utf8',
    env: withLocalBin(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' }
}

const problems: Problem[] = originProblems(forms)
const advice: Problem[] = []
const login = loginProblem(wrangler('whoami', '--json'))
if (login) problems.push(login)
else {
  const config = unstable_readConfig({ config: 'wrangler.toml', env })
  problems.push(...d1Problems(config, wrangler('d1', 'list', '--json')))

  // `queues list` answers a page at a time; read on until every queue is seen or a page is empty.
  const required = requiredQueues(config)
  const existing = new Set<string>()
  let listFailed: Problem | undefined
  for (let page = 1; page <= 50 && required.some((q) => !existing.has(q)); page++) {
    const listed = wrangler('queues', 'list', '--page', String(page))
    if (listed.status !== 0) {
      listFailed = {
        what: `Could not list the queues: ${lastLines(listed)}`,
        fix: 'npx wrangler queues list',
      }
      break
    }
    const names = queueNamesFromList(listed.stdout)
    for (const name of names) existing.add(name)
    if (!names.length) break
  }
  problems.push(...(listFailed ? [listFailed] : queueProblems(required, existing)))

  const secrets = secretNamesFromList(wrangler('secret', 'list', ...(env ? ['--env', env] : [])))
  const email = emailProblems(config, forms, settings, Array.isArray(secrets) ? secrets : [], (d) =>
    wrangler('email', 'sending', 'settings', d)
  )
  problems.push(...email.problems)
  advice.push(...email.advice)
  if (Array.isArray(secrets)) {
    const found = secretProblems(secrets, forms, settings)
    problems.push(...found.problems)
    advice.push(...found.advice)
    for (const name of secrets) settings[name] ??= 'set'
  } else problems.push(secrets)
}
if (problems.length || advice.length) console.log(`${describeProblems(problems, advice)}\n`)
if (problems.length) process.exit(1)

requireBackendSettings(settings, 'Set them with `npx wrangler secret put NAME`.')
if ((await run('wrangler', ['d1', 'migrations', 'apply', 'DB', '--remote'])) !== 0) process.exit(1)
process.exit(await run('wrangler', ['deploy', ...args]))
