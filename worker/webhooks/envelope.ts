/**
 * @module
 * The webhook body, modelled on Wix domain events: `{ id, entityFqdn, slug, entityId, eventTime,
 * entityEventSequence, createdEvent | updatedEvent | deletedEvent | actionEvent }`. The outbox keeps
 * only ids, so the entity is read when the event is delivered: the contact as it is then (absent
 * when it has since been deleted), or the submission with what the visitor sent.
 */
import { getContact } from '../db/contact-reads.ts'
import type { OutboxRow } from '../db/outbox.ts'
import { selectSubmissionRecord } from '../db/submissions.ts'

export async function buildEnvelope(
  db: D1Database,
  event: OutboxRow
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
      // The submission as the log shows it, values included, read now: once its contact is
      // deleted, the webhook carries the erased record.
      const submission = (await selectSubmissionRecord(db, event.entity_id)) ?? null
      return { ...base, actionEvent: { body: { submission } } }
    }
  }
}
