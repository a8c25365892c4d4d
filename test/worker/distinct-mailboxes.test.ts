/**
 * Addresses that look alike but name other mailboxes never become one contact: the review's
 * `victim@gıthub.com` was merged into `victim@github.com` and gave it the attacker's phone.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { rekeyStaleEmails } from '../../worker/contacts/email-keys.ts'
import { contactsWithEmail, submit, VALID } from './helpers.ts'

const local = () => `victim-${crypto.randomUUID().slice(0, 8)}`

describe('look-alike addresses on submission', () => {
  it.each([
    ['github.com', 'gıthub.com'],
    ['strasse.de', 'straße.de'],
    ['σigma.gr', 'ςigma.gr'],
  ])('keeps a contact at %s apart from one at %s', async (real, lookAlike) => {
    const name = local()
    const victim = `${name}@${real}`
    const attacker = `${name}@${lookAlike}`
    expect((await submit({ ...VALID, email: victim, phone: '+1 213 373 4253' })).status).toBe(202)
    expect((await submit({ ...VALID, email: attacker, phone: '+44 20 7946 0958' })).status).toBe(
      202
    )

    const [kept] = await contactsWithEmail(victim)
    const [other] = await contactsWithEmail(attacker)
    expect(kept!.id).not.toBe(other!.id)
    expect(kept!.primaryInfo.phone).toBe('+1 213 373 4253')
    expect(kept!.info.emails!.items.map((e) => e.email)).toEqual([victim])
  })

  it('still joins the same address in another case', async () => {
    const name = local()
    expect((await submit({ ...VALID, email: `${name}@example.com` })).status).toBe(202)
    expect((await submit({ ...VALID, email: `${name.toUpperCase()}@EXAMPLE.COM` })).status).toBe(
      202
    )
    const contacts = await contactsWithEmail(`${name}@example.com`)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.revision).toBe(2)
  })
})

describe('email keys stored under the earlier rule', () => {
  it('are recomputed by the sweep, so the look-alike no longer matches', async () => {
    const name = local()
    const lookAlike = `${name}@gıthub.com`
    expect((await submit({ ...VALID, email: lookAlike })).status).toBe(202)
    // As the earlier rule stored it (and as migration 0009 marks such rows).
    await env.DB.prepare(
      'UPDATE contact_emails SET email_norm = ?, key_version = 1 WHERE email = ?'
    )
      .bind(`${name}@github.com`, lookAlike)
      .run()

    expect(await rekeyStaleEmails(env.DB)).toBeGreaterThanOrEqual(1)
    const row = await env.DB.prepare(
      'SELECT email_norm, key_version FROM contact_emails WHERE email = ?'
    )
      .bind(lookAlike)
      .first()
    expect(row).toEqual({ email_norm: `${name}@xn--gthub-n4a.com`, key_version: 2 })

    expect((await submit({ ...VALID, email: `${name}@github.com` })).status).toBe(202)
    expect(await contactsWithEmail(`${name}@github.com`)).toHaveLength(1)
    expect((await contactsWithEmail(lookAlike))[0]!.info.emails!.items).toHaveLength(1)
  })
})
