import { env } from 'cloudflare:workers'
import { d1Store } from '../../worker/stores/d1-store.ts'
import { captureSuite } from './capture-suite.ts'
import { queryContacts } from './helpers.ts'

captureSuite({
  name: 'D1',
  backend: () => d1Store(env.DB),
  contactsWith: async ({ email, phone }) =>
    (
      await queryContacts({
        filter: email ? { 'info.emails.email': email } : { 'info.phones.phone': phone },
      })
    ).contacts,
})
