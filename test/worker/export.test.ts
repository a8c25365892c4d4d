/**
 * The export flow integrations use to copy new contacts to a CRM: `createdDate $gt` the last
 * run, sorted ascending, in pages of 1,000.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { compileContactFilter } from '../../worker/db/query/contact-fields.ts'
import { pageQuery } from '../../worker/db/contact-reads.ts'
import { queryContacts } from './helpers.ts'

const TOTAL = 10_000

/** Inserts contacts straight into D1 (1,000 a statement), created one to three per millisecond. */
async function seed(start: number): Promise<string[]> {
  const rows = Array.from({ length: TOTAL }, (_, i) => ({
    id: crypto.randomUUID(),
    at: new Date(start + Math.floor(i / 2) + (i % 7 === 0 ? 1 : 0)).toISOString(),
    first: `Export ${i}`,
  }))
  const insert = `INSERT INTO contacts (id, source_type, created_date, updated_date, last_activity_date, last_activity_type, first_name)
    SELECT json_extract(value, '$.id'), 'IMPORT', json_extract(value, '$.at'), json_extract(value, '$.at'),
           json_extract(value, '$.at'), 'CONTACT_CREATED', json_extract(value, '$.first')
    FROM json_each(?)`
  const shuffled = [...rows].sort(() => Math.random() - 0.5)
  const statements = []
  for (let i = 0; i < TOTAL; i += 1000)
    statements.push(env.DB.prepare(insert).bind(JSON.stringify(shuffled.slice(i, i + 1000))))
  await env.DB.batch(statements)
  return rows.map((r) => r.id)
}

describe('exporting new contacts', () => {
  it('pages through 10,000 contacts created after T, every contact exactly once, in order', async () => {
    const start = Date.UTC(2095, 0, 1) + Math.floor(Math.random() * 1e9)
    const ids = await seed(start)
    const since = new Date(start - 1).toISOString()
    const exported: { id: string; createdDate: string }[] = []
    for (let offset = 0; ; offset += 1000) {
      const page = await queryContacts({
        filter: { createdDate: { $gt: since } },
        sort: [{ fieldName: 'createdDate', order: 'ASC' }],
        paging: { limit: 1000, offset },
        fields: ['createdDate'],
      })
      expect(page.pagingMetadata.total).toBe(TOTAL)
      exported.push(...page.contacts.map((c) => ({ id: c.id, createdDate: c.createdDate })))
      if (page.contacts.length < 1000) break
    }
    expect(exported).toHaveLength(TOTAL)
    expect(new Set(exported.map((c) => c.id))).toEqual(new Set(ids))
    const inOrder = exported.every(
      (c, i) =>
        i === 0 ||
        exported[i - 1]!.createdDate < c.createdDate ||
        (exported[i - 1]!.createdDate === c.createdDate && exported[i - 1]!.id < c.id)
    )
    expect(inOrder).toBe(true)
  })

  it('is answered from the createdDate index, not a scan of contacts', async () => {
    const where = compileContactFilter({ createdDate: { $gt: '2026-01-01T00:00:00.000Z' } })
    const { sql, params } = pageQuery({
      where,
      orderBy: 'c.created_date ASC, c.id ASC',
      limit: 1000,
      offset: 0,
    })
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...params)
      .all<{ detail: string }>()
    const details = plan.results.map((r) => r.detail).join('\n')
    expect(details).toMatch(
      /SEARCH c USING (COVERING )?INDEX contacts_by_created \(created_date>\?\)/
    )
    expect(details).not.toMatch(/SCAN c\b/)
    expect(details).not.toContain('TEMP B-TREE')
  })
})
