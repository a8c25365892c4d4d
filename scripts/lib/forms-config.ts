/**
 * Loads a forms config file the way the worker does, and turns a mistake into a readable stop.
 */
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'

export async function loadFormsConfig(file = 'forms.config.ts'): Promise<Record<string, unknown>> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as {
    default: Record<string, unknown>
  }
  return mod.default
}

/** Checks the config; on a mistake prints it (naming form and field) and exits with 1. */
export async function requireValidFormsConfig(file = 'forms.config.ts'): Promise<void> {
  try {
    const forms = await loadFormsConfig(file)
    if (!forms || typeof forms !== 'object')
      throw new Error(`${file} must export default defineForms({...})`)
  } catch (err) {
    console.error(err instanceof Error && err.name === 'FormsConfigError' ? err.message : err)
    process.exit(1)
  }
}
