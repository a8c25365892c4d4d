/**
 * @module
 * The Contacts v4 admin API: the same paths, bodies, answers and error codes as Wix.
 */
import { Hono } from 'hono'
import type { Context } from 'hono'
import { z } from 'zod'
import { contactInfoInputSchema } from '../../shared/contact.ts'
import type { Contact, ContactInfo } from '../../shared/contact.ts'
import { withDerivedFields } from '../../shared/contact.ts'
import { checkExtendedValue, coerceExtendedValue } from '../../shared/extended-values.ts'
import type { ExtendedFieldDataType } from '../../shared/extended-values.ts'
import { applyInfo, checkLimits, hasContactData, normalizeInfo } from '../contacts/build.ts'
import { mergeContacts } from '../contacts/merge.ts'
import { parseProjection, project } from '../contacts/projection.ts'
import type { Projection } from '../contacts/projection.ts'
import { existingKeys } from '../db/catalog-entries.ts'
import {
  compileContactFilter,
  contactSortExpression,
  mentionsCustomField,
} from '../db/query/contact-fields.ts'
import type { ExtendedFieldTypes } from '../db/query/contact-fields.ts'
import {
  deleteContactStatements,
  duplicateKeysOf,
  outboxStatement,
  writeContactStatements,
} from '../db/contact-writes.ts'
import { getContact, getContacts, resolveAlias, selectContacts } from '../db/contact-reads.ts'
import { join } from '../db/query/compile.ts'
import type { SqlCondition } from '../db/query/compile.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { applicationError } from '../../shared/api-error.ts'
import { validate } from './middleware/validate.ts'
import { intParam, listParam, queryBody, sortOf } from './query-params.ts'

type AppContext = Context<{ Bindings: Env }>

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1000
const MAX_MERGE_SOURCES = 5

const contactQueryBody = z.object({
  query: queryBody({
    fields: z.array(z.string()).optional(),
    fieldsets: z.array(z.string()).optional(),
  }),
  search: z.string().max(100).optional(),
})
const createBody = z.object({
  info: contactInfoInputSchema,
  allowDuplicates: z.boolean().default(false),
})
const updateBody = z.object({
  revision: z.number().int().positive(),
  info: contactInfoInputSchema,
  allowDuplicates: z.boolean().default(false),
})
const sourceIds = z.array(z.string().min(1).max(100)).min(1).max(MAX_MERGE_SOURCES)
const mergeBody = z.object({
  targetContactRevision: z.number().int().positive(),
  sourceContactIds: sourceIds,
})
const previewMergeBody = z.object({ sourceContactIds: sourceIds })
const labelKeysBody = z.object({ labelKeys: z.array(z.string().min(1).max(80)).min(1).max(100) })

export const contactRoutes = new Hono<{ Bindings: Env }>()

// ---- Read

contactRoutes.get('/contacts/v4/contacts/:id', async (c) => {
  const id = c.req.param('id')
  const projection = parseProjection(listParam(c, 'fields'), listParam(c, 'fieldsets'))
  const contact = await getContact(c.env.DB, id)
  if (contact) return c.json({ contact: project(contact, projection), responseType: 'REGULAR' })
  // A merged-away source answers with its target, as on Wix (Get only).
  const target = await resolveAlias(c.env.DB, id)
  const merged = target ? await getContact(c.env.DB, target) : undefined
  if (!merged) throw notFound(id)
  return c.json({ contact: project(merged, projection), responseType: 'MERGED' })
})

contactRoutes.get('/contacts/v4/contacts', async (c) => {
  return runQuery(c, {
    sort: c.req.query('sort.fieldName')
      ? {
          fieldName: c.req.query('sort.fieldName')!,
          order: c.req.query('sort.order') === 'DESC' ? 'DESC' : 'ASC',
        }
      : undefined,
    limit: intParam(c, 'paging.limit'),
    offset: intParam(c, 'paging.offset') ?? 0,
    projection: parseProjection(listParam(c, 'fields'), listParam(c, 'fieldsets')),
  })
})

