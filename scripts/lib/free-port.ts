import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'

/** A port nothing listens on now: `wanted` when it is free, else one the system picks. */
export function freePort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (err) => (wanted ? resolve(freePort(0)) : reject(err)))
    probe.listen(wanted, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
