/**
 * What README.md's "Set up" says about Node and `npm install`, against what npm prints.
 *
 * npm warns `EBADENGINE` for each package whose `engines.node` the Node running npm does not
 * satisfy. Here the reader's npm runs on the system's Node (PATH without node_modules/.bin, where
 * the project's own Node is) as `npm install --dry-run`: the dry run builds the same tree from the
 * lock and checks engines in the same step as an install (npm's arborist, buildIdealTree), so it
 * prints the same warnings, in a second instead of a minute, and writes nothing.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { delimiter } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
const setUp = /^## Set up$([\s\S]*?)^## /m.exec(readme)?.[1] ?? ''
const systemPath = (process.env.PATH ?? '')
  .split(delimiter)
  .filter((dir) => !dir.includes('node_modules'))
  .join(delimiter)
const projectPath = `${root}node_modules/.bin${delimiter}${systemPath}`

/** The EBADENGINE warnings of a dry-run install, with npm running on the first Node on `path`. */
function engineWarnings(path: string): { pkg: string; required: string }[] {
  const npm = spawnSync(
    'npm',
    ['install', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: root,
      env: { ...process.env, PATH: path },
      encoding: 'utf8',
    }
  )
  expect(npm.status, npm.stderr).toBe(0)
  const output = npm.stdout + npm.stderr
  return [...output.matchAll(/package: '([^']+)',\n.*required: \{ node: '([^']+)'/g)].map((m) => ({
    pkg: m[1]!,
    required: m[2]!,
  }))
}

function nodeVersion(path: string): string {
  return spawnSync('node', ['--version'], { env: { PATH: path }, encoding: 'utf8' }).stdout.trim()
}

describe('the Node that README.md asks for, and what npm install prints with it', () => {
  it('asks for the Node that package.json declares', () => {
    const minimum = /You need Node\.js (\d+) or newer/.exec(setUp)?.[1]
    expect(minimum).toBeDefined()
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'))
    expect(pkg.engines.node).toBe(`>=${minimum}`)
  })

  it('warns about no package on the Node the project runs its tools with', () => {
    expect(nodeVersion(projectPath)).toMatch(/^v24\./)
    expect(engineWarnings(projectPath)).toEqual([])
  })

  it('says what npm install prints on an older Node: the EBADENGINE warnings and why', () => {
    const warnings = engineWarnings(systemPath)
    if (!warnings.length) return // the system's Node is new enough: npm install warns about nothing
    // The Node those packages ask for, e.g. 22 from '>=22.0.0' and '^22.12.0 || ^24.0.0'.
    const needed = Math.min(...warnings.map((w) => Number(/\d+/.exec(w.required)![0])))
    expect(setUp).toContain('EBADENGINE')
    expect(setUp).toContain(`Node ${needed}`)
    expect(setUp).toContain('node_modules/.bin')
  })
})
