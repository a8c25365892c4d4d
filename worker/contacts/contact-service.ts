/**
 * @module
 * The contact operations of the Contacts v4 API, with Wix's rules and errors: create, update,
 * delete, merge, label. Each write is one atomic D1 batch that holds its own preconditions (the
 * revision read, no duplicate), so a concurrent change makes it do nothing rather than half of it.
 */
import { newId } from '../../shared/ids.ts'
import { applicationError } from '../../shared/api-error.ts'
import { withDerivedFields } from '../../shared/contact.ts'
import type { Contact, ContactInfoInput } from '../../shared/contact.ts'
import { normalizeEmail } from '../../shared/email.ts'
import { getContact, getContacts, resolveAlias } from '../db/contact-reads.ts'
import {
  deleteContactStatements,
  duplicateKeysOf,
  mergeStatements,
  selectDuplicateOwner,
  writeContactStatements,
} from '../db/contact-writes.ts'
import { applyInfo, checkLimits, hasContactData, normalizeInfo } from './build.ts'
import { mergeContacts } from './merge.ts'
import { checkReferences, requireLabels } from './references.ts'

/** The contact with this id, or the one a merged-away id now lives on (as Wix's Get does). */
export async function findContact(
  db: D1Database,
  id: string
): Promise<{ contact: Contact; responseType: 'REGULAR' | 'MERGED' }> {
  const contact = await getContact(db, id)
  if (contact) return { contact, responseType: 'REGULAR' }
  const target = await resolveAlias(db, id)
  const merged = target ? await getContact(db, target) : undefined
  if (!merged) throw notFound(id)
  return { contact: merged, responseType: 'MERGED' }
}

export async function createContact(
  db: D1Database,
  input: ContactInfoInput,
  allowDuplicates: boolean
): Promise<Contact | undefined> {
  const info = normalizeInfo(input)
  if (!hasContactData(info)) {
    throw applicationError(
      400,
      'INSUFFICIENT_CONTACT_DATA',
      'A contact needs at least a name, a phone or an email.'
    )
  }
  await checkReferences(db, info)
  const now = new Date().toISOString()
  const contact = withDerivedFields({
    id: newId(),
    revision: 1,
    source: { sourceType: 'OTHER' },
    createdDate: now,
    updatedDate: now,
    lastActivity: { activityDate: now, activityType: 'CONTACT_CREATED' },
    primaryInfo: {},
    info,
  })
  const duplicates = allowDuplicates ? undefined : duplicateKeysOf(contact)
  const [first] = await db.batch(
    writeContactStatements(db, contact, { writeId: crypto.randomUUID(), duplicates })
  )
  if (!first!.meta.changes) throw await duplicateError(db, contact)
  return getContact(db, contact.id)
}

/** Each part of `info` sent replaces that part whole; the revision must be the current one. */
export async function updateContact(
  db: D1Database,
  id: string,
  revision: number,
  patch: ContactInfoInput,
  allowDuplicates: boolean
): Promise<Contact | undefined> {
  const current = await getContact(db, id)
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
  await checkReferences(db, info, current.info)
  const next = withDerivedFields({ ...current, updatedDate: new Date().toISOString(), info })
  const changedKeys = changedDuplicateKeys(current, next)
  const duplicates = allowDuplicates || !changedKeys ? undefined : changedKeys
  const [first] = await db.batch(
    writeContactStatements(db, next, {
      writeId: crypto.randomUUID(),
      expectedRevision: revision,
      duplicates,
      resetSubscription: primaryOf(current) !== primaryOf(next),
    })
  )
  if (!first!.meta.changes) {
    const now = await getContact(db, id)
    if (!now) throw notFound(id)
    if (now.revision !== revision) throw alreadyChanged(id, now.revision)
    throw await duplicateError(db, next)
  }
  return getContact(db, id)
}

export async function deleteContact(db: D1Database, id: string): Promise<void> {
  if (!(await getContact(db, id))) throw notFound(id)
  await db.batch(deleteContactStatements(db, id, new Date().toISOString()))
}

/** The target as a merge would leave it, without merging. */
export async function previewMerge(
  db: D1Database,
  targetId: string,
  sourceIds: string[]
): Promise<Contact> {
  const { target, sources } = await loadMerge(db, targetId, sourceIds)
  return withDerivedFields(mergeContacts(target, sources, new Date().toISOString()))
}

/**
 * The sources' data added to the target (without repeats), the sources deleted; their ids keep
 * answering Get with the target.
 */
export async function mergeIntoTarget(
  db: D1Database,
  targetId: string,
  targetRevision: number,
  sourceIds: string[]
): Promise<Contact | undefined> {
  const { target, sources } = await loadMerge(db, targetId, sourceIds)
  if (target.revision !== targetRevision) throw alreadyChanged(target.id, target.revision)
  const now = new Date().toISOString()
  const merged = withDerivedFields({
    ...mergeContacts(target, sources, now),
    lastActivity: { activityDate: now, activityType: 'CONTACT_MERGED' },
  })
  checkLimits(merged.info)
  const [first] = await db.batch(
    mergeStatements(db, {
      target: merged,
      targetRevision,
      sources: sources.map((s) => ({ id: s.id, revision: s.revision })),
      writeId: crypto.randomUUID(),
      now,
    })
  )
  if (!first!.meta.changes) throw alreadyChanged(target.id)
  return getContact(db, target.id)
}

/**
 * Label and Unlabel take no revision (as on Wix), so a concurrent change is no reason to refuse:
 * the labels are applied to the contact as it is now, reading it again if it moved meanwhile.
 */
export async function relabel(
  db: D1Database,
  id: string,
  keys: string[],
  action: 'add' | 'remove'
): Promise<Contact | undefined> {
  if (action === 'add') await requireLabels(db, keys)
  for (let attempt = 1; ; attempt++) {
    const current = await getContact(db, id)
    if (!current) throw notFound(id)
    const labels = new Set(current.info.labelKeys?.items ?? [])
    for (const key of keys) action === 'add' ? labels.add(key) : labels.delete(key)
    const next = {
      ...current,
      updatedDate: new Date().toISOString(),
      info: { ...current.info, labelKeys: { items: [...labels] } },
    }
    checkLimits(next.info)
    const [first] = await db.batch(
      writeContactStatements(db, next, {
        writeId: crypto.randomUUID(),
        expectedRevision: current.revision,
      })
    )
    if (first!.meta.changes) return getContact(db, id)
    if (attempt >= 10) throw alreadyChanged(id)
  }
}

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

/** The new contact's duplicate keys when they differ from the stored ones (else no check). */
function changedDuplicateKeys(before: Contact, after: Contact) {
  const a = duplicateKeysOf(before)
  const b = duplicateKeysOf(after)
  return JSON.stringify(a) === JSON.stringify(b) ? undefined : b
}

async function duplicateError(db: D1Database, contact: Contact) {
  const keys = duplicateKeysOf(contact)
  const row = await selectDuplicateOwner(db, contact.id, keys)
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

function primaryOf(contact: Contact): string {
  return normalizeEmail(contact.primaryEmail?.email ?? '')
}
