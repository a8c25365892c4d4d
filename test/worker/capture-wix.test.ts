/**
 * The same suite against the Wix backend, which talks over real HTTP to this project's own
 * Contacts v4 API, run by a second worker under `npm start` (test/support/global-setup.ts).
 */
import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import { wixStore } from '../../worker/stores/wix-store.ts'
import { siteThrottle } from '../../worker/stores/wix-throttle.ts'
import { captureSuite } from './capture-suite.ts'
import { wixPeer } from './wix-peer.ts'

captureSuite({
  name: 'Wix (a real Contacts v4 peer over HTTP)',
  backend: () => {
    const siteId = `site-${crypto.randomUUID()}`
    return wixStore({
      db: env.DB,
      apiBase: inject('wixProxyUrl'),
      apiKey: inject('wixPeerKey'),
      siteId,
      throttle: siteThrottle(env, siteId),
    })
  },
  contactsWith: (filter) => wixPeer.contactsWith(filter),
})
