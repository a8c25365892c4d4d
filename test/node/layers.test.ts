/**
 * The layers the tree promises, checked on every import: where code runs decides what it may use
 * (see README, "Layout"). A rule a change must break is a design question, not a test to edit.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)))
}

/** Each file's imports: repo-relative paths for relative specifiers, the bare name for packages. */
const imports = new Map<string, string[]>()
for (const file of [
  ...sources('worker'),
  ...sources('shared'),
  ...sources('widget'),
  ...sources('console'),
]) {
  const text = readFileSync(join(root, file), 'utf8')
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!)
  imports.set(
    file,
    specifiers.map((s) =>
      s.startsWith('.') ? relative(root, resolve(root, dirname(file), s)) : `package:${s}`
    )
  )
}

/** The layer a file belongs to: its top folder, and under worker/ its sub-folder. */
function layer(path: string): string {
  const parts = path.split('/')
  if (parts[0] !== 'worker') return parts.length > 1 ? parts[0]! : path
  return parts.length > 2 ? `worker/${parts[1]}` : path
}

const MIDDLE = [
  'worker/capture',
  'worker/contacts',
  'worker/webhooks',
  'worker/notifications',
  'worker/guards',
]

/** Which layers each layer may import from, besides itself and npm packages. */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  widget: ['shared'],
  // The owner console runs in the browser too, and reaches the worker only over HTTP.
  console: ['shared'],
  'worker/db': ['shared'],
  'worker/stores': ['worker/db', 'shared'],
  ...Object.fromEntries(
    MIDDLE.map((m) => [m, ['worker/stores', 'worker/db', 'shared', 'worker/configured-forms.ts']])
  ),
  'worker/http': [...MIDDLE, 'worker/stores', 'worker/db', 'shared', 'worker/configured-forms.ts'],
}

describe('the layers of the tree', () => {
  it('keeps every import within what its layer may use', () => {
    const broken: string[] = []
    for (const [file, targets] of imports) {
      const from = layer(file)
      const allowed = ALLOWED[from]
      if (!allowed) continue
      for (const target of targets) {
        if (target.startsWith('package:')) {
          // The database layer needs no package; Hono (the HTTP layer's) stays in http/.
          if (from === 'worker/db' || (MIDDLE.includes(from) && /^package:hono\b/.test(target)))
            broken.push(`${file} → ${target}`)
          continue
        }
        const to = layer(target)
        if (to !== from && !allowed.includes(to)) broken.push(`${file} → ${target}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('has no import circle between folders', () => {
    const edges = new Map<string, Set<string>>()
    for (const [file, targets] of imports) {
      for (const target of targets.filter((t) => !t.startsWith('package:'))) {
        const [a, b] = [layer(file), layer(target)]
        if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b))
      }
    }
    const circles: string[] = []
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) return circles.push([...path, node].join(' → '))
      for (const next of edges.get(node) ?? []) visit(next, [...path, node])
    }
    for (const node of edges.keys()) visit(node, [])
    expect(circles).toEqual([])
  })

  it('keeps SQL in worker/db', () => {
    const outside = [...imports.keys()].filter(
      (file) =>
        !file.startsWith('worker/db/') &&
        readFileSync(join(root, file), 'utf8').includes('.prepare(')
    )
    expect(outside).toEqual([])
  })
})
