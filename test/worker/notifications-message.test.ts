/**
 * What a notification email says (worker/notifications/message.ts): the fields of a lead, the page
 * and UTM parameters, the contact, Reply-To, the daily digest; and that nothing a visitor types
 * can add a header or markup. Also the `notify` settings of forms.config.ts.
 */
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import forms from '../../forms.config.ts'
import { defineForms, FormsConfigError } from '../../shared/forms-config.ts'
import type { CleanValue } from '../../shared/submission.ts'
import { previousDay } from '../../worker/notifications/digest.ts'
import { digestMessage, headerText, leadMessage } from '../../worker/notifications/message.ts'
import type { LeadFacts } from '../../worker/notifications/message.ts'

const demo = forms.demo!
const SETTINGS = { from: 'leads@mail.example.com', consoleUrl: 'https://contacts.example.com/' }
const OWNER = 'owner@example.com'

function lead(values: Record<string, CleanValue>, overrides: Partial<LeadFacts> = {}): LeadFacts {
  return {
    formId: 'demo',
    form: demo,
    submissionId: '3f1c0d7e-2a4b-4c5d-8e9f-0a1b2c3d4e5f',
    submittedDate: '2026-11-30T09:05:00.000Z',
    values,
    context: {
      pageUrl: 'https://www.example.com/pricing?plan=team',
      referrer: 'https://news.example.org/',
      utm: { source: 'newsletter', medium: 'email', campaign: 'winter' },
    },
    contact: {
      id: 'c0ffee00-0000-4000-8000-000000000001',
      state: 'written',
      returning: false,
      earlierSubmissions: 0,
      labels: ['Demo request', 'Website lead'],
    },
    ...overrides,
  }
}

const ANN = {
  email: 'ann.lee@example.com',
  firstName: 'Ann',
  lastName: 'Lee',
  phone: { phone: '(212) 555-0134', e164Phone: '+12125550134', countryCode: 'US' },
  company: 'Lee & Daughters',
  interest: 'pricing',
  message: 'Do you offer a team plan?\nWe are 12 people.',
  consent: true,
} satisfies Record<string, CleanValue>

/** The text of the HTML with tags removed and entities decoded, as a reader sees it. */
function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
}

