/**
 * @module
 * The visitor's address for rate limits: CF-Connecting-IP, which Cloudflare sets and clients
 * cannot (never X-Forwarded-For). An IPv6 address counts as its /64, which one subscriber holds.
 */

export function clientAddress(headers: Headers): string | undefined {
  const ip = headers.get('CF-Connecting-IP')?.trim()
  if (!ip) return undefined
  if (!ip.includes(':')) return ip
  const groups = expandIpv6(ip)
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : ip
}

function expandIpv6(ip: string): string[] | undefined {
  const [head, tail, extra] = ip.split('::')
  if (extra !== undefined) return undefined
  const left = head ? head.split(':') : []
  const right = tail !== undefined ? (tail ? tail.split(':') : []) : []
  const missing = 8 - left.length - right.length
  if (tail === undefined && left.length !== 8) return undefined
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right]
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
}
