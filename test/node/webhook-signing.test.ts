/** The Standard Webhooks test vector (../shared/vectors), and what must fail verification. */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { signWebhook, verifyWebhook } from '../../shared/webhooks.ts'

// The vector from ../shared/vectors as it is; test/fixtures holds the same file for clones
// that have no ../shared beside them.
const vectorFile = [
  resolve('..', 'shared', 'vectors', 'standard-webhooks.json'),
  resolve('test', 'fixtures', 'standard-webhooks.json'),
].find((f) => existsSync(f))!
const vector = JSON.parse(readFileSync(vectorFile, 'utf8')) as {
  secret: string
  id: string
  timestamp: number
  body: string
  signature: string
}
const headers = (over: Record<string, string> = {}) => ({
  'webhook-id': vector.id,
  'webhook-timestamp': String(vector.timestamp),
  'webhook-signature': vector.signature,
  ...over,
})
const at = { now: vector.timestamp * 1000 }

describe('Standard Webhooks signatures', () => {
  it('match the specification’s test vector', async () => {
    expect(await signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(
      vector.signature
    )
    expect(await verifyWebhook(vector.secret, headers(), vector.body, at)).toBe(true)
    // The secret without its whsec_ prefix works the same.
    expect(await verifyWebhook(vector.secret.slice(6), headers(), vector.body, at)).toBe(true)
  })

  it('fail for a tampered body, timestamp, id or secret', async () => {
    expect(
      await verifyWebhook(
        vector.secret,
        headers(),
        vector.body.replace('2432232314', '2432232315'),
        at
      )
    ).toBe(false)
    expect(
      await verifyWebhook(
        vector.secret,
        headers({ 'webhook-timestamp': String(vector.timestamp + 1) }),
        vector.body,
        at
      )
    ).toBe(false)
    expect(
      await verifyWebhook(vector.secret, headers({ 'webhook-id': 'msg_other' }), vector.body, at)
    ).toBe(false)
    expect(
      await verifyWebhook(
        'whsec_' + btoa('another secret of enough bytes'),
        headers(),
        vector.body,
        at
      )
    ).toBe(false)
  })

  it('fail outside the 5-minute tolerance, in the past and the future, and on malformed headers', async () => {
    for (const skew of [-301, 301]) {
      expect(
        await verifyWebhook(vector.secret, headers(), vector.body, {
          now: (vector.timestamp + skew) * 1000,
        })
      ).toBe(false)
    }
    const malformed: Record<string, string>[] = [
      { 'webhook-signature': 'v1,' },
      { 'webhook-signature': 'v1,abc' },
      { 'webhook-timestamp': 'yesterday' },
      { 'webhook-id': '' },
    ]
    for (const bad of malformed) {
      expect(await verifyWebhook(vector.secret, headers(bad), vector.body, at)).toBe(false)
    }
  })

  it('accept a header holding several signatures when one is valid (key rotation)', async () => {
    const rotated = headers({ 'webhook-signature': `v1,Zm9vYmFy ${vector.signature}` })
    expect(await verifyWebhook(vector.secret, rotated, vector.body, at)).toBe(true)
  })

  it('refuse an empty secret', async () => {
    await expect(signWebhook('', vector.id, vector.timestamp, vector.body)).rejects.toThrow()
  })
})
