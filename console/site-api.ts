/**
 * @module
 * The worker's own endpoints behind the Inbox, Spam, Labels and fields, Webhooks and Forms pages,
 * typed: the submission log and its retry, the spam folder, the label and extended-field
 * catalogs' changes, webhook endpoints and deliveries, and the configured forms in full.
 */
import type { PagingMetadata } from '../shared/contact.ts'
import type { FormConfig } from '../shared/forms-config.ts'
import type { SubmissionRecord, SubmissionStatus } from '../shared/submission.ts'
import { api, queryString } from './api.ts'
import type { ExtendedField, Filter } from './contacts-api.ts'

export type { FormConfig, SubmissionRecord, SubmissionStatus }

type Query = Record<string, string | number | undefined>

export interface FormWithCounts {
  id: string
  config: FormConfig
  /** Submissions refused as automated over the last 30 days, by reason. */
  blockedLast30Days: Record<string, number>
}

export interface Spam {
  id: string
  formId: string
  reason: string
  createdDate: string
  origin: string | null
  values: Record<string, unknown>
  context: SubmissionRecord['context']
}

export interface Endpoint {
  url: string
  events: string[]
  state: 'active' | 'disabled'
  recentDeliveries: Record<string, number>
}

export interface Delivery {
  id: string
  eventId: string
  slug: string
  entityId: string
  endpoint: string
  status: string
  attempts: number
  lastStatus: number | null
  lastError: string | null
  createdDate: string
}

/** One notification email (GET /v1/notifications). */
export interface Notification {
  id: string
  kind: 'lead' | 'digest'
  formId: string
  submissionId?: string
  digestDay?: string
  recipient: string
  status: string
  attempts: number
  lastError: string | null
  createdDate: string
}

export async function listNotifications(q: Query, signal?: AbortSignal): Promise<Notification[]> {
  return (
    await api<{ notifications: Notification[] }>(
      'GET',
      `/v1/notifications${queryString(q)}`,
      undefined,
      signal
    )
  ).notifications
}

export async function listAllForms(signal?: AbortSignal): Promise<FormWithCounts[]> {
  return (await api<{ forms: FormWithCounts[] }>('GET', '/v1/forms', undefined, signal)).forms
}

/** The log, newest first: `status` may list several, comma-separated. */
export function listLog(q: Query, signal?: AbortSignal) {
  return api<{ submissions: SubmissionRecord[]; pagingMetadata: PagingMetadata }>(
    'GET',
    `/v1/submissions${queryString(q)}`,
    undefined,
    signal
  )
}

export function retrySubmission(id: string) {
  return api<{ submission: { id: string; status: SubmissionStatus; contactId: string | null } }>(
    'POST',
    `/v1/submissions/${encodeURIComponent(id)}/retry`
  )
}

export function listSpam(q: Query, signal?: AbortSignal) {
  return api<{ submissions: Spam[]; pagingMetadata: PagingMetadata }>(
    'GET',
    `/v1/spam${queryString(q)}`,
    undefined,
    signal
  )
}

export function restoreSpam(id: string) {
  return api<{ submissionId: string }>('POST', `/v1/spam/${encodeURIComponent(id)}/restore`, {})
}

export function deleteSpam(id: string) {
  return api<object>('DELETE', `/v1/spam/${encodeURIComponent(id)}`)
}

const catalogPath = (kind: 'labels' | 'extended-fields', key: string) =>
  `/contacts/v4/${kind}/${encodeURIComponent(key)}`

export function renameCatalogEntry(
  kind: 'labels' | 'extended-fields',
  key: string,
  displayName: string
) {
  return api<object>('PATCH', catalogPath(kind, key), {
    [kind === 'labels' ? 'label' : 'field']: { displayName },
  })
}

export function deleteCatalogEntry(kind: 'labels' | 'extended-fields', key: string) {
  return api<object>('DELETE', catalogPath(kind, key))
}

export function createLabel(displayName: string) {
  return api<{ label: { key: string }; newLabel: boolean }>('POST', '/contacts/v4/labels', {
    displayName,
  })
}

/**
 * The Query Contacts filter for "has a value of this custom field". Custom fields have no
 * `$exists`, but each type has operators that every present value passes and a missing one never
 * does: any text starts with '', and any number or date is below a point or not.
 */
export function hasValueFilter(field: ExtendedField): Filter {
  const path = `info.extendedFields.${field.key}`
  if (field.dataType === 'NUMBER' || field.dataType === 'DATE') {
    const pivot = field.dataType === 'NUMBER' ? 0 : '2000-01-01'
    return { $or: [{ [path]: { $lt: pivot } }, { [path]: { $gte: pivot } }] }
  }
  return { [path]: { $startsWith: '' } }
}

/** How many contacts a filter selects (one contact read, for the total). */
export async function countContacts(filter: Filter, signal?: AbortSignal): Promise<number> {
  const { pagingMetadata } = await api<{ pagingMetadata: PagingMetadata }>(
    'POST',
    '/contacts/v4/contacts/query',
    { query: { filter, paging: { limit: 1 } } },
    signal
  )
  return pagingMetadata.total
}

export async function listEndpoints(signal?: AbortSignal) {
  return api<{ endpoints: Endpoint[]; recentDeliveriesCounted: number }>(
    'GET',
    '/v1/webhooks/endpoints',
    undefined,
    signal
  )
}

export async function listDeliveries(q: Query, signal?: AbortSignal): Promise<Delivery[]> {
  return (
    await api<{ deliveries: Delivery[] }>(
      'GET',
      `/v1/webhooks/deliveries${queryString(q)}`,
      undefined,
      signal
    )
  ).deliveries
}

export function redeliver(id: string) {
  return api<object>('POST', `/v1/webhooks/deliveries/${encodeURIComponent(id)}/redeliver`)
}
