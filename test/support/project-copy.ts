/**
 * A copy of the project in a temporary folder, node_modules linked rather than copied, for tests
 * that edit the project's files while `npm start` runs: other tests use the checkout meanwhile.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
/** Top-level entries that are installed, generated or local state, not the project's source. */
const LEFT_OUT = new Set(['node_modules', '.git', '.wrangler', 'dist', '.dev.vars', 'test-results'])

export interface ProjectCopy {
  dir: string
  remove: () => void
}

export function copyProject(): ProjectCopy {
  const dir = mkdtempSync(join(tmpdir(), 'contact-capture-copy-'))
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const top = relative(ROOT, source).split(/[\\/]/)[0]!
      return !LEFT_OUT.has(top) && !basename(source).startsWith('.npm-start-')
    },
  })
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