contactRoutes.post('/contacts/v4/contacts/query', validate('json', contactQueryBody), async (c) => {
  const { query } = c.req.valid('json')
  return runQuery(c, {
    filter: query.filter,
    sort: sortOf(query.sort),
    limit: query.paging?.limit,
    offset: query.paging?.offset ?? 0,
    projection: parseProjection(query.fields, query.fieldsets),
    ...(c.req.valid('json').search ? { search: c.req.valid('json').search! } : {}),
  })
})

async function runQuery(
  c: AppContext,
  q: {
    filter?: unknown
    sort?: { fieldName: string; order: 'ASC' | 'DESC' }
    limit?: number
    offset: number
    projection: Projection
    /** Wix's plain-text search: an exact match (any case) on first or last name, an email or a phone. */
    search?: string
  }
) {
  const limit = q.limit ?? DEFAULT_LIMIT
  if (limit < 1 || limit > MAX_LIMIT)
    throw applicationError(400, 'ILLEGAL_LIMIT', `paging.limit must be between 1 and ${MAX_LIMIT}.`)
  const custom = mentionsCustomField(q.filter, q.sort?.fieldName)
    ? await extendedFieldTypes(c.env.DB)
    : undefined
  const sortField = q.sort?.fieldName ?? 'createdDate'
  const sortExpression = contactSortExpression(sortField, custom)
  if (!sortExpression)
    throw applicationError(
      400,
      'UNSUPPORTED_SORT_FIELD',
      `Contacts cannot be sorted by "${sortField}".`
    )
  const direction = q.sort?.order === 'DESC' ? 'DESC' : 'ASC'
  const filter = compileContactFilter(q.filter, custom)
  const where = q.search ? join([filter, searchCondition(q.search)], ' AND ') : filter
  const page = await selectContacts(c.env.DB, {
    where,
    // id breaks ties, so offset pages neither skip nor repeat contacts with equal sort values.
    orderBy: `${sortExpression} ${direction}, c.id ${direction}`,
    limit,
    offset: q.offset,
  })
  return c.json({
    contacts: page.contacts.map((contact) => project(contact, q.projection)),
    pagingMetadata: {
      count: page.contacts.length,
      offset: q.offset,
      total: page.total,
      tooManyToCount: false,
    },
  })
}

// ---- Write

contactRoutes.post('/contacts/v4/contacts', validate('json', createBody), async (c) => {
  const { info: input, allowDuplicates } = c.req.valid('json')
  const info = normalizeInfo(input)
  if (!hasContactData(info)) {
    throw applicationError(
      400,
      'INSUFFICIENT_CONTACT_DATA',
      'A contact needs at least a name, a phone or an email.'
    )
  }
  await checkReferences(c.env.DB, info)
  const now = new Date().toISOString()
  const contact = withDerivedFields({
    id: crypto.randomUUID(),
    revision: 1,
    source: { sourceType: 'OTHER' },
    createdDate: now,
    updatedDate: now,
    lastActivity: { activityDate: now, activityType: 'CONTACT_CREATED' },
    primaryInfo: {},
    info,
  })
  const duplicates = allowDuplicates ? undefined : duplicateKeysOf(contact)
  const [first] = await c.env.DB.batch(
    writeContactStatements(c.env.DB, contact, { writeId: crypto.randomUUID(), duplicates })
  )
  if (!first!.meta.changes) throw await duplicateError(c.env.DB, contact)
  return c.json({ contact: await getContact(c.env.DB, contact.id) })
})

