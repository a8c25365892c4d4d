/** Reading the Wix backend's peer directly (not through the fault proxy), to check what it holds. */
import { inject } from 'vitest'
import type { Contact } from '../../shared/contact.ts'

export const wixPeer = {
  async contactsWith({ email, phone }: { email?: string; phone?: string }): Promise<Contact[]> {
    const res = await fetch(`${inject('wixPeerUrl')}/contacts/v4/contacts/query`, {
      method: 'POST',
      headers: { Authorization: inject('wixPeerKey'), 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: { filter: email ? { 'info.emails.email': email } : { 'info.phones.phone': phone } },
      }),
    })
    if (!res.ok) throw new Error(`peer query failed: ${res.status}`)
    return ((await res.json()) as { contacts: Contact[] }).contacts
  },
}
