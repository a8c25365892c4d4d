/**
 * Contacts v4 bulk jobs against the real D1: requests checked before a job starts, the job's
 * status progression and Wix shape, the snapshot of ids, idempotent chunks (a chunk run twice, two
 * runners at once), events per changed contact, and concurrent form submissions.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { runBulkJob, startBulkJob } from '../../worker/contacts/bulk-jobs.ts'
import type { BulkQueueMessage, BulkRequest } from '../../worker/contacts/bulk-jobs.ts'
import { api, appError, createContact, label, submit, uniqueEmail, VALID } from './helpers.ts'

const BULK = '/contacts/v4/bulk/contacts'

/** A tag no other test uses, put in each contact's company so a filter selects just these. */
async function contacts(n: number, extra: Record<string, unknown> = {}) {
  const company = `co-${crypto.randomUUID().slice(0, 8)}`
  const made = []
  for (let i = 0; i < n; i++) {
    made.push(
      await createContact({
        name: { first: `P${i}` },
        emails: { items: [{ email: uniqueEmail('bulk') }] },
        company,
        ...extra,
      })
    )
  }
  return { company, made, filter: { 'info.company': company } }
}

async function start(kind: string, body: unknown) {
  const res = await api('POST', `${BULK}/${kind}`, body)
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.jobId as string
}

async function job(id: string) {
  const res = await api('GET', `/contacts/v4/bulk/jobs/${id}`)
  expect(res.status).toBe(200)
  return res.body.job
}

async function get(id: string) {
  return (await api('GET', `/contacts/v4/contacts/${id}`)).body?.contact
}

async function eventsFor(ids: string[], slug: string): Promise<number> {
  const row = await env.DB.prepare(
    `SELECT COUNT(*) AS n FROM outbox WHERE slug = ? AND entity_id IN (SELECT value FROM json_each(?))`
  )
    .bind(slug, JSON.stringify(ids))
    .first<{ n: number }>()
  return row!.n
}

/** A job started without the queue, so that only this test runs it, a turn at a time. */
function startHere(request: BulkRequest) {
  const queue = { send: async () => {} } as unknown as Queue<BulkQueueMessage>
  return startBulkJob(env.DB, queue, request)
}

/** Runs the job to the end in this test, one chunk of `size` a turn. */
async function runToEnd(id: string, size = 2) {
  for (let turns = 0; turns < 100; turns++) {
    if (await runBulkJob(env.DB, id, { turnMs: 0, chunkSize: { sets: size, contacts: size } }))
      return turns
  }
  throw new Error('the job did not complete')
}

