/**
 * End to end under `npm start` (wrangler dev, with its real queues and cron): submissions whose
 * contact write did not happen. The Wix backend talks to a fault proxy (test/support/fault-proxy.ts)
 * in front of a second `npm start`, so Wix can hang, fail and recover on cue. Retries wait
 * SUBMISSION_RETRY_BASE_SECONDS=0.25 instead of 10 (each wait is still at least 1 s); the queue's
 * max_retries and dead-letter queue are those of wrangler.toml.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findContacts, startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { startFaultProxy } from '../support/fault-proxy.ts'
import type { Fault } from '../support/faults.ts'

const SITE = `site-${crypto.randomUUID()}`
const CRON = '*/5 * * * *' // wrangler.toml [triggers]
/** For the queue and the cron to get through a submission; a bound, not an expectation. */
const PATIENCE = { timeout: 90_000, interval: 250 }

let peer: DevServer
let proxy: Awaited<ReturnType<typeof startFaultProxy>>
let server: DevServer

beforeAll(async () => {
  peer = await startDevServer()
  proxy = await startFaultProxy(peer.base, peer.adminKey)
  server = await startDevServer([
    ...['--var', 'CONTACTS_BACKEND:wix'],
    ...['--var', `WIX_API_BASE:${proxy.url}`],
    ...['--var', 'WIX_API_KEY:e2e-wix-key'],
    ...['--var', `WIX_SITE_ID:${SITE}`],
    // A request Wix never answers stays unanswered for the whole test.
    ...['--var', 'WIX_TIMEOUT_MS:600000'],
    ...['--var', 'SUBMISSION_RETRY_BASE_SECONDS:0.25'],
  ])
})

afterAll(async () => {
  server?.stop() // first: its hung request to the proxy ends with it
  await proxy?.close()
  peer?.stop()
})

async function wixFaults(faults: Fault[]): Promise<void> {
  const res = await fetch(`${proxy.url}/__faults/${SITE}`, {
    method: 'POST',
    body: JSON.stringify(faults),
  })
  expect(res.status).toBe(200)
}

interface ListedSubmission {
  id: string
  status: string
  attempts: number
  contactId: string | null
  lastError: string | null
}

async function listed(status: string): Promise<ListedSubmission[]> {
  const res = await fetch(`${server.base}/v1/submissions?status=${status}&paging.limit=1000`, {
    headers: { Authorization: server.adminKey },
  })
  if (res.status !== 200) throw new Error(`listing failed: ${res.status}`)
  return ((await res.json()) as { submissions: ListedSubmission[] }).submissions
}

async function listedWith(status: string, id: string): Promise<ListedSubmission | undefined> {
  return (await listed(status)).find((s) => s.id === id)
}

/** Sends the demo form as the widget does; sent faster than a person types, waits as told. */
async function send(email: string, signal?: AbortSignal): Promise<Response> {
  const { token } = (await (await fetch(`${server.base}/v1/forms/demo`)).json()) as {
    token: string
  }
  for (;;) {
    const res = await fetch(`${server.base}/v1/forms/demo/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ values: { email, consent: true }, token }),
      ...(signal ? { signal } : {}),
    })
    if (res.status !== 425) return res
    await new Promise((r) => setTimeout(r, Number(res.headers.get('Retry-After')) * 1000))
  }
}

const uniqueEmail = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}@example.com`

describe('a submission whose contact write did not happen', () => {
  it('left pending by a request stopped between the record and the write, is finished once by the cron sweep', async () => {
    await wixFaults([{ match: 'POST /contacts/v4/', action: 'hang', times: 1000 }])
    const before = new Set((await listed('pending')).map((s) => s.id))
    const email = uniqueEmail('swept')
    const client = new AbortController()
    const request = send(email, client.signal).catch((err: unknown) => err)
    // Recorded, then held at its first call to Wix: the client goes away, and the request with it
    // (nothing is queued, as when a worker is stopped there).
    let id = ''
    await expect
      .poll(async () => {
        id = (await listed('pending')).find((s) => !before.has(s.id))?.id ?? ''
        return id
      }, PATIENCE)
      .not.toBe('')
    client.abort()
    expect(await request).toMatchObject({ name: 'AbortError' })
    expect(await listedWith('pending', id)).toMatchObject({ attempts: 0, lastError: null })

    // Wix is back; the cron runs 6 minutes later (the sweep takes submissions pending > 5 min).
    await wixFaults([])
    const time = Date.now() + 6 * 60_000
    // wrangler dev's trigger for the scheduled handler; unlike `--test-scheduled`'s /__scheduled,
    // it takes the scheduled time.
    const cron = await fetch(
      `${server.base}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(CRON)}&time=${time}`
    )
    expect(cron.status).toBe(200)
    await expect.poll(() => listedWith('processed', id), PATIENCE).toBeDefined()
    const processed = await listedWith('processed', id)
    const contacts = await findContacts(peer, email)
    expect(contacts).toHaveLength(1)
    expect(processed!.contactId).toBe(contacts[0]!.id)
  }, 120_000)

  it('ends failed after the last queue retry, and an admin retry then writes it once', async () => {
    await wixFaults([
      { match: 'POST /contacts/v4/', action: 'status', status: 500, times: 1_000_000 },
    ])
    const email = uniqueEmail('doomed')
    const res = await send(email)
    expect(res.status).toBe(202)
    const { submissionId, status } = (await res.json()) as { submissionId: string; status: string }
    expect(status).toBe('accepted')

    await expect.poll(() => listedWith('failed', submissionId), PATIENCE).toBeDefined()
    // The request's try and one per delivery: max_retries = 5 → 6 deliveries, then the DLQ.
    expect(await listedWith('failed', submissionId)).toMatchObject({
      status: 'failed',
      attempts: 7,
      contactId: null,
      lastError: 'gave up after the last retry',
    })
    expect(await findContacts(peer, email)).toHaveLength(0)

    await wixFaults([])
    const retry = await fetch(`${server.base}/v1/submissions/${submissionId}/retry`, {
      method: 'POST',
      headers: { Authorization: server.adminKey },
    })
    expect(retry.status).toBe(200)
    const body = (await retry.json()) as {
      submission: { id: string; status: string; contactId: string }
      retried: boolean
    }
    expect(body).toEqual({
      submission: { id: submissionId, status: 'processed', contactId: expect.any(String) },
      retried: true,
    })
    const contacts = await findContacts(peer, email)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.id).toBe(body.submission.contactId)
    expect(await listedWith('processed', submissionId)).toMatchObject({
      contactId: body.submission.contactId,
    })
  }, 120_000)
})
