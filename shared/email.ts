/**
 * @module
 * Email normalisation: the one function that decides whether two addresses are the same contact.
 */
/**
 * The duplicate-detection key for an email address: trimmed, Unicode NFC, fully case-folded,
 * and with an internationalised domain in its ASCII (IDNA) form.
 *
 * Case folding covers the whole address, local part included (`Strauß@Example.com` and
 * `STRAUSS@example.com` are one contact), as Matrix MSC2265 does: people type the same address in
 * many cases, and a form that split them would create duplicates in the site owner's list.
 *
 * @example
 * normalizeEmail('  Ann.Lee@BÜCHER.example ') // 'ann.lee@xn--bcher-kva.example'
 */
export function normalizeEmail(raw: string): string {
  const folded = caseFold(raw.trim().normalize('NFC'))
  const at = folded.lastIndexOf('@')
  if (at < 0) return folded
  return `${folded.slice(0, at)}@${asciiDomain(folded.slice(at + 1))}`
}

/** The address as the visitor meant it: trimmed and NFC, case kept (mail may be case-sensitive). */
export function cleanEmail(raw: string): string {
  return raw.trim().normalize('NFC')
}

export const EMAIL_MAX_LENGTH = 320

// zod's email pattern (the default of z.email()), kept here without zod so the browser bundle can
// apply exactly the rule the server applies.
const ASCII_EMAIL =
  /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/

/** Whether an address is well formed; an internationalised domain is checked in its ASCII form. */
export function isValidEmail(raw: string): boolean {
  const email = cleanEmail(raw)
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return false
  const at = email.lastIndexOf('@')
  if (at < 1) return false
  const ascii = `${email.slice(0, at)}@${asciiDomain(email.slice(at + 1))}`
  return ASCII_EMAIL.test(ascii)
}

// JavaScript has no String.prototype.caseFold; upper-then-lower gives full folding for the cases
// that matter in addresses (ß → ss, ligatures, Kelvin sign). Greek final sigma is lowered in
// context by toLowerCase, so it is mapped to σ by hand, as Unicode case folding does.
function caseFold(s: string): string {
  return s.toUpperCase().toLowerCase().replace(/ς/g, 'σ')
}

function asciiDomain(domain: string): string {
  if (/^[\x00-\x7f]*$/.test(domain)) return domain
  try {
    // WHATWG URL applies UTS #46 (IDNA) mapping to the host.
    return new URL(`http://${domain}`).hostname
  } catch {
    return domain
  }
}
