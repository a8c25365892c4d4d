/** Runs a command from node_modules/.bin (or PATH) and resolves with its exit code. */
import { spawn } from 'node:child_process'
import type { SpawnOptions } from 'node:child_process'

export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)))
  })
}
