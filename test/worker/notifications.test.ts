/**
 * Notification emails from the table to the binding (worker/notifications/deliver.ts): written
 * with the submission, sent once, every attempt recorded, failures retried with the shared
 * backoff, a lead's email waiting for its contact, bursts of leads in one email, the daily
 * digest, and the admin list.
 * Submissions here go through acceptSubmission (no HTTP middleware queues them), so each test
 * decides when a notification is delivered; notifications-flow.test.ts covers the queue.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { defineForms } from '../../shared/forms-config.ts'
import type { FormsConfig } from '../../shared/forms-config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { selectStore } from '../../worker/stores/select-store.ts'
import {
  deliverNotification,
  flushWindow,
  handleNotificationBatch,
  notificationDelaySeconds,
} from '../../worker/notifications/deliver.ts'
import type { EmailSender } from '../../worker/notifications/deliver.ts'
import { writeDigests } from '../../worker/notifications/digest.ts'
import { queueAfterLead, sweepNotifications } from '../../worker/notifications/dispatch.ts'
import type { NotificationMessage } from '../../worker/notifications/dispatch.ts'
import { api, uniqueEmail } from './helpers.ts'

/** Cloudflare's answer while the sender's domain is not onboarded: an Error with a `code`. */
const unverified: EmailSender = {
  send: async () => {
    throw Object.assign(new Error('Sender domain not verified'), { code: 'E_SENDER_NOT_VERIFIED' })
  },
}
const NOT_VERIFIED = 'E_SENDER_NOT_VERIFIED: Sender domain not verified'

/** The real (simulated) binding, keeping each message it is given. */
function recording(binding: SendEmail = env.NOTIFY_EMAIL) {
  const sent: EmailMessageBuilder[] = []
  const sender: EmailSender = {
    send: async (message: EmailMessage | EmailMessageBuilder) => {
      const result = await binding.send(message as EmailMessageBuilder)
      sent.push(message as EmailMessageBuilder)
      return result
    },
  }
  return { sender, sent }
}

async function submitDemo(
  values: Record<string, unknown>,
  options: { idempotencyKey?: string; context?: Record<string, unknown>; env?: Env } = {}
): Promise<string> {
  const answer = await acceptSubmission(env.DB, {
    formId: 'demo',
    form: forms.demo!,
    rawBody: JSON.stringify({ values: { consent: true, ...values }, context: options.context }),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
    store: selectStore(options.env ?? env),
  })
  return answer.submissionId!
}

interface Row {
  id: string
  status: string
  attempts: number
  last_error: string | null
  recipient: string
}

async function notificationsOf(submissionId: string): Promise<Row[]> {
  const { results } = await env.DB.prepare(
    'SELECT id, status, attempts, last_error, recipient FROM notifications WHERE submission_id = ?'
  )
    .bind(submissionId)
    .all<Row>()
  return results
}

async function attemptsOf(notificationId: string) {
  const { results } = await env.DB.prepare(
    'SELECT attempt, outcome, error, message_id FROM notification_attempts WHERE notification_id = ? ORDER BY attempt'
  )
    .bind(notificationId)
    .all()
  return results
}

