import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { defineForms } from '../../shared/forms-config.ts'
import { acceptSubmission } from '../../worker/capture/accept.ts'
import { contactsWithEmail, uniqueEmail } from './helpers.ts'

const { campaign } = defineForms({
  campaign: {
    title: 'Newsletter',
    fields: [{ name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' }],
    contextFields: {
      utm_source: 'UTM source',
      utm_campaign: 'UTM campaign',
      pageUrl: 'Landing page',
    },
  },
})

describe('context mapped to extended fields', () => {
  it('copies utm parameters and the page URL into the configured extended fields', async () => {
    const email = uniqueEmail('utm')
    const rawBody = JSON.stringify({
      values: { email },
      context: {
        pageUrl: 'https://www.example.com/offer?utm_source=news',
        utm: { source: 'news', medium: 'email' },
      },
    })
    const answer = await acceptSubmission(env.DB, { formId: 'campaign', form: campaign!, rawBody })
    expect(answer.status).toBe(202)
    const [contact] = await contactsWithEmail(email)
    expect(contact!.info.extendedFields?.items).toEqual({
      'custom.utm-source': 'news',
      'custom.landing-page': 'https://www.example.com/offer?utm_source=news',
    })
  })

  it('refuses a context key that is not a page URL, referrer or utm parameter', () => {
    expect(() =>
      defineForms({ bad: { ...campaign!, contextFields: { gclid: 'Click id' } as never } })
    ).toThrow('form "bad", contextFields')
  })
})
