/**
 * The capture pipeline's behaviour, written once and run against each contacts backend
 * (capture-d1.test.ts, capture-wix.test.ts) with the same assertions.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import type { Contact } from '../../shared/contact.ts'
import { defineForms } from '../../shared/forms-config.ts'
import type { FormConfig } from '../../shared/forms-config.ts'
import type { ContactStore } from '../../worker/stores/contact-store.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { uniqueEmail } from './helpers.ts'

export interface CaptureHarness {
  name: string
  /** A backend for one test (for Wix: a site of its own, so budgets and faults never mix). */
  backend(): ContactStore
  /** The contacts, where the backend keeps them, that have this email or phone. */
  contactsWith(filter: { email?: string; phone?: string }): Promise<Contact[]>
}

const { callback } = defineForms({
  callback: {
    title: 'Call me back',
    defaultCountry: 'GB',
    fields: [
      { name: 'name', type: 'text', label: 'Name', maps: 'name.first' },
      { name: 'phone', type: 'tel', label: 'Phone', required: true, maps: 'phone' },
    ],
    labels: ['Callback'],
  },
})

async function statusOf(id: string) {
  return (
    await env.DB.prepare('SELECT status FROM submissions WHERE id = ?')
      .bind(id)
      .first<{ status: string }>()
  )?.status
}

