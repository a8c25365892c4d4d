/**
 * A webhook receiver on loopback for tests. Each path behaves as its name says:
 * `/ok…` answers 204, `/flaky-N…` answers 500 N times then 204, `/fail…` always 500,
 * `/gone…` 410, `/slow…` answers 503 with `Retry-After: 1` once. `GET /__received` lists what came.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  path: string
  headers: Record<string, string>
  body: string
}

export async function startReceiver(): Promise<{
  url: string
  received: Received[]
  close: () => Promise<void>
}> {
  const received: Received[] = []
  const calls = new Map<string, number>()
  const server = createServer((req, res) => {
    const path = req.url ?? '/'
    if (req.method === 'GET' && path.startsWith('/__received')) {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(received))
      return
    }
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      received.push({
        path,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body,
      })
      const n = (calls.get(path) ?? 0) + 1
      calls.set(path, n)
      const flaky = /^\/flaky-(\d+)/.exec(path)
      if (path.startsWith('/ok')) res.writeHead(204).end()
      else if (flaky) res.writeHead(n <= Number(flaky[1]) ? 500 : 204).end()
      else if (path.startsWith('/gone')) res.writeHead(410).end()
      else if (path.startsWith('/slow'))
        res.writeHead(n === 1 ? 503 : 204, n === 1 ? { 'Retry-After': '1' } : {}).end()
      else res.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise((r) => server.close(() => r())),
  }
}