contactRoutes.patch('/contacts/v4/contacts/:id', validate('json', updateBody), async (c) => {
  const id = c.req.param('id')
  const { revision, info: patch, allowDuplicates } = c.req.valid('json')
  const current = await getContact(c.env.DB, id)
  if (!current) throw notFound(id)
  if (current.revision !== revision) throw alreadyChanged(id, current.revision)
  const info = applyInfo(current.info, patch)
  if (!hasContactData(info)) {
    throw applicationError(
      400,
      'INSUFFICIENT_UPDATE_CONTACT_DATA',
      'The contact would have no name, phone or email left.'
    )
  }
  await checkReferences(c.env.DB, info, current.info)
  const next = withDerivedFields({ ...current, updatedDate: new Date().toISOString(), info })
  const changedKeys = changedDuplicateKeys(current, next)
  const duplicates = allowDuplicates || !changedKeys ? undefined : changedKeys
  const [first] = await c.env.DB.batch(
    writeContactStatements(c.env.DB, next, {
      writeId: crypto.randomUUID(),
      expectedRevision: revision,
      duplicates,
      resetSubscription: primaryOf(current) !== primaryOf(next),
    })
  )
  if (!first!.meta.changes) {
    const now = await getContact(c.env.DB, id)
    if (!now) throw notFound(id)
    if (now.revision !== revision) throw alreadyChanged(id, now.revision)
    throw await duplicateError(c.env.DB, next)
  }
  return c.json({ contact: await getContact(c.env.DB, id) })
})

contactRoutes.delete('/contacts/v4/contacts/:id', async (c) => {
  const id = c.req.param('id')
  if (!(await getContact(c.env.DB, id))) throw notFound(id)
  await c.env.DB.batch(deleteContactStatements(c.env.DB, id, new Date().toISOString()))
  return c.json({})
})

contactRoutes.post(
  '/contacts/v4/contacts/:id/preview-merge',
  validate('json', previewMergeBody),
  async (c) => {
    const { target, sources } = await loadMerge(
      c.env.DB,
      c.req.param('id'),
      c.req.valid('json').sourceContactIds
    )
    return c.json({
      contact: withDerivedFields(mergeContacts(target, sources, new Date().toISOString())),
    })
  }
)

contactRoutes.post('/contacts/v4/contacts/:id/merge', validate('json', mergeBody), async (c) => {
  const { targetContactRevision, sourceContactIds } = c.req.valid('json')
  const { target, sources } = await loadMerge(c.env.DB, c.req.param('id'), sourceContactIds)
  if (target.revision !== targetContactRevision) throw alreadyChanged(target.id, target.revision)
  const now = new Date().toISOString()
  const merged = withDerivedFields({
    ...mergeContacts(target, sources, now),
    lastActivity: { activityDate: now, activityType: 'CONTACT_MERGED' },
  })
  checkLimits(merged.info)
  const writeId = crypto.randomUUID()
  const db = c.env.DB
  const written = `EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND write_id = ?2)`
  const onTarget = [target.id, writeId] as const
  const statements = [
    ...writeContactStatements(db, merged, {
      writeId,
      expectedRevision: targetContactRevision,
      originatedFrom: 'merge',
      sources: sources.map((s) => ({ id: s.id, revision: s.revision })),
    }),
    outboxStatement(db, {
      slug: 'merged',
      entityId: target.id,
      body: { targetContactId: target.id, sourceContactIds },
      now,
      when: { writtenContact: target.id, writeId },
    }),
  ]
  for (const source of sources) {
    statements.push(
      db
        .prepare(`UPDATE submissions SET contact_id = ?1 WHERE contact_id = ?3 AND ${written}`)
        .bind(...onTarget, source.id),
      db
        .prepare(`UPDATE contact_aliases SET target_id = ?1 WHERE target_id = ?3 AND ${written}`)
        .bind(...onTarget, source.id),
      db
        .prepare(
          `INSERT INTO contact_aliases (source_id, target_id, merged_date) SELECT ?3, ?1, ?4 WHERE ${written}`
        )
        .bind(...onTarget, source.id, now),
      outboxStatement(db, {
        slug: 'deleted',
        entityId: source.id,
        body: { originatedFrom: 'merge' },
        now,
        when: { writtenContact: target.id, writeId },
      }),
      db.prepare(`DELETE FROM contacts WHERE id = ?3 AND ${written}`).bind(...onTarget, source.id)
    )
  }
  const [first] = await db.batch(statements)
  if (!first!.meta.changes) throw alreadyChanged(target.id)
  return c.json({ contact: await getContact(db, target.id) })
})

