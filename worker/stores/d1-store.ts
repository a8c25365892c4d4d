/**
 * @module
 * The D1 backend: the contact change of a submission as one atomic batch (worker/db/capture.ts).
 */
import { coerceExtendedValue } from '../../shared/forms.ts'
import type { CapturePlan } from '../capture/plan.ts'
import {
  forgetCatalog,
  rememberCatalog,
  resolveCatalog,
  selectCatalog,
} from '../db/catalog-lookup.ts'
import type { CatalogEntry, CatalogRow } from '../db/catalog-lookup.ts'
import { captureStatements } from '../db/capture-batch.ts'
import { markAttemptFailed } from '../db/submissions.ts'
import type { CatalogHint, ContactsBackend } from './contact-store.ts'

export function d1Backend(db: D1Database): ContactsBackend {
  return {
    name: 'd1',
    writeSubmission: (submissionId, plan, now, hint) =>
      writeContact(db, submissionId, plan, now, hint),
    captureStatements: (submissionId, plan, now, hint) =>
      contactStatements(db, submissionId, plan, now, hint),
  }
}

function contactStatements(
  db: D1Database,
  submissionId: string,
  plan: CapturePlan,
  now: string,
  catalog: CatalogHint
): D1PreparedStatement[] {
  return captureStatements(db, {
    submissionId,
    attemptId: crypto.randomUUID(),
    now,
    plan,
    ...resolveEntries(plan, catalog),
  })
}

/** The labels and fields the plan names, with the keys they have or will be created with. */
function resolveEntries(plan: CapturePlan, catalog: CatalogHint) {
  const fieldNames = plan.extendedValues.map((v) => v.displayName)
  return {
    labels: [...resolveCatalog(plan.labels, catalog.labels).values()],
    extendedFields: extendedValues(plan, resolveCatalog(fieldNames, catalog.fields)),
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
  catalog?: CatalogHint
): Promise<boolean> {
  const labelNames = plan.labels
  const fieldNames = plan.extendedValues.map((v) => v.displayName)
  let lastError: unknown
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (!catalog || attempt > 0) {
        forgetCatalog()
        const [labels, fields] = await db.batch([
          selectCatalog(db, 'labels', labelNames),
          selectCatalog(db, 'extended_fields', fieldNames),
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
          attemptId: crypto.randomUUID(),
          now,
          plan,
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
      ...(entry.isNew ? { isNew: true as const } : {}),
    })
  }
  return out
}
