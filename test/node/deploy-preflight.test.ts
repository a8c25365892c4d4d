/**
 * What `npm run deploy` checks before it deploys (scripts/lib/deploy-preflight.ts): each decision
 * over what wrangler printed (recorded in fixtures/wrangler, see its README), over the real
 * wrangler.toml and forms config files, and `npm run deploy` itself with nobody logged in.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unstable_readConfig } from 'wrangler'
import { describe, expect, it } from 'vitest'
import {
  d1Problems,
  emailProblems,
  loginProblem,
  originProblems,
  queueNamesFromList,
  queueProblems,
  requiredQueues,
  secretNamesFromList,
  secretProblems,
} from '../../scripts/lib/deploy-preflight.ts'
import type { CommandOutput } from '../../scripts/lib/deploy-preflight.ts'
import { requireValidFormsConfig } from '../../scripts/lib/forms-config.ts'

const recorded = (name: string) =>
  readFileSync(new URL(`fixtures/wrangler/${name}`, import.meta.url), 'utf8')
const output = (stdout: string, status = 0, stderr = ''): CommandOutput => ({
  status,
  stdout,
  stderr,
})
const config = unstable_readConfig({ config: 'wrangler.toml' })
const forms = await requireValidFormsConfig('forms.config.ts')
const deployable = await requireValidFormsConfig('test/node/fixtures/deployable-forms.config.ts')

describe('the login check', () => {
  it('stops a deploy when nobody is logged in, saying how to log in', () => {
    const problem = loginProblem(output(recorded('whoami-json-logged-out.stdout'), 1))
    expect(problem?.what).toContain('not logged in to Cloudflare')
    expect(problem?.fix).toContain('npx wrangler login')
  })

  it('lets a logged-in user through', () => {
    expect(loginProblem(output(recorded('whoami-json-logged-in.stdout')))).toBeUndefined()
  })

  it('says when Cloudflare could not be asked', () => {
    const offline = output('', 1, '✘ [ERROR] A request to the Cloudflare API failed.\nfetch failed')
    expect(loginProblem(offline)?.what).toContain('Could not ask Cloudflare who you are: ')
  })
})

describe('the queues check', () => {
  it('needs every queue of wrangler.toml, dead-letter queues included', () => {
    const required = requiredQueues(config)
    expect(required).toEqual(
      expect.arrayContaining([
        'contact-capture-submission-retries',
        'contact-capture-submission-retries-dlq',
        'contact-capture-webhook-deliveries',
        'contact-capture-webhook-deliveries-dlq',
      ])
    )
    const toml = readFileSync('wrangler.toml', 'utf8')
    for (const name of required) expect(toml).toContain(`"${name}"`)
  })

  it('reads the queue names from the table wrangler queues list prints', () => {
    expect(queueNamesFromList(recorded('queues-list-page-1.stdout'))).toEqual([
      'contact-capture-submission-retries',
      'contact-capture-submission-retries-dlq',
      'newsletter-events',
    ])
    expect(queueNamesFromList(recorded('queues-list-page-2.stdout'))).toEqual([])
  })

  it('names each missing queue with the command that creates it', () => {
    const existing = queueNamesFromList(recorded('queues-list-page-1.stdout'))
    const problems = queueProblems(requiredQueues(config), existing)
    expect(problems).toContainEqual({
      what: 'The queue contact-capture-webhook-deliveries-dlq does not exist.',
      fix: 'npx wrangler queues create contact-capture-webhook-deliveries-dlq',
    })
    expect(problems.map((p) => p.fix)).not.toContain(
      'npx wrangler queues create contact-capture-submission-retries'
    )
    expect(queueProblems(['a', 'b'], ['a', 'b', 'c'])).toEqual([])
  })
})

describe('the D1 check', () => {
  const d1List = output(recorded('d1-list-json.stdout'))

  it('finds the database of wrangler.toml by its name, or by its id when it has one', () => {
    expect(d1Problems(config, d1List)).toEqual([])
    const withId = (id: string) => ({
      ...config,
      d1_databases: [{ binding: 'DB', database_name: 'contact-capture', database_id: id }],
    })
    expect(d1Problems(withId('6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b'), d1List)).toEqual([])
    expect(d1Problems(withId('00000000-0000-0000-0000-000000000000'), d1List)[0]?.what).toContain(
      'which this account does not have'
    )
  })

  it('says how to create a missing database and where its id goes', () => {
    expect(d1Problems(config, output('[]'))).toEqual([
      {
        what: 'The D1 database contact-capture (binding DB) does not exist.',
        fix: 'npx wrangler d1 create contact-capture, then put the database_id it prints under [[d1_databases]] in wrangler.toml',
      },
    ])
  })
})

describe('the secrets check', () => {
  it('reads the names wrangler secret list prints, and none for a Worker never deployed', () => {
    expect(secretNamesFromList(output(recorded('secret-list.stdout')))).toEqual([
      'ADMIN_API_KEY',
      'WEBHOOK_ENDPOINTS',
    ])
    const notFound = output('', 1, recorded('secret-list-worker-not-found.stderr'))
    expect(secretNamesFromList(notFound)).toEqual([])
    expect(secretNamesFromList(output('', 1, 'fetch failed'))).toMatchObject({
      what: 'Could not list the secrets: fetch failed',
    })
  })

  it('stops a deploy without an admin key or a token signing key', () => {
    const { problems } = secretProblems([], forms, {})
    expect(problems.map((p) => p.fix)).toEqual([
      expect.stringContaining('npx wrangler secret put ADMIN_API_KEY'),
      expect.stringContaining('npx wrangler secret put FORM_TOKEN_SECRET'),
    ])
  })

  it('lets ADMIN_API_KEY alone through, advising FORM_TOKEN_SECRET', () => {
    const secrets = secretNamesFromList(output(recorded('secret-list.stdout'))) as string[]
    const { problems, advice } = secretProblems(secrets, forms, {})
    expect(problems).toEqual([])
    expect(advice.map((p) => p.fix)).toEqual([
      expect.stringContaining('npx wrangler secret put FORM_TOKEN_SECRET'),
    ])
    expect(secretProblems([...secrets, 'FORM_TOKEN_SECRET'], forms, {}).advice).toEqual([])
  })

  it('needs TURNSTILE_SECRET_KEY for a form with Turnstile, and the Wix settings for wix', () => {
    const keys = ['ADMIN_API_KEY', 'FORM_TOKEN_SECRET']
    expect(secretProblems(keys, deployable, {}).problems).toEqual([
      expect.objectContaining({ fix: expect.stringContaining('TURNSTILE_SECRET_KEY') }),
    ])
    const wix = secretProblems(keys, forms, { CONTACTS_BACKEND: 'wix', WIX_SITE_ID: 'site' })
    expect(wix.problems).toEqual([
      {
        what: 'CONTACTS_BACKEND=wix needs WIX_API_KEY.',
        fix: 'npx wrangler secret put WIX_API_KEY',
      },
    ])
  })
})

describe('the allowedOrigins check, on real config files', () => {
  it('stops forms.config.ts as it comes, whose demo form allows only this machine', () => {
    expect(originProblems(forms)).toEqual([
      {
        what: 'Form "demo" allows only http://localhost:8787, http://127.0.0.1:8787: browsers on your site would get 403.',
        fix: `add your site's origin, e.g. 'https://www.example.com', to allowedOrigins of "demo" in forms.config.ts`,
      },
    ])
  })

  it('lets forms through that allow a real site', () => {
    expect(originProblems(deployable)).toEqual([])
  })
})

describe('npm run deploy with nobody logged in to Cloudflare', () => {
  it('stops before touching Cloudflare, saying how to log in', () => {
    const home = mkdtempSync(join(tmpdir(), 'contact-capture-home-'))
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('CLOUDFLARE_'))
    )
    const deploy = spawnSync('node', ['scripts/deploy.ts'], {
      env: {
        ...env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        WRANGLER_SEND_METRICS: 'false',
      },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    rmSync(home, { recursive: true, force: true })
    expect(deploy.status).toBe(1)
    expect(deploy.stdout).toContain('You are not logged in to Cloudflare')
    expect(deploy.stdout).toContain('npx wrangler login')
    // `wrangler d1 migrations apply --remote` prints where it applies them: it never ran.
    expect(deploy.stdout + deploy.stderr).not.toContain('Resource location: remote')
  })
})

describe('the email check (forms with notify)', () => {
  // As `wrangler email sending settings <domain>` prints it (wrangler's src/email-routing/sending/settings.ts).
  const sending = (enabled: boolean) =>
    output(
      `Email Sending for mail.example.com:\n  Enabled:            ${enabled}\n  Tag:                abc\n`
    )
  const notifying = forms // the demo form notifies owner@example.com
  const asked: string[] = []
  const ask = (answer: CommandOutput) => (domain: string) => (asked.push(domain), answer)

  it('passes with the binding, a sender on an onboarded domain and a console address', () => {
    const found = emailProblems(
      config,
      notifying,
      { NOTIFY_FROM: 'leads@mail.example.com', CONSOLE_URL: 'https://contacts.example.com' },
      [],
      ask(sending(true))
    )
    expect(found).toEqual({ problems: [], advice: [] })
    expect(asked.at(-1)).toBe('mail.example.com')
  })

  it('stops without a sender, with a sender that is no address, or on a domain not onboarded', () => {
    const none = emailProblems(config, notifying, {}, [], ask(sending(true)))
    expect(none.problems.map((p) => p.what).join()).toContain('NOTIFY_FROM is not set')
    expect(none.problems[0]!.fix).toContain('[vars]')
    const bad = emailProblems(config, notifying, { NOTIFY_FROM: 'leads' }, [], ask(sending(true)))
    expect(bad.problems[0]!.what).toContain('is not an email address')
    const off = emailProblems(
      config,
      notifying,
      { NOTIFY_FROM: 'leads@mail.example.com' },
      [],
      ask(sending(false))
    )
    expect(off.problems[0]!.what).toContain('Email Sending is not enabled for mail.example.com')
    expect(off.problems[0]!.fix).toContain('npx wrangler email sending enable mail.example.com')
    expect(off.advice[0]!.what).toContain('CONSOLE_URL')
    const failed = emailProblems(
      config,
      notifying,
      { NOTIFY_FROM: 'leads@mail.example.com' },
      [],
      ask(output('', 1, 'Could not find zone for example.com'))
    )
    expect(failed.problems[0]!.what).toContain('Could not find zone')
  })

  it('stops without the NOTIFY_EMAIL binding, or when the binding does not allow the sender', () => {
    const settings = { NOTIFY_FROM: 'leads@mail.example.com', CONSOLE_URL: 'https://x.example' }
    const unbound = emailProblems(
      { ...config, send_email: [] },
      notifying,
      settings,
      [],
      ask(sending(true))
    )
    expect(unbound.problems[0]!.what).toContain('no send_email binding NOTIFY_EMAIL')
    const narrow = emailProblems(
      {
        ...config,
        send_email: [{ name: 'NOTIFY_EMAIL', allowed_sender_addresses: ['a@b.example'] }],
      },
      notifying,
      settings,
      [],
      ask(sending(true))
    )
    expect(narrow.problems[0]!.what).toContain('allows only a@b.example')
  })

  it('asks nothing for forms without notify, and only advises when the sender is a secret', () => {
    expect(emailProblems(config, deployable, {}, [], ask(sending(false)))).toEqual({
      problems: [],
      advice: [],
    })
    const secret = emailProblems(
      config,
      notifying,
      { CONSOLE_URL: 'https://x.example' },
      ['NOTIFY_FROM'],
      ask(sending(false))
    )
    expect(secret.problems).toEqual([])
    expect(secret.advice[0]!.what).toContain('NOTIFY_FROM is a secret')
  })
})
