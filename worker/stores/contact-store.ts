/**
 * @module
 * Where contacts live. The capture pipeline records every submission in D1 and then asks the
 * backend to write the contact; D1 (default) or a Wix site's contact list.
 */
import type { CapturePlan } from '../capture/plan.ts'
import type { CatalogRow } from '../db/catalog-lookup.ts'

/** Label and extended-field rows the pipeline already read from D1 (used by the D1 backend). */
export interface CatalogHint {
  labels: CatalogRow[]
  fields: CatalogRow[]
}

export interface ContactsBackend {
  readonly name: 'd1' | 'wix'
  /**
   * Writes the contact of a recorded (pending) submission and marks it processed. Answers false
   * when it could not, leaving the submission pending for a retry; it never writes twice.
   */
  writeSubmission(
    submissionId: string,
    plan: CapturePlan,
    now: string,
    hint?: CatalogHint
  ): Promise<boolean>
  /**
   * The contact change as statements to run in the same D1 batch that records the submission
   * (one round trip); only a backend that keeps contacts in D1 has them.
   */
  captureStatements?(
    submissionId: string,
    plan: CapturePlan,
    now: string,
    hint: CatalogHint
  ): D1PreparedStatement[]
}
