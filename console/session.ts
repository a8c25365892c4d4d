/**
 * @module
 * The console's session: an admin or read-only key exchanged once for an HttpOnly cookie. The key
 * goes out in one request body and is kept nowhere (not in storage, not in a URL, not in memory
 * after the call); the cookie is the browser's business.
 */
import { api, ApiError } from './api.ts'

export interface Session {
  access: 'admin' | 'read'
  expiresDate: string
}

const PATH = '/admin/api/session'

/** The current session, or null when there is none (401). */
export async function currentSession(): Promise<Session | null> {
  try {
    return (await api<{ session: Session }>('GET', PATH)).session
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null
    throw error
  }
}

export async function signIn(key: string): Promise<Session> {
  return (await api<{ session: Session }>('POST', PATH, { key })).session
}

export async function signOut(): Promise<void> {
  await api('DELETE', PATH)
}
