/**
 * @module
 * Wix's ContactBulkJob, as `GET /contacts/v4/bulk/jobs/:id` answers it: shared so the console reads
 * exactly what the worker writes.
 */

export type BulkJobType = 'DELETE' | 'UPDATE' | 'ADD_REMOVE_LABELS' | 'IMPORT'
export type BulkJobStatus = 'NEW' | 'LOADING' | 'RUNNING' | 'COMPLETED'

export interface ContactBulkJob {
  id: string
  type: BulkJobType
  status: BulkJobStatus
  startedDate?: string
  finishedDate?: string
  totalItems: number
  successTotal: number
  failedTotal: number
  errors: { count: number; code: string; message: string }[]
  /** For an IMPORT: how its rows ended so far, and where its rejected rows download from. */
  importSummary?: {
    created: number
    updated: number
    unchanged: number
    skipped: number
    failed: number
    rejectedRowsUrl: string
  }
}