contactRoutes.post(
  '/contacts/v4/contacts/:id/labels',
  validate('json', labelKeysBody),
  async (c) => {
    return relabel(c, c.req.valid('json').labelKeys, 'add')
  }
)

contactRoutes.delete('/contacts/v4/contacts/:id/labels', async (c) => {
  // The REST docs send the keys in the body, the SDK in the query string; both are accepted.
  const fromQuery = (c.req.queries('labelKeys') ?? []).flatMap((v) => v.split(',')).filter(Boolean)
  const body = fromQuery.length ? { labelKeys: fromQuery } : await c.req.json().catch(() => ({}))
  const parsed = labelKeysBody.safeParse(body)
  if (!parsed.success) {
    throw applicationError(
      400,
      'INVALID_ARGUMENT',
      'Send 1 to 100 labelKeys, in the body or as ?labelKeys=.'
    )
  }
  return relabel(c, parsed.data.labelKeys, 'remove')
})

/**
 * Label and Unlabel take no revision (as on Wix), so a concurrent change is no reason to refuse:
 * the labels are applied to the contact as it is now, reading it again if it moved meanwhile.
 */
async function relabel(c: AppContext, keys: string[], action: 'add' | 'remove') {
  const id = c.req.param('id')!
  if (action === 'add') await requireLabels(c.env.DB, keys)
  for (let attempt = 1; ; attempt++) {
    const current = await getContact(c.env.DB, id)
    if (!current) throw notFound(id)
    const labels = new Set(current.info.labelKeys?.items ?? [])
    for (const key of keys) action === 'add' ? labels.add(key) : labels.delete(key)
    const next = {
      ...current,
      updatedDate: new Date().toISOString(),
      info: { ...current.info, labelKeys: { items: [...labels] } },
    }
    checkLimits(next.info)
    const [first] = await c.env.DB.batch(
      writeContactStatements(c.env.DB, next, {
        writeId: crypto.randomUUID(),
        expectedRevision: current.revision,
      })
    )
    if (first!.meta.changes) return c.json({ contact: await getContact(c.env.DB, id) })
    if (attempt >= 10) throw alreadyChanged(id)
  }
}

// ---- Helpers

async function loadMerge(db: D1Database, targetId: string, sourceIds: string[]) {
  if (new Set(sourceIds).size !== sourceIds.length || sourceIds.includes(targetId)) {
    throw applicationError(
      400,
      'ILLEGAL_MERGE',
      'The sources must be distinct contacts other than the target.'
    )
  }
  const found = await getContacts(db, [targetId, ...sourceIds])
  const byId = new Map(found.map((contact) => [contact.id, contact]))
  const missing = [targetId, ...sourceIds].filter((id) => !byId.has(id))
  if (missing.length) {
    throw applicationError(
      404,
      'CONTACT_NOT_FOUND',
      `No contact ${missing.map((m) => `"${m}"`).join(', ')}.`,
      { ids: missing }
    )
  }
  return { target: byId.get(targetId)!, sources: sourceIds.map((id) => byId.get(id)!) }
}

/** Label keys must exist; extended values must name a user-defined field and fit its type. */
async function checkReferences(
  db: D1Database,
  info: ContactInfo,
  previous?: ContactInfo
): Promise<void> {
  await requireLabels(db, info.labelKeys?.items ?? [])
  const values = info.extendedFields?.items ?? {}
  const fields = await existingKeys(db, 'extended_fields', Object.keys(values))
  for (const [key, value] of Object.entries(values)) {
    const field = fields.get(key)
    const problem = !field
      ? 'there is no such extended field'
      : field.field_type === 'SYSTEM'
        ? previous?.extendedFields?.items[key] === value
          ? undefined
          : 'is a system field and cannot be written'
        : checkValueType(field.data_type!, value)
    if (problem) {
      throw applicationError(
        400,
        'INVALID_EXTENDED_FIELD_VALUE',
        `info.extendedFields.items["${key}"] ${problem}.`,
        { key }
      )
    }
    if (field && field.field_type !== 'SYSTEM')
      values[key] = coerceExtendedValue(field.data_type!, value)!
  }
}