describe('starting a bulk job', () => {
  it('refuses a request with neither filter nor search, and changes nothing', async () => {
    for (const kind of ['delete', 'update', 'add-remove-labels']) {
      const res = await api('POST', `${BULK}/${kind}`, {
        ...(kind === 'update' ? { info: { company: 'X' } } : {}),
        ...(kind === 'add-remove-labels' ? { labelKeysToAdd: [await label('Any')] } : {}),
      })
      expect(res.status).toBe(400)
      expect(res.body).toEqual(appError('NEITHER_FILTER_NOR_SEARCH'))
    }
    expect((await api('GET', '/contacts/v4/bulk/jobs')).body.jobs).toEqual([])
  })

  it('refuses unknown label keys, bad filters, unknown body fields and invalid info before any job', async () => {
    const filter = { 'info.company': 'nobody' }
    const unknown = await api('POST', `${BULK}/add-remove-labels`, {
      filter,
      labelKeysToAdd: ['custom.no-such-label'],
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual(appError('LABEL_NOT_FOUND'))

    const both = await label('Both ways')
    const clash = await api('POST', `${BULK}/add-remove-labels`, {
      filter,
      labelKeysToAdd: [both],
      labelKeysToRemove: [both],
    })
    expect(clash.status).toBe(400)

    const badFilter = await api('POST', `${BULK}/delete`, { filter: { 'info.shoeSize': 42 } })
    expect(badFilter.status).toBe(400)
    expect(badFilter.body).toEqual(appError('UNSUPPORTED_FILTER_FIELD_UNKNOWN'))

    // A misspelt `filter` must never become "every contact".
    const typo = await api('POST', `${BULK}/delete`, { filtre: filter, search: 'x' })
    expect(typo.status).toBe(400)

    const email = await api('POST', `${BULK}/update`, {
      filter,
      info: { emails: { items: [{ email: 'one@example.com' }] } },
    })
    expect(email.status).toBe(400)
    expect(JSON.stringify(email.body)).toContain('info.emails')

    const badField = await api('POST', `${BULK}/update`, {
      filter,
      info: { extendedFields: { items: { 'custom.nope': 'x' } } },
    })
    expect(badField.status).toBe(400)
    expect(badField.body).toEqual(appError('INVALID_EXTENDED_FIELD_VALUE'))

    expect((await api('GET', '/contacts/v4/bulk/jobs')).body.jobs).toEqual([])
  })

  it('needs a full admin key: a read-only key gets 403 and starts nothing', async () => {
    const res = await api('POST', `${BULK}/delete`, { filter: {} }, 'test-read-key')
    expect(res.status).toBe(403)
    expect((await api('GET', '/contacts/v4/bulk/jobs', undefined, 'test-read-key')).status).toBe(
      200
    )
    expect((await api('GET', '/contacts/v4/bulk/jobs')).body.jobs).toEqual([])
  })

  it('answers 404 BULK_JOB_NOT_FOUND for an unknown job', async () => {
    const res = await api('GET', '/contacts/v4/bulk/jobs/nope')
    expect(res.status).toBe(404)
    expect(res.body).toEqual(appError('BULK_JOB_NOT_FOUND'))
  })
})

describe('running a bulk job', () => {
  it('adds and removes labels: NEW → RUNNING → COMPLETED, revision + 1 and one updated event each', async () => {
    const [vip, old] = [await label('VIP bulk'), await label('Old bulk')]
    const { made, filter } = await contacts(5, { labelKeys: { items: [old] } })
    const other = await contacts(1, { labelKeys: { items: [old] } })
    const ids = made.map((c: { id: string }) => c.id)
    const before = await eventsFor(ids, 'updated')

    const id = await startHere({
      type: 'ADD_REMOVE_LABELS',
      filter,
      labelKeysToAdd: [vip],
      labelKeysToRemove: [old],
    })
    const fresh = await job(id)
    expect(fresh).toEqual({
      id,
      type: 'ADD_REMOVE_LABELS',
      status: 'NEW',
      totalItems: 0,
      successTotal: 0,
      failedTotal: 0,
      errors: [],
    })

    // One chunk of 2: the job is RUNNING with part done.
    await runBulkJob(env.DB, id, { turnMs: 0, chunkSize: { sets: 2 } })
    const midway = await job(id)
    expect(midway).toMatchObject({ status: 'RUNNING', totalItems: 5, successTotal: 2 })
    expect(midway.startedDate).toEqual(expect.any(String))

    await runToEnd(id)
    const done = await job(id)
    expect(done).toMatchObject({
      status: 'COMPLETED',
      totalItems: 5,
      successTotal: 5,
      failedTotal: 0,
    })
    expect(done.finishedDate >= done.startedDate).toBe(true)

    for (const c of made) {
      const now = await get(c.id)
      expect(now.revision).toBe(c.revision + 1)
      expect(now.info.labelKeys.items).toEqual([vip])
    }
    expect(await eventsFor(ids, 'updated')).toBe(before + 5)
    // Outside the filter: untouched.
    expect((await get(other.made[0].id)).revision).toBe(other.made[0].revision)
  })

  it('fixes its contacts when it loads: one created later is not touched', async () => {
    const vip = await label('Snapshot')
    const { filter, company } = await contacts(2)
    const id = await startHere({
      type: 'ADD_REMOVE_LABELS',
      filter,
      labelKeysToAdd: [vip],
      labelKeysToRemove: [],
    })
    await runBulkJob(env.DB, id, { turnMs: 0, chunkSize: { sets: 1 } }) // loaded: 2 ids fixed
    const late = await createContact({ name: { first: 'Late' }, company })
    await runToEnd(id)
    expect(await job(id)).toMatchObject({ status: 'COMPLETED', totalItems: 2, successTotal: 2 })
    expect((await get(late.id)).info.labelKeys?.items ?? []).toEqual([])
  })

  it('applies each chunk once: two runners at once still change each contact exactly once', async () => {
    const vip = await label('Twice')
    const { made, filter } = await contacts(6)
    const id = await start('add-remove-labels', { filter, labelKeysToAdd: [vip] })
    await Promise.all([runToEnd(id, 2), runToEnd(id, 3), runToEnd(id, 2)])
    expect(await job(id)).toMatchObject({ status: 'COMPLETED', successTotal: 6, failedTotal: 0 })
    for (const c of made) expect((await get(c.id)).revision).toBe(c.revision + 1)
    expect(
      await eventsFor(
        made.map((c: { id: string }) => c.id),
        'updated'
      )
    ).toBe(6)
  })

  it('counts a contact that already has the labels as done, without a change or an event', async () => {
    const vip = await label('Already')
    const { made, filter } = await contacts(2, { labelKeys: { items: [vip] } })
    const before = await eventsFor(
      made.map((c: { id: string }) => c.id),
      'updated'
    )
    const id = await start('add-remove-labels', { filter, labelKeysToAdd: [vip] })
    await runToEnd(id)
    expect(await job(id)).toMatchObject({ status: 'COMPLETED', successTotal: 2 })
    for (const c of made) expect((await get(c.id)).revision).toBe(c.revision)
    expect(
      await eventsFor(
        made.map((c: { id: string }) => c.id),
        'updated'
      )
    ).toBe(before)
  })

  it('deletes: each contact once, a deleted event each, and reports a contact gone meanwhile', async () => {
    const { made, filter } = await contacts(4)
    const ids = made.map((c: { id: string }) => c.id)
    const id = await startHere({ type: 'DELETE', filter })
    await runBulkJob(env.DB, id, { turnMs: 0, chunkSize: { sets: 1 } })
    // Deleted by someone else before the job reaches it (the job goes in id order: one it has not).
    const remaining = []
    for (const c of ids)
      if ((await api('GET', `/contacts/v4/contacts/${c}`)).status === 200) remaining.push(c)
    expect(remaining).toHaveLength(3)
    expect((await api('DELETE', `/contacts/v4/contacts/${remaining[0]}`)).status).toBe(200)
    await runToEnd(id)
    const done = await job(id)
    expect(done).toMatchObject({
      type: 'DELETE',
      status: 'COMPLETED',
      totalItems: 4,
      successTotal: 3,
      failedTotal: 1,
      errors: [{ count: 1, code: 'CONTACT_NOT_FOUND', message: expect.any(String) }],
    })
    for (const c of ids) expect((await api('GET', `/contacts/v4/contacts/${c}`)).status).toBe(404)
    expect(await eventsFor(ids, 'deleted')).toBe(4)
  })

  it('selects by search as Query Contacts does', async () => {
    const surname = `Zed${crypto.randomUUID().slice(0, 6)}`
    const a = await createContact({ name: { first: 'A', last: surname } })
    const b = await createContact({ name: { first: 'B', last: 'Other' } })
    const id = await start('delete', { search: surname })
    await runToEnd(id)
    expect(await job(id)).toMatchObject({ totalItems: 1, successTotal: 1 })
    expect((await api('GET', `/contacts/v4/contacts/${a.id}`)).status).toBe(404)
    expect((await api('GET', `/contacts/v4/contacts/${b.id}`)).status).toBe(200)
  })

  it('updates: each part sent replaces that part, revision + 1; a contact changed meanwhile is read again', async () => {
    const { made, filter } = await contacts(3)
    const id = await startHere({
      type: 'UPDATE',
      filter,
      info: { jobTitle: 'Buyer', company: 'Renamed Co' },
    })
    // Someone edits one contact after the job loaded but before its chunk.
    await runBulkJob(env.DB, id, { turnMs: 0, chunkSize: { contacts: 1 } })
    // The first chunk went in id order; edit one it has not reached.
    let edited = made[0]
    for (const c of made) if (!(await get(c.id)).info.jobTitle) edited = c
    const patched = await api('PATCH', `/contacts/v4/contacts/${edited.id}`, {
      revision: edited.revision,
      info: { name: { first: 'Edited' } },
    })
    expect(patched.status).toBe(200)
    await runToEnd(id)
    expect(await job(id)).toMatchObject({ type: 'UPDATE', status: 'COMPLETED', successTotal: 3 })
    for (const c of made) {
      const now = await get(c.id)
      expect(now.info).toMatchObject({ jobTitle: 'Buyer', company: 'Renamed Co' })
    }
    const last = await get(edited.id)
    expect(last.info.name.first).toBe('Edited') // the edit is not lost
    expect(last.revision).toBe(edited.revision + 2)
  })

  it('and a form submission on the same contact during a label job: neither loses the other', async () => {
    const vip = await label('With submissions')
    const email = uniqueEmail('busy')
    expect((await submit({ email, firstName: 'Busy', ...VALID })).status).toBe(202)
    const [contact] = (
      await api('POST', '/contacts/v4/contacts/query', {
        query: { filter: { 'info.emails.email': email } },
      })
    ).body.contacts
    const id = await start('add-remove-labels', {
      filter: { id: contact.id },
      labelKeysToAdd: [vip],
    })
    await Promise.all([runToEnd(id), submit({ email, lastName: 'Later', ...VALID })])
    const now = await get(contact.id)
    expect(now.info.labelKeys.items).toContain(vip)
    expect(now.info.name.last).toBe('Later')
  })
})

describe('the queue', () => {
  it('runs a started job to COMPLETED without help', { timeout: 30_000 }, async () => {
    const vip = await label('Queued')
    const { filter } = await contacts(2)
    const id = await start('add-remove-labels', { filter, labelKeysToAdd: [vip] })
    let status = ''
    for (let i = 0; i < 250 && status !== 'COMPLETED'; i++) {
      await new Promise((r) => setTimeout(r, 100))
      status = (await job(id)).status
    }
    expect(status).toBe('COMPLETED')
  })

  it('lists jobs newest first', async () => {
    const { filter } = await contacts(1)
    const first = await start('delete', { filter })
    const second = await start('delete', { filter: { id: 'nobody' } })
    const { jobs } = (await api('GET', '/contacts/v4/bulk/jobs')).body
    const order = jobs.map((j: { id: string }) => j.id)
    expect(order.indexOf(second)).toBeLessThan(order.indexOf(first))
    expect(jobs.length).toBeLessThanOrEqual(100)
  })
})
