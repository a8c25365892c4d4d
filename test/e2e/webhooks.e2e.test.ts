/**
 * End to end: `npm start` with a webhook endpoint on loopback. A contact is created, updated,
 * merged and deleted through the admin API; the receiver gets every event once, signed, with
 * increasing entityEventSequence, through the real Cloudflare Queue of wrangler dev.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyWebhook } from '../../shared/webhooks.ts'
import { startDevServer } from '../support/dev-server.ts'
import type { DevServer } from '../support/dev-server.ts'
import { startReceiver } from '../support/webhook-receiver.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'

let server: DevServer
let receiver: Awaited<ReturnType<typeof startReceiver>>

beforeAll(async () => {
  receiver = await startReceiver()
  const endpoints = JSON.stringify([
    { url: `${receiver.url}/ok`, events: ['*'], secret: TEST_WEBHOOK_SECRET },
  ])
  server = await startDevServer([
    '--var',
    `WEBHOOK_ENDPOINTS:${endpoints}`,
    '--var',
    'WEBHOOK_RETRY_BASE_SECONDS:1',
  ])
})

afterAll(async () => {
  server?.stop()
  await receiver?.close()
})

async function admin(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: server.adminKey, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return res.json()
}

describe('webhooks', () => {
  it('deliver create → update → merge → delete once each, signed and in sequence', async () => {
    const a = (await admin('POST', '/contacts/v4/contacts', { info: { name: { first: 'Ada' } } }))
      .contact
    const b = (await admin('POST', '/contacts/v4/contacts', { info: { name: { first: 'Bea' } } }))
      .contact
    await admin('PATCH', `/contacts/v4/contacts/${a.id}`, {
      revision: 1,
      info: { company: 'Analytical' },
    })
    await admin('POST', `/contacts/v4/contacts/${a.id}/merge`, {
      targetContactRevision: 2,
      sourceContactIds: [b.id],
    })
    await admin('DELETE', `/contacts/v4/contacts/${a.id}`)

    const expected = [
      ['created', a.id],
      ['created', b.id],
      ['updated', a.id],
      ['updated', a.id],
      ['merged', a.id],
      ['deleted', b.id],
      ['deleted', a.id],
    ]
    await expect
      .poll(() => receiver.received.filter((r) => r.path === '/ok').length, {
        timeout: 30_000,
        interval: 250,
      })
      .toBeGreaterThanOrEqual(expected.length)
    await new Promise((r) => setTimeout(r, 1500)) // anything sent twice would arrive by now

    const events = []
    for (const r of receiver.received.filter((x) => x.path === '/ok')) {
      expect(await verifyWebhook(TEST_WEBHOOK_SECRET, r.headers, r.body)).toBe(true)
      events.push({ webhookId: r.headers['webhook-id'], ...JSON.parse(r.body) })
    }
    expect(new Set(events.map((e) => e.webhookId)).size).toBe(events.length) // each event once
    const sorted = [...events].sort((x, y) => x.entityEventSequence - y.entityEventSequence)
    expect(sorted.map((e) => [e.slug, e.entityId])).toEqual(expected)
    // The entity is read at delivery; by then this contact was deleted, so no data of it is sent.
    expect(sorted[0]).toMatchObject({ entityFqdn: 'wix.contacts.v4.contact', createdEvent: {} })
    expect(sorted[4]).toMatchObject({
      actionEvent: { body: { targetContactId: a.id, sourceContactIds: [b.id] } },
    })
    expect(sorted[5]).toMatchObject({ originatedFrom: 'merge', deletedEvent: {} })
    for (const e of events) expect(e.id).toBe(e.webhookId)
  })
})
