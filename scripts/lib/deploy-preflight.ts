/**
 * What a deploy needs that `wrangler deploy` does not check before it uploads: a login, the D1
 * database, the queues, the secrets, and forms that a real site may use. Each check is a function
 * over what wrangler prints (`wrangler whoami --json`, `d1 list --json`, `queues list`,
 * `secret list`), so the decisions can be tested without a Cloudflare account.
 */
import { isMailboxAddress } from '../../shared/forms-config.ts'
import type { FormsConfig } from '../../shared/forms-config.ts'

/** Something to fix before deploying, and how. */
export interface Problem {
  what: string
  fix: string
}

/** What a wrangler command did. */
export interface CommandOutput {
  status: number | null
  stdout: string
  stderr: string
}

/** The parts of the wrangler configuration (as wrangler reads it) that a deploy relies on. */
export interface DeployConfig {
  name?: string
  d1_databases: { binding: string; database_name?: string; database_id?: string }[]
  queues: {
    producers?: { queue: string }[]
    consumers?: { queue: string; dead_letter_queue?: string }[]
  }
  send_email?: { name: string; allowed_sender_addresses?: string[] }[]
}

/** From `wrangler whoami --json`: `{"loggedIn":false}` and exit 1 when nobody is logged in. */
export function loginProblem(whoami: CommandOutput): Problem | undefined {
  const answer = parseJson(whoami.stdout) as { loggedIn?: boolean } | undefined
  if (whoami.status === 0 && answer?.loggedIn) return undefined
  if (answer?.loggedIn === false)
    return {
      what: 'You are not logged in to Cloudflare (so the D1 database, queues and secrets are not checked yet).',
      fix: 'npx wrangler login   (or set CLOUDFLARE_API_TOKEN, e.g. in CI)',
    }
  return {
    what: `Could not ask Cloudflare who you are: ${lastLines(whoami)}`,
    fix: 'Check the network, then run npx wrangler whoami',
  }
}

/** Every queue the worker sends to or reads from, dead-letter queues included. */
export function requiredQueues(config: DeployConfig): string[] {
  const names = [
    ...(config.queues.producers ?? []).map((p) => p.queue),
    ...(config.queues.consumers ?? []).flatMap((c) => [c.queue, c.dead_letter_queue ?? '']),
  ]
  return [...new Set(names.filter(Boolean))]
}

/**
 * The queue names in one page of `wrangler queues list`, a table:
 * `│ id │ name │ created_on │ …`, one row per queue (none when the account has none).
 */
export function queueNamesFromList(output: string): string[] {
  const rows = output
    .split('\n')
    .filter((line) => line.startsWith('│'))
    .map((line) =>
      line
        .split('│')
        .slice(1, -1)
        .map((cell) => cell.trim())
    )
  const column = rows[0]?.indexOf('name') ?? -1
  return column < 0 ? [] : rows.slice(1).map((row) => row[column]!)
}

export function queueProblems(required: string[], existing: Iterable<string>): Problem[] {
  const have = new Set(existing)
  return required
    .filter((name) => !have.has(name))
    .map((name) => ({
      what: `The queue ${name} does not exist.`,
      fix: `npx wrangler queues create ${name}`,
    }))
}

/** From `wrangler d1 list --json`: each D1 binding's database must exist (by id, else by name). */
export function d1Problems(config: DeployConfig, d1List: CommandOutput): Problem[] {
  const databases = parseJson(d1List.stdout) as { uuid: string; name: string }[] | undefined
  if (d1List.status !== 0 || !Array.isArray(databases))
    return [
      {
        what: `Could not list the D1 databases: ${lastLines(d1List)}`,
        fix: 'npx wrangler d1 list',
      },
    ]
  return config.d1_databases.flatMap((db): Problem[] => {
    const name = db.database_name ?? db.binding
    if (db.database_id) {
      if (databases.some((d) => d.uuid === db.database_id)) return []
      return [
        {
          what: `wrangler.toml binds ${db.binding} to database_id ${db.database_id}, which this account does not have.`,
          fix: `npx wrangler d1 list, then put the right database_id in wrangler.toml (or npx wrangler d1 create ${name})`,
        },
      ]
    }
    if (databases.some((d) => d.name === name)) return []
    return [
      {
        what: `The D1 database ${name} (binding ${db.binding}) does not exist.`,
        fix: `npx wrangler d1 create ${name}, then put the database_id it prints under [[d1_databases]] in wrangler.toml`,
      },
    ]
  })
}