describe('a lead’s notification', () => {
  it('is written with the submission, one per recipient, and sent once with what the visitor sent', async () => {
    const email = uniqueEmail('lead')
    const submissionId = await submitDemo(
      { email, firstName: 'Nora', message: 'Call me' },
      { context: { pageUrl: 'https://www.example.com/pricing', utm: { source: 'ads' } } }
    )
    const [row, ...others] = await notificationsOf(submissionId)
    expect(others).toEqual([])
    expect(row).toMatchObject({ status: 'queued', attempts: 0, recipient: 'owner@example.com' })

    const { sender, sent } = recording()
    expect(await deliverNotification(env, row!.id, { sender })).toEqual({ retry: false })
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      to: 'owner@example.com',
      subject: 'New lead: Nora · Talk to us',
      replyTo: { email, name: 'Nora' },
    })
    expect(sent[0]!.text).toContain('Message:\n  Call me')
    expect(sent[0]!.text).toContain('Page: https://www.example.com/pricing\nUTM source: ads')
    expect(sent[0]!.text).toContain('Contact: New contact\nLabels: Demo request, Website lead')
    expect((await notificationsOf(submissionId))[0]).toMatchObject({ status: 'sent', attempts: 1 })
    expect(await attemptsOf(row!.id)).toEqual([
      {
        attempt: 1,
        outcome: 'sent',
        error: null,
        message_id: expect.stringMatching(/^<.+@example\.com>$/),
      },
    ])

    // The queue may deliver a message twice: nothing more is sent.
    expect(await deliverNotification(env, row!.id, { sender })).toEqual({ retry: false })
    expect(sent).toHaveLength(1)
  })

  it('is sent once when two consumers take the same message at once', async () => {
    const submissionId = await submitDemo({ email: uniqueEmail('twice') })
    const [row] = await notificationsOf(submissionId)
    const { sender, sent } = recording()
    await Promise.all([
      deliverNotification(env, row!.id, { sender }),
      deliverNotification(env, row!.id, { sender }),
      deliverNotification(env, row!.id, { sender }),
    ])
    expect(sent).toHaveLength(1)
    expect(await attemptsOf(row!.id)).toHaveLength(1)
  })

  it('is written once when the Idempotency-Key is replayed', async () => {
    const email = uniqueEmail('replay')
    const key = crypto.randomUUID()
    const count = async () =>
      (await env.DB.prepare('SELECT COUNT(*) AS n FROM notifications').first<{ n: number }>())!.n
    const first = await submitDemo({ email }, { idempotencyKey: key })
    const before = await count()
    const again = await submitDemo({ email }, { idempotencyKey: key })
    expect(again).toBe(first)
    expect(await count()).toBe(before)
    expect(await notificationsOf(first)).toHaveLength(1)
  })

  it('says the contact is returning when it was there before', async () => {
    const email = uniqueEmail('back')
    await submitDemo({ email, firstName: 'Rae' })
    const second = await submitDemo({ email, firstName: 'Rae' })
    const { sender, sent } = recording()
    await deliverNotification(env, (await notificationsOf(second))[0]!.id, { sender })
    expect(sent[0]!.subject).toBe('Returning lead: Rae · Talk to us')
    expect(sent[0]!.text).toContain('Contact: Returning contact')
  })

  it('records a failed attempt with the error, and is retried until it is sent', async () => {
    const submissionId = await submitDemo({ email: uniqueEmail('fail') })
    const [row] = await notificationsOf(submissionId)
    expect(await deliverNotification(env, row!.id, { sender: unverified })).toEqual({
      retry: true,
    })
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: NOT_VERIFIED,
    })
    const { sender, sent } = recording()
    expect(await deliverNotification(env, row!.id, { sender })).toEqual({ retry: false })
    expect(sent).toHaveLength(1)
    expect(await attemptsOf(row!.id)).toEqual([
      { attempt: 1, outcome: 'failed', error: NOT_VERIFIED, message_id: null },
      { attempt: 2, outcome: 'sent', error: null, message_id: expect.any(String) },
    ])
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'sent',
      attempts: 2,
      last_error: null,
    })
  })

  it('is retried by the queue with the shared backoff, and recorded as failed after the last try', async () => {
    const submissionId = await submitDemo({ email: uniqueEmail('dead') })
    const [row] = await notificationsOf(submissionId)
    await deliverNotification(env, row!.id, { sender: unverified })
    const message = (attempts: number) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts,
      body: { notificationId: row!.id },
    })
    const stillUnverified = { ...env, NOTIFY_EMAIL: unverified } as Env
    const batch = createMessageBatch<NotificationMessage>('contact-capture-notifications', [
      message(3),
    ])
    await handleNotificationBatch(batch, stillUnverified)
    expect((await getQueueResult(batch, createExecutionContext())).retryMessages).toHaveLength(1)
    // The shared backoff: 30 s · 2^(n-1), at most an hour, with jitter above half of it.
    for (let n = 1; n <= 12; n++) {
      const delay = Math.min(3600, 30 * 2 ** (n - 1))
      const d = notificationDelaySeconds(env, n)
      expect(d).toBeGreaterThanOrEqual(Math.round(delay / 2))
      expect(d).toBeLessThanOrEqual(delay)
    }

    const dead = createMessageBatch<NotificationMessage>('contact-capture-notifications-dlq', [
      message(21),
    ])
    await handleNotificationBatch(dead, env)
    expect((await getQueueResult(dead, createExecutionContext())).explicitAcks).toHaveLength(1)
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      last_error: `gave up after the last retry (last error: ${NOT_VERIFIED})`,
    })
    // A failed notification is never sent by a late message.
    const { sender, sent } = recording()
    await deliverNotification(env, row!.id, { sender })
    expect(sent).toHaveLength(0)
  })

  it('is failed at once by an error no retry can fix', async () => {
    const submissionId = await submitDemo({ email: uniqueEmail('suppressed') })
    const [row] = await notificationsOf(submissionId)
    // Cloudflare's answer for a recipient who bounced or complained.
    const suppressed: EmailSender = {
      send: async () => {
        throw Object.assign(new Error('Recipient is on the suppression list'), {
          code: 'E_RECIPIENT_SUPPRESSED',
        })
      },
    }
    expect(await deliverNotification(env, row!.id, { sender: suppressed })).toEqual({
      retry: false,
    })
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      last_error: 'E_RECIPIENT_SUPPRESSED: Recipient is on the suppression list',
    })
  })

  it('waits while its contact is being written, then goes without', async () => {
    // Contacts on Wix without the settings: the submission is recorded and stays pending.
    const unwritten = { ...env, CONTACTS_BACKEND: 'wix' } as Env
    const submissionId = await submitDemo({ email: uniqueEmail('wait') }, { env: unwritten })
    const [row] = await notificationsOf(submissionId)
    const { sender, sent } = recording()
    expect(await deliverNotification(env, row!.id, { sender })).toEqual({ retry: true })
    expect(sent).toHaveLength(0)
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'queued',
      attempts: 0,
    })

    const later = Date.now() + 11 * 60_000
    expect(await deliverNotification(env, row!.id, { sender, now: later })).toEqual({
      retry: false,
    })
    expect(sent).toHaveLength(1)
    expect(sent[0]!.text).toContain('Contact: Being saved')
    expect(sent[0]!.text).toContain('Labels: Website lead, Demo request')
  })

  it('is skipped when the contact was deleted before it was sent', async () => {
    const email = uniqueEmail('gone')
    const submissionId = await submitDemo({ email, firstName: 'Gone' })
    const [row] = await notificationsOf(submissionId)
    const { contactId } = (await env.DB.prepare(
      'SELECT contact_id AS contactId FROM submissions WHERE id = ?'
    )
      .bind(submissionId)
      .first<{ contactId: string }>())!
    expect((await api('DELETE', `/contacts/v4/contacts/${contactId}`)).status).toBe(200)
    const { sender, sent } = recording()
    await deliverNotification(env, row!.id, { sender })
    expect(sent).toHaveLength(0)
    expect((await notificationsOf(submissionId))[0]).toMatchObject({
      status: 'skipped',
      last_error: 'the contact was deleted before the email was sent',
    })
  })

  it('is not written for a form without notify, nor with instant: false', async () => {
    const custom = defineForms({
      quiet: {
        title: 'Quiet',
        fields: [{ name: 'email', type: 'email', label: 'Email', maps: 'email' }],
      },
      'digest-only': {
        title: 'Digest only',
        fields: [{ name: 'email', type: 'email', label: 'Email', maps: 'email' }],
        notify: { email: ['owner@example.com'], instant: false, digest: 'daily' },
      },
    })
    for (const formId of ['quiet', 'digest-only']) {
      const answer = await acceptSubmission(env.DB, {
        formId,
        form: custom[formId]!,
        rawBody: JSON.stringify({ values: { email: uniqueEmail(formId) } }),
      })
      expect(answer.status).toBe(202)
      expect(await notificationsOf(answer.submissionId!)).toEqual([])
    }
  })
})

