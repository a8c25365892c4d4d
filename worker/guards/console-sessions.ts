/**
 * @module
 * Console sessions (`/admin`): an admin or read-only key is exchanged once for an opaque session id,
 * which the browser keeps in an HttpOnly cookie. D1 stores only the id's SHA-256 hash, what the
 * session may do, and a proof of the key that opened it, so removing or changing that key ends its
 * sessions. Sessions last 12 hours from sign-in (absolute, not sliding); sign-out deletes the row.
 *
 * Sign-in attempts are limited per client address: 5 in a sliding 15 minutes, counted before the
 * key is checked (so once over the limit even the right key is refused: the limit cannot be used to
 * test guesses), and forgotten when the key was right.
 */
import { applicationError } from '../../shared/api-error.ts'
import {
  deleteExpiredSessions,
  deleteSession,
  deleteSignInAttempt,
  insertSession,
  insertSignInAttempt,
  pruneSignInAttempts,
  selectLiveSession,
  selectOldestSignInAttempt,
} from '../db/console-sessions.ts'
import { apiKeys } from './admin-keys.ts'
import type { KeyKind } from './admin-keys.ts'

export const SESSION_SECONDS = 12 * 3600
const SIGN_IN_LIMIT = 5
const SIGN_IN_WINDOW_MS = 15 * 60_000
// 32 random bytes in base64url; anything else is not one of ours and is not looked up.
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

export interface ConsoleSession {
  access: KeyKind
  expiresDate: string
}

/**
 * Opens a session for a key already checked to be of kind `access`; answers the new id (for the
 * cookie only) and the session.
 *
 * @example
 * const { id, session } = await startSession(env.DB, key, 'admin')
 */
export async function startSession(
  db: D1Database,
  key: string,
  access: KeyKind,
  now = Date.now()
): Promise<{ id: string; session: ConsoleSession }> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(32)))
  const expires = new Date(now + SESSION_SECONDS * 1000).toISOString()
  await insertSession(db, {
    idHash: await sha256Hex(id),
    access,
    keyProof: await keyProof(id, key),
    created: new Date(now).toISOString(),
    expires,
  }).run()
  return { id, session: { access, expiresDate: expires } }
}

/**
 * The live session with this id, or undefined: unknown, expired, or opened with a key that is no
 * longer configured with the same access.
 */
export async function findSession(
  env: Env,
  id: string,
  now = Date.now()
): Promise<ConsoleSession | undefined> {
  if (!SESSION_ID.test(id)) return undefined
  const row = await selectLiveSession(env.DB, await sha256Hex(id), new Date(now).toISOString())
  if (!row) return undefined
  let keyStillValid = false
  for (const { key, kind } of apiKeys(env))
    if (kind === row.access && sameText(await keyProof(id, key), row.key_proof))
      keyStillValid = true
  return keyStillValid ? { access: row.access, expiresDate: row.expires_date } : undefined
}

/** Sign-out: the session's row is deleted, so its id opens nothing any more. */
export async function endSession(db: D1Database, id: string): Promise<void> {
  if (SESSION_ID.test(id)) await deleteSession(db, await sha256Hex(id)).run()
}

/** From the cron sweep: drops expired sessions and sign-in attempts older than the window. */
export async function sweepConsoleSessions(db: D1Database, now = Date.now()): Promise<void> {
  await db.batch([
    deleteExpiredSessions(db, new Date(now).toISOString()),
    pruneSignInAttempts(db, new Date(now - SIGN_IN_WINDOW_MS).toISOString()),
  ])
}

/**
 * Counts a sign-in attempt from `address` (undefined when no address is known: those share one
 * count) and answers its id, to forget when the key was right; throws 429 `RATE_LIMITED` with
 * `Retry-After` once the address has used up its attempts.
 */
export async function countSignInAttempt(
  db: D1Database,
  address: string | undefined,
  now = Date.now()
): Promise<number> {
  // Hashed: an address is personal data, and only needs to be told apart from others.
  const addressKey = (await sha256Hex(address ?? 'unknown')).slice(0, 32)
  const since = new Date(now - SIGN_IN_WINDOW_MS).toISOString()
  const id = await insertSignInAttempt(db, {
    addressKey,
    now: new Date(now).toISOString(),
    since,
    limit: SIGN_IN_LIMIT,
  })
  if (id !== undefined) return id
  const oldest = await selectOldestSignInAttempt(db, addressKey, since)
  const seconds = Math.max(
    1,
    Math.ceil(((oldest ? Date.parse(oldest) : now) + SIGN_IN_WINDOW_MS - now) / 1000)
  )
  const err = applicationError(
    429,
    'RATE_LIMITED',
    `Too many wrong keys were tried from here. Please try again in ${seconds} s.`
  )
  err.headers['Retry-After'] = String(seconds)
  throw err
}

/** A right key's attempt does not count against its address. */
export async function forgetSignInAttempt(db: D1Database, id: number): Promise<void> {
  await deleteSignInAttempt(db, id).run()
}

async function sha256Hex(text: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)))
}

// HMAC of the key under the session id: checkable only by someone who holds the id.
async function keyProof(id: string, key: string): Promise<string> {
  const encoder = new TextEncoder()
  const hmac = await crypto.subtle.importKey(
    'raw',
    encoder.encode(id),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  return hex(await crypto.subtle.sign('HMAC', hmac, encoder.encode(key)))
}

function sameText(a: string, b: string): boolean {
  const encoder = new TextEncoder()
  const [ea, eb] = [encoder.encode(a), encoder.encode(b)]
  return ea.byteLength === eb.byteLength && crypto.subtle.timingSafeEqual(ea, eb)
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}