/** The value as sent must already have the field's type; only a URL is completed (`https://`). */
function checkValueType(
  dataType: ExtendedFieldDataType,
  value: string | number
): string | undefined {
  if (dataType === 'URL') {
    return typeof value === 'string' && coerceExtendedValue('URL', value)
      ? undefined
      : 'must be a web address'
  }
  return checkExtendedValue(dataType, value)
}

async function requireLabels(db: D1Database, keys: string[]): Promise<void> {
  const found = await existingKeys(db, 'labels', keys)
  const missing = keys.filter((k) => !found.has(k))
  if (missing.length) {
    throw applicationError(
      404,
      'LABEL_NOT_FOUND',
      `No label ${missing.map((m) => `"${m}"`).join(', ')}; create it first.`,
      {
        labelKeys: missing,
      }
    )
  }
}

async function extendedFieldTypes(db: D1Database): Promise<ExtendedFieldTypes> {
  const { results } = await db
    .prepare(`SELECT key, data_type FROM extended_fields WHERE namespace = 'custom'`)
    .all<{ key: string; data_type: ExtendedFieldDataType }>()
  return new Map(results.map((r) => [r.key, r.data_type]))
}

/** The new contact's duplicate keys when they differ from the stored ones (else no check). */
function changedDuplicateKeys(before: Contact, after: Contact) {
  const a = duplicateKeysOf(before)
  const b = duplicateKeysOf(after)
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : b
}

async function duplicateError(db: D1Database, contact: Contact) {
  const keys = duplicateKeysOf(contact)
  const [table, key, shown] = keys.emailNorms.length
    ? ['contact_emails', 'email_norm', 'email']
    : ['contact_phones', 'e164_phone', 'phone']
  const row = await db
    .prepare(
      `SELECT contact_id, ${shown} AS matched FROM ${table}
       WHERE ${key} IN (SELECT value FROM json_each(?)) AND contact_id <> ? LIMIT 1`
    )
    .bind(JSON.stringify(keys.emailNorms.length ? keys.emailNorms : keys.e164Phones), contact.id)
    .first<{ contact_id: string; matched: string }>()
  return applicationError(
    409,
    'DUPLICATE_CONTACT_EXISTS',
    'Another contact already has this email or phone.',
    {
      duplicateContactId: row?.contact_id,
      ...(keys.emailNorms.length
        ? { duplicateEmail: row?.matched }
        : { duplicatePhone: row?.matched }),
    }
  )
}

function notFound(id: string) {
  return applicationError(404, 'CONTACT_NOT_FOUND', `There is no contact "${id}".`, { id })
}

function alreadyChanged(id: string, revision?: number) {
  return applicationError(
    409,
    'CONTACT_ALREADY_CHANGED',
    'Contact has been updated since the requested revision.',
    {
      id,
      ...(revision ? { currentRevision: revision } : {}),
    }
  )
}

function searchCondition(text: string): SqlCondition {
  const value = text.trim()
  return {
    sql: `(lower(c.first_name) = lower(?) OR lower(c.last_name) = lower(?)
      OR c.id IN (SELECT contact_id FROM contact_emails WHERE email_norm = ?)
      OR c.id IN (SELECT contact_id FROM contact_phones WHERE phone = ? OR e164_phone = ?))`,
    params: [value, value, normalizeEmail(value), value, value],
  }
}

function primaryOf(contact: Contact): string {
  return normalizeEmail(contact.primaryEmail?.email ?? '')
}
