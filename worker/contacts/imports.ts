/**
 * @module
 * CSV import of contacts. A file is previewed (header, first rows, the suggested mapping), tried
 * (a dry run) and run; the dry run and the run plan rows with the same code (`ImportPlanner`): the
 * dry run keeps in memory what earlier rows would have written, the run writes each chunk before
 * planning the next. The run is a bulk job (type IMPORT): the request stages the file's rows in D1
 * (the job LOADING) and finds or creates the labels and extended fields it names only once the
 * whole file has been read; the bulk-jobs queue then imports the rows chunk by chunk (see
 * db/imports.ts for why no row is imported twice). Rejected rows can be downloaded as CSV.
 */
import { newId } from '../../shared/ids.ts'
import { applicationError, ApiError } from '../../shared/api-error.ts'
import type { ContactInfo } from '../../shared/contact.ts'
import {
  CONTACT_CSV_FIELDS,
  IMPORT_LIMITS,
  REJECTED_HEADERS,
  suggestTarget,
} from '../../shared/contact-csv.ts'
import type {
  ContactCsvField,
  ImportOnDuplicate,
  ImportPreview,
  ImportTarget,
} from '../../shared/contact-csv.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { EXTENDED_FIELD_DATA_TYPES } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { selectJob } from '../db/bulk-jobs.ts'
import type { BulkJobRow } from '../db/bulk-jobs.ts'
import { findOrCreate } from '../db/catalog-entries.ts'
import { resolveCatalog, selectCatalog } from '../db/catalog-lookup.ts'
import type { CatalogRow } from '../db/catalog-lookup.ts'
import { getContacts } from '../db/contact-reads.ts'
import { selectCustomFields } from '../db/exports.ts'
import {
  deleteJob,
  importChunkStatements,
  insertImportJob,
  markImportRunning,
  selectKeyOwners,
  selectRejectedRows,
  selectRowsToDo,
  stageRowsStatements,
} from '../db/imports.ts'
import type { ContactWriteRow, RowSettle, StagedRow } from '../db/imports.ts'
import { checkLimits, itemIds, normalizeInfo } from './build.ts'
import { openCsv } from './csv-read.ts'
import type { CsvFile, CsvRow } from './csv-read.ts'
import {
  applyRow,
  labelNamesIn,
  newInfo,
  readRow,
  rowEmails,
  rowPhones,
  sameInfo,
} from './csv-rows.ts'
import type { ColumnPlan, RowError, RowValues } from './csv-rows.ts'
import { BOM, csvRow } from './csv-write.ts'

export interface ImportOptions {
  /** Column header → target; unset means the suggested mapping. */
  mapping?: unknown
  /** Display names of labels added to every contact the import creates or updates. */
  labels: string[]
  onDuplicate: ImportOnDuplicate
  /** How phone numbers without +country are read (ISO 3166 alpha-2). */
  defaultCountry?: string | undefined
}

/** How a row ended: one of these when it went through, else the code of its first problem. */
export const ROW_DONE = ['CREATED', 'UPDATED', 'UNCHANGED', 'SKIPPED'] as const
type RowDone = (typeof ROW_DONE)[number]

export const IMPORT_MESSAGES: Record<string, string> = {
  MALFORMED_ROW: 'The row breaks the CSV quoting rules.',
  RAGGED_ROW: 'The row has more or fewer cells than the header.',
  ROW_TOO_LONG: 'The row is longer than an import reads.',
  VALUE_TOO_LONG: 'A value is longer than its field takes.',
  INVALID_EMAIL: 'An email address is not valid.',
  INVALID_PHONE: 'A phone number cannot be read.',
  INVALID_COUNTRY: 'A country is not a two-letter ISO 3166 code.',
  INVALID_DATE: 'A date is not YYYY-MM-DD.',
  INVALID_LOCALE: 'A locale is not a language tag.',
  INVALID_LABEL: 'A label name is too long.',
  INVALID_EXTENDED_FIELD_VALUE: "A value does not fit its extended field's type.",
  INSUFFICIENT_CONTACT_DATA: 'The row has no name, email or phone.',
  DUPLICATE_CONTACT_EXISTS: 'An email or phone of the row belongs to another contact.',
  LIMIT_REACHED:
    'The contact would pass one of its limits (50 emails, phones or addresses; 2,000 labels).',
}

/** Rows planned and written together; rows staged per statement (also bounded by size). */
export const IMPORT_CHUNK_ROWS = 500
const STAGE_ROWS = 500
const STAGE_CHARS = 512 * 1024
/** A row larger than this (as JSON) is not staged whole: it fails with ROW_TOO_LONG. */
const MAX_ROW_CHARS = 1_000_000
/** Failing rows a dry run lists one by one (all are counted). */
const DRY_RUN_LISTED = 1000
const PREVIEW_ROWS = 10

