import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'
import { TEST_WEBHOOK_SECRET } from './test/support/webhook-secret.ts'

// Two projects: worker tests inside workerd against the real wrangler config and a local D1
// migrated with worker/migrations, and node tests that start `wrangler dev` as a user would.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('worker/migrations')
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  ADMIN_API_KEY: 'test-admin-key',
                  READ_API_KEYS: 'test-read-key, second-read-key',
                  TEST_MIGRATIONS: migrations,
                  // Every event goes to a real receiver on loopback (test/support/global-setup.ts).
                  WEBHOOK_ENDPOINTS: JSON.stringify([
                    {
                      url: `${inject('receiverUrl')}/ok`,
                      events: ['*'],
                      secret: TEST_WEBHOOK_SECRET,
                    },
                  ]),
                  WEBHOOK_RETRY_BASE_SECONDS: '1',
                  WEBHOOKS_ALLOW_LOOPBACK: 'true',
                },
              },
            })),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts'],
            setupFiles: ['test/worker/apply-migrations.ts'],
            globalSetup: ['test/support/global-setup.ts'],
          },
        },
        {
          test: {
            name: 'node',
            include: ['test/node/**/*.test.ts', 'test/e2e/**/*.test.ts'],
            environment: 'node',
            testTimeout: 180_000,
            hookTimeout: 180_000,
          },
        },
      ],
    },
  }
})
