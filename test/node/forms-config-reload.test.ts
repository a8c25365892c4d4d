/**
 * Mistakes saved into forms.config.ts while `npm start` runs: the worker keeps serving the last
 * good forms, the mistake is printed as precisely as the checks word it, and the next good save is
 * served. In a copy of the project, as these edits would disturb the tests that share the checkout.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { copyProject } from '../support/project-copy.ts'
import type { ProjectCopy } from '../support/project-copy.ts'

let project: ProjectCopy
let server: DevServer
let configFile: string
let original: string

/** The demo form's title as served; a worker that cannot build holds requests, hence the signal. */
async function demoTitle(): Promise<string> {
  const res = await fetch(`${server.base}/v1/forms/demo`, { signal: AbortSignal.timeout(20_000) })
  expect(res.status).toBe(200)
  return ((await res.json()) as { title: string }).title
}

/** Saves the config; answers a reader of what the server prints from then on. */
function save(text: string): () => string {
  const from = server.log().length
  writeFileSync(configFile, text)
  return () => server.log().slice(from)
}

describe('editing forms.config.ts while npm start runs', () => {
  beforeAll(async () => {
    project = copyProject()
    configFile = join(project.dir, 'forms.config.ts')
    original = readFileSync(configFile, 'utf8')
    server = await startDevServer([], undefined, {}, { cwd: project.dir })
  })
  afterAll(() => {
    server?.stop()
    project?.remove()
  })

  it('keeps the last good forms through a syntax and a schema error, then serves the fix', async () => {
    expect(await demoTitle()).toBe('Talk to us')
    const keeping = 'the worker keeps the last good version until it is fixed'

    const syntaxError = save(original.replace("title: 'Talk to us',", "title: 'Talk to us',,"))
    await expect.poll(syntaxError, { timeout: 30_000 }).toContain(keeping)
    expect(syntaxError()).toContain('Expected identifier but found ","')
    expect(syntaxError()).toMatch(/forms\.config\.ts:\d+:\d+:/)
    expect(await demoTitle()).toBe('Talk to us')

    const schemaError = save(original.replace("type: 'textarea'", "type: 'longtext'"))
    await expect.poll(schemaError, { timeout: 30_000 }).toContain(keeping)
    expect(schemaError()).toContain('form "demo", field "message" (type): Invalid option')
    expect(await demoTitle()).toBe('Talk to us')

    save(original.replace("title: 'Talk to us'", "title: 'Talk to us, again'"))
    await expect.poll(demoTitle, { timeout: 60_000 }).toBe('Talk to us, again')
    expect(server.log()).not.toContain('problem with the workerd binary')
    expect(server.log()).not.toContain('create an issue')
  })
})
