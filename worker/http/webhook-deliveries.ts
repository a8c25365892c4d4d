/**
 * @module
 * Webhook deliveries for site owners (admin key): attempts and failures, and a redelivery.
 */
import { Hono } from 'hono'
import { z } from 'zod'
import { applicationError } from './errors.ts'
import { validate } from './middleware/validate.ts'

const listQuery = z.object({
  status: z.enum(['queued', 'delivered', 'failed', 'disabled']).optional(),
  'paging.limit': z.coerce.number().int().min(1).max(1000).default(100),
  'paging.offset': z.coerce.number().int().min(0).default(0),
})

interface DeliveryRow {
  id: string
  event_id: string
  slug: string
  entity_id: string
  endpoint_url: string
  status: string
  attempts: number
  last_status: number | null
  last_error: string | null
  created_date: string
  updated_date: string
}

export const webhookRoutes = new Hono<{ Bindings: Env }>()

webhookRoutes.get('/v1/webhooks/deliveries', validate('query', listQuery), async (c) => {
  const q = c.req.valid('query')
  const { results } = await c.env.DB.prepare(
    `SELECT d.id, d.event_id, o.slug, o.entity_id, d.endpoint_url, d.status, d.attempts, d.last_status, d.last_error,
       d.created_date, d.updated_date
     FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
     WHERE (?1 IS NULL OR d.status = ?1) ORDER BY d.created_date DESC, d.id LIMIT ?2 OFFSET ?3`
  )
    .bind(q.status ?? null, q['paging.limit'], q['paging.offset'])
    .all<DeliveryRow>()
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
  const result = await c.env.DB.prepare(
    `UPDATE webhook_deliveries SET status = 'queued', updated_date = ? WHERE id = ? RETURNING id`
  )
    .bind(new Date().toISOString(), id)
    .first<{ id: string }>()
  if (!result)
    throw applicationError(404, 'DELIVERY_NOT_FOUND', `There is no delivery "${id}".`, { id })
  await c.env.WEBHOOK_DELIVERIES.send({ deliveryId: id })
  return c.json({ delivery: { id, status: 'queued' } })
})