/** The request an IMPORT job stores: everything its runner needs to plan rows. */
interface ImportRequest {
  type: 'IMPORT'
  header: string[]
  delimiter: string
  encoding: string
  columns: ColumnPlan[]
  /** Keys of the labels added to every contact. */
  labelKeys: string[]
  onDuplicate: ImportOnDuplicate
  defaultCountry?: string
}

/** What a column is mapped to, before extended fields have keys. */
interface MappedColumn {
  column: number
  header: string
  target: Exclude<ImportTarget, 'skip'>
}

// ---- Preview

/** Reads the whole file (so every file error shows now) and suggests a mapping from the header. */
export async function previewImport(
  db: D1Database,
  body: ReadableStream<Uint8Array> | null
): Promise<ImportPreview> {
  const file = await openCsv(body, IMPORT_LIMITS)
  const fields = await selectCustomFields(db)
  const rows: ImportPreview['rows'] = []
  let totalRows = 0
  for await (const batch of file.rows(IMPORT_CHUNK_ROWS)) {
    totalRows += batch.length
    for (const r of batch.slice(0, PREVIEW_ROWS - rows.length))
      rows.push({ row: r.row, cells: r.cells })
  }
  return {
    encoding: file.encoding,
    delimiter: file.delimiter,
    header: file.header,
    rows,
    totalRows,
    blankRows: file.blankRows,
    suggestedMapping: suggestedMapping(file.header, fields),
  }
}

function suggestedMapping(
  header: string[],
  fields: { displayName: string; dataType: ExtendedFieldDataType }[]
): Record<string, ImportTarget> {
  return Object.fromEntries(
    header.filter(Boolean).map((name) => [name, suggestTarget(name, fields)] as const)
  )
}

// ---- Mapping

const FIELDS = new Set<string>(CONTACT_CSV_FIELDS.map((f) => f.field))
const KEY_FIELDS = new Set<ContactCsvField>([
  'email',
  'emails',
  'phone',
  'phones',
  'name.first',
  'name.last',
])

function mappingError(code: string, message: string, data: Record<string, unknown> = {}) {
  return applicationError(400, code, message, data)
}

/**
 * The columns an import reads, from the mapping given (columns it does not name are skipped) or
 * the suggested one. Refuses a mapping that is not an object, names a column the file lacks or a
 * target that does not exist, maps one field from two columns, or maps no email, phone or name.
 */
function mapColumns(
  header: string[],
  given: unknown,
  fields: { displayName: string; dataType: ExtendedFieldDataType }[]
): { mapping: Record<string, ImportTarget>; columns: MappedColumn[] } {
  const seen = new Map<string, number>()
  for (const [i, name] of header.entries()) {
    if (!name) continue
    if (seen.has(name)) {
      throw mappingError(
        'DUPLICATE_COLUMN_NAME',
        `Two columns are named "${name}" (columns ${seen.get(name)! + 1} and ${i + 1}); rename one so each can be mapped.`,
        { column: name }
      )
    }
    seen.set(name, i)
  }
  if (
    given !== undefined &&
    (typeof given !== 'object' || given === null || Array.isArray(given))
  ) {
    throw mappingError(
      'MALFORMED_MAPPING',
      'mapping must be a JSON object from column names to targets, e.g. {"E-mail":"email","Shoe size":{"extendedField":"Shoe size","dataType":"NUMBER"},"Notes":"skip"}.'
    )
  }
  const mapping = (given as Record<string, unknown> | undefined) ?? suggestedMapping(header, fields)
  const columns: MappedColumn[] = []
  const byTarget = new Map<string, string>()
  for (const [name, target] of Object.entries(mapping)) {
    if (!seen.has(name)) {
      throw mappingError(
        'UNKNOWN_COLUMN',
        `The mapping names a column "${name}" that the file does not have; its columns are ${header.map((h) => `"${h}"`).join(', ')}.`,
        { column: name }
      )
    }
    const checked = checkTarget(name, target)
    if (checked === 'skip') continue
    const id = typeof checked === 'string' ? checked : `extendedField:${checked.extendedField}`
    const other = byTarget.get(id)
    if (other !== undefined) {
      const what =
        typeof checked === 'string' ? checked : `the extended field "${checked.extendedField}"`
      throw mappingError(
        'FIELD_MAPPED_TWICE',
        `Columns "${other}" and "${name}" are both mapped to ${what}; map one of them elsewhere or to "skip".`,
        { target: checked, columns: [other, name] }
      )
    }
    byTarget.set(id, name)
    columns.push({ column: seen.get(name)!, header: name, target: checked })
  }
  if (!columns.some((c) => typeof c.target === 'string' && KEY_FIELDS.has(c.target))) {
    throw mappingError(
      'NO_CONTACT_COLUMN',
      'Map at least one column to email, phone, name.first or name.last: a contact needs one of them.'
    )
  }
  return { mapping: mapping as Record<string, ImportTarget>, columns }
}

