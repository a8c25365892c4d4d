/**
 * @module
 * Webhook deliveries for site owners (admin key): attempts and failures, and a redelivery.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { applicationError } from '../../shared/api-error.ts'
import { listDeliveries, requeueDelivery } from '../db/webhook-deliveries.ts'
import { validate } from './middleware/validate.ts'

const listQuery = z.object({
  status: z.enum(['queued', 'delivered', 'failed', 'disabled']).optional(),
  'paging.limit': z.coerce.number().int().min(1).max(1000).default(100),
  'paging.offset': z.coerce.number().int().min(0).default(0),
})

export const webhookRoutes = new Hono<{ Bindings: Env }>()

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