describe('the email about a new lead', () => {
  it('lists each field the visitor filled, with its label, in the form’s order', () => {
    const message = leadMessage(lead(ANN), OWNER, SETTINGS)
    expect(message.text).toContain(
      [
        'Email: ann.lee@example.com',
        'First name: Ann',
        'Last name: Lee',
        'Phone: (212) 555-0134',
        'Company: Lee & Daughters',
        'Interested in: Pricing',
        'Message:',
        '  Do you offer a team plan?',
        '  We are 12 people.',
        'Consent: Agreed: “I agree to be contacted about my request.” (version 2026-11-01)',
      ].join('\n')
    )
    const seen = visibleText(message.html!)
    for (const part of [
      'Email ann.lee@example.com',
      'First name Ann',
      'Company Lee & Daughters',
      'Interested in Pricing',
      'Message Do you offer a team plan? We are 12 people.',
    ])
      expect(seen).toContain(part)
    expect(message.html).toContain('href="tel:+12125550134"')
  })

  it('leaves out fields left empty', () => {
    const message = leadMessage(lead({ email: 'solo@example.com', consent: true }), OWNER, SETTINGS)
    expect(message.text).not.toMatch(/^(First name|Phone|Company|Message):/m)
    expect(visibleText(message.html!)).not.toContain('First name')
  })

  it('names the form and the visitor in the subject, and says new or returning', () => {
    expect(leadMessage(lead(ANN), OWNER, SETTINGS).subject).toBe('New lead: Ann Lee · Talk to us')
    const back = lead(ANN, {
      contact: { ...lead(ANN).contact, returning: true, earlierSubmissions: 2 },
    })
    const message = leadMessage(back, OWNER, SETTINGS)
    expect(message.subject).toBe('Returning lead: Ann Lee · Talk to us')
    expect(message.text).toContain('Contact: Returning contact')
    expect(visibleText(message.html!)).toContain('Earlier submissions 2')
    // Without a name, the email stands for the visitor.
    expect(leadMessage(lead({ email: 'solo@example.com' }), OWNER, SETTINGS).subject).toBe(
      'New lead: solo@example.com · Talk to us'
    )
  })

  it('shows the page, the referrer and the UTM parameters', () => {
    const message = leadMessage(lead(ANN), OWNER, SETTINGS)
    expect(message.text).toContain(
      [
        'Page: https://www.example.com/pricing?plan=team',
        'Referrer: https://news.example.org/',
        'UTM source: newsletter',
        'UTM medium: email',
        'UTM campaign: winter',
      ].join('\n')
    )
    expect(message.html).toContain('href="https://www.example.com/pricing?plan=team"')
  })

  it('shows the contact’s labels and links to it in the console', () => {
    const message = leadMessage(lead(ANN), OWNER, SETTINGS)
    const link =
      'https://contacts.example.com/admin/#/contacts/c0ffee00-0000-4000-8000-000000000001'
    expect(message.text).toContain(
      `Contact: New contact\nLabels: Demo request, Website lead\nOpen in the console: ${link}`
    )
    expect(message.html).toContain(`href="${link}"`)
    expect(visibleText(message.html!)).toContain('Demo request Website lead')
    // Without CONSOLE_URL there is nothing to link to.
    const unlinked = leadMessage(lead(ANN), OWNER, { from: SETTINGS.from })
    expect(unlinked.text).not.toContain('/admin/#')
    expect(unlinked.html).not.toContain('/admin/#')
  })

  it('says when the contact is still being written', () => {
    const pending = lead(ANN, {
      contact: { state: 'pending', earlierSubmissions: 0, labels: ['Website lead'] },
    })
    const message = leadMessage(pending, OWNER, SETTINGS)
    expect(message.text).toContain('Contact: Being saved')
    expect(message.subject).toBe('New lead: Ann Lee · Talk to us')
  })

  it('is sent from NOTIFY_FROM to the recipient, with Reply-To the visitor', () => {
    const message = leadMessage(lead(ANN), OWNER, SETTINGS)
    expect(message.from).toEqual({ email: 'leads@mail.example.com', name: 'contact-capture' })
    expect(message.to).toBe(OWNER)
    expect(message.replyTo).toEqual({ email: 'ann.lee@example.com', name: 'Ann Lee' })
    expect(message.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'X-Contact-Capture-Form': 'demo',
      'X-Contact-Capture-Submission': '3f1c0d7e-2a4b-4c5d-8e9f-0a1b2c3d4e5f',
    })
    expect(leadMessage(lead({ email: 'solo@example.com' }), OWNER, SETTINGS).replyTo).toBe(
      'solo@example.com'
    )
  })

  it('has no Reply-To when the visitor left no email, and says how to answer', () => {
    const phoneOnly = lead({ phone: ANN.phone, firstName: 'Ann' })
    const message = leadMessage(phoneOnly, OWNER, SETTINGS)
    expect(message).not.toHaveProperty('replyTo')
    expect(message.text).toContain('The visitor left no email address')
    expect(message.subject).toBe('New lead: Ann · Talk to us')
  })

  it('writes an internationalised Reply-To domain in ASCII', () => {
    const message = leadMessage(lead({ email: 'ann@bücher.example' }), OWNER, SETTINGS)
    expect(message.replyTo).toBe('ann@xn--bcher-kva.example')
  })
})

