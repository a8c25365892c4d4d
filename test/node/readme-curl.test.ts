/**
 * Every `curl` example in README.md, run as written with real curl against `npm start`. What is
 * substituted and what counts as right: test/support/readme-curl.ts.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { checkCurlExamples, curlExamples, documentedAnswers } from '../support/readme-curl.ts'

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
let server: DevServer

const check = (markdown: string) => checkCurlExamples(markdown, server.base, server.adminKey)

describe('the curl examples in README.md', () => {
  beforeAll(async () => {
    if (spawnSync('curl', ['--version']).error)
      throw new Error('These tests run the README with curl: install it (apt-get install curl).')
    // A fresh server, as after `npm start`: an example that needs data must make it first.
    server = await startDevServer()
  })
  afterAll(() => server?.stop())

  it('finds the examples and the answers the README documents', () => {
    expect(curlExamples(readme).length).toBeGreaterThan(0)
    expect(documentedAnswers(readme)).toContainEqual(
      expect.objectContaining({
        endpoint: 'POST /contacts/v4/contacts/query',
        fields: ['contacts', 'pagingMetadata'],
      })
    )
  })

  it('runs each example as written: 2xx, with what the README shows', async () => {
    expect(await check(readme)).toEqual([])
  })

  it('reports an example that is broken, in a copy of the README', async () => {
    // The export example and the table row of its endpoint, alone, so other examples do not count.
    const example = curlExamples(readme).find((e) => e.command.includes('/contacts/query'))!
    const row = readme
      .split('\n')
      .find((line) => line.startsWith('| `POST /contacts/v4/contacts/query`'))!
    const copy = (command: string, tableRow = row) =>
      `${tableRow}\n\n\`\`\`sh\n${command}\n\`\`\`\n`
    const broken = (from: string, to: string) => check(copy(example.command.replace(from, to)))

    expect(await check(copy(example.command))).toEqual([])
    expect(await broken('/contacts/v4/contacts/query', '/contacts/v4/query')).toEqual([
      expect.stringMatching(/^README\.md:\d+ \(curl .*: answered 404/),
    ])
    expect(await broken('$ADMIN_API_KEY', '$ADMIN_KEY')).toEqual([
      expect.stringContaining('ADMIN_KEY: unbound variable'),
    ])
    expect(await broken('Authorization: $ADMIN_API_KEY', 'Authorization: nope')).toEqual([
      expect.stringContaining('answered 401'),
    ])
    expect(await broken("0}}}'", "0}}'")).toEqual([expect.stringContaining('answered 400')])
    const promisesMore = row.replace(
      '→ `{ contacts, pagingMetadata }`',
      '→ `{ contacts, pagingMetadata, total }`'
    )
    expect(await check(copy(example.command, promisesMore))).toEqual([
      expect.stringContaining('missing total'),
    ])
    expect(await check(copy('curl https://contacts.example.com/healthz'))).toEqual([
      expect.stringContaining('talks to no local address (localhost:8787), so it cannot run here'),
    ])
  })

  it('checks a shown answer and carries its `…` values into the next example', async () => {
    const examples = (shownLabel: string) => `
\`\`\`sh
curl -s localhost:8787/contacts/v4/labels -H "Authorization: $ADMIN_API_KEY" \\
  -d '{"displayName":"Example label"}'
# {"label":{"key":"custom.exa…",${shownLabel}},"newLabel":true}
curl -s localhost:8787/contacts/v4/labels/custom.exa… -H "Authorization: $ADMIN_API_KEY"
# {"label":{"key":"custom.exa…","displayName":"Example label"}}
\`\`\`
`
    expect(await check(examples('"displayName":"…"'))).toEqual([])
    expect(await check(examples('"displayName":"…","color":"…"'))).toEqual([
      expect.stringMatching(
        /^README\.md:3 .*the answer\.label has no color, which the README shows$/
      ),
    ])
  })
})
