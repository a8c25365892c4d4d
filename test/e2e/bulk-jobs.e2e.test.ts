/**
 * A bulk job survives its worker being killed: under `npm start` (wrangler dev, local D1 on disk),
 * a label job over every contact is started, the server is killed while the job is RUNNING, a new
 * server starts on the same state, the cron resumes the job, and at the end every contact has been
 * changed exactly once: the label, revision + 1, and one `updated` event each.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { withLocalBin } from '../../scripts/lib/run.ts'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'

const CONTACTS = 600
// One chunk of 50 a turn, and each turn queued behind the queue's batch wait (up to a second):
// the job runs for several seconds, long enough to be killed in the middle.
const ENV = { BULK_JOB_CHUNK_SIZE: '50', BULK_JOB_TURN_MS: '0' }
const state = mkdtempSync(join(tmpdir(), 'contact-capture-bulk-'))
let server: DevServer | undefined

afterAll(() => {
  server?.stop()
  rmSync(state, { recursive: true, force: true })
})

async function call(path: string, body?: unknown) {
  const res = await fetch(`${server!.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: server!.adminKey, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** SQL against the local D1 the servers used, through wrangler, with no server running. */
function sql(command: string): Record<string, number>[] {
  const run = spawnSync(
    'wrangler',
    ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command', command],
    { env: withLocalBin(), encoding: 'utf8' }
  )
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout)[0].results
}

describe('a bulk job whose worker is killed mid-run', () => {
  it(
    'is resumed by the cron and changes every contact exactly once',
    { timeout: 400_000 },
    async () => {
      server = await startDevServer([], 150_000, ENV, { state })
      const adminKey = server.adminKey
      const { label } = await call('/contacts/v4/labels', { displayName: 'Resumed' })
      const ids: string[] = []
      for (let i = 0; i < CONTACTS; i += 20) {
        const batch = Array.from({ length: Math.min(20, CONTACTS - i) }, (_, k) =>
          call('/contacts/v4/contacts', { info: { name: { first: `Bulk ${i + k}` } } })
        )
        for (const { contact } of await Promise.all(batch)) ids.push(contact.id)
      }

      const { jobId } = await call('/contacts/v4/bulk/contacts/add-remove-labels', {
        filter: {},
        labelKeysToAdd: [label.key],
      })
      const started = Date.now()
      let job
      do job = (await call(`/contacts/v4/bulk/jobs/${jobId}`)).job
      while (job.status !== 'COMPLETED' && job.successTotal === 0 && Date.now() - started < 60_000)
      server.stop('SIGKILL')
      expect(job, 'the job was not caught in the middle').toMatchObject({ status: 'RUNNING' })
      await new Promise((r) => setTimeout(r, 1000))

      server = await startDevServer([], 150_000, ENV, { state, adminKey })
      const before = (await call(`/contacts/v4/bulk/jobs/${jobId}`)).job
      // Killed in the middle: part done, the rest waiting for a runner.
      expect(before.status).toBe('RUNNING')
      expect(before.successTotal).toBeLessThan(CONTACTS)

      // The cron, five minutes on: the job's runner has been quiet, so it is queued again.
      const time = Date.now() + 5 * 60_000
      const cron = await fetch(
        `${server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('*/5 * * * *')}&time=${time}`
      )
      expect(cron.ok).toBe(true)
      const deadline = Date.now() + 120_000
      do job = (await call(`/contacts/v4/bulk/jobs/${jobId}`)).job
      while (job.status !== 'COMPLETED' && Date.now() < deadline)
      expect(job).toMatchObject({
        status: 'COMPLETED',
        totalItems: CONTACTS,
        successTotal: CONTACTS,
        failedTotal: 0,
      })
      server.stop()
      server = undefined
      await new Promise((r) => setTimeout(r, 1000))

      const [revisions] = sql(
        `SELECT COUNT(*) AS contacts, SUM(revision = 2) AS once FROM contacts`
      )
      expect(revisions).toEqual({ contacts: CONTACTS, once: CONTACTS })
      const [labels] = sql(
        `SELECT COUNT(*) AS n FROM contact_labels WHERE label_key = '${label.key}'`
      )
      expect(labels!.n).toBe(CONTACTS)
      const [events] = sql(
        `SELECT COUNT(*) AS events, COUNT(DISTINCT entity_id) AS contacts FROM outbox WHERE slug = 'updated'`
      )
      expect(events).toEqual({ events: CONTACTS, contacts: CONTACTS })
      expect(ids).toHaveLength(CONTACTS)
    }
  )
})