describe('hostile input in a lead', () => {
  const hostile = {
    email: 'mallory@example.com',
    firstName: 'Mallory\r\nBcc: victim@example.com',
    lastName: '<script>alert(1)</script>',
    company: '"><img src=x onerror=alert(1)>',
    message: "</td></tr></table><a href='https://evil.example'>Click</a>\r\nSubject: hijacked",
    consent: true,
  }

  it('keeps every header to one line: no CR or LF from visitor input reaches one', () => {
    const message = leadMessage(lead(hostile), OWNER, SETTINGS)
    expect(message.subject).toBe(
      'New lead: Mallory Bcc: victim@example.com <script>alert(1)</script> · Talk to us'
    )
    const replyTo = message.replyTo as { email: string; name: string }
    expect(replyTo.email).toBe('mallory@example.com')
    for (const value of [message.subject, replyTo.name, ...Object.values(message.headers!)])
      expect(value).not.toMatch(/[\r\n\u0000-\u001f\u007f]/)
    // Quotes and angle brackets cannot close the display name and start an address.
    expect(replyTo.name).not.toMatch(/["<>\\]/)
    expect(Object.keys(message.headers!)).toEqual([
      'Auto-Submitted',
      'X-Contact-Capture-Form',
      'X-Contact-Capture-Submission',
    ])
  })

  it('drops a Reply-To address that could carry a header', () => {
    for (const email of [
      'ann@example.com\r\nBcc: victim@example.com',
      'ann@example.com>, victim@example.com',
      '"ann"@example.com',
      'not an address',
    ]) {
      const message = leadMessage(lead({ email, consent: true }), OWNER, SETTINGS)
      expect(message).not.toHaveProperty('replyTo')
      expect(message.subject).not.toMatch(/[\r\n]/)
    }
  })

  it('escapes visitor text in the HTML: no element or attribute of theirs survives', () => {
    const message = leadMessage(lead(hostile), OWNER, SETTINGS)
    const html = message.html!
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain("href='https://evil.example'")
    expect(html).not.toContain('</td></tr></table><a')
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;')
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;')
    // What the visitor wrote is still shown, as text.
    expect(visibleText(html)).toContain('"><img src=x onerror=alert(1)>')
  })

  it('strips bidirectional overrides and line separators from the subject, and caps its length', () => {
    const sneaky = lead({
      email: 'e@example.com',
      firstName: `Ann\u202Egnp.exe\u2028${'x'.repeat(200)}`,
    })
    const subject = leadMessage(sneaky, OWNER, SETTINGS).subject
    expect(subject).not.toMatch(/[\u202a-\u202e\u2028\u2029]/)
    expect(subject.startsWith('New lead: Ann gnp.exe xxx')).toBe(true)
    expect(subject).toMatch(/x… · Talk to us$/)
    expect(headerText('a\r\n\tb\u0000c', 80)).toBe('a b c')
  })

  it('links only http(s) pages', () => {
    const sneaky = lead(ANN, { context: { pageUrl: 'javascript:alert(1)' } })
    const html = leadMessage(sneaky, OWNER, SETTINGS).html!
    expect(html).not.toContain('href="javascript:')
    expect(visibleText(html)).toContain('Page javascript:alert(1)')
  })
})

describe('the daily digest', () => {
  const leads = [
    { submittedDate: '2026-11-29T08:15:00.000Z', values: ANN, contactId: 'c1', newContact: true },
    {
      submittedDate: '2026-11-29T17:40:00.000Z',
      values: { email: 'bo@example.com', firstName: '<b>Bo</b>' },
      contactId: 'c2',
      newContact: false,
    },
  ]

  it('gives the counts and lists the day’s leads with links', () => {
    const message = digestMessage(
      { formId: 'demo', form: demo, day: '2026-11-29', total: 2, newContacts: 1, leads },
      OWNER,
      SETTINGS
    )
    expect(message.subject).toBe('Talk to us: 2 leads on Sun, 29 Nov 2026')
    expect(message.text).toContain(
      '"Talk to us" on Sun, 29 Nov 2026 (UTC): 2 leads: 1 new contact, 1 returning.'
    )
    expect(message.text).toContain(
      '08:15  Ann Lee (ann.lee@example.com · (212) 555-0134)  [new]\n' +
        '       https://contacts.example.com/admin/#/contacts/c1'
    )
    expect(message.text).toContain('17:40  <b>Bo</b> (bo@example.com)')
    const html = message.html!
    expect(html).not.toContain('<b>Bo</b>')
    expect(visibleText(html)).toContain(
      '08:15 Ann Lee new ann.lee@example.com · (212) 555-0134 Open'
    )
    expect(html).toContain('href="https://contacts.example.com/admin/#/contacts/c2"')
    expect(message.headers).toEqual({
      'Auto-Submitted': 'auto-generated',
      'X-Contact-Capture-Form': 'demo',
      'X-Contact-Capture-Digest': '2026-11-29',
    })
  })

  it('counts the leads it does not list', () => {
    const message = digestMessage(
      { formId: 'demo', form: demo, day: '2026-11-29', total: 250, newContacts: 200, leads },
      OWNER,
      SETTINGS
    )
    expect(message.subject).toBe('Talk to us: 250 leads on Sun, 29 Nov 2026')
    expect(message.text).toContain('…and 248 more.')
  })

  it('shows times in the form’s time zone', () => {
    const { berlin } = defineForms({
      berlin: {
        ...demoInput(),
        notify: { email: [OWNER], digest: 'daily', timeZone: 'Europe/Berlin' },
      },
    })
    const message = digestMessage(
      {
        formId: 'berlin',
        form: berlin,
        day: '2026-11-29',
        total: 1,
        newContacts: 1,
        leads: [leads[0]!],
      },
      OWNER,
      SETTINGS
    )
    expect(message.text).toContain('(Europe/Berlin)')
    expect(message.text).toContain('09:15  Ann Lee')
  })

  it('covers the day that ended last in the form’s time zone', () => {
    expect(previousDay(Date.parse('2026-11-30T00:05:00Z'), 'UTC')).toEqual({
      day: '2026-11-29',
      start: '2026-11-29T00:00:00.000Z',
      end: '2026-11-30T00:00:00.000Z',
    })
    // 22:00 on the 29th in New York: the 28th is the day that ended.
    expect(previousDay(Date.parse('2026-11-30T03:00:00Z'), 'America/New_York')).toEqual({
      day: '2026-11-28',
      start: '2026-11-28T05:00:00.000Z',
      end: '2026-11-29T05:00:00.000Z',
    })
    // A day with a daylight-saving change is 23 hours long.
    expect(previousDay(Date.parse('2026-03-30T06:00:00Z'), 'Europe/Berlin')).toEqual({
      day: '2026-03-29',
      start: '2026-03-28T23:00:00.000Z',
      end: '2026-03-29T22:00:00.000Z',
    })
  })
})

/** The demo form's input shape (fields only), for forms built in tests. */
function demoInput() {
  return {
    title: demo.title,
    fields: demo.fields.map(({ name, type, label, maps, options, version }) => ({
      name,
      type,
      label,
      ...(maps ? { maps } : {}),
      ...(options ? { options } : {}),
      ...(version ? { version } : {}),
    })),
  }
}

describe('notify in forms.config.ts', () => {
  const base = {
    title: 'T',
    fields: [{ name: 'email', type: 'email' as const, label: 'Email', maps: 'email' as const }],
  }

  it('fills the defaults: an email per lead, days in UTC', () => {
    const { ok } = defineForms({ ok: { ...base, notify: { email: ['owner@example.com'] } } })
    expect(ok!.notify).toEqual({ email: ['owner@example.com'], instant: true, timeZone: 'UTC' })
  })

  it.each([
    [
      { email: ['owner(at)example.com'] },
      'form "bad", notify.email[0]: "owner(at)example.com" is not an email address',
    ],
    [
      { email: ['owner@example.com\r\nBcc: x@example.com'] },
      'form "bad", notify.email[0]: "owner@example.com\\r\\nBcc: x@example.com" is not an email address',
    ],
    [
      { email: ['"o w"@example.com'] },
      'form "bad", notify.email[0]: "\\"o w\\"@example.com" is not an email address',
    ],
    [
      { email: ['a@example.com', 'A@example.com'] },
      'form "bad", notify.email[1]: "A@example.com" is listed twice',
    ],
    [{ email: [] }, 'form "bad", notify.email: name at least one address'],
    [{ email: ['a@example.com'], digest: 'weekly' }, 'form "bad", notify.digest'],
    [
      { email: ['a@example.com'], timeZone: 'Mars/Olympus' },
      'form "bad", notify.timeZone: must be an IANA time zone such as Europe/Berlin',
    ],
    [
      { email: ['a@example.com'], instant: false },
      'form "bad", notify.instant: with instant: false, set digest: \'daily\', or no email is ever sent',
    ],
    [
      { email: ['a@example.com'], cc: ['b@example.com'] },
      'form "bad", notify: Unrecognized key: "cc"',
    ],
  ])('stops with a message naming the form and setting (%#)', (notify, message) => {
    expect(() => defineForms({ bad: { ...base, notify } as never })).toThrow(FormsConfigError)
    expect(() => defineForms({ bad: { ...base, notify } as never })).toThrow(message)
  })

  it('has the demo form notify a placeholder address, with a daily digest', () => {
    expect(demo.notify).toEqual({
      email: ['owner@example.com'],
      instant: true,
      digest: 'daily',
      timeZone: 'UTC',
    })
  })

  it('is sent through the NOTIFY_EMAIL binding (simulated here)', async () => {
    const { messageId } = await env.NOTIFY_EMAIL.send(leadMessage(lead(ANN), OWNER, SETTINGS))
    expect(messageId).toMatch(/@mail\.example\.com>$/)
  })
})
