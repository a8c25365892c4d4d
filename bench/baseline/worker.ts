/**
 * The benchmark's floor: a bare Hono route on the same runtime that does one D1 INSERT per request.
 * The full submission pipeline is measured against it in the same run.
 */
import { Hono } from 'hono'

const app = new Hono<{ Bindings: { DB: D1Database } }>()

app.post('/insert', async (c) => {
  const body = await c.req.text()
  await c.env.DB.prepare('INSERT INTO rows (id, body, created_date) VALUES (?, ?, ?)')
    .bind(crypto.randomUUID(), body, new Date().toISOString())
    .run()
  return c.json({ status: 'accepted' }, 202)
})

export default app
