/**
 * @module
 * The signed render token served with a form definition and sent back with the submission. It
 * proves the submission comes from a form we served, and when: too soon after serving (faster than
 * a person types) or too late (expired) is refused, and a forged one fails its HMAC.
 *
 * Format: `base64url({"f":formId,"t":issuedAtMs,"n":nonce}).base64url(HMAC-SHA256)`.
 */

export type TokenVerdict = 'valid' | 'missing' | 'forged' | 'expired' | 'too-fast'

export interface TokenCheck {
  verdict: TokenVerdict
  /** The token's nonce, for a valid token: a token serves one submission. */
  nonce?: string
  /** For a token sent too fast: how long until it is good. */
  waitMs?: number
}

const encoder = new TextEncoder()

/** The signing key: FORM_TOKEN_SECRET, or one derived from the admin key when that is not set. */
const keys = new Map<string, Promise<CryptoKey>>()

function signingKey(env: Env): Promise<CryptoKey> {
  const secret =
    env.FORM_TOKEN_SECRET || (env.ADMIN_API_KEY ? `render-token:${env.ADMIN_API_KEY}` : '')
  if (!secret) throw new Error('Set FORM_TOKEN_SECRET (or ADMIN_API_KEY) to sign render tokens.')
  let key = keys.get(secret)
  if (!key) keys.set(secret, (key = importKey(secret)))
  return key
}

function importKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify']
  )
}

export async function issueToken(env: Env, formId: string, now = Date.now()): Promise<string> {
  const payload = base64url(
    encoder.encode(JSON.stringify({ f: formId, t: now, n: crypto.randomUUID() }))
  )
  const signature = await crypto.subtle.sign('HMAC', await signingKey(env), encoder.encode(payload))
  return `${payload}.${base64url(new Uint8Array(signature))}`
}

export async function verifyToken(
  env: Env,
  token: unknown,
  formId: string,
  limits: { minFillMs: number; maxAgeMs: number },
  now = Date.now()
): Promise<TokenCheck> {
  if (typeof token !== 'string' || token.length === 0) return { verdict: 'missing' }
  const [payload, signature, extra] = token.split('.')
  if (!payload || !signature || extra !== undefined) return { verdict: 'forged' }
  const sig = fromBase64url(signature)
  // crypto.subtle.verify compares in constant time.
  if (
    !sig ||
    !(await crypto.subtle.verify('HMAC', await signingKey(env), sig, encoder.encode(payload)))
  ) {
    return { verdict: 'forged' }
  }
  let claims: { f?: unknown; t?: unknown; n?: unknown }
  try {
    claims = JSON.parse(new TextDecoder().decode(fromBase64url(payload)))
  } catch {
    return { verdict: 'forged' }
  }
  if (claims.f !== formId || typeof claims.t !== 'number' || typeof claims.n !== 'string')
    return { verdict: 'forged' }
  const age = now - claims.t
  if (age > limits.maxAgeMs) return { verdict: 'expired' }
  if (age < limits.minFillMs) return { verdict: 'too-fast', waitMs: limits.minFillMs - age }
  return { verdict: 'valid', nonce: claims.n }
}

function base64url(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined
  try {
    const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    const bytes = new Uint8Array(s.length)
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i)
    return bytes
  } catch {
    return undefined
  }
}
