/**
 * Which contacts backend `wrangler dev` / `wrangler deploy` will run with, from the places wrangler
 * reads settings (wrangler.toml [vars], .dev.vars, `--var NAME:value`), and a stop with a clear
 * message when `CONTACTS_BACKEND=wix` lacks what it needs.
 */
import { existsSync, readFileSync } from 'node:fs'

export function settingsFor(args: string[], { devVars = true } = {}): Record<string, string> {
  const out: Record<string, string> = {}
  const toml = existsSync('wrangler.toml') ? readFileSync('wrangler.toml', 'utf8') : ''
  const vars = /^\[vars\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml)?.[1] ?? ''
  for (const m of vars.matchAll(/^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"([^"]*)"/gm)) out[m[1]!] = m[2]!
  if (devVars && existsSync('.dev.vars')) {
    for (const m of readFileSync('.dev.vars', 'utf8').matchAll(
      /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"?([^"\n]*)"?\s*$/gm
    ))
      out[m[1]!] = m[2]!
  }
  args.forEach((arg, i) => {
    const value =
      arg === '--var' ? args[i + 1] : arg.startsWith('--var=') ? arg.slice(6) : undefined
    const m = value ? /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/.exec(value) : null
    if (m) out[m[1]!] = m[2]!
  })
  return out
}

/** Exits with 1 and a message when CONTACTS_BACKEND=wix misses WIX_API_KEY or WIX_SITE_ID. */
export function requireBackendSettings(settings: Record<string, string>, where: string): void {
  const backend = settings.CONTACTS_BACKEND ?? 'd1'
  if (backend !== 'd1' && backend !== 'wix') {
    console.error(`CONTACTS_BACKEND must be "d1" or "wix", not "${backend}".`)
    process.exit(1)
  }
  if (backend !== 'wix') return
  const missing = ['WIX_API_KEY', 'WIX_SITE_ID'].filter((name) => !settings[name])
  if (missing.length) {
    console.error(`CONTACTS_BACKEND=wix needs ${missing.join(' and ')}. ${where}`)
    process.exit(1)
  }
}
