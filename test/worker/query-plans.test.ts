import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { bindable } from '../../worker/db/query/compile.ts'
import { compileContactFilter } from '../../worker/db/query/contact-fields.ts'
import { contactSearch } from '../../worker/db/query/contact-search.ts'
import { pageQuery } from '../../worker/db/contact-reads.ts'
import { forgetAddressKeys, insertSubmission } from '../../worker/db/submissions.ts'
import type { SubmissionRow } from '../../worker/db/submissions.ts'

/** SQLite's plan for a statement, one line per step. */
async function plan(sql: string, params: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>()
  return results.map((r) => r.detail).join('\n')
}

async function planForFilter(filter: unknown): Promise<string> {
  const where = compileContactFilter(filter)
  return plan(
    `SELECT c.id FROM contacts c WHERE ${where.sql} ORDER BY c.created_date, c.id LIMIT 50`,
    where.params
  )
}

describe('indexes', () => {
  it('searches names, emails and phones by their indexes, never reading every contact', async () => {
    const search = contactSearch('Ann@Example.com')
    const p = await plan(
      `SELECT c.id FROM contacts c WHERE ${search.sql} ORDER BY c.created_date DESC, c.id DESC LIMIT 25`,
      search.params
    )
    for (const index of [
      'contacts_by_first_name_lower',
      'contacts_by_last_name_lower',
      'contact_emails_by_norm',
      'contact_phones_by_phone',
      'contact_phones_by_e164',
    ])
      expect(p).toContain(index)
    expect(p).not.toMatch(/SCAN c\b/)
  })

  it('finds a page of a label held by many by walking the sort index, of few by the label index', async () => {
    const sel = {
      where: compileContactFilter({ 'info.labelKeys': { $hasSome: ['custom.x'] } }),
      orderBy: 'c.created_date DESC, c.id DESC',
      limit: 25,
      offset: 0,
    }
    const many = pageQuery(sel, true)
    const manyPlan = await plan(many.sql, many.params)
    expect(manyPlan).toMatch(/SCAN c USING (COVERING )?INDEX contacts_by_created/)
    expect(manyPlan).not.toContain('TEMP B-TREE FOR ORDER BY')
    const few = pageQuery(sel, false)
    expect(await plan(few.sql, few.params)).toMatch(
      /SEARCH contact_labels USING COVERING INDEX contact_labels_by_label/
    )
  })

  it('finds a duplicate by email through the email_norm index', async () => {
    const p = await plan(
      `SELECT e.contact_id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
       WHERE e.email_norm = ? ORDER BY c.created_date, c.id LIMIT 1`,
      ['a@example.com']
    )
    expect(p).toContain('contact_emails_by_norm')
    expect(p).not.toMatch(/SCAN (e|contact_emails)\b/)
  })

  it('finds a duplicate by phone through the e164 index', async () => {
    const p = await plan(`SELECT contact_id FROM contact_phones WHERE e164_phone = ?`, [
      '+12125550134',
    ])
    expect(p).toContain('contact_phones_by_e164')
  })

  it('answers a filter of more values than D1 binds from indexes still', async () => {
    const emails = Array.from({ length: 120 }, (_, i) => ({ 'info.emails.email': `p${i}@x.io` }))
    const where = bindable(
      compileContactFilter({ $or: [{ $or: emails.slice(0, 50) }, { $or: emails.slice(50, 100) }] }),
      2
    )
    expect(where.params).toHaveLength(1)
    const p = await plan(
      `SELECT c.id FROM contacts c WHERE ${where.sql} ORDER BY c.created_date, c.id LIMIT ? OFFSET ?`,
      [...where.params, 50, 0]
    )
    expect(p).toContain('contact_emails_by_norm')
    expect(p).not.toMatch(/SCAN (e|contact_emails)\b/)
  })

  it('answers an email filter, a label filter and a createdDate range from indexes', async () => {
    expect(await planForFilter({ 'info.emails.email': 'a@example.com' })).toContain(
      'contact_emails_by_norm'
    )
    const labels = await planForFilter({ 'info.labelKeys': { $hasSome: ['custom.a'] } })
    expect(labels).toContain('contact_labels_by_label')
    const range = await planForFilter({ createdDate: { $gt: '2026-01-01T00:00:00.000Z' } })
    expect(range).toContain('contacts_by_created')
    expect(range).not.toMatch(/SCAN c\b(?! USING)/)
  })
})

describe('rate limits', () => {
  const row: SubmissionRow = {
    id: 'plan-row',
    formId: 'demo',
    idempotencyKey: null,
    bodyHash: 'h',
    values: {},
    context: {},
    consent: undefined,
    responseStatus: 202,
    responseBody: '{}',
    createdDate: '2026-11-25T00:00:00.000Z',
    renderNonce: null,
    emailKey: 'e'.repeat(32),
    emailLimit: 5,
    addressKey: 'a'.repeat(32),
    addressLimit: 20,
    limitSince: '2026-11-24T23:59:00.000Z',
  }
  /** The plan of a statement as the worker builds it, with its own SQL and values. */
  const planOf = (statement: D1PreparedStatement) => {
    const { statement: sql, params } = statement as unknown as {
      statement: string
      params: unknown[]
    }
    return plan(sql, params)
  }

  it('counts recent submissions per email and per address through their indexes', async () => {
    const p = await planOf(insertSubmission(env.DB, row))
    expect(p).toContain('submissions_by_email_key')
    expect(p).toContain('submissions_by_address_key')
  })

  it('finds the address keys to forget through the partial index', async () => {
    const p = await planOf(forgetAddressKeys(env.DB, '2026-11-25T00:00:00.000Z'))
    expect(p).toContain('submissions_by_address_key')
  })
})
