/**
 * @module
 * Wix's plain-text `search` on contacts: an exact match (any case) on the first or last name, an
 * email, or a phone as typed or in E.164.
 */
import { normalizeEmail } from '../../../shared/email.ts'
import type { SqlCondition } from './compile.ts'

export function contactSearch(text: string): SqlCondition {
  const value = text.trim()
  // One indexed lookup a field (names by their lower-case indexes, migration 0017), so a search
  // reads only the contacts it finds instead of testing every contact.
  return {
    sql: `c.id IN (SELECT id FROM contacts WHERE lower(first_name) = lower(?)
      UNION SELECT id FROM contacts WHERE lower(last_name) = lower(?)
      UNION SELECT contact_id FROM contact_emails WHERE email_norm = ?
      UNION SELECT contact_id FROM contact_phones WHERE phone = ?
      UNION SELECT contact_id FROM contact_phones WHERE e164_phone = ?)`,
    params: [value, value, normalizeEmail(value), value, value],
  }
}
