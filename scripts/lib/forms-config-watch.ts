/**
 * Under `npm start`, the worker reads forms.config.ts through a checked copy. Left to wrangler, a
 * save with a syntax error holds every request until the file is fixed, and one that fails the
 * schema throws while the worker starts, which stops wrangler dev altogether. Here each save is
 * checked in Node first: a good one is written to the copy (wrangler reloads), a bad one is
 * printed and the worker keeps the last good config.
 *
 * wrangler dev bundles the copy instead of the file through an `alias` in its configuration: a
 * copy of wrangler.toml beside it (so every relative path, .dev.vars and .wrangler/ stay the same)
 * with one more line, removed when npm start stops. (`wrangler dev --alias` would be simpler, but
 * wrangler 4 reads it only for deploy.) `wrangler deploy` and the tests use forms.config.ts.
 */
import { execFile } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  watch,
  writeFileSync,
} from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import type { FormsConfig } from '../../shared/forms-config.ts'
import type { FormsConfigResult } from './forms-config.ts'

/** How worker/configured-forms.ts imports the config; wrangler's alias matches it exactly. */
const WORKER_IMPORT = '../forms.config.ts'

/** The configuration wrangler dev gets: wrangler.toml, plus the alias; kept in step with it. */
const WRANGLER_CONFIG = 'wrangler.toml'

/**
 * Writes `forms` to a fresh copy, checks every later save of `file` or of a local file it imports,
 * and answers the arguments that make wrangler dev use the copy.
 */
export function serveCheckedFormsConfig(
  forms: FormsConfig,
  inputs: string[],
  file = 'forms.config.ts'
): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'contact-capture-forms-'))
  const copy = join(dir, 'forms.config.js')
  removeStaleDevConfigs()
  const devConfig = `.npm-start-${process.pid}.wrangler.toml`
  process.on('exit', () => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(devConfig, { force: true })
  })
  let served = writeCopy(copy, forms, '')
  writeDevConfig(devConfig, copy)
  // wrangler dev reloads when its configuration changes; so it still does for wrangler.toml.
  watchNames(process.cwd(), new Set([WRANGLER_CONFIG]), () => writeDevConfig(devConfig, copy))

  let watchers: FSWatcher[] = []
  let pending: NodeJS.Timeout | undefined
  let checking = false
  let again = false
  let broken = false

  const watchFiles = (files: string[]) => {
    for (const watcher of watchers) watcher.close()
    watchers = [...new Set(files.map((f) => dirname(f)))].map((folder) => {
      const names = new Set(files.filter((f) => dirname(f) === folder).map((f) => basename(f)))
      return watchNames(folder, names, schedule)
    })
  }

  const schedule = () => {
    clearTimeout(pending)
    pending = setTimeout(() => void check(), 150) // an editor's save can be several writes
  }

  const check = async () => {
    if (checking) return void (again = true)
    checking = true
    const result = await checkInChild(file)
    if ('forms' in result) {
      const before = served
      served = writeCopy(copy, result.forms, served)
      if (served !== before) console.log(`\n${file} changed: reloading the worker with it.\n`)
      else if (broken) console.log(`\n${file} is fixed; the worker already serves this version.\n`)
      broken = false
    } else {
      broken = true
      console.error(
        `\n${file} has a mistake; the worker keeps the last good version until it is fixed:\n` +
          `${result.error.trimEnd()}\n`
      )
    }
    watchFiles(result.inputs ?? [...new Set([...inputs, join(process.cwd(), file)])])
    if (result.inputs) inputs = result.inputs
    checking = false
    if (again) {
      again = false
      void check()
    }
  }

  watchFiles(inputs)
  return ['--config', devConfig]
}

/** Directories, not files: editors often save by writing a new file and renaming it over the old. */
function watchNames(folder: string, names: Set<string>, onChange: () => void): FSWatcher {
  return watch(folder, (_event, name) => {
    if (name && names.has(name)) onChange()
  })
}

/** Removes the configurations of npm starts that ended without cleaning up (killed, say). */
function removeStaleDevConfigs(): void {
  for (const name of readdirSync('.')) {
    const pid = /^\.npm-start-(\d+)\.wrangler\.toml$/.exec(name)?.[1]
    if (pid && !isRunning(Number(pid))) rmSync(name, { force: true })
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** wrangler.toml with the alias added to its `[alias]` table (or a new one). */
function writeDevConfig(path: string, copy: string): void {
  const toml = readFileSync(WRANGLER_CONFIG, 'utf8')
  const entry = `${JSON.stringify(WORKER_IMPORT)} = ${JSON.stringify(copy)}`
  const header = `# Written by npm start from ${WRANGLER_CONFIG}, and removed when it stops: edit ${WRANGLER_CONFIG}.\n`
  const withAlias = /^\[alias\][ \t]*$/m.test(toml)
    ? toml.replace(/^\[alias\][ \t]*$/m, `[alias]\n${entry}`)
    : `${toml.trimEnd()}\n\n[alias]\n${entry}\n`
  const text = header + withAlias
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text)
}

/** Writes the module when its text changed (every write makes wrangler reload); answers the text. */
function writeCopy(path: string, forms: FormsConfig, previous: string): string {
  const text = `// Written by npm start: the last forms.config.ts that passed the check.\nexport default ${JSON.stringify(forms, null, 2)}\n`
  if (text === previous) return previous
  writeFileSync(`${path}.tmp`, text)
  renameSync(`${path}.tmp`, path) // at once, so wrangler never bundles half a file
  return text
}

/** Evaluates the config in a new Node process, so every file it imports is read afresh. */
function checkInChild(file: string): Promise<FormsConfigResult> {
  const lib = new URL('./forms-config.ts', import.meta.url).href
  const script = `import { readFormsConfig } from ${JSON.stringify(lib)}
process.stdout.write(JSON.stringify(await readFormsConfig(${JSON.stringify(file)})))`
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as FormsConfigResult)
        } catch {
          resolve({ error: `Could not check ${file}: ${stderr || error?.message || 'no answer'}` })
        }
      }
    )
  })
}
