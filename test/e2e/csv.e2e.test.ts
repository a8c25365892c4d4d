/**
 * A CSV import survives its worker being killed: under `npm start` (wrangler dev, local D1 on
 * disk), a file is tried (dry run), then imported; the server is killed while the import job is
 * RUNNING, a new server starts on the same state, the cron resumes the job, and at the end the job
 * reports what the dry run predicted and every row was imported once: one contact per new email,
 * one `created` event each, every row settled. The contacts are then exported as CSV.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { withLocalBin } from '../../scripts/lib/run.ts'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'

const ROWS = 600
// One chunk of 50 rows a turn, each turn queued behind the queue's batch wait (up to a second):
// the job runs for several seconds, long enough to be killed in the middle.
const ENV = { BULK_JOB_CHUNK_SIZE: '50', BULK_JOB_TURN_MS: '0' }
const state = mkdtempSync(join(tmpdir(), 'contact-capture-csv-'))
let server: DevServer | undefined

afterAll(() => {
  server?.stop()
  rmSync(state, { recursive: true, force: true })
})

async function call(path: string, init: RequestInit = {}) {
  const res = await fetch(`${server!.base}${path}`, {
    ...init,
    headers: { Authorization: server!.adminKey, ...init.headers },
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`)
  return text
}

const upload = async (query: string, file: string) =>
  JSON.parse(
    await call(`/v1/contacts/imports?${query}`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/csv' },
      body: file,
    })
  )
const getJob = async (id: string) => JSON.parse(await call(`/contacts/v4/bulk/jobs/${id}`)).job

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

/** 600 rows: new people, every tenth repeating an earlier row's email (with a last name), and bad emails. */
function file(): string {
  const lines = ['First name,Last name,Email,Labels']
  for (let i = 0; i < ROWS; i++) {
    if (i % 10 === 9) lines.push(`,Again ${i},person-${i - 5}@example.com,Resumed`)
    else if (i % 97 === 0) lines.push(`Bad ${i},,not-an-email-${i},`)
    else lines.push(`Person ${i},,person-${i}@example.com,Resumed`)
  }
  return `${lines.join('\r\n')}\r\n`
}

describe('a CSV import whose worker is killed mid-run', () => {
  it(
    'is resumed by the cron and imports every row exactly once',
    { timeout: 400_000 },
    async () => {
      server = await startDevServer([], 150_000, ENV, { state })
      const adminKey = server.adminKey
      const csv = file()
      const dry = await upload('dryRun=true', csv)
      expect(dry.summary.rows).toBe(ROWS)
      expect(dry.summary.failed).toBeGreaterThan(0)
      expect(dry.summary.updated).toBeGreaterThan(0)

      const { jobId, rows } = await upload('', csv)
      expect(rows).toBe(ROWS)
      const started = Date.now()
      let job
      do job = await getJob(jobId)
      while (job.status !== 'COMPLETED' && job.successTotal === 0 && Date.now() - started < 60_000)
      server.stop('SIGKILL')
      expect(job, 'the job was not caught in the middle').toMatchObject({ status: 'RUNNING' })
      await new Promise((r) => setTimeout(r, 1000))

      server = await startDevServer([], 150_000, ENV, { state, adminKey })
      const before = await getJob(jobId)
      // Killed in the middle: part done, the rest waiting for a runner.
      expect(before.status).toBe('RUNNING')
      expect(before.successTotal + before.failedTotal).toBeLessThan(ROWS)

      // The cron, five minutes on: the job's runner has been quiet, so it is queued again.
      const time = Date.now() + 5 * 60_000
      const cron = await fetch(
        `${server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent('*/5 * * * *')}&time=${time}`
      )
      expect(cron.ok).toBe(true)
      const deadline = Date.now() + 120_000
      do job = await getJob(jobId)
      while (job.status !== 'COMPLETED' && Date.now() < deadline)
      const { blankRows: _, rows: total, ...predicted } = dry.summary
      expect(job).toMatchObject({
        status: 'COMPLETED',
        totalItems: total,
        importSummary: predicted,
      })

      // The export holds each imported contact once.
      const exported = await call('/v1/contacts/export')
      expect(exported.trimEnd().split('\r\n')).toHaveLength(1 + predicted.created)
      server.stop()
      server = undefined
      await new Promise((r) => setTimeout(r, 1000))

      const [contacts] = sql(
        `SELECT COUNT(*) AS contacts, COUNT(DISTINCT e.email_norm) AS emails FROM contacts c JOIN contact_emails e ON e.contact_id = c.id`
      )
      expect(contacts).toEqual({ contacts: predicted.created, emails: predicted.created })
      const [events] = sql(
        `SELECT COUNT(*) AS events, COUNT(DISTINCT entity_id) AS contacts FROM outbox WHERE slug = 'created'`
      )
      expect(events).toEqual({ events: predicted.created, contacts: predicted.created })
      const [items] = sql(
        `SELECT COUNT(*) AS rows, SUM(outcome IS NULL) AS open FROM bulk_job_items WHERE job_id = '${jobId}'`
      )
      expect(items).toEqual({ rows: ROWS, open: 0 })
    }
  )
})
