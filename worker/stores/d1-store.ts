/**
 * @module
 * Contacts in D1: a submission's contact change as one atomic batch (worker/db/capture-batch.ts),
 * joined to the batch that records the submission once this isolate knows the form's labels and
 * extended fields.
 */
import { newId } from '../../shared/ids.ts'
import { coerceExtendedValue } from '../../shared/extended-values.ts'
import type { CapturePlan } from './contact-store.ts'
import { captureStatements, pinOf } from '../db/capture-batch.ts'
import {
  cachedCatalog,
  forgetCatalog,
  rememberCatalog,
  resolveCatalog,
  selectCatalog,
} from '../db/catalog-lookup.ts'
import type { CatalogEntry, CatalogRow } from '../db/catalog-lookup.ts'
import { markAttemptFailed } from '../db/submissions.ts'
import type { InlineBatchStore } from './contact-store.ts'

/** Label and extended-field rows already read from D1. */
interface KnownCatalog {
  labels: CatalogRow[]
  fields: CatalogRow[]
}

export function d1Store(db: D1Database): InlineBatchStore {
  return {
    name: 'd1',
    writeSubmission: (submissionId, plan, now) => writeContact(db, submissionId, plan, now),
    joinBatch(submissionId, plan, now, withContact) {
      const labels = cachedCatalog('labels', plan.labels)
      const fields = cachedCatalog('extended_fields', fieldNames(plan))
      const known = { labels: labels.rows, fields: fields.rows }
      if (withContact && !labels.missing.length && !fields.missing.length) {
        const attemptId = newId()
        return {
          statements: captureStatements(db, {
            submissionId,
            attemptId,
            pinnedAtInsert: true,
            now,
            change: plan,
            ...resolveEntries(plan, known),
          }),
          writesContact: true,
          pin: pinOf(attemptId, plan),
          // Say, a label renamed since this isolate cached it.
          failed: forgetCatalog,
          committed: () => undefined,
        }
      }
      return {
        statements: [
          selectCatalog(db, 'labels', labels.missing),
          selectCatalog(db, 'extended_fields', fields.missing),
        ],
        writesContact: false,
        failed: () => {},
        committed(results) {
          const looked = {
            labels: results[0]!.results as unknown as CatalogRow[],
            fields: results[1]!.results as unknown as CatalogRow[],
          }
          rememberCatalog('labels', looked.labels)
          rememberCatalog('extended_fields', looked.fields)
          return () =>
            writeContact(db, submissionId, plan, now, {
              labels: [...known.labels, ...looked.labels],
              fields: [...known.fields, ...looked.fields],
            })
        },
      }
    },
  }
}

function fieldNames(plan: CapturePlan): string[] {
  return plan.extendedValues.map((v) => v.displayName)
}

/** The labels and fields the plan names, with the keys they have or will be created with. */
function resolveEntries(plan: CapturePlan, catalog: KnownCatalog) {
  return {
    labels: [...resolveCatalog(plan.labels, catalog.labels).values()],
    extendedFields: extendedValues(plan, resolveCatalog(fieldNames(plan), catalog.fields)),
  }
}

/**
 * Writes the contact for a recorded submission. A failed batch changed nothing (it is atomic), so
 * it is tried once more with fresh label and field lookups; if that fails too, the submission
 * stays pending with the error noted, and a retry with the same Idempotency-Key finishes it.
 */
async function writeContact(
  db: D1Database,
  submissionId: string,
  plan: CapturePlan,
  now: string,
  catalog?: KnownCatalog
): Promise<boolean> {
  let lastError: unknown
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (!catalog || attempt > 0) {
        forgetCatalog()
        const [labels, fields] = await db.batch([
          selectCatalog(db, 'labels', plan.labels),
          selectCatalog(db, 'extended_fields', fieldNames(plan)),
        ])
        catalog = {
          labels: labels!.results as unknown as CatalogRow[],
          fields: fields!.results as unknown as CatalogRow[],
        }
      }
      const entries = resolveEntries(plan, catalog)
      await db.batch(
        captureStatements(db, {
          submissionId,
          attemptId: newId(),
          now,
          change: plan,
          ...entries,
        })
      )
      // They exist now: the next submission of this isolate can write in one round trip.
      rememberCatalog(
        'labels',
        entries.labels.map((l) => ({ key: l.key, display_name: l.displayName }))
      )
      rememberCatalog(
        'extended_fields',
        entries.extendedFields.map((f) => ({
          key: f.key,
          display_name: f.displayName,
          data_type: f.dataType,
        }))
      )
      return true
    } catch (err) {
      lastError = err
    }
  }
  console.error('capture failed; submission kept pending', submissionId, lastError)
  await markAttemptFailed(db, submissionId, String(lastError), 2)
    .run()
    .catch(() => {})
  return false
}

/** Values typed for the field as it exists: an existing field keeps its own data type. */
function extendedValues(plan: CapturePlan, fields: Map<string, CatalogEntry>) {
  const out = []
  for (const planned of plan.extendedValues) {
    const entry = fields.get(planned.displayName)!
    const dataType = (entry.dataType ?? planned.dataType) as typeof planned.dataType
    const value =
      dataType === planned.dataType ? planned.value : coerceExtendedValue(dataType, planned.value)
    if (value === undefined) {
      console.warn(`extended field "${planned.displayName}" is ${dataType}; value skipped`)
      continue
    }
    out.push({
      key: entry.key,
      displayName: planned.displayName,
      dataType,
      value,
      onDuplicate: planned.onDuplicate,
      ...(entry.isNew ? { isNew: true as const } : {}),
    })
  }
  return out
}
