/**
 * @module
 * The webhook body, modelled on Wix domain events: `{ id, entityFqdn, slug, entityId, eventTime,
 * entityEventSequence, createdEvent | updatedEvent | deletedEvent | actionEvent }`. The outbox keeps
 * only ids, so the entity is read when the event is delivered: the contact as it is then (absent
 * when it has since been deleted).
 */
import { getContact } from '../db/contact-reads.ts'

export const SUBMISSION_FQDN = 'contact-capture.v1.form_submission'

export interface OutboxEvent {
  id: string
  sequence: number
  entity_fqdn: string
  slug: string
  entity_id: string
  body: string
  created_date: string
}

export async function buildEnvelope(
  db: D1Database,
  event: OutboxEvent
): Promise<Record<string, unknown>> {
  const extra = JSON.parse(event.body) as {
    originatedFrom?: string
    targetContactId?: string
    sourceContactIds?: string[]
  }
  const base = {
    id: event.id,
    entityFqdn: event.entity_fqdn,
    slug: event.slug,
    entityId: event.entity_id,
    eventTime: event.created_date,
    entityEventSequence: event.sequence,
    ...(extra.originatedFrom ? { originatedFrom: extra.originatedFrom } : {}),
  }
  switch (event.slug) {
    case 'created': {
      const entity = await getContact(db, event.entity_id)
      return { ...base, createdEvent: entity ? { entity } : {} }
    }
    case 'updated': {
      const currentEntity = await getContact(db, event.entity_id)
      return { ...base, updatedEvent: currentEntity ? { currentEntity } : {} }
    }
    case 'deleted':
      return { ...base, deletedEvent: {} }
    case 'merged': {
      const targetContact = await getContact(db, event.entity_id)
      return {
        ...base,
        actionEvent: {
          body: {
            targetContactId: extra.targetContactId,
            sourceContactIds: extra.sourceContactIds,
            ...(targetContact ? { targetContact } : {}),
          },
        },
      }
    }
    default: {
      const submission = await db
        .prepare(
          'SELECT id, form_id, status, contact_id, created_date FROM submissions WHERE id = ?'
        )
        .bind(event.entity_id)
        .first<{
          id: string
          form_id: string
          status: string
          contact_id: string | null
          created_date: string
        }>()
      return {
        ...base,
        actionEvent: {
          body: {
            submission: submission && {
              id: submission.id,
              formId: submission.form_id,
              status: submission.status,
              contactId: submission.contact_id,
              createdDate: submission.created_date,
            },
          },
        },
      }
    }
  }
}
