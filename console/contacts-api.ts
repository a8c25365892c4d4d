/**
 * @module
 * The worker's endpoints that the console calls, typed: the Contacts v4 surface (contacts, labels,
 * extended fields, facets, bulk jobs) and the submission log. Only types come from shared/, so no
 * schema library reaches the browser.
 */
import type { ContactBulkJob } from '../shared/bulk-jobs.ts'
import type { Contact, ContactInfoInput, PagingMetadata } from '../shared/contact.ts'
import type { ExtendedFieldDataType } from '../shared/extended-values.ts'
import type { SubmissionRecord } from '../shared/submission.ts'
import { api, queryString } from './api.ts'

export type { Contact, ContactInfoInput, SubmissionRecord }

export type Filter = Record<string, unknown>

export interface Label {
  key: string
  displayName: string
  labelType: string
}

export interface ExtendedField {
  key: string
  displayName: string
  dataType: ExtendedFieldDataType
  fieldType: 'SYSTEM' | 'USER_DEFINED'
}

export interface Facet {
  facetType: 'ALL_CONTACTS' | 'NOT_LABELED' | 'LABEL' | 'SUBSCRIPTION_STATUS'
  facetKey?: string
  facetDisplayName?: string
  count: number
  /** The Query Contacts filter, as JSON, that selects exactly the contacts it counts. */
  queryFilter: string
}

export type BulkJob = ContactBulkJob

export interface ConfiguredForm {
  id: string
  config: { title?: string; fields?: { name: string; label?: string }[] }
}

/** Which contacts a bulk job changes: a filter and/or a search, as in Query Contacts. */
export interface Selection {
  filter: Filter
  search?: string
}

export interface ContactQuery {
  filter: Filter
  search?: string
  sort: { fieldName: string; order: 'ASC' | 'DESC' }
  limit: number
  offset: number
}

const CONTACTS = '/contacts/v4/contacts'

export function queryContacts(q: ContactQuery, signal?: AbortSignal) {
  return api<{ contacts: Contact[]; pagingMetadata: PagingMetadata }>(
    'POST',
    `${CONTACTS}/query`,
    {
      query: {
        filter: q.filter,
        sort: [q.sort],
        paging: { limit: q.limit, offset: q.offset },
        fieldsets: ['FULL'],
      },
      ...(q.search ? { search: q.search } : {}),
    },
    signal
  )
}

export function getContact(id: string, signal?: AbortSignal) {
  return api<{ contact: Contact; responseType: 'REGULAR' | 'MERGED' }>(
    'GET',
    `${CONTACTS}/${encodeURIComponent(id)}?fieldsets=FULL`,
    undefined,
    signal
  )
}

export function updateContact(id: string, revision: number, info: ContactInfoInput) {
  return api<{ contact: Contact }>('PATCH', `${CONTACTS}/${encodeURIComponent(id)}`, {
    revision,
    info,
  })
}

export function deleteContact(id: string) {
  return api<object>('DELETE', `${CONTACTS}/${encodeURIComponent(id)}`)
}

export function labelContact(id: string, labelKeys: string[], remove = false) {
  return api<{ contact: Contact }>(
    remove ? 'DELETE' : 'POST',
    `${CONTACTS}/${encodeURIComponent(id)}/labels`,
    { labelKeys }
  )
}

export function previewMerge(targetId: string, sourceContactIds: string[]) {
  return api<{ contact: Contact }>(
    'POST',
    `${CONTACTS}/${encodeURIComponent(targetId)}/preview-merge`,
    { sourceContactIds }
  )
}

export function mergeContacts(
  targetId: string,
  targetContactRevision: number,
  sourceContactIds: string[]
) {
  return api<{ contact: Contact }>('POST', `${CONTACTS}/${encodeURIComponent(targetId)}/merge`, {
    targetContactRevision,
    sourceContactIds,
  })
}

export async function listFacets(signal?: AbortSignal): Promise<Facet[]> {
  const { facets } = await api<{ facets: Facet[] }>(
    'GET',
    `${CONTACTS}/facets?paging.limit=1000`,
    undefined,
    signal
  )
  return facets
}

export async function listLabels(signal?: AbortSignal): Promise<Label[]> {
  const { labels } = await api<{ labels: Label[] }>(
    'GET',
    '/contacts/v4/labels?paging.limit=2000',
    undefined,
    signal
  )
  return labels
}

/** Finds the label with this display name, or creates it; answers its key. */
export async function findOrCreateLabel(displayName: string): Promise<string> {
  const { label } = await api<{ label: Label }>('POST', '/contacts/v4/labels', { displayName })
  return label.key
}

export async function listExtendedFields(signal?: AbortSignal): Promise<ExtendedField[]> {
  const { fields } = await api<{ fields: ExtendedField[] }>(
    'GET',
    '/contacts/v4/extended-fields?paging.limit=1000',
    undefined,
    signal
  )
  return fields
}

export async function listForms(signal?: AbortSignal): Promise<ConfiguredForm[]> {
  const { forms } = await api<{ forms: ConfiguredForm[] }>('GET', '/v1/forms', undefined, signal)
  return forms
}

export function listSubmissions(
  params: { formId?: string; contactId?: string; status?: string; limit?: number },
  signal?: AbortSignal
) {
  const path = params.contactId
    ? `/v1/contacts/${encodeURIComponent(params.contactId)}/submissions`
    : '/v1/submissions'
  return api<{ submissions: SubmissionRecord[]; pagingMetadata: PagingMetadata }>(
    'GET',
    path +
      queryString({
        formId: params.formId,
        status: params.status,
        'paging.limit': params.limit,
      }),
    undefined,
    signal
  )
}

export async function startLabelJob(
  selection: Selection,
  labelKeysToAdd: string[],
  labelKeysToRemove: string[]
): Promise<string> {
  const { jobId } = await api<{ jobId: string }>(
    'POST',
    '/contacts/v4/bulk/contacts/add-remove-labels',
    { ...selection, labelKeysToAdd, labelKeysToRemove }
  )
  return jobId
}

export async function startDeleteJob(selection: Selection): Promise<string> {
  const { jobId } = await api<{ jobId: string }>(
    'POST',
    '/contacts/v4/bulk/contacts/delete',
    selection
  )
  return jobId
}

export async function getJob(id: string, signal?: AbortSignal): Promise<BulkJob> {
  const { job } = await api<{ job: BulkJob }>(
    'GET',
    `/contacts/v4/bulk/jobs/${encodeURIComponent(id)}`,
    undefined,
    signal
  )
  return job
}