describe('a burst of leads', () => {
  /** A form of its own per test, so each test has its own window. */
  function burstForm(formId: string) {
    return defineForms({
      [formId]: {
        title: 'Quotes',
        fields: [
          { name: 'email', type: 'email', label: 'Email', maps: 'email' },
          { name: 'name', type: 'text', label: 'Name', maps: 'name.first' },
        ],
        notify: { email: ['sales@example.com'] },
      },
    })
  }

  async function lead(custom: FormsConfig, name: string): Promise<string> {
    const formId = Object.keys(custom)[0]!
    const answer = await acceptSubmission(env.DB, {
      formId,
      form: custom[formId]!,
      rawBody: JSON.stringify({ values: { email: uniqueEmail(name.toLowerCase()), name } }),
    })
    return answer.submissionId!
  }

  /** The queue, keeping what is sent to it (so no consumer sends anything behind the test's back). */
  function recordingQueue() {
    const messages: { body: NotificationMessage; delaySeconds?: number | undefined }[] = []
    const queue = {
      send: async (body: NotificationMessage, options?: QueueSendOptions) => {
        messages.push({ body, delaySeconds: options?.delaySeconds })
      },
      sendBatch: async (batch: Iterable<MessageSendRequest<NotificationMessage>>) => {
        for (const m of batch) messages.push({ body: m.body, delaySeconds: m.delaySeconds })
      },
    }
    return { env: { ...env, NOTIFICATIONS: queue } as unknown as Env, messages }
  }

  /** What a lead's request does once answered: what it queues (its form's messages only). */
  async function afterLead(formId: string, queue: ReturnType<typeof recordingQueue>) {
    queue.messages.length = 0
    const openUntil = await queueAfterLead(queue.env, formId, ['sales@example.com'])
    const queued = queue.messages.filter((m) => 'formId' in m.body && m.body.formId === formId)
    queue.messages.length = 0
    return { queued, openUntil }
  }
  const queuedFor = async (formId: string, queue: ReturnType<typeof recordingQueue>) =>
    (await afterLead(formId, queue)).queued

  const statusOf = async (submissionId: string) => (await notificationsOf(submissionId))[0]!.status

  it('sends the first lead at once, then those of the next minute together in one email', async () => {
    const custom = burstForm('burst')
    const window = { formId: 'burst', recipient: 'sales@example.com' }
    const queue = recordingQueue()
    const { sender, sent } = recording()

    // The first lead of a quiet spell: its request queues its window's message, to send now.
    const first = await lead(custom, 'Ann')
    expect(await queuedFor('burst', queue)).toEqual([{ body: window, delaySeconds: undefined }])
    const flushed = Date.now()
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent.map((m) => m.subject)).toEqual(['New lead: Ann · Quotes'])
    expect(await statusOf(first)).toBe('sent')
    // The window stays open a minute: its next flush is queued.
    expect(queue.messages).toEqual([{ body: window, delaySeconds: 60 }])

    // Three more within the minute: their requests queue nothing, and they wait. A request
    // learns the window stays open a minute after its flush: until then, the next need not look.
    const burst = [await lead(custom, 'Bo'), await lead(custom, 'Cy'), await lead(custom, 'Di')]
    const { queued, openUntil } = await afterLead('burst', queue)
    expect(queued).toEqual([])
    expect(openUntil).toBeGreaterThanOrEqual(flushed + 60_000)
    expect(await Promise.all(burst.map(statusOf))).toEqual(['queued', 'queued', 'queued'])

    // The minute ends: one email tells of all three, and each lead's notification is sent by it.
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent).toHaveLength(2)
    expect(sent[1]).toMatchObject({
      to: 'sales@example.com',
      subject: '3 new leads: Bo, Cy, Di · Quotes',
    })
    expect(sent[1]!.text).toContain('3 leads: 3 new contacts, 0 returning.')
    expect(sent[1]!.text).toMatch(/Bo \(bo-[^)]+\)  \[new\]\n[\s\S]*Cy \([\s\S]*Di \(/)
    const listed = await api('GET', '/v1/notifications?formId=burst&kind=lead')
    const byLead = new Map(
      listed.body.notifications.map((n: { submissionId: string }) => [n.submissionId, n])
    )
    expect(byLead.size).toBe(4)
    const messageIds = burst.map((id) => {
      const n = byLead.get(id) as { status: string; attempts: number; messageId: string }
      expect(n).toMatchObject({ status: 'sent', attempts: 1 })
      return n.messageId
    })
    expect(new Set(messageIds).size).toBe(1)
    expect(messageIds[0]).not.toBe((byLead.get(first) as { messageId: string }).messageId)

    // A minute without a lead: the window closes, and the next lead goes alone and at once.
    queue.messages.length = 0
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent).toHaveLength(2)
    expect(queue.messages).toEqual([])
    expect((await afterLead('burst', queue)).openUntil).toBe(0)
    const later = await lead(custom, 'Eve')
    expect(await queuedFor('burst', queue)).toEqual([{ body: window, delaySeconds: undefined }])
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent.map((m) => m.subject).at(-1)).toBe('New lead: Eve · Quotes')
    expect(await statusOf(later)).toBe('sent')
  })

  it('emails each lead once, however often its window is flushed at the same time', async () => {
    const custom = burstForm('burst-twice')
    const window = { formId: 'burst-twice', recipient: 'sales@example.com' }
    const queue = recordingQueue()
    const { sender, sent } = recording()
    const leads = [await lead(custom, 'Fay'), await lead(custom, 'Gus'), await lead(custom, 'Hal')]
    const mentions = () =>
      ['Fay', 'Gus', 'Hal'].map((name) => sent.filter((m) => m.text!.includes(name)).length)
    await Promise.all([
      flushWindow(queue.env, window, { sender, forms: custom }),
      flushWindow(queue.env, window, { sender, forms: custom }),
      flushWindow(queue.env, window, { sender, forms: custom }),
    ])
    expect(mentions()).toEqual([1, 1, 1])
    expect(await Promise.all(leads.map(statusOf))).toEqual(['sent', 'sent', 'sent'])
    // The queue brings a window's message again, or a lead's own: nothing more is sent.
    await flushWindow(queue.env, window, { sender, forms: custom })
    for (const id of leads)
      await deliverNotification(env, (await notificationsOf(id))[0]!.id, { sender, forms: custom })
    expect(mentions()).toEqual([1, 1, 1])
  })

  it('is sent by the cron sweep when its window’s message was lost', async () => {
    const custom = burstForm('burst-lost')
    const window = { formId: 'burst-lost', recipient: 'sales@example.com' }
    const queue = recordingQueue()
    const { sender, sent } = recording()
    await lead(custom, 'Ida')
    await flushWindow(queue.env, window, { sender, forms: custom })
    const waiting = await lead(custom, 'Jo')
    // The window's next message never comes. A quarter of an hour later the sweep queues it again.
    queue.messages.length = 0
    await sweepNotifications(queue.env, Date.now() + 16 * 60_000, custom)
    expect(
      queue.messages.filter((m) => 'formId' in m.body && m.body.formId === 'burst-lost')
    ).toEqual([{ body: window, delaySeconds: undefined }])
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent.map((m) => m.subject)).toEqual(['New lead: Ida · Quotes', 'New lead: Jo · Quotes'])
    expect(await statusOf(waiting)).toBe('sent')

    // An open window with no lead whose message was lost is flushed by the sweep too, and closes:
    // the next lead is emailed at once.
    queue.messages.length = 0
    await sweepNotifications(queue.env, Date.now() + 16 * 60_000, custom)
    expect(
      queue.messages.filter((m) => 'formId' in m.body && m.body.formId === 'burst-lost')
    ).toEqual([{ body: window, delaySeconds: undefined }])
    await flushWindow(queue.env, window, { sender, forms: custom })
    await lead(custom, 'Kit')
    expect(await queuedFor('burst-lost', queue)).toEqual([
      { body: window, delaySeconds: undefined },
    ])
  })

  it('keeps a failed burst waiting, tries it again with the next lead, and fails it after the last try', async () => {
    const custom = burstForm('burst-fail')
    const window = { formId: 'burst-fail', recipient: 'sales@example.com' }
    const queue = recordingQueue()
    const { sender, sent } = recording()
    await lead(custom, 'Lu')
    await flushWindow(queue.env, window, { sender, forms: custom })
    const tried = [await lead(custom, 'Mo'), await lead(custom, 'Ned')]
    expect(await flushWindow(queue.env, window, { sender: unverified, forms: custom })).toEqual({
      retry: true,
    })
    expect((await notificationsOf(tried[0]!))[0]).toMatchObject({
      status: 'queued',
      attempts: 1,
      last_error: NOT_VERIFIED,
    })
    const untried = await lead(custom, 'Oz')
    // The queue's last try fails too: the leads tried are failed; the one never tried still waits.
    const dead = createMessageBatch<NotificationMessage>('contact-capture-notifications-dlq', [
      { id: crypto.randomUUID(), timestamp: new Date(), attempts: 21, body: window },
    ])
    await handleNotificationBatch(dead, queue.env)
    expect((await getQueueResult(dead, createExecutionContext())).explicitAcks).toHaveLength(1)
    expect(await Promise.all(tried.map(statusOf))).toEqual(['failed', 'failed'])
    expect((await notificationsOf(tried[0]!))[0]!.last_error).toBe(
      `gave up after the last retry (last error: ${NOT_VERIFIED})`
    )
    expect(await statusOf(untried)).toBe('queued')
    await flushWindow(queue.env, window, { sender, forms: custom })
    expect(sent.map((m) => m.subject)).toEqual(['New lead: Lu · Quotes', 'New lead: Oz · Quotes'])
  })
})

