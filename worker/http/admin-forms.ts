/**
 * @module
 * `GET /v1/forms` (admin key): the configured forms in full, with the submissions refused as
 * automated per reason over the last 30 days.
 */
import { Hono } from 'hono'
import { selectBlockedCounts } from '../db/blocked-submissions.ts'
import { forms } from '../configured-forms.ts'

export const adminFormRoutes = new Hono<{ Bindings: Env }>()

adminFormRoutes.get('/v1/forms', async (c) => {
  const since = new Date(Date.now() - 30 * 86400_000).toISOString().slice(0, 10)
  const results = await selectBlockedCounts(c.env.DB, since)
  return c.json({
    forms: Object.entries(forms).map(([id, config]) => ({
      id,
      config,
      blockedLast30Days: Object.fromEntries(
        results.filter((r) => r.form_id === id).map((r) => [r.reason, r.count])
      ),
    })),
  })
})
