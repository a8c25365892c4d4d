/**
 * The worker's secrets and settings found in the environment (`ADMIN_API_KEY=… npm start`), as
 * `--var` arguments for `wrangler dev`. Given after `npm start --` instead, npm would echo them in
 * its command banner; wrangler shows `--var` values as "(hidden)". Wrangler reads no environment
 * variables itself once a .dev.vars exists, and `npm start` always writes one.
 */
import { readFileSync } from 'node:fs'

/** The names in worker/secrets.d.ts, so the list is kept in one place. */
export function secretNames(): string[] {
  const file = new URL('../../worker/secrets.d.ts', import.meta.url)
  const body = /^interface Secrets \{$([\s\S]*?)^\}/m.exec(readFileSync(file, 'utf8'))?.[1] ?? ''
  const names = [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)\?:/gm)].map((m) => m[1]!)
  if (!names.length) throw new Error('No names found in interface Secrets of worker/secrets.d.ts')
  return names
}

/** `--var NAME:value` for each of those names set (not empty) in `env`, and the names. */
export function varsFromEnvironment(env: NodeJS.ProcessEnv = process.env): {
  args: string[]
  names: string[]
} {
  const names = secretNames().filter((name) => env[name])
  return { args: names.flatMap((name) => ['--var', `${name}:${env[name]}`]), names }
}
