/**
 * @module
 * The page the form is on, and the campaign that brought the visitor: stored with the submission.
 * Lengths are capped here so that a long tracking URL cannot get a submission refused.
 */

export function pageContext() {
  const url = new URL(window.location.href)
  const utm: Record<string, string> = {}
  for (const key of ['source', 'medium', 'campaign', 'term', 'content']) {
    const value = url.searchParams.get(`utm_${key}`)
    if (value) utm[key] = value.slice(0, 200)
  }
  url.hash = ''
  return {
    ...(/^https?:$/.test(url.protocol) ? { pageUrl: url.href.slice(0, 2048) } : {}),
    referrer: /^https?:/.test(document.referrer) ? document.referrer.slice(0, 2048) : '',
    ...(Object.keys(utm).length ? { utm } : {}),
  }
}
