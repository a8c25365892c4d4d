/**
 * @module
 * Contact counts for the facets (Contacts v4 List/Query Facets): all, not labelled, per label and
 * per email subscription status, among the contacts matching a condition. One batch.
 */
import { bindable } from './query/compile.ts'
import type { SqlCondition } from './query/compile.ts'
import type { Row as LabelRow } from './catalog-entries.ts'

export interface FacetCounts {
  all: number
  notLabeled: number
  labels: (LabelRow & { count: number })[]
  subscriptions: { status: string; count: number }[]
}

export async function countFacets(db: D1Database, where: SqlCondition): Promise<FacetCounts> {
  const { sql, params } = bindable(where)
  const [totals, labels, subscriptions] = await db.batch([
    db
      .prepare(
        `SELECT COUNT(*) AS total_count,
           COUNT(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM contact_labels WHERE contact_id = c.id)) AS not_labeled
         FROM contacts c WHERE ${sql}`
      )
      .bind(...params),
    // Every label, those no matching contact has included (count 0).
    db
      .prepare(
        `SELECT l.*, (SELECT COUNT(*) FROM contact_labels cl JOIN contacts c ON c.id = cl.contact_id
             WHERE cl.label_key = l.key AND ${sql}) AS count
         FROM labels l ORDER BY l.namespace, l.display_name, l.key`
      )
      .bind(...params),
    db
      .prepare(
        `SELECT c.subscription_status AS status, COUNT(*) AS count FROM contacts c WHERE ${sql}
         GROUP BY c.subscription_status ORDER BY c.subscription_status`
      )
      .bind(...params),
  ])
  const total = totals!.results[0] as { total_count: number; not_labeled: number }
  return {
    all: total.total_count,
    notLabeled: total.not_labeled,
    labels: labels!.results as FacetCounts['labels'],
    subscriptions: subscriptions!.results as FacetCounts['subscriptions'],
  }
}