export function captureSuite(h: CaptureHarness) {
  const send = (
    backend: ContactStore,
    values: Record<string, unknown>,
    form: FormConfig = forms.demo!,
    formId = 'demo',
    idempotencyKey?: string
  ) =>
    acceptSubmission(env.DB, {
      formId,
      form,
      rawBody: JSON.stringify({ values }),
      store: backend,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    })

  describe(`the capture pipeline on ${h.name}`, () => {
    it('creates a contact with the mapped fields, labels and extended fields', async () => {
      const email = uniqueEmail('suite')
      const answer = await send(h.backend(), {
        email,
        firstName: 'Ann',
        lastName: 'Lee',
        phone: '(213) 373-4253',
        company: 'Acme',
        interest: 'pricing',
        message: 'Hello',
        consent: true,
      })
      expect(answer.status).toBe(202)
      expect(await statusOf(answer.submissionId)).toBe('processed')
      const [c, ...others] = await h.contactsWith({ email })
      expect(others).toHaveLength(0)
      expect(c!.info.name).toEqual({ first: 'Ann', last: 'Lee' })
      expect(c!.info.company).toBe('Acme')
      expect(c!.info.emails?.items.map((e) => [e.email, e.primary])).toEqual([[email, true]])
      expect(c!.info.phones?.items.map((p) => p.e164Phone)).toEqual(['+12133734253'])
      expect([...c!.info.labelKeys!.items].sort()).toEqual([
        'custom.demo-request',
        'custom.website-lead',
      ])
      expect(c!.info.extendedFields?.items).toEqual({
        'custom.interest': 'pricing',
        'custom.message': 'Hello',
        'custom.signup-source': 'demo page',
      })
    })

    it('updates the contact of the same email in other case: name kept, phone added, labels once', async () => {
      const email = uniqueEmail('again')
      const backend = h.backend()
      await send(backend, { email, firstName: 'Bob', consent: true })
      const second = await send(backend, {
        email: ` ${email.toUpperCase()} `,
        firstName: 'Robert',
        phone: '+44 20 7946 0958',
        consent: true,
      })
      expect(await statusOf(second.submissionId)).toBe('processed')
      const [c, ...others] = await h.contactsWith({ email })
      expect(others).toHaveLength(0)
      expect(c!.revision).toBe(2)
      expect(c!.info.name?.first).toBe('Bob')
      expect(c!.info.phones?.items.map((p) => p.e164Phone)).toEqual(['+442079460958'])
      expect(c!.info.labelKeys!.items).toHaveLength(2)
    })

    it('finds the contact by phone, in national or international notation, on a form without email', async () => {
      const digits = String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
      const backend = h.backend()
      await send(
        backend,
        { name: 'Pat', phone: `07 7${digits.slice(0, 3)} ${digits.slice(3)}` },
        callback!,
        'callback'
      )
      const second = await send(
        backend,
        { name: 'Patricia', phone: `+44 77${digits}` },
        callback!,
        'callback'
      )
      expect(await statusOf(second.submissionId)).toBe('processed')
      const contacts = await h.contactsWith({ phone: `+4477${digits}` })
      expect(contacts).toHaveLength(1)
      expect(contacts[0]!.info.name?.first).toBe('Pat')
      expect(contacts[0]!.info.labelKeys?.items).toEqual(['custom.callback'])
    })

    it('ends 20 concurrent submissions for one email in one contact, every one processed', async () => {
      const email = uniqueEmail('crowd')
      const backend = h.backend()
      const variants = [email, email.toUpperCase(), ` ${email} `]
      // The demo form's per-email limit (5 a minute) would refuse most: this copy allows 20.
      const form = { ...forms.demo!, rateLimit: { perEmail: 20 } }
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(backend, { email: variants[i % variants.length], consent: true }, form)
        )
      )
      for (const a of answers) expect(await statusOf(a.submissionId)).toBe('processed')
      expect(await h.contactsWith({ email })).toHaveLength(1)
    }, 30_000)

    it('keeps the extended values a returning visitor already has under append, and fills the empty ones', async () => {
      const email = uniqueEmail('returning')
      const backend = h.backend()
      await send(backend, { email, interest: 'pricing', consent: true })
      const second = await send(backend, {
        email,
        interest: 'support',
        message: 'Second visit',
        consent: true,
      })
      expect(await statusOf(second.submissionId)).toBe('processed')
      const [c] = await h.contactsWith({ email })
      expect(c!.info.extendedFields?.items).toEqual({
        'custom.interest': 'pricing',
        'custom.message': 'Second visit',
        'custom.signup-source': 'demo page',
      })
    })

    it('replaces the extended values given under overwrite, and keeps those not given', async () => {
      const email = uniqueEmail('replacing')
      const backend = h.backend()
      const form = { ...forms.demo!, onDuplicate: 'overwrite' as const }
      await send(backend, { email, interest: 'pricing', message: 'First', consent: true }, form)
      await send(backend, { email, interest: 'support', consent: true }, form)
      const [c] = await h.contactsWith({ email })
      expect(c!.info.extendedFields?.items).toEqual({
        'custom.interest': 'support',
        'custom.message': 'First',
        'custom.signup-source': 'demo page',
      })
    })

    it('replaces a field mapped with its own onDuplicate: overwrite on an append form', async () => {
      const { latest } = defineForms({
        latest: {
          title: 'Latest message',
          fields: [
            { name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' },
            { name: 'topic', type: 'text', label: 'Topic', maps: { extendedField: 'Interest' } },
            {
              name: 'message',
              type: 'textarea',
              label: 'Message',
              maps: { extendedField: 'Message', onDuplicate: 'overwrite' },
            },
          ],
        },
      })
      const email = uniqueEmail('latest')
      const backend = h.backend()
      await send(backend, { email, topic: 'pricing', message: 'First' }, latest!, 'latest')
      await send(backend, { email, topic: 'support', message: 'Second' }, latest!, 'latest')
      const [c] = await h.contactsWith({ email })
      expect(latest!.onDuplicate).toBe('append')
      expect(c!.info.extendedFields?.items).toEqual({
        'custom.interest': 'pricing',
        'custom.message': 'Second',
      })
    })

    it('replays an Idempotency-Key with the first answer and no second contact', async () => {
      const email = uniqueEmail('replay')
      const backend = h.backend()
      const key = crypto.randomUUID()
      const first = await send(backend, { email, consent: true }, forms.demo!, 'demo', key)
      const again = await send(backend, { email, consent: true }, forms.demo!, 'demo', key)
      expect(again.body).toBe(first.body)
      expect(await h.contactsWith({ email })).toHaveLength(1)
    })
  })
}