/**
 * The secret names from `wrangler secret list` (JSON: `[{ "name": "…", "type": "secret_text" }]`).
 * A Worker never deployed has none: wrangler then answers that it was not found.
 */
export function secretNamesFromList(list: CommandOutput): string[] | Problem {
  if (list.status === 0) {
    const secrets = parseJson(list.stdout) as { name: string }[] | undefined
    if (Array.isArray(secrets)) return secrets.map((s) => s.name)
  }
  if (/Worker "[^"]*"(?: \(env: [^)]*\))? not found/.test(list.stderr + list.stdout)) return []
  return { what: `Could not list the secrets: ${lastLines(list)}`, fix: 'npx wrangler secret list' }
}

/**
 * The secrets the worker cannot do without, given the forms and settings ([vars], --var):
 * blocking problems, and advice that lets the deploy go on.
 */
export function secretProblems(
  secrets: string[],
  forms: FormsConfig,
  settings: Record<string, string>
): { problems: Problem[]; advice: Problem[] } {
  const has = (name: string) => secrets.includes(name) || Boolean(settings[name])
  const put = (name: string) => `npx wrangler secret put ${name}`
  const problems: Problem[] = []
  const advice: Problem[] = []
  const firstPut = secrets.length
    ? ''
    : ' (the first one creates the Worker, before its first deploy)'
  if (!has('ADMIN_API_KEY') && !has('ADMIN_API_KEYS'))
    problems.push({
      what: 'No admin API key is set: the admin API would refuse everyone.',
      fix: `${put('ADMIN_API_KEY')}   and paste a long random key, e.g. from openssl rand -base64 32${firstPut}`,
    })
  if (!has('FORM_TOKEN_SECRET')) {
    const entry = {
      what: 'FORM_TOKEN_SECRET is not set: render tokens are signed with a key derived from ADMIN_API_KEY, so changing that key makes every open form fetch a new token.',
      fix: `${put('FORM_TOKEN_SECRET')}   and paste another long random key`,
    }
    if (has('ADMIN_API_KEY')) advice.push(entry)
    else
      problems.push({
        ...entry,
        what: 'FORM_TOKEN_SECRET (or ADMIN_API_KEY) must be set to sign the render tokens of served forms.',
      })
  }
  const turnstile = Object.entries(forms).filter(([, form]) => form.spam.turnstile)
  if (turnstile.length && !has('TURNSTILE_SECRET_KEY'))
    problems.push({
      what: `TURNSTILE_SECRET_KEY is not set, and ${turnstile.map(([id]) => `form "${id}"`).join(', ')} uses Turnstile: every submission would get 503.`,
      fix: `${put('TURNSTILE_SECRET_KEY')}   with the secret key of your Turnstile widget`,
    })
  if ((settings.CONTACTS_BACKEND ?? 'd1') === 'wix')
    for (const name of ['WIX_API_KEY', 'WIX_SITE_ID'].filter((n) => !has(n)))
      problems.push({
        what: `CONTACTS_BACKEND=wix needs ${name}.`,
        fix: `${put(name)}${name === 'WIX_SITE_ID' ? '   (or a [vars] entry in wrangler.toml)' : ''}`,
      })
  return { problems, advice }
}

/**
 * What sending notification emails needs, when a form has `notify`: the `NOTIFY_EMAIL` binding,
 * a sender address (`NOTIFY_FROM`) that the binding allows, and the sender's domain onboarded to
 * Email Sending — `sendingSettings` runs `wrangler email sending settings <domain>` (which prints
 * `Enabled: true` once it is). Blocking problems, and advice that lets the deploy go on.
 */
