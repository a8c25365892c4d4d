import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

// Two projects: worker tests inside workerd against the real wrangler config and a local D1
// migrated with worker/migrations, and node tests that start `wrangler dev` as a user would.
export default defineConfig(async () => {
  const migrations = await readD1Migrations('worker/migrations')
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  ADMIN_API_KEY: 'test-admin-key',
                  READ_API_KEYS: 'test-read-key, second-read-key',
                  TEST_MIGRATIONS: migrations,
                },
              },
            }),
          ],
          test: {
            name: 'worker',
            include: ['test/worker/**/*.test.ts'],
            setupFiles: ['test/worker/apply-migrations.ts'],
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
