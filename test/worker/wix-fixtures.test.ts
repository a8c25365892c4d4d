/**
 * The Wix backend against Wix's documented answers (../shared/reference/wix-contacts-v4.md §4–§7,
 * §9, §11), replayed by a stub of outbound fetch (www.wixapis.com is unreachable here): the raw
 * API key and the site header on every request, a create that meets DUPLICATE_CONTACT_EXISTS, and
 * an update that meets CONTACT_ALREADY_CHANGED.
 */
import { env } from 'cloudflare:workers'
import { afterEach, describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { wixStore } from '../../worker/stores/wix-store.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'

const realFetch = globalThis.fetch
afterEach(() => void (globalThis.fetch = realFetch))

/** The documented contact (§5), at a revision. */
const documentedContact = (revision: number) => ({
  id: '8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb',
  revision,
  source: { sourceType: 'WIX_APP', appId: 'f8d38bfa-0b2e-4d6b-b3f3-70f2e5b5f1a4' },
  createdDate: '2019-10-30T17:22:10.299Z',
  updatedDate: '2019-10-30T17:22:10.299Z',
  lastActivity: { activityDate: '2019-10-30T17:22:10.299Z', activityType: 'CONTACT_CREATED' },
  primaryInfo: { email: 'ann@example.com', phone: '097495550' },
  info: {
    name: { first: 'Some', last: 'One' },
    emails: { items: [{ id: 'e-1', tag: 'MAIN', email: 'ann@example.com', primary: true }] },
    phones: {
      items: [
        {
          id: 'p-1',
          tag: 'HOME',
          countryCode: 'IL',
          phone: '097495550',
          e164Phone: '+97297495550',
          primary: true,
        },
      ],
    },
    labelKeys: { items: ['custom.website-lead'] },
    extendedFields: { items: { 'custom.color': 'Blue' } },
  },
})

const wixError = (
  status: number,
  code: string,
  message: string,
  data: Record<string, unknown> = {}
) =>
  Response.json(
    { message, details: { applicationError: { code, description: message, data } } },
    { status }
  )

describe('the Wix backend with documented Wix answers', () => {
  it('creates, meets a duplicate, reads it, updates it after a stale revision, and labels it', async () => {
    const seen: { method: string; path: string; headers: Headers; body: unknown }[] = []
    let patches = 0
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input))
      const body = init?.body ? JSON.parse(String(init.body)) : undefined
      seen.push({
        method: init?.method ?? 'GET',
        path: url.pathname,
        headers: new Headers(init?.headers),
        body,
      })
      const route = `${init?.method ?? 'GET'} ${url.pathname}`
      switch (route) {
        case 'POST /contacts/v4/labels':
          return Response.json({
            label: {
              namespace: 'custom',
              namespaceDisplayName: 'Custom',
              key: `custom.${body.displayName.toLowerCase().replace(/ /g, '-')}`,
              displayName: body.displayName,
              labelType: 'USER_DEFINED',
            },
            newLabel: false,
          })
        case 'POST /contacts/v4/extended-fields':
          return Response.json({
            field: {
              namespace: 'custom',
              key: 'custom.signup-source',
              displayName: body.displayName,
              dataType: 'TEXT',
              fieldType: 'USER_DEFINED',
            },
            newField: true,
          })
        case 'POST /contacts/v4/contacts/query':
          return Response.json({
            contacts: [],
            pagingMetadata: { count: 0, offset: 0, total: 0, tooManyToCount: false },
          })
        case 'POST /contacts/v4/contacts':
          // Another form created it between our query and our create.
          return wixError(
            409,
            'DUPLICATE_CONTACT_EXISTS',
            'Contact with this email already exists',
            {
              duplicateContactId: '8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb',
              duplicateEmail: 'ann@example.com',
            }
          )
        case 'GET /contacts/v4/contacts/8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb':
          return Response.json({ contact: documentedContact(patches === 0 ? 3 : 4) })
        case 'PATCH /contacts/v4/contacts/8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb':
          if (patches++ === 0)
            return wixError(
              409,
              'CONTACT_ALREADY_CHANGED',
              'Contact has been updated since the requested revision.'
            )
          return Response.json({
            contact: {
              ...documentedContact(5),
              info: { ...documentedContact(5).info, ...body.info },
            },
          })
        case 'POST /contacts/v4/contacts/8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb/labels':
          return Response.json({ contact: documentedContact(6) })
      }
      return new Response('unexpected', { status: 599 })
    }) as typeof fetch

    const backend = wixStore({
      db: env.DB,
      apiBase: 'https://www.wixapis.com',
      apiKey: 'IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0',
      siteId: `site-${crypto.randomUUID()}`,
      throttle: { take: async () => 0 },
    })
    const answer = await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: JSON.stringify({
        values: {
          email: 'Ann@Example.com',
          firstName: 'Ann',
          phone: '+1 212 555 0134',
          consent: true,
        },
      }),
      store: backend,
    })
    const row = await env.DB.prepare('SELECT status, contact_id FROM submissions WHERE id = ?')
      .bind(answer.submissionId)
      .first()
    expect(row).toEqual({ status: 'processed', contact_id: '8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb' })

    for (const r of seen) {
      expect(r.headers.get('Authorization')).toBe('IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0') // no "Bearer"
      expect(r.headers.get('wix-site-id')).toMatch(/^site-/)
    }
    const create = seen.find((r) => r.method === 'POST' && r.path === '/contacts/v4/contacts')!
    expect(create.body).toMatchObject({
      allowDuplicates: false,
      info: { emails: { items: [{ email: 'Ann@Example.com', primary: true }] } },
    })
    const patches_ = seen.filter((r) => r.method === 'PATCH')
    expect(patches_.map((p) => (p.body as { revision: number }).revision)).toEqual([3, 4])
    // append: the name on Wix stays; the new phone is added, not made primary.
    const info = (patches_[1]!.body as { info: Record<string, unknown> }).info
    expect(info.name).toBeUndefined()
    expect(info.phones).toEqual({
      items: [
        {
          id: 'p-1',
          tag: 'HOME',
          countryCode: 'IL',
          phone: '097495550',
          e164Phone: '+97297495550',
          primary: true,
        },
        { tag: 'UNTAGGED', phone: '+12125550134', countryCode: 'US', primary: false },
      ],
    })
    expect(
      seen.find(
        (r) => r.path === '/contacts/v4/contacts/8046df3c-a575-4ac0-a0f5-ad0dc4a5fdeb/labels'
      )!.body
    ).toEqual({ labelKeys: ['custom.demo-request'] })
  })
})

describe('a Wix backend without its settings', () => {
  it('still records the submission, pending, with the problem noted', async () => {
    const { selectStore } = await import('../../worker/stores/select-store.ts')
    const backend = selectStore({ ...env, CONTACTS_BACKEND: 'wix', WIX_SITE_ID: 'site' } as Env)
    const answer = await acceptSubmission(env.DB, {
      formId: 'demo',
      form: forms.demo!,
      rawBody: JSON.stringify({
        values: { email: `unset-${crypto.randomUUID()}@example.com`, consent: true },
      }),
      store: backend,
    })
    expect(answer.status).toBe(202)
    const row = await env.DB.prepare('SELECT status, last_error FROM submissions WHERE id = ?')
      .bind(answer.submissionId)
      .first()
    expect(row).toEqual({ status: 'pending', last_error: 'CONTACTS_BACKEND=wix needs WIX_API_KEY' })
  })
})