export function emailProblems(
  config: DeployConfig,
  forms: FormsConfig,
  settings: Record<string, string>,
  secrets: string[],
  sendingSettings: (domain: string) => CommandOutput
): { problems: Problem[]; advice: Problem[] } {
  const notifying = Object.entries(forms).filter(([, form]) => form.notify)
  if (!notifying.length) return { problems: [], advice: [] }
  const which = notifying.map(([id]) => `form "${id}"`).join(', ')
  const problems: Problem[] = []
  const advice: Problem[] = []
  const binding = config.send_email?.find((b) => b.name === 'NOTIFY_EMAIL')
  if (!binding)
    problems.push({
      what: `${which} sends notification emails, but wrangler.toml has no send_email binding NOTIFY_EMAIL.`,
      fix: 'add  [[send_email]]  name = "NOTIFY_EMAIL"  to wrangler.toml',
    })
  const from = settings.NOTIFY_FROM
  if (!from && secrets.includes('NOTIFY_FROM')) {
    advice.push({
      what: 'NOTIFY_FROM is a secret, so its domain could not be checked here.',
      fix: 'npx wrangler email sending settings <its domain>   should say Enabled: true',
    })
  } else if (!from || !isMailboxAddress(from)) {
    problems.push({
      what: `NOTIFY_FROM ${from ? `("${from}") is not an email address` : 'is not set'}: the notification emails of ${which} would be refused.`,
      fix: 'NOTIFY_FROM = "leads@mail.your-domain"  under [vars] in wrangler.toml (or npx wrangler secret put NOTIFY_FROM)',
    })
  } else {
    const allowed = binding?.allowed_sender_addresses
    if (allowed && !allowed.includes(from))
      problems.push({
        what: `The NOTIFY_EMAIL binding allows only ${allowed.join(', ')} as sender, not NOTIFY_FROM ${from}.`,
        fix: `add "${from}" to allowed_sender_addresses of [[send_email]] in wrangler.toml`,
      })
    const domain = from.slice(from.lastIndexOf('@') + 1)
    const answer = sendingSettings(domain)
    if (answer.status !== 0 || !/^\s*Enabled:\s*true\s*$/m.test(answer.stdout))
      problems.push({
        what: `Email Sending is not enabled for ${domain}${answer.status === 0 ? '' : ` (${lastLines(answer)})`}: Cloudflare refuses mail from ${from}.`,
        fix: `npx wrangler email sending enable ${domain}   (the domain must use Cloudflare DNS), or the dashboard: Email Service › Email Sending › Onboard Domain`,
      })
  }
  if (!settings.CONSOLE_URL)
    advice.push({
      what: 'CONSOLE_URL is not set: notification emails will not link to the contact.',
      fix: 'CONSOLE_URL = "https://<your worker\'s host>"  under [vars] in wrangler.toml',
    })
  return { problems, advice }
}

/** Forms that only pages on this machine may post: on the Internet, every browser would get 403. */
export function originProblems(forms: FormsConfig): Problem[] {
  return Object.entries(forms)
    .filter(([, form]) => !form.allowedOrigins.some((origin) => !isLoopback(origin)))
    .map(([id, form]) => ({
      what: `Form "${id}" allows ${form.allowedOrigins.length ? `only ${form.allowedOrigins.join(', ')}` : 'no origin'}: browsers on your site would get 403.`,
      fix: `add your site's origin, e.g. 'https://www.example.com', to allowedOrigins of "${id}" in forms.config.ts`,
    }))
}

function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(host)
  )
}

/** The report `npm run deploy` prints: what to fix, each with the command that fixes it. */
export function describeProblems(problems: Problem[], advice: Problem[]): string {
  const lines: string[] = []
  if (problems.length) lines.push('Before deploying, fix these:')
  for (const p of problems) lines.push(`  ✗ ${p.what}`, `      ${p.fix}`)
  if (advice.length) lines.push(problems.length ? 'Also:' : 'Before you go on:')
  for (const p of advice) lines.push(`  • ${p.what}`, `      ${p.fix}`)
  if (problems.length) lines.push('Then run npm run deploy again.')
  return lines.join('\n')
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The end of what a failed command printed, without wrangler's colours. */
export function lastLines(output: CommandOutput): string {
  const text = `${output.stderr}\n${output.stdout}`.replace(/\x1b\[[0-9;]*m/g, '').trim()
  return text.split('\n').filter(Boolean).slice(-3).join(' ') || `exit code ${output.status}`
}
