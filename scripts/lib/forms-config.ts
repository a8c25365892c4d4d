/**
 * Loads a forms config file the way the worker does, and turns a mistake into a readable stop.
 */
import { build, formatMessages } from 'esbuild'
import type { Message } from 'esbuild'
import { relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FormsConfig } from '../../shared/forms-config.ts'

/**
 * The checked forms, or what is wrong, worded for the person who edits the file. `inputs`: the
 * config file and the local files it imports (absolute paths), when they could be read.
 */
export type FormsConfigResult =
  { forms: FormsConfig; inputs: string[] } | { error: string; inputs?: string[] }

/**
 * Compiles and evaluates the config (which checks it, through `defineForms`). Never throws: a
 * syntax error comes back with file, line and column, a schema error naming the form and field.
 */
export async function readFormsConfig(file = 'forms.config.ts'): Promise<FormsConfigResult> {
  const path = resolve(file)
  let inputs: string[]
  try {
    // esbuild, the bundler wrangler uses, words syntax errors with the line and a caret.
    const compiled = await build({
      entryPoints: [path],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    })
    inputs = Object.keys(compiled.metafile.inputs).map((input) => resolve(input))
  } catch (err) {
    const errors = (err as { errors?: Message[] }).errors
    if (!errors?.length) return { error: String(err) }
    return { error: (await formatMessages(errors, { kind: 'error', color: false })).join('') }
  }
  try {
    // The query makes a long-lived process evaluate the file again after an edit.
    const url = `${pathToFileURL(path).href}?t=${Date.now()}`
    const forms = ((await import(url)) as { default?: unknown }).default
    if (!forms || typeof forms !== 'object')
      return { error: `${file} must export default defineForms({...})`, inputs }
    return { forms: forms as FormsConfig, inputs }
  } catch (err) {
    if (err instanceof Error && err.name === 'FormsConfigError')
      return { error: err.message, inputs }
    return { error: describeThrown(err), inputs }
  }
}

/** Checks the config; on a mistake prints it (naming form and field) and exits with 1. */
export async function requireValidFormsConfig(file = 'forms.config.ts'): Promise<FormsConfig> {
  const result = await readFormsConfig(file)
  if ('forms' in result) return result.forms
  console.error(result.error)
  process.exit(1)
}

/** An error thrown while the config ran: its message, and where in the project's files. */
function describeThrown(err: unknown): string {
  if (!(err instanceof Error)) return `The config threw ${String(err)}`
  const root = pathToFileURL(process.cwd()).href + '/'
  const where = (err.stack ?? '')
    .split('\n')
    .filter((line) => line.includes(root) && !/\/node_modules\/|\[eval/.test(line))
    .map((line) =>
      line
        .trim()
        .replace(root, '')
        .replace(/\?t=\d+/, '')
    )
  return [`${err.name}: ${err.message}`, ...where].join('\n    ')
}
