import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { contactsWithEmail, uniqueEmail, writesContact } from './helpers.ts'

/** The real D1, except that every batch that writes a contact fails. */
function failingContactWrites(db: D1Database): D1Database {
  return {
    prepare: (sql: string) => db.prepare(sql),
    batch: (statements: D1PreparedStatement[]) => {
      if (writesContact(statements)) return Promise.reject(new Error('D1_ERROR: injected failure'))
      return db.batch(statements)
    },
  } as unknown as D1Database
}

describe('a contact write that fails after the submission was recorded', () => {
  it('keeps the submission pending, answers 202, and a replay of the same key finishes it', async () => {
    const email = uniqueEmail('lost')
    const key = crypto.randomUUID()
    const rawBody = JSON.stringify({ values: { email, firstName: 'Lou', consent: true } })
    const request = { formId: 'demo', form: forms.demo!, rawBody, idempotencyKey: key }

    const first = await acceptSubmission(failingContactWrites(env.DB), request)
    expect(first.status).toBe(202)
    const row = await env.DB.prepare(
      'SELECT status, attempts, last_error, submitted_values FROM submissions WHERE id = ?'
    )
      .bind(first.submissionId)
      .first<{ status: string; attempts: number; last_error: string; submitted_values: string }>()
    expect(row).toMatchObject({ status: 'pending', attempts: 2 })
    expect(row!.last_error).toContain('injected failure')
    expect(JSON.parse(row!.submitted_values).email).toBe(email)
    expect(await contactsWithEmail(email)).toHaveLength(0)

    const retry = await acceptSubmission(env.DB, request)
    expect(retry.body).toBe(first.body)
    const after = await env.DB.prepare('SELECT status FROM submissions WHERE id = ?')
      .bind(first.submissionId)
      .first()
    expect(after).toEqual({ status: 'processed' })
    const contacts = await contactsWithEmail(email)
    expect(contacts).toHaveLength(1)
    expect(contacts[0]!.info.name?.first).toBe('Lou')

    // A further replay changes nothing.
    await acceptSubmission(env.DB, request)
    expect((await contactsWithEmail(email))[0]!.revision).toBe(1)
  })
})
