/** Runs a command (found in node_modules/.bin first, as npm scripts do) and resolves with its exit code. */
import { spawn } from 'node:child_process'
import type { SpawnOptions } from 'node:child_process'
import { delimiter, resolve } from 'node:path'

const BIN = resolve('node_modules/.bin')

/** The environment with node_modules/.bin first on PATH. */
export function withLocalBin(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: `${BIN}${delimiter}${env.PATH ?? ''}` }
}

export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      ...options,
      env: withLocalBin(options.env ?? process.env),
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)))
  })
}