function checkTarget(column: string, target: unknown): ImportTarget {
  if (typeof target === 'string' && (target === 'skip' || FIELDS.has(target)))
    return target as ImportTarget
  if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
    const { extendedField, dataType, ...rest } = target as Record<string, unknown>
    const name = typeof extendedField === 'string' ? extendedField.trim() : ''
    const typeOk =
      dataType === undefined ||
      EXTENDED_FIELD_DATA_TYPES.includes(dataType as ExtendedFieldDataType)
    if (name && name.length <= 150 && typeOk && !Object.keys(rest).length) {
      return { extendedField: name, dataType: (dataType as ExtendedFieldDataType) ?? 'TEXT' }
    }
  }
  throw mappingError(
    'INVALID_MAPPING_TARGET',
    `Column "${column}" is mapped to ${JSON.stringify(target)}, which is not a target. Use one of ${[...FIELDS, 'skip'].join(', ')}, or {"extendedField": "<display name>", "dataType": "TEXT" | "NUMBER" | "DATE" | "URL"}.`,
    { column, target: target ?? null }
  )
}

// ---- Planning rows (the dry run and the run alike)

export interface PlanSettings {
  headerLength: number
  columns: ColumnPlan[]
  labelKeys: string[]
  onDuplicate: ImportOnDuplicate
  defaultCountry?: string | undefined
}

interface RowOutcome {
  position: number
  line: number
  outcome: RowDone | string
  contactId?: string
  errors?: RowError[]
  /** The contact write this row rides on. */
  write?: Working
}

interface ChunkPlan {
  outcomes: RowOutcome[]
  writes: Working[]
}

/** A contact as the planner sees it while it plans a chunk. */
interface Working {
  id: string
  createdDate: string
  /** The revision read from D1; null for a contact this import creates. */
  revision: number | null
  info: ContactInfo
  /** Its duplicate keys when read (`e:` emails, `p:` phones), to tell which keys a write adds. */
  keysBefore: string[]
  positions: number[]
  changed: boolean
  writeId: string
}

/** Who has a key: contact ids with their creation dates (the oldest is the duplicate). */
type Owners = Map<string, { id: string; createdDate: string }[]>

/** What a dry run would have written by now: contacts (as JSON) and the keys they took. */
interface Imagined {
  contacts: Map<string, string>
  owners: Owners
}

/** The duplicate keys of an info, as the form and the API count them: emails, else phones. */
function keysOf(info: ContactInfo): string[] {
  const emails = (info.emails?.items ?? []).map((e) => `e:${normalizeEmail(e.email)}`)
  if (emails.length) return emails
  return (info.phones?.items ?? []).flatMap((p) => (p.e164Phone ? [`p:${p.e164Phone}`] : []))
}

/** Every key an info holds (emails and phones both): who owns them is checked before a write. */
function allKeysOf(info: ContactInfo): string[] {
  return [
    ...(info.emails?.items ?? []).map((e) => `e:${normalizeEmail(e.email)}`),
    ...(info.phones?.items ?? []).flatMap((p) => (p.e164Phone ? [`p:${p.e164Phone}`] : [])),
  ]
}

/**
 * Plans rows into contact writes and row outcomes. A dry run passes `imagined`, which carries
 * what earlier chunks would have written; a run plans each chunk against D1 as it is.
 */
export class ImportPlanner {
  readonly #db: D1Database
  readonly #settings: PlanSettings
  readonly #labelKeys: (names: string[]) => Promise<Map<string, string>>
  readonly #imagined: Imagined | undefined

  constructor(
    db: D1Database,
    settings: PlanSettings,
    labelKeys: (names: string[]) => Promise<Map<string, string>>,
    imagined?: Imagined
  ) {
    this.#db = db
    this.#settings = settings
    this.#labelKeys = labelKeys
    this.#imagined = imagined
  }

