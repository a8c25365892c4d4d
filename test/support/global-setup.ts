/**
 * Vitest global setup for the worker tests: a webhook receiver on loopback, and a second copy of
 * this worker under `npm start` (its own D1) serving the Contacts v4 API behind a fault-injecting
 * proxy: the real HTTP peer the Wix backend is tested against.
 */
import type { TestProject } from 'vitest/node'
import { startDevServer } from './dev-server.ts'
import { startFaultProxy } from './fault-proxy.ts'
import { startReceiver } from './webhook-receiver.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    receiverUrl: string
    wixPeerUrl: string
    wixProxyUrl: string
    wixPeerKey: string
  }
}

export default async function setup(project: TestProject) {
  const [receiver, peer] = await Promise.all([startReceiver(), startDevServer()])
  const proxy = await startFaultProxy(peer.base, peer.adminKey)
  project.provide('receiverUrl', receiver.url)
  project.provide('wixPeerUrl', peer.base)
  project.provide('wixProxyUrl', proxy.url)
  project.provide('wixPeerKey', peer.adminKey)
  return async () => {
    await Promise.all([receiver.close(), proxy.close()])
    peer.stop()
  }
}
