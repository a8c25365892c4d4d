/**
 * @module
 * Standard Webhooks signatures (https://www.standardwebhooks.com): what the worker signs its
 * webhooks with, and `verifyWebhook()` for receivers. WebCrypto only, so it runs in Workers,
 * Node 20+ and browsers.
 *
 * Signed content: `${webhook-id}.${webhook-timestamp}.${body}`, HMAC-SHA256 with the base64 key
 * after the `whsec_` prefix; header `webhook-signature: v1,<base64>` (several, space-separated,
 * while a secret is rotated).
 */

const encoder = new TextEncoder()

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret
  if (!base64) throw new Error('A webhook secret is required')
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
}

function toBase64(bytes: ArrayBuffer): string {
  let s = ''
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b)
  return btoa(s)
}

async function key(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    secretBytes(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    [usage]
  )
}

/** The `webhook-signature` value for a message: `v1,<base64 HMAC>`. */
export async function signWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string
): Promise<string> {
  const mac = await crypto.subtle.sign(
    'HMAC',
    await key(secret, 'sign'),
    encoder.encode(`${id}.${timestamp}.${body}`)
  )
  return `v1,${toBase64(mac)}`
}

export interface WebhookHeaders {
  'webhook-id'?: string | null
  'webhook-timestamp'?: string | null
  'webhook-signature'?: string | null
}

/**
 * Checks a received webhook: a signature that matches (in constant time), and a timestamp within
 * `toleranceSeconds` (default 5 minutes) of now, so old messages cannot be replayed.
 *
 * @example
 * const ok = await verifyWebhook(process.env.WEBHOOK_SECRET, {
 *   'webhook-id': req.headers['webhook-id'], 'webhook-timestamp': req.headers['webhook-timestamp'],
 *   'webhook-signature': req.headers['webhook-signature'] }, rawBody)
 */
export async function verifyWebhook(
  secret: string,
  headers: WebhookHeaders | Headers,
  body: string,
  { toleranceSeconds = 300, now = Date.now() }: { toleranceSeconds?: number; now?: number } = {}
): Promise<boolean> {
  const get = (name: keyof WebhookHeaders) =>
    (headers instanceof Headers ? headers.get(name) : headers[name]) ?? ''
  const id = get('webhook-id')
  const timestamp = get('webhook-timestamp')
  const signatures = get('webhook-signature')
  if (!id || !/^\d+$/.test(timestamp) || !signatures) return false
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return false
  const verifier = await key(secret, 'verify')
  const content = encoder.encode(`${id}.${timestamp}.${body}`)
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',')
    if (version !== 'v1' || !signature) continue
    let mac: Uint8Array<ArrayBuffer>
    try {
      mac = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0))
    } catch {
      continue
    }
    // crypto.subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', verifier, mac, content)) return true
  }
  return false
}
