/**
 * @module
 * The CSV endpoints the console calls: an import's preview, dry run and run (the file itself is
 * the body, the options are query parameters), and the contacts and submissions exports. An
 * export short enough for a URL is a plain download link, so the file streams to disk; a longer
 * one (a big selection of ids) is POSTed and saved from memory.
 *
 * @example
 * const preview = await previewImport(file)
 * const { summary } = await dryRunImport(file, { mapping: preview.suggestedMapping, labels: [], onDuplicate: 'append', defaultCountry: '' })
 */
import type { ImportOnDuplicate, ImportPreview, ImportTarget } from '../shared/contact-csv.ts'
import type { ExtendedFieldDataType } from '../shared/extended-values.ts'
import { api, download, queryString, saveLink } from './api.ts'
import type { Filter } from './contacts-api.ts'

export type { ImportOnDuplicate, ImportPreview, ImportTarget }

export interface ImportOptions {
  mapping: Record<string, ImportTarget>
  /** Display names of labels added to every contact the import creates or updates. */
  labels: string[]
  onDuplicate: ImportOnDuplicate
  /** ISO 3166 alpha-2, or '' for none. */
  defaultCountry: string
}

export interface ImportCounts {
  created: number
  updated: number
  unchanged: number
  skipped: number
  failed: number
}

export interface DryRun {
  summary: ImportCounts & { rows: number; blankRows: number }
  newLabels: string[]
  newExtendedFields: { displayName: string; dataType: ExtendedFieldDataType }[]
  /** The first 1,000 failing rows. */
  rejected: {
    row: number
    line: number
    errors: { code: string; message: string; column?: string; value?: string }[]
  }[]
}

const IMPORTS = '/v1/contacts/imports'

function importQuery(o: ImportOptions, dryRun: boolean): string {
  const q = new URLSearchParams({ mapping: JSON.stringify(o.mapping), onDuplicate: o.onDuplicate })
  for (const label of o.labels) q.append('labels', label)
  if (o.defaultCountry) q.set('defaultCountry', o.defaultCountry)
  if (dryRun) q.set('dryRun', 'true')
  return `?${q}`
}

export function previewImport(file: File) {
  return api<ImportPreview>('POST', `${IMPORTS}/preview`, file)
}

export function dryRunImport(file: File, options: ImportOptions) {
  return api<DryRun>('POST', IMPORTS + importQuery(options, true), file)
}

export function startImport(file: File, options: ImportOptions) {
  return api<{ jobId: string; rows: number }>('POST', IMPORTS + importQuery(options, false), file)
}

/** Which contacts an export writes: Query Contacts' filter and search, or these ids. */
export interface ExportSelection {
  filter?: Filter
  search?: string
  ids?: string[]
}

/** Longer links are POSTed instead: some proxies and servers refuse long URLs. */
const MAX_LINK = 2000

/** Downloads the contacts as CSV, by a link when it is short enough. */
export async function exportContacts(selection: ExportSelection): Promise<void> {
  const href =
    '/v1/contacts/export' +
    queryString({
      filter: selection.filter && JSON.stringify(selection.filter),
      search: selection.search,
      ids: selection.ids?.join(','),
    })
  if (href.length <= MAX_LINK) saveLink(href)
  else await download('/v1/contacts/export/query', selection)
}

export function submissionsExportHref(formId: string): string {
  return `/v1/submissions/export${queryString({ formId })}`
}
