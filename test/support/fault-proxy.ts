/**
 * A proxy on loopback in front of a real Contacts v4 API (this project's, under wrangler dev),
 * standing where the Wix API would be. It forwards every request and, per `wix-site-id`, counts
 * them and injects faults: an answer of its own (429 with Retry-After, 500), a request that never
 * answers, an answer whose body never comes, or a race (another writer gets in first).
 * `POST /__faults/:site` sets a site's faults; `GET /__count/:site` tells how many requests
 * reached the API for it.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Fault } from './faults.ts'

export async function startFaultProxy(target: string, adminKey: string) {
  const faults = new Map<string, Fault[]>()
  const counts = new Map<string, number>()
  const server = createServer(async (req, res) => {
    const url = req.url ?? '/'
    let body = ''
    for await (const chunk of req) body += chunk
    const control = /^\/__(faults|count)\/([^/]+)$/.exec(url)
    if (control) {
      if (control[1] === 'faults') faults.set(control[2]!, JSON.parse(body) as Fault[])
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ count: counts.get(control[2]!) ?? 0 }))
      return
    }
    const site = String(req.headers['wix-site-id'] ?? '')
    const line = `${req.method} ${url}`
    const fault = (faults.get(site) ?? []).find((f) => f.times > 0 && line.startsWith(f.match))
    if (fault) fault.times--
    if (fault?.action === 'hang') return // never answers; the client's timeout ends it
    if (fault?.action === 'status') {
      res
        .writeHead(
          fault.status,
          fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {}
        )
        .end('{}')
      return
    }
    const forward = (init: { method: string; body?: string }) =>
      fetch(`${target}${url}`, {
        method: init.method,
        headers: { Authorization: adminKey, 'Content-Type': 'application/json' },
        ...(init.body ? { body: init.body } : {}),
      })
    if (fault?.action === 'race-create') await forward({ method: 'POST', body })
    if (fault?.action === 'race-update') {
      const { revision } = JSON.parse(body) as { revision: number }
      await forward({
        method: 'PATCH',
        body: JSON.stringify({ revision, info: { jobTitle: 'Changed by someone else' } }),
      })
    }
    counts.set(site, (counts.get(site) ?? 0) + 1)
    const answer = await forward({ method: req.method!, ...(body ? { body } : {}) })
    res.writeHead(answer.status, { 'Content-Type': 'application/json' })
    if (fault?.action === 'stall-body') return void res.flushHeaders() // the body never comes
    res.end(await answer.text())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