describe('the daily digest', () => {
  const custom: FormsConfig = defineForms({
    digest: {
      title: 'Quotes',
      fields: [
        { name: 'email', type: 'email', label: 'Email', maps: 'email' },
        { name: 'name', type: 'text', label: 'Name', maps: 'name.first' },
      ],
      notify: {
        email: ['a@example.com', 'b@example.com'],
        instant: false,
        digest: 'daily',
        timeZone: 'America/New_York',
      },
    },
  })

  /** A submission of the digest form recorded at `at`. */
  async function leadAt(at: string, values: Record<string, string>): Promise<void> {
    const answer = await acceptSubmission(env.DB, {
      formId: 'digest',
      form: custom.digest!,
      rawBody: JSON.stringify({ values }),
    })
    await env.DB.prepare('UPDATE submissions SET created_date = ? WHERE id = ?')
      .bind(at, answer.submissionId)
      .run()
  }

  async function digestsOf(day: string) {
    const { results } = await env.DB.prepare(
      `SELECT id, recipient, status FROM notifications WHERE kind = 'digest' AND form_id = 'digest'
       AND digest_day = ? ORDER BY recipient`
    )
      .bind(day)
      .all<{ id: string; recipient: string; status: string }>()
    return results
  }

  it('sums up the day that ended in the form’s time zone, once per recipient, never twice', async () => {
    // 2020-03-04 in New York runs from 05:00 UTC on the 4th to 05:00 UTC on the 5th.
    await leadAt('2020-03-04T04:59:00.000Z', { email: uniqueEmail('before'), name: 'Before' })
    await leadAt('2020-03-04T14:30:00.000Z', { email: 'ivy@example.com', name: 'Ivy' })
    await leadAt('2020-03-05T02:10:00.000Z', { email: 'jon@example.com', name: 'Jon' })
    await leadAt('2020-03-05T05:00:00.000Z', { email: uniqueEmail('after'), name: 'After' })

    const afterMidnight = Date.parse('2020-03-05T05:05:00Z')
    expect(await writeDigests(env.DB, custom, afterMidnight)).toBe(2)
    // The cron asks again five minutes later: nothing new.
    expect(await writeDigests(env.DB, custom, afterMidnight + 5 * 60_000)).toBe(0)
    const rows = await digestsOf('2020-03-04')
    expect(rows.map((r) => r.recipient)).toEqual(['a@example.com', 'b@example.com'])

    const { sender, sent } = recording()
    for (const row of rows) await deliverNotification(env, row.id, { sender, forms: custom })
    expect(sent.map((m) => m.to)).toEqual(['a@example.com', 'b@example.com'])
    expect(sent[0]!.subject).toBe('Quotes: 2 leads on Wed, 4 Mar 2020')
    expect(sent[0]!.text).toContain(
      '"Quotes" on Wed, 4 Mar 2020 (America/New_York): 2 leads: 2 new contacts, 0 returning.'
    )
    expect(sent[0]!.text).toContain('09:30  Ivy (ivy@example.com)  [new]')
    expect(sent[0]!.text).toContain('21:10  Jon (jon@example.com)  [new]')
    expect(sent[0]!.text).not.toMatch(/Before|After/)
    expect((await digestsOf('2020-03-04')).map((r) => r.status)).toEqual(['sent', 'sent'])
  })

  it('sends nothing for a day without leads', async () => {
    expect(await writeDigests(env.DB, custom, Date.parse('2020-06-02T05:05:00Z'))).toBe(0)
    expect(await digestsOf('2020-06-01')).toEqual([])
  })

  it('is written for the demo form too, which has digest: daily', async () => {
    const email = uniqueEmail('demo-digest')
    const submissionId = await submitDemo({ email })
    await env.DB.prepare(
      `UPDATE submissions SET created_date = '2020-07-01T12:00:00.000Z' WHERE id = ?`
    )
      .bind(submissionId)
      .run()
    expect(await writeDigests(env.DB, forms, Date.parse('2020-07-02T00:05:00Z'))).toBe(1)
  })
})

