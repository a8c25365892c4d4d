/**
 * `npm run size` right after `npm install`, as in a fresh clone: nothing built yet (no
 * dist/public, which the worker's dry-run deploy needs for its static assets).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const dir = mkdtempSync(join(tmpdir(), 'contact-capture-size-'))

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('npm run size', () => {
  it('works in a fresh clone before anything was built', () => {
    // The tree as a clone would have it (this working tree's files, nothing git ignores).
    const app = join(dir, 'app')
    const files = spawnSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      {
        cwd: root,
        encoding: 'utf8',
      }
    ).stdout.split('\0')
    for (const file of files.filter(Boolean))
      if (existsSync(join(root, file))) cpSync(join(root, file), join(app, file))
    // The installed packages, without installing them again.
    symlinkSync(join(root, 'node_modules'), join(app, 'node_modules'))
    const size = spawnSync('npm', ['run', 'size'], { cwd: app, encoding: 'utf8' })
    expect(size.status, size.stdout + size.stderr).toBe(0)
    expect(size.stdout).toMatch(/contact-form\.js .* gzipped \d+ B/)
    expect(size.stdout).toMatch(/worker index\.js .* gzipped \d+ B/)
  }, 120_000)
})