  async plan(rows: CsvRow[], now: string): Promise<ChunkPlan> {
    const s = this.#settings
    const read = rows.map((row) => ({
      row,
      result: readRow(row, s.columns, s.headerLength, s.defaultCountry),
    }))
    const valid = read.flatMap(({ result }) => ('values' in result ? [result.values] : []))
    const labels = await this.#labelKeys([...new Set(valid.flatMap((v) => v.labelNames))])
    const working = new Map<string, Working>()
    const owners = await this.#owners(valid.flatMap(rowKeys), working)
    const outcomes = read.map(({ row, result }): RowOutcome => {
      const base = { position: row.row, line: row.line }
      if ('errors' in result)
        return { ...base, outcome: result.errors[0]!.code, errors: result.errors }
      const labelKeys = [
        ...new Set([...s.labelKeys, ...result.values.labelNames.map((n) => labels.get(n)!)]),
      ]
      return { ...base, ...this.#planRow(row, result.values, labelKeys, owners, working, now) }
    })
    const writes = [...working.values()].filter((w) => w.changed)
    if (this.#imagined) this.#imagine(writes)
    return { outcomes, writes }
  }

  /** One valid row: the contact it duplicates changed by the policy, or a new one, or why not. */
  #planRow(
    row: CsvRow,
    values: RowValues,
    labelKeys: string[],
    owners: Owners,
    working: Map<string, Working>,
    now: string
  ): Omit<RowOutcome, 'position' | 'line'> {
    const policy = this.#settings.onDuplicate
    const target = duplicateOf(values, owners)
    const contact = target ? working.get(target) : undefined
    if (contact && policy === 'skip') return { outcome: 'SKIPPED', contactId: contact.id }
    const planned = refusal(() => {
      const before = contact?.info ?? {}
      const info = normalizeInfo(
        contact
          ? applyRow(before, values, policy as 'append', labelKeys)
          : newInfo(values, labelKeys),
        itemIds(before)
      )
      checkLimits(info)
      return info
    })
    if ('errors' in planned) return { outcome: planned.errors[0]!.code, errors: planned.errors }
    const { info } = planned
    // A key the row adds that another contact has: the write would make them duplicates.
    const had = contact ? keysOf(contact.info) : []
    const taken = keysOf(info)
      .filter((key) => !had.includes(key))
      .find((key) => owners.get(key)?.some((o) => o.id !== contact?.id))
    if (taken) {
      const owner = owners.get(taken)!.find((o) => o.id !== contact?.id)!
      const value = taken.slice(2)
      const message = `${value} belongs to another contact (${owner.id}); merge the two contacts first, or leave it out`
      return {
        outcome: 'DUPLICATE_CONTACT_EXISTS',
        errors: [{ code: 'DUPLICATE_CONTACT_EXISTS', message, value }],
      }
    }
    if (contact) {
      if (sameInfo(normalizeInfo(contact.info, itemIds(contact.info)), info))
        return { outcome: 'UNCHANGED', contactId: contact.id }
      contact.info = info
      contact.changed = true
      contact.positions.push(row.row)
      addOwner(owners, info, contact)
      return { outcome: 'UPDATED', contactId: contact.id, write: contact }
    }
    const created: Working = {
      id: newId(),
      createdDate: now,
      revision: null,
      info,
      keysBefore: [],
      positions: [row.row],
      changed: true,
      writeId: crypto.randomUUID(),
    }
    working.set(created.id, created)
    addOwner(owners, info, created)
    return { outcome: 'CREATED', contactId: created.id, write: created }
  }

  /** Who owns each key, from D1 and (in a dry run) from what it imagined; owners loaded into `working`. */
  async #owners(keys: string[], working: Map<string, Working>): Promise<Owners> {
    const unique = [...new Set(keys)]
    const found = await selectKeyOwners(
      this.#db,
      unique.filter((k) => k.startsWith('e:')).map((k) => k.slice(2)),
      unique.filter((k) => k.startsWith('p:')).map((k) => k.slice(2))
    )
    const owners: Owners = new Map()
    const add = (key: string, owner: { id: string; createdDate: string }) => {
      const list = owners.get(key) ?? []
      if (!list.some((o) => o.id === owner.id)) owners.set(key, [...list, owner])
    }
    for (const f of found)
      add(`${f.kind === 'email' ? 'e' : 'p'}:${f.key}`, {
        id: f.contact_id,
        createdDate: f.created_date,
      })
    for (const key of unique) for (const o of this.#imagined?.owners.get(key) ?? []) add(key, o)
    for (const list of owners.values())
      list.sort((a, b) =>
        a.createdDate === b.createdDate
          ? a.id < b.id
            ? -1
            : 1
          : a.createdDate < b.createdDate
            ? -1
            : 1
      )
    const ids = [...new Set([...owners.values()].flat().map((o) => o.id))]
    const fromD1 = ids.filter((id) => !this.#imagined?.contacts.has(id))
    for (const contact of fromD1.length ? await getContacts(this.#db, fromD1) : []) {
      working.set(contact.id, {
        id: contact.id,
        createdDate: contact.createdDate,
        revision: contact.revision,
        info: contact.info,
        keysBefore: keysOf(contact.info),
        positions: [],
        changed: false,
        writeId: crypto.randomUUID(),
      })
    }
    for (const id of ids) {
      const json = this.#imagined?.contacts.get(id)
      if (json) working.set(id, { ...(JSON.parse(json) as Working), positions: [], changed: false })
    }
    return owners
  }

  /** Keeps what the chunk would have written, for the dry run's later chunks. */
  #imagine(writes: Working[]): void {
    const imagined = this.#imagined!
    for (const w of writes) {
      imagined.contacts.set(w.id, JSON.stringify({ ...w, positions: [] }))
      addOwner(imagined.owners, w.info, w)
    }
  }
}

function rowKeys(values: RowValues): string[] {
  return [
    ...rowEmails(values).map((e) => `e:${e.norm}`),
    ...rowPhones(values).map((p) => `p:${p.e164Phone}`),
  ]
}

/** The contact a row duplicates, as for a form: by its emails in order; only without one, its phones. */
function duplicateOf(values: RowValues, owners: Owners): string | undefined {
  const emails = rowEmails(values)
  const keys = emails.length
    ? emails.map((e) => `e:${e.norm}`)
    : rowPhones(values).map((p) => `p:${p.e164Phone}`)
  for (const key of keys) {
    const oldest = owners.get(key)?.[0]
    if (oldest) return oldest.id
  }
  return undefined
}

function addOwner(owners: Owners, info: ContactInfo, contact: Working): void {
  for (const key of allKeysOf(info)) {
    const list = owners.get(key) ?? []
    if (!list.some((o) => o.id === contact.id))
      owners.set(key, [...list, { id: contact.id, createdDate: contact.createdDate }])
  }
}

/** The info `make` builds, or the API's refusal as a row error. */
function refusal(make: () => ContactInfo): { info: ContactInfo } | { errors: RowError[] } {
  try {
    return { info: make() }
  } catch (err) {
    if (!(err instanceof ApiError)) throw err
    const details = err.body.details as {
      applicationError?: { code: string }
      validationError?: { fieldViolations: { field: string; description: string }[] }
    }
    const code = details.applicationError?.code ?? 'LIMIT_REACHED'
    return { errors: [{ code, message: err.message }] }
  }
}

/** A row as staged: one too large for a D1 row is kept as its number only, and fails. */
function stageable(row: CsvRow): CsvRow {
  if (JSON.stringify(row).length <= MAX_ROW_CHARS) return row
  return { row: row.row, line: row.line, cells: [], tooLong: true }
}

// ---- Dry run

export interface DryRunAnswer {
  dryRun: true
  encoding: CsvFile['encoding']
  delimiter: string
  header: string[]
  mapping: Record<string, ImportTarget>
  summary: {
    rows: number
    created: number
    updated: number
    unchanged: number
    skipped: number
    failed: number
    blankRows: number
  }
  /** Labels and extended fields the run would create. */
  newLabels: string[]
  newExtendedFields: { displayName: string; dataType: ExtendedFieldDataType }[]
  /** The failing rows, in file order (the first 1,000; `summary.failed` counts them all). */
  rejected: { row: number; line: number; errors: RowError[] }[]
}

/** Plans every row as the run would, and writes nothing. */
export async function dryRunImport(
  db: D1Database,
  body: ReadableStream<Uint8Array> | null,
  options: ImportOptions
): Promise<DryRunAnswer> {
  const file = await openCsv(body, IMPORT_LIMITS)
  const fields = await selectCustomFields(db)
  const { mapping, columns } = mapColumns(file.header, options.mapping, fields)
  const fieldEntries = await lookUp(db, 'extended_fields', extendedFieldNames(columns))
  const optionLabels = await lookUp(db, 'labels', options.labels)
  const rowLabels = new Map<string, Entry>()
  const planner = new ImportPlanner(
    db,
    settings(file.header, columns, fieldEntries, optionLabels, options),
    async (names) => {
      const missing = names.filter((n) => !rowLabels.has(n) && !optionLabels.has(n))
      for (const [name, entry] of await lookUp(db, 'labels', missing)) rowLabels.set(name, entry)
      return new Map(names.map((n) => [n, (rowLabels.get(n) ?? optionLabels.get(n))!.key]))
    },
    { contacts: new Map(), owners: new Map() }
  )
  const countLabels = labelCounter(columns)
  const summary = {
    rows: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    skipped: 0,
    failed: 0,
    blankRows: 0,
  }
  const rejected: DryRunAnswer['rejected'] = []
  const now = new Date().toISOString()
  for await (const batch of file.rows(IMPORT_CHUNK_ROWS)) {
    const rows = batch.map(stageable)
    rows.forEach(countLabels)
    const { outcomes } = await planner.plan(rows, now)
    for (const o of outcomes) {
      summary.rows++
      const done = (ROW_DONE as readonly string[]).includes(o.outcome)
      if (done) summary[o.outcome.toLowerCase() as 'created']++
      else {
        summary.failed++
        if (rejected.length < DRY_RUN_LISTED)
          rejected.push({ row: o.position, line: o.line, errors: o.errors! })
      }
    }
  }
  if (!summary.rows) throw noRows()
  summary.blankRows = file.blankRows
  const isNew = (entries: Map<string, { isNew?: true }>) =>
    [...entries].filter(([, e]) => e.isNew).map(([n]) => n)
  return {
    dryRun: true,
    encoding: file.encoding,
    delimiter: file.delimiter,
    header: file.header,
    mapping: resolvedMapping(mapping, columns, fieldEntries),
    summary,
    newLabels: [...new Set([...isNew(optionLabels), ...isNew(rowLabels)])],
    newExtendedFields: columns.flatMap((c) => {
      if (typeof c.target === 'string') return []
      const entry = fieldEntries.get(c.target.extendedField)!
      return entry.isNew ? [{ displayName: c.target.extendedField, dataType: entry.dataType }] : []
    }),
    rejected,
  }
}

type Entry = { key: string; dataType: ExtendedFieldDataType; isNew?: true }

/** Labels or extended fields by display name as they are now: existing ones, or the key a new one would get. */
async function lookUp(
  db: D1Database,
  table: 'labels' | 'extended_fields',
  names: string[]
): Promise<Map<string, Entry>> {
  const unique = [...new Set(names)]
  if (!unique.length) return new Map()
  const { results } = await selectCatalog(db, table, unique).all<CatalogRow>()
  const resolved = resolveCatalog(unique, results)
  return new Map(
    unique.map((name) => {
      const e = resolved.get(name)!
      return [
        name,
        {
          key: e.key,
          dataType: e.dataType ?? 'TEXT',
          ...(e.isNew ? { isNew: true as const } : {}),
        },
      ]
    })
  )
}

function extendedFieldNames(columns: MappedColumn[]): string[] {
  return columns.flatMap((c) => (typeof c.target === 'string' ? [] : [c.target.extendedField]))
}

function settings(
  header: string[],
  columns: MappedColumn[],
  fields: Map<string, Entry>,
  labels: Map<string, Entry>,
  options: ImportOptions
): PlanSettings {
  return {
    headerLength: header.length,
    columns: columns.map((c) => columnPlan(c, fields)),
    labelKeys: [...new Set(options.labels.map((n) => labels.get(n)!.key))],
    onDuplicate: options.onDuplicate,
    defaultCountry: options.defaultCountry,
  }
}

/** A column with its extended field's key and stored type (which wins over the one asked, as for forms). */
function columnPlan(c: MappedColumn, fields: Map<string, Entry>): ColumnPlan {
  if (typeof c.target === 'string') return { column: c.column, header: c.header, field: c.target }
  const entry = fields.get(c.target.extendedField)!
  const dataType = entry.isNew ? (c.target.dataType ?? 'TEXT') : entry.dataType
  return {
    column: c.column,
    header: c.header,
    extendedField: { key: entry.key, displayName: c.target.extendedField, dataType },
  }
}

/** The mapping as applied: every column, extended fields with the type they will have. */
function resolvedMapping(
  mapping: Record<string, ImportTarget>,
  columns: MappedColumn[],
  fields: Map<string, Entry>
): Record<string, ImportTarget> {
  const out: Record<string, ImportTarget> = Object.fromEntries(
    Object.keys(mapping).map((k) => [k, 'skip'])
  )
  for (const c of columns) {
    const plan = columnPlan(c, fields)
    out[c.header] = plan.field ?? {
      extendedField: plan.extendedField!.displayName,
      dataType: plan.extendedField!.dataType,
    }
  }
  return out
}

/** Counts the distinct label names of label cells; throws past the limit. */
function labelCounter(columns: MappedColumn[]): (row: CsvRow) => void {
  const column = columns.find((c) => c.target === 'labels')?.column
  const names = new Set<string>()
  return (row) => {
    if (column === undefined) return
    for (const name of labelNamesIn(row.cells[column] ?? '')) names.add(name)
    if (names.size > IMPORT_LIMITS.labelNames) throw tooManyLabels()
  }
}

/** The keys of labels by display name, each found or created (a chunk run twice creates none twice). */
async function createdLabels(db: D1Database, names: string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>()
  for (const [name, entry] of await lookUp(db, 'labels', names)) {
    keys.set(name, entry.isNew ? (await findOrCreate(db, 'labels', name)).row.key : entry.key)
  }
  return keys
}

function noRows() {
  return applicationError(400, 'NO_ROWS', 'The file has a header but no rows to import.')
}

function tooManyLabels() {
  return applicationError(
    400,
    'TOO_MANY_LABELS',
    `The file's label cells name more than ${IMPORT_LIMITS.labelNames.toLocaleString('en')} different labels.`,
    { limit: IMPORT_LIMITS.labelNames }
  )
}

// ---- The run

/**
 * Stages the file's rows in D1 as a LOADING import job, finds or creates its labels and extended
 * fields once the whole file has been read, sets it RUNNING and queues it. A file error found on
 * the way removes the job: nothing of the file is kept, no contact touched.
 */
export async function startImport(
  db: D1Database,
  queue: Queue<{ jobId: string }>,
  body: ReadableStream<Uint8Array> | null,
  options: ImportOptions
): Promise<{ jobId: string; rows: number }> {
  const file = await openCsv(body, IMPORT_LIMITS)
  const fields = await selectCustomFields(db)
  const { columns } = mapColumns(file.header, options.mapping, fields)
  const countLabels = labelCounter(columns)
  const jobId = crypto.randomUUID()
  const head = { type: 'IMPORT', header: file.header }
  await insertImportJob(db, { id: jobId, request: head, now: new Date().toISOString() }).run()
  let rows = 0
  try {
    let staged: StagedRow[] = []
    let chars = 0
    const flush = async () => {
      if (!staged.length) return
      await db.batch(stageRowsStatements(db, jobId, staged, new Date().toISOString()))
      staged = []
      chars = 0
    }
    for await (const batch of file.rows(STAGE_ROWS)) {
      for (const row of batch.map(stageable)) {
        countLabels(row)
        const data = JSON.stringify(row)
        if (staged.length >= STAGE_ROWS || chars + data.length > STAGE_CHARS) await flush()
        staged.push({ position: row.row, data })
        chars += data.length
        rows++
      }
    }
    await flush()
    if (!rows) throw noRows()
    const fieldEntries = new Map<string, Entry>()
    for (const c of columns) {
      if (typeof c.target === 'string') continue
      const { row } = await findOrCreate(
        db,
        'extended_fields',
        c.target.extendedField,
        c.target.dataType
      )
      fieldEntries.set(c.target.extendedField, { key: row.key, dataType: row.data_type ?? 'TEXT' })
    }
    // The labels of label cells are found or created as their rows are imported.
    const labelKeys = new Map<string, Entry>()
    for (const name of new Set(options.labels)) {
      const { row } = await findOrCreate(db, 'labels', name)
      labelKeys.set(name, { key: row.key, dataType: 'TEXT' })
    }
    const plan = settings(file.header, columns, fieldEntries, labelKeys, options)
    const request: ImportRequest = {
      type: 'IMPORT',
      header: file.header,
      delimiter: file.delimiter,
      encoding: file.encoding,
      columns: plan.columns,
      labelKeys: plan.labelKeys,
      onDuplicate: options.onDuplicate,
      ...(options.defaultCountry ? { defaultCountry: options.defaultCountry } : {}),
    }
    await markImportRunning(db, jobId, request, new Date().toISOString()).run()
  } catch (err) {
    await deleteJob(db, jobId).run()
    throw err
  }
  // If this send is lost, the cron finds the job quiet and queues it again.
  await queue.send({ jobId })
  return { jobId, rows }
}

/**
 * One chunk of an IMPORT job: the next rows still to do planned against D1 and written in one
 * batch. Answers false when no row was left.
 */
export async function runImportChunk(
  db: D1Database,
  job: BulkJobRow,
  size: number
): Promise<boolean> {
  const staged = await selectRowsToDo(db, job.id, size)
  if (!staged.length) return false
  const request = JSON.parse(job.request) as ImportRequest
  const planner = new ImportPlanner(
    db,
    {
      headerLength: request.header.length,
      columns: request.columns,
      labelKeys: request.labelKeys,
      onDuplicate: request.onDuplicate,
      defaultCountry: request.defaultCountry,
    },
    (names) => createdLabels(db, names)
  )
  const now = new Date().toISOString()
  const { outcomes, writes } = await planner.plan(
    staged.map((s) => JSON.parse(s.data) as CsvRow),
    now
  )
  await db.batch(
    importChunkStatements(db, job.id, writes.map(writeRow), outcomes.map(settleRow), now)
  )
  return true
}

/** An import whose file never arrived whole (its request died while staging): removed. */
export async function abandonImport(db: D1Database, jobId: string): Promise<void> {
  await deleteJob(db, jobId).run()
}

function writeRow(w: Working): ContactWriteRow {
  const { info } = w
  const added = keysOf(info).filter((k) => !w.keysBefore.includes(k))
  return {
    id: w.id,
    writeId: w.writeId,
    eventId: newId(),
    revision: w.revision,
    first: info.name?.first ?? null,
    last: info.name?.last ?? null,
    company: info.company ?? null,
    jobTitle: info.jobTitle ?? null,
    birthdate: info.birthdate ?? null,
    locale: info.locale ?? null,
    emails: (info.emails?.items ?? []).map((e, position) => ({
      id: e.id,
      position,
      tag: e.tag,
      email: e.email,
      norm: normalizeEmail(e.email),
      primary: e.primary ? 1 : 0,
    })),
    phones: (info.phones?.items ?? []).map((p, position) => ({
      id: p.id,
      position,
      tag: p.tag,
      phone: p.phone,
      countryCode: p.countryCode ?? null,
      e164: p.e164Phone ?? null,
      primary: p.primary ? 1 : 0,
    })),
    addresses: (info.addresses?.items ?? []).map((a, position) => ({
      id: a.id,
      position,
      tag: a.tag,
      address: JSON.stringify(a.address),
    })),
    labels: info.labelKeys?.items ?? [],
    values: Object.entries(info.extendedFields?.items ?? {}).map(([key, value]) => ({
      key,
      value: JSON.stringify(value),
    })),
    dupEmails: added.filter((k) => k.startsWith('e:')).map((k) => k.slice(2)),
    dupPhones: added.filter((k) => k.startsWith('p:')).map((k) => k.slice(2)),
    positions: w.positions,
  }
}

function settleRow(o: RowOutcome): RowSettle {
  return {
    position: o.position,
    outcome: o.outcome,
    contactId: o.contactId ?? null,
    writeId: o.write?.writeId ?? null,
    detail: o.errors ? JSON.stringify(o.errors) : null,
  }
}

// ---- The rejected rows

/** The import job, or 404 IMPORT_NOT_FOUND. */
async function requireImport(db: D1Database, jobId: string): Promise<ImportRequest> {
  const job = await selectJob(db, jobId)
  if (!job || job.type !== 'IMPORT')
    throw applicationError(404, 'IMPORT_NOT_FOUND', `There is no import "${jobId}".`, { id: jobId })
  return JSON.parse(job.request) as ImportRequest
}

/**
 * The rows an import rejected so far, as CSV: the row number and why, then the row's own cells
 * under the file's header, so the file can be fixed and imported again.
 */
export async function rejectedRowsCsv(
  db: D1Database,
  jobId: string
): Promise<ReadableStream<Uint8Array>> {
  const request = await requireImport(db, jobId)
  const encoder = new TextEncoder()
  let after = 0
  let first = true
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first) {
        first = false
        controller.enqueue(
          encoder.encode(
            BOM + csvRow([REJECTED_HEADERS.row, REJECTED_HEADERS.reason, ...request.header])
          )
        )
        return
      }
      const page = await selectRejectedRows(db, jobId, after, 1000, ROW_DONE)
      if (!page.length) return controller.close()
      after = page.at(-1)!.position
      let text = ''
      for (const r of page) {
        const row = r.data ? (JSON.parse(r.data) as CsvRow) : undefined
        const errors = r.detail ? (JSON.parse(r.detail) as RowError[]) : []
        const reason = errors.length
          ? errors.map(describe).join('; ')
          : (IMPORT_MESSAGES[r.outcome] ?? r.outcome)
        text += csvRow([r.position, reason, ...(row?.cells ?? [])])
      }
      controller.enqueue(encoder.encode(text))
    },
  })
}

/** A problem as one line: `Email "ann@": is not a valid email address`. */
export function describe(e: RowError): string {
  return e.column !== undefined ? `${e.column} "${e.value ?? ''}": ${e.message}` : e.message
}
