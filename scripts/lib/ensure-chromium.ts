/**
 * Finds the Chromium that the widget and end-to-end tests drive. No browser download works on
 * these machines, so it is Debian's `chromium`; as root it is installed when missing.
 */
import { existsSync } from 'node:fs'
import { run } from './run.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Flags that let Chromium run headless here, as root, on a machine with no outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
]

export async function ensureChromium(): Promise<boolean> {
  if (existsSync(CHROMIUM_PATH)) return true
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`${CHROMIUM_PATH} is missing; installing Debian's chromium package`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    await run('apt-get', ['update', '-qq'], { env })
    await run('apt-get', ['install', '-y', '-qq', 'chromium'], { env })
    if (existsSync(CHROMIUM_PATH)) return true
  }
  console.error(
    `Chromium not found at ${CHROMIUM_PATH}. Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH.`
  )
  return false
}
