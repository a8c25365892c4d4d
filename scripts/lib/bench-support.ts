/**
 * @module
 * What `npm run bench` and `npm run profile` both measure with: workerd's CPU, and render tokens
 * fetched ahead so the load itself carries real ones.
 */
import { spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'

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
