/**
 * @module
 * Wix's plain-text `search` on contacts: an exact match (any case) on the first or last name, an
 * email, or a phone as typed or in E.164.
 */
import { normalizeEmail } from '../../../shared/email.ts'
import type { SqlCondition } from './compile.ts'

export function contactSearch(text: string): SqlCondition {
  const value = text.trim()
  return {
    sql: `(lower(c.first_name) = lower(?) OR lower(c.last_name) = lower(?)
      OR c.id IN (SELECT contact_id FROM contact_emails WHERE email_norm = ?)
      OR c.id IN (SELECT contact_id FROM contact_phones WHERE phone = ? OR e164_phone = ?))`,
    params: [value, value, normalizeEmail(value), value, value],
  }
}
