// What test/support/global-setup.ts provides to the worker tests.
import 'vitest'

declare module 'vitest' {
  export interface ProvidedContext {
    receiverUrl: string
    wixPeerUrl: string
    wixProxyUrl: string
    wixPeerKey: string
  }
}
