/**
 * @module
 * What `npm run bench` and `npm run profile` both measure with: workerd's CPU, and render tokens
 * fetched ahead so the load itself carries real ones.
 */
import { spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/** CPU milliseconds used so far by the workerd processes one `wrangler dev` started (its process group). */
export function workerdCpuMs(server: ChildProcess): number {
  if (!existsSync('/proc/self/stat')) return NaN
  const pids = spawnSync('pgrep', ['-g', String(server.pid), 'workerd'], { encoding: 'utf8' })
  let ticks = 0
  for (const pid of pids.stdout.split('\n').filter(Boolean)) {
    try {
      // utime and stime, fields 14 and 15, counted after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // exited
    }
  }
  return ticks * 10 // USER_HZ is 100 on Linux
}

/** `count` render tokens of the demo form, fetched 16 at a time. */
export async function tokens(base: string, count: number): Promise<string[]> {
  const out: string[] = []
  const worker = async () => {
    while (out.length < count)
      out.push(((await (await fetch(`${base}/v1/forms/demo`)).json()) as { token: string }).token)
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return out
}

/**
 * Under `wrangler dev`, wrangler's local trace collector stores every span of every request (each
 * binding call is one) in SQLite, inside the runtime's process: a development tool (the local
 * explorer's traces) with no counterpart in a deployed worker's CPU. The bench turns it off for
 * both workers it compares.
 */
export const WITHOUT_LOCAL_TRACES = { X_LOCAL_OBSERVABILITY: 'false' }

/**
 * A copy of the project's wrangler.toml (paths made absolute) in `dir`, for measuring the worker
 * itself: without `[assets]`, whose local simulation puts three more workers (asset proxy, router
 * and its inner entrypoint) in front of every request in the runtime's process. Deployed,
 * Cloudflare's asset router does that outside the worker, and the submission route never reads an
 * asset. With `forms`, forms.config.ts is replaced by that module.
 */
export function workerOnlyConfig(root: string, dir: string, forms?: string): string {
  const toml = readFileSync(join(root, 'wrangler.toml'), 'utf8')
    .replace(/^\[assets\]\n(?:[^[\n].*\n|\n)*/m, '')
    .replace(
      /^(main|migrations_dir) = "([^"]+)"$/gm,
      (_, key: string, path: string) => `${key} = ${JSON.stringify(resolve(root, path))}`
    )
  const config = join(dir, 'wrangler.toml')
  // esbuild's alias is matched on the import as written (worker/configured-forms.ts's).
  const alias = forms ? `\n[alias]\n"../forms.config.ts" = ${JSON.stringify(forms)}\n` : ''
  writeFileSync(config, toml + alias)
  return config
}
