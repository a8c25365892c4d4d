import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { contactsWithEmail, uniqueEmail } from './helpers.ts'

/** The real D1 binding, counting every call that goes to the database. */
function countingDb(db: D1Database): { db: D1Database; trips: () => number } {
  let trips = 0
  const wrapStatement = (stmt: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(stmt, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver)
        if (prop === 'bind') return (...args: unknown[]) => wrapStatement(target.bind(...args))
        if (prop === 'run' || prop === 'all' || prop === 'first' || prop === 'raw') {
          return (...args: unknown[]) => {
            trips++
            return (value as (...a: unknown[]) => unknown).apply(target, args)
          }
        }
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  const counted = {
    prepare: (sql: string) => wrapStatement(db.prepare(sql)),
    batch: (statements: D1PreparedStatement[]) => {
      trips++
      return db.batch(statements)
    },
  } as unknown as D1Database
  return { db: counted, trips: () => trips }
}

describe('capture pipeline round trips', () => {
  it.each([
    ['a new contact', false],
    ['an existing contact', true],
  ])('takes one D1 round trip for %s once the labels and fields are known', async (_, existing) => {
    const email = uniqueEmail('trips')
    const body = (first: string) =>
      JSON.stringify({
        values: {
          email,
          firstName: first,
          phone: '+1 212 555 0134',
          interest: 'support',
          consent: true,
        },
      })
    // Also teaches this isolate the form's labels and fields.
    await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: existing ? body('Ann') : body('Ann').replace(email, uniqueEmail('other')),
    })
    const { db, trips } = countingDb(env.DB)
    const answer = await acceptSubmission(db, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: body('Anna'),
      idempotencyKey: crypto.randomUUID(),
    })
    expect(answer.status).toBe(202)
    expect(trips()).toBe(1)
    const [contact] = await contactsWithEmail(email)
    expect(contact!.revision).toBe(existing ? 2 : 1)
    expect(contact!.info.labelKeys?.items).toEqual(
      expect.arrayContaining(['custom.website-lead', 'custom.demo-request'])
    )
  })

  it('falls back to two round trips when a cached label was renamed meanwhile', async () => {
    const email = uniqueEmail('trips')
    const rawBody = JSON.stringify({ values: { email, consent: true } })
    await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: rawBody.replace(email, uniqueEmail('other')),
    })
    // Renamed behind this isolate's back: the one-trip batch fails whole and nothing is kept of
    // it; the submission is recorded alone, and the contact gets a new label under the form's name.
    await env.DB.prepare(
      `UPDATE labels SET display_name = 'Demo request (old)' WHERE display_name = 'Demo request'`
    ).run()
    const { db, trips } = countingDb(env.DB)
    const answer = await acceptSubmission(db, { formId: 'demo', form: forms.demo!, rawBody })
    expect(answer.status).toBe(202)
    expect(trips()).toBe(3)
    const [contact] = await contactsWithEmail(email)
    expect(contact!.info.labelKeys?.items).toContain('custom.demo-request-2')
    const recorded = await env.DB.prepare('SELECT status FROM submissions WHERE id = ?')
      .bind(answer.submissionId)
      .first()
    expect(recorded).toEqual({ status: 'processed' })
  })

  it('falls back to two round trips when a cached field was deleted meanwhile, and recreates it', async () => {
    const email = uniqueEmail('trips')
    const rawBody = JSON.stringify({ values: { email, interest: 'pricing', consent: true } })
    await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: rawBody.replace(email, uniqueEmail('other')),
    })
    await env.DB.prepare(`DELETE FROM extended_fields WHERE display_name = 'Interest'`).run()
    const { db, trips } = countingDb(env.DB)
    const answer = await acceptSubmission(db, { formId: 'demo', form: forms.demo!, rawBody })
    expect(answer.status).toBe(202)
    expect(trips()).toBe(3)
    const [contact] = await contactsWithEmail(email)
    expect(contact!.info.extendedFields?.items).toMatchObject({ 'custom.interest': 'pricing' })
  })
})
