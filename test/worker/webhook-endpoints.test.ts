/**
 * Which webhook URLs `WEBHOOK_ENDPOINTS` accepts (issue 14, item 3): public host names only. The
 * check reads the URL's text; what it cannot know (DNS) is in worker/webhooks/endpoints.ts.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { webhookEndpoints } from '../../worker/webhooks/endpoints.ts'
import { TEST_WEBHOOK_SECRET } from '../support/webhook-secret.ts'

const parse = (url: string, allowLoopback = 'false') =>
  webhookEndpoints({
    ...env,
    WEBHOOK_ENDPOINTS: JSON.stringify([{ url, secret: TEST_WEBHOOK_SECRET }]),
    WEBHOOKS_ALLOW_LOOPBACK: allowLoopback,
  } as Env)

describe('webhook endpoint URLs', () => {
  it('refuses special-use and local names, naming the host', () => {
    for (const [url, host] of [
      ['https://localhost./in', 'localhost.'],
      ['https://LocalHost./in', 'localhost.'],
      ['https://foo.localhost/in', 'foo.localhost'],
      ['https://local%68ost.foo.localhost/in', 'localhost.foo.localhost'],
      ['https://metadata.google.internal/computeMetadata/v1/', 'metadata.google.internal'],
      ['https://printer.local/in', 'printer.local'],
      ['https://router.home.arpa/in', 'router.home.arpa'],
      ['https://1.0.0.127.in-addr.arpa/in', '1.0.0.127.in-addr.arpa'],
      ['https://app.test/in', 'app.test'],
      ['https://hooks.invalid/in', 'hooks.invalid'],
      ['https://hooks.example/in', 'hooks.example'],
      ['https://intranet/in', 'intranet'],
    ]) {
      for (const loopback of ['false', 'true'])
        expect(() => parse(url!, loopback), url).toThrow(/^WEBHOOK_ENDPOINTS\[0\]\.url: .*/)
      expect(() => parse(url!), url).toThrow(`"${host}"`)
    }
  })

  it('refuses a trailing dot rather than normalising it', () => {
    expect(() => parse('https://hooks.example.com./in')).toThrow(
      'WEBHOOK_ENDPOINTS[0].url: "hooks.example.com." ends in a dot; write it without'
    )
  })

  it('refuses names that only spell out an address (nip.io, sslip.io, …)', () => {
    for (const url of [
      'https://127.0.0.1.nip.io/in',
      'https://10-0-0-5.sslip.io/in',
      'https://hooks.169.254.169.254.example.com/in',
      'https://app.localtest.me/in',
      'https://lvh.me/in',
    ])
      expect(() => parse(url), url).toThrow('names an address')
  })

  it('refuses IP literals in every spelling the URL parser understands', () => {
    for (const url of [
      'https://127.0.0.1/in',
      'https://0x7f.1/in',
      'https://2130706433/in',
      'https://0177.0.0.1/in',
      'https://127.0.0.1./in',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::ffff:127.0.0.1]/in',
      'https://[::1]/in',
      'https://localhost/in',
    ])
      expect(() => parse(url), url).toThrow('must be https:// on a host name')
  })

  it('takes public names, including ones that merely contain a reserved word', () => {
    for (const url of [
      'https://hooks.example.com/in',
      'https://crm.example.org/hooks',
      'https://localhost.example.com/in',
      'https://hooks.internal-tools.com/in',
      'https://test.io/in',
      'https://ec2-54-1-2-3.compute-1.amazonaws.com/in',
      'https://123.example.net:8443/in',
      'https://xn--bcher-kva.example.com/in',
    ])
      expect(parse(url)[0]!.url, url).toBe(url)
  })

  it('still takes http on loopback while developing', () => {
    for (const url of ['http://127.0.0.1:9/in', 'http://localhost:9/in', 'http://[::1]:9/in'])
      expect(parse(url, 'true')[0]!.url).toBe(url)
  })
})