describe('GET /v1/notifications', () => {
  it('lists notifications with every attempt, filtered by status and form', async () => {
    const submissionId = await submitDemo({ email: uniqueEmail('listed') })
    const [row] = await notificationsOf(submissionId)
    await deliverNotification(env, row!.id, { sender: unverified })
    await deliverNotification(env, row!.id)
    const res = await api(
      'GET',
      `/v1/notifications?submissionId=${submissionId}&status=sent&formId=demo`
    )
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      notifications: [
        {
          id: row!.id,
          kind: 'lead',
          formId: 'demo',
          submissionId,
          recipient: 'owner@example.com',
          status: 'sent',
          attempts: 2,
          lastError: null,
          messageId: expect.any(String),
          createdDate: expect.any(String),
          updatedDate: expect.any(String),
          sentDate: expect.any(String),
          history: [
            {
              attempt: 1,
              date: expect.any(String),
              outcome: 'failed',
              error: NOT_VERIFIED,
              messageId: null,
            },
            {
              attempt: 2,
              date: expect.any(String),
              outcome: 'sent',
              error: null,
              messageId: expect.any(String),
            },
          ],
        },
      ],
      pagingMetadata: { count: 1, offset: 0, total: 1 },
    })
    const failed = await api('GET', `/v1/notifications?submissionId=${submissionId}&status=failed`)
    expect(failed.body.notifications).toEqual([])
  })

  it('pages newest first', async () => {
    for (let i = 0; i < 3; i++) await submitDemo({ email: uniqueEmail('page') })
    const all = await api('GET', '/v1/notifications?kind=lead&paging.limit=1000')
    const page = await api('GET', '/v1/notifications?kind=lead&paging.limit=2&paging.offset=1')
    expect(page.body.pagingMetadata).toEqual({
      count: 2,
      offset: 1,
      total: all.body.pagingMetadata.total,
    })
    expect(page.body.notifications.map((n: { id: string }) => n.id)).toEqual(
      all.body.notifications.slice(1, 3).map((n: { id: string }) => n.id)
    )
  })

  it('refuses a bad parameter with a 400 naming it, and callers without a key', async () => {
    const bad = await api('GET', '/v1/notifications?status=lost')
    expect(bad.status).toBe(400)
    expect(bad.body.details.validationError.fieldViolations).toEqual([
      expect.objectContaining({ field: 'status' }),
    ])
    const limit = await api('GET', '/v1/notifications?paging.limit=0')
    expect(limit.body.details.validationError.fieldViolations).toEqual([
      expect.objectContaining({ field: 'paging.limit', description: 'must be from 1 to 1000' }),
    ])
    expect((await api('GET', '/v1/notifications', undefined, 'wrong-key')).status).toBe(401)
    expect((await api('GET', '/v1/notifications', undefined, 'test-read-key')).status).toBe(200)
  })
})
