/**
 * @module
 * Email normalisation: the one function that decides whether two addresses are the same contact.
 */
/**
 * The duplicate-detection key for an email address. Two addresses get one key only when they name
 * the same mailbox as a person would type it:
 * - the whole address trimmed and in Unicode NFKC, so fullwidth letters and ligatures (`ＡＮＮ`,
 *   `ﬁ`) are their plain forms, and invisible characters (soft hyphen, zero-width space, word
 *   joiner, BOM) removed;
 * - the domain by UTS #46 non-transitional processing, as the URL standard's host parser does it,
 *   and in its ASCII form. It is never case-folded first: `gıthub.com`, `straße.de` and `ςigma.gr`
 *   are other registrable domains than `github.com`, `strasse.de` and `σigma.gr`;
 * - the local part lower-cased, and final sigma written as σ (both are the lower case of Σ), but
 *   not fully case-folded: `ß` stays `ß`, because a mail server may well hold `straße` and
 *   `strasse` as two mailboxes, while nobody expects `Ann` and `ann` to be two people.
 *
 * @example
 * normalizeEmail('  Ann.Lee@BÜCHER.example ') // 'ann.lee@xn--bcher-kva.example'
 */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().normalize('NFKC').replace(INVISIBLE, '')
  const at = email.lastIndexOf('@')
  if (at < 0) return lowerLocalPart(email)
  return `${lowerLocalPart(email.slice(0, at))}@${domainKey(email.slice(at + 1))}`
}

// Characters that render as nothing and mean nothing in an address (Unicode default-ignorable
// format characters; ZWJ and ZWNJ are left alone: they spell words in some scripts).
const INVISIBLE = /[\u00ad\u180e\u200b\u2060\ufeff]/g

function lowerLocalPart(s: string): string {
  return s.toLowerCase().replace(/ς/g, 'σ')
}

/** The domain as the URL host parser reads it (UTS #46, non-transitional), lower-case ASCII. */
function domainKey(domain: string): string {
  // Plain ASCII names need no parsing; anything a URL would read past (a path, a port, %-escapes)
  // is not a domain, and keeps its own key.
  if (/^[a-z0-9.-]*$/i.test(domain) || /[/?#:@\\%\s]/.test(domain)) return domain.toLowerCase()
  try {
    return new URL(`http://${domain}`).hostname
  } catch {
    return domain.toLowerCase()
  }
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

function asciiDomain(domain: string): string {
  if (/^[\x00-\x7f]*$/.test(domain)) return domain
  try {
    // WHATWG URL applies UTS #46 (IDNA) mapping to the host.
    return new URL(`http://${domain}`).hostname
  } catch {
    return domain
  }
}
