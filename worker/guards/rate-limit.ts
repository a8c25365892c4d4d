/**
 * @module
 * Submission rate limits with the Workers Rate Limiting binding: per form and client address, and
 * per form and email (hashed, so no address is used as a key). A form may set lower limits than
 * the bindings' (`rateLimit` in forms.config.ts): each submission then takes several tokens.
 * The answer is a plain 429 that does not say which limit was hit.
 */
import { RATE_LIMIT_DEFAULTS } from '../../shared/forms.ts'
import type { FormConfig } from '../../shared/forms.ts'
import { applicationError } from '../errors.ts'

async function take(limiter: RateLimit | undefined, key: string, cost: number): Promise<boolean> {
  if (!limiter) return true
  for (let i = 0; i < cost; i++) {
    if (!(await limiter.limit({ key })).success) return false
  }
  return true
}

function cost(defaultLimit: number, configured: number | undefined): number {
  return configured ? Math.ceil(defaultLimit / configured) : 1
}

export async function limitByAddress(
  env: Env,
  formId: string,
  form: FormConfig,
  address: string | undefined
) {
  if (!address) return
  const ok = await take(
    env.SUBMIT_BY_ADDRESS,
    `${formId}:${address}`,
    cost(RATE_LIMIT_DEFAULTS.perAddress, form.rateLimit.perAddress)
  )
  if (!ok) throw tooMany()
}

export async function limitByEmail(
  env: Env,
  formId: string,
  form: FormConfig,
  emailNorm: string | undefined
) {
  if (!emailNorm) return
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(emailNorm))
  const key = `${formId}:${[...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
  if (
    !(await take(
      env.SUBMIT_BY_EMAIL,
      key,
      cost(RATE_LIMIT_DEFAULTS.perEmail, form.rateLimit.perEmail)
    ))
  )
    throw tooMany()
}

function tooMany() {
  return applicationError(429, 'RATE_LIMITED', 'Too many submissions. Please try again later.')
}
