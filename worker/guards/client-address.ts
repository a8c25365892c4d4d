/**
 * @module
 * The visitor's address for rate limits: CF-Connecting-IP, which Cloudflare sets on every request
 * it forwards, replacing whatever the client sent (never X-Forwarded-For). Under `wrangler dev`
 * nothing sets it, so a local client can send any value: local limits are not a defence.
 *
 * An IPv6 address counts as its /64, which one subscriber holds; one written with an IPv4 tail
 * (`2001:db8::1.2.3.4`) is read as the same address, and an IPv4 address mapped into IPv6
 * (`::ffff:1.2.3.4`, `::ffff:102:304`) as that IPv4 address, so no spelling escapes its group.
 */

export function clientAddress(headers: Headers): string | undefined {
  const ip = headers.get('CF-Connecting-IP')?.trim()
  if (!ip) return undefined
  if (!ip.includes(':')) return ip
  const groups = ipv6Groups(ip)
  if (!groups) return ip
  if (groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff') {
    const [hi, lo] = [parseInt(groups[6]!, 16), parseInt(groups[7]!, 16)]
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
  }
  return `${groups.slice(0, 4).join(':')}::/64`
}

/** The eight groups of an IPv6 address, lower-case without leading zeros; undefined if malformed. */
function ipv6Groups(ip: string): string[] | undefined {
  const tail = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip)
  if (tail) {
    const bytes = tail.slice(2).map(Number)
    if (bytes.some((b) => b > 255)) return undefined
    const hex = (a: number, b: number) => ((a << 8) | b).toString(16)
    ip = `${tail[1]}${hex(bytes[0]!, bytes[1]!)}:${hex(bytes[2]!, bytes[3]!)}`
  }
  const [head, rest, extra] = ip.split('::')
  if (extra !== undefined) return undefined
  const left = head ? head.split(':') : []
  const right = rest !== undefined ? (rest ? rest.split(':') : []) : []
  if (rest === undefined && left.length !== 8) return undefined
  const missing = 8 - left.length - right.length
  if (rest !== undefined && missing < 1) return undefined
  const groups = [...left, ...Array(rest === undefined ? 0 : missing).fill('0'), ...right]
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined
  return groups.map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
}
