/**
 * @module
 * The webhook body, modelled on Wix domain events: `{ id, entityFqdn, slug, entityId, eventTime,
 * entityEventSequence, createdEvent | updatedEvent | deletedEvent | actionEvent }`. The outbox keeps
 * only ids, so the entity is read when the event is delivered: the contact as it is then (absent
 * when it has since been deleted).
 */
import { getContact } from '../db/contact-reads.ts'
import type { OutboxRow } from '../db/outbox.ts'
import { selectSubmissionSummary } from '../db/submissions.ts'

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
      const submission = await selectSubmissionSummary(db, event.entity_id)
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
