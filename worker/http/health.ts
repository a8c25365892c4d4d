import { Hono } from 'hono'

/** `GET /healthz`: the worker is up. Touches no binding, so it answers even when D1 is slow. */
export const health = new Hono<{ Bindings: Env }>().get('/healthz', (c) => c.json({ status: 'ok' }))
