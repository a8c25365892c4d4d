/**
 * @module
 * Where contacts live. Submissions, consent records, events and counters always live in this
 * worker's D1 (worker/db); contacts live in D1 (the default) or on a Wix site's contact list. The
 * capture pipeline records each submission in D1 and asks the store to write its contact.
 */
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import type { FormConfig, OnDuplicate } from '../../shared/forms-config.ts'
import type { ContactPin } from '../db/capture-batch.ts'

/**
 * What a valid submission asks of the contact list (capture/plan.ts builds it from the form's
 * config): the duplicate keys, the contact fields it fills, the labels and extended values it adds.
 */
export interface PlannedPhone {
  phone: string
  e164Phone: string
  countryCode?: string
}

export interface PlannedExtendedValue {
  displayName: string
  dataType: ExtendedFieldDataType
  value: string | number
  /** A value the contact has already: kept (`append`) or replaced (`overwrite`). */
  onDuplicate: OnDuplicate
}

export interface CapturePlan {
  /** The email as typed (trimmed, NFC) and its duplicate key. */
  email?: { email: string; norm: string }
  phone?: PlannedPhone
  firstName?: string
  lastName?: string
  company?: string
  jobTitle?: string
  /** Label display names, from the form's config only. */
  labels: string[]
  extendedValues: PlannedExtendedValue[]
  onDuplicate: FormConfig['onDuplicate']
}

export interface ContactStore {
  readonly name: 'd1' | 'wix' | 'unconfigured'
  /**
   * Writes the contact of a recorded (pending) submission and marks it processed. Answers false
   * when it could not, leaving the submission pending for a retry; it never writes twice.
   */
  writeSubmission(submissionId: string, plan: CapturePlan, now: string): Promise<boolean>
}

/**
 * A store that keeps contacts in the same D1 as the submissions, so the contact change can join
 * the batch that records the submission: one round trip, atomically. Only the D1 store has this.
 */
export interface InlineBatchStore extends ContactStore {
  /**
   * Statements to run in the batch that records the submission: the whole contact change when
   * `withContact` is true and every label and field the plan names is known, else the lookups
   * its write will need. Each statement finds the contact through the submission row, so the
   * change does nothing when that row was not inserted.
   */
  joinBatch(submissionId: string, plan: CapturePlan, now: string, withContact: boolean): JoinedBatch
}

export interface JoinedBatch {
  statements: D1PreparedStatement[]
  /** The statements write the contact; nothing is left to do once the batch commits. */
  writesContact: boolean
  /**
   * Set when the statements write the contact: the submission is to be inserted with this pin
   * and its events (insertSubmission, submissionEvents), which the statements rely on.
   */
  pin?: ContactPin
  /** The batch failed as a whole: forget whatever may have made it fail. */
  failed(): void
  /**
   * The batch committed, with these results for `statements`: answers the contact write still to
   * do (round trip 2), if any.
   */
  committed(results: D1Result[]): (() => Promise<boolean>) | undefined
}

export function isInlineBatchStore(store: ContactStore): store is InlineBatchStore {
  return 'joinBatch' in store
}
