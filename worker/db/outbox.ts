/**
 * @module
 * The outbox: one row per event (ids and metadata only, never contact data), written in the same
 * batch as the change it reports, and read when a webhook is delivered.
 */

export interface OutboxRow {
  id: string
  sequence: number
  entity_fqdn: string
  slug: string
  entity_id: string
  body: string
  created_date: string
}
