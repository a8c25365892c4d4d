/**
 * @module
 * After a successful change, turns its outbox rows into webhook deliveries in the background, so
 * the answer is not delayed. With no endpoints there is nothing to send (the cron sweep marks such
 * events dispatched).
 */
import type { MiddlewareHandler } from 'hono'
import { dispatchOutbox } from '../../webhooks/dispatch.ts'

export function dispatchAfterChange(): MiddlewareHandler<{ Bindings: Env }> {
  return async function dispatchAfterChange(c, next) {
    await next()
    const endpoints = c.env.WEBHOOK_ENDPOINTS?.trim()
    if (
      endpoints &&
      endpoints !== '[]' &&
      c.req.method !== 'GET' &&
      c.req.method !== 'OPTIONS' &&
      c.res.status < 400
    ) {
      c.executionCtx.waitUntil(
        dispatchOutbox(c.env).catch((err) => console.error('webhook dispatch failed', err))
      )
    }
  }
}
