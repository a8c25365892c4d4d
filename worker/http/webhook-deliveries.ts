/**
 * @module
 * Webhooks for site owners (admin key): the configured endpoints (never their secrets) with their
 * state and recent deliveries, the deliveries with attempts and failures, and a redelivery.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { applicationError } from '../../shared/api-error.ts'
import { listDeliveries, requeueDelivery } from '../db/webhook-deliveries.ts'
import { webhookEndpoints } from '../webhooks/endpoints.ts'
import { validate } from './middleware/validate.ts'

/** The endpoint list counts this many of the newest deliveries: its "recent" ones. */
export const RECENT_DELIVERIES = 1000

const DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'disabled'] as const

const listQuery = z.object({
  status: z.optional(z.enum(['queued', 'delivered', 'failed', 'disabled'])),
  'paging.limit': z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1000)), 100),
  'paging.offset': z._default(z.coerce.number().check(z.int(), z.gte(0)), 0),
})

export const webhookRoutes = new Hono<{ Bindings: Env }>()

/**
 * The endpoints of `WEBHOOK_ENDPOINTS` (url and events; the secret stays in the secret), each
 * `disabled` once it answered 410 Gone (nothing more is sent to it) or else `active`, with its
 * deliveries by status among the newest `RECENT_DELIVERIES`.
 */
webhookRoutes.get('/v1/webhooks/endpoints', async (c) => {
  let endpoints
  try {
    endpoints = webhookEndpoints(c.env)
  } catch (error) {
    throw applicationError(
      500,
      'WEBHOOK_ENDPOINTS_INVALID',
      `The WEBHOOK_ENDPOINTS secret cannot be used: ${(error as Error).message}`
    )
  }
  const page = { limit: RECENT_DELIVERIES, offset: 0 }
  // A 410 disables an endpoint for good, and its delivery keeps the status `disabled`.
  const [recent, gone] = await Promise.all([
    listDeliveries(c.env.DB, page),
    listDeliveries(c.env.DB, { ...page, status: 'disabled' }),
  ])
  const disabled = new Set(gone.map((d) => d.endpoint_url))
  return c.json({
    endpoints: endpoints.map(({ url, events }) => {
      const counts = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, 0]))
      for (const d of recent) if (d.endpoint_url === url) counts[d.status]! += 1
      return {
        url,
        events,
        state: disabled.has(url) ? 'disabled' : 'active',
        recentDeliveries: counts,
      }
    }),
    recentDeliveriesCounted: recent.length,
  })
})

webhookRoutes.get('/v1/webhooks/deliveries', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  const results = await listDeliveries(c.env.DB, {
    ...(q.status ? { status: q.status } : {}),
    limit: q['paging.limit'],
    offset: q['paging.offset'],
  })
  return c.json({
    deliveries: results.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      slug: r.slug,
      entityId: r.entity_id,
      endpoint: r.endpoint_url,
      status: r.status,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      createdDate: r.created_date,
      updatedDate: r.updated_date,
    })),
    pagingMetadata: { count: results.length, offset: q['paging.offset'] },
  })
})

webhookRoutes.post('/v1/webhooks/deliveries/:id/redeliver', async (c) => {
  const id = c.req.param('id')
  const found = await requeueDelivery(c.env.DB, id, new Date().toISOString())
  if (!found)
    throw applicationError(404, 'DELIVERY_NOT_FOUND', `There is no delivery "${id}".`, { id })
  await c.env.WEBHOOK_DELIVERIES.send({ deliveryId: id })
  return c.json({ delivery: { id, status: 'queued' } })
})
