/**
 * @module
 * The contacts table's columns: what each shows, and the Query Contacts field it sorts by when the
 * API can sort by it. Every user-defined extended field is a column too (`x:custom.interest`).
 */
import type { Contact, ExtendedField } from './contacts-api.ts'
import { formatDate, S } from './strings.ts'

export interface Column {
  id: string
  label: string
  /** The Query Contacts sort field; none for columns the API cannot sort by. */
  sortField?: string
  /** The cell's text. */
  text: (contact: Contact, labelNames: Map<string, string>) => string
}

const BUILT_IN: Column[] = [
  {
    id: 'first',
    label: S.columns.firstName,
    sortField: 'info.name.first',
    text: (c) => c.info.name?.first ?? '',
  },
  {
    id: 'last',
    label: S.columns.lastName,
    sortField: 'info.name.last',
    text: (c) => c.info.name?.last ?? '',
  },
  {
    id: 'email',
    label: S.columns.email,
    sortField: 'primaryInfo.email',
    text: (c) => c.primaryInfo.email ?? '',
  },
  { id: 'phone', label: S.columns.phone, text: (c) => c.primaryInfo.phone ?? '' },
  {
    id: 'company',
    label: S.columns.company,
    sortField: 'info.company',
    text: (c) => c.info.company ?? '',
  },
  {
    id: 'jobTitle',
    label: S.columns.jobTitle,
    sortField: 'info.jobTitle',
    text: (c) => c.info.jobTitle ?? '',
  },
  {
    id: 'labels',
    label: S.columns.labels,
    text: (c, names) =>
      (c.info.labelKeys?.items ?? []).map((key) => names.get(key) ?? key).join(', '),
  },
  {
    id: 'created',
    label: S.columns.created,
    sortField: 'createdDate',
    text: (c) => formatDate(c.createdDate),
  },
  {
    id: 'activity',
    label: S.columns.lastActivity,
    sortField: 'lastActivity.activityDate',
    text: (c) => formatDate(c.lastActivity.activityDate),
  },
]

/** Every column there is: the built-in ones, then one per user-defined extended field. */
export function allColumns(fields: ExtendedField[]): Column[] {
  return [
    ...BUILT_IN,
    ...fields
      .filter((f) => f.fieldType === 'USER_DEFINED')
      .map((f): Column => ({
        id: `x:${f.key}`,
        label: f.displayName,
        sortField: `info.extendedFields.${f.key}`,
        text: (c) => String(c.info.extendedFields?.items[f.key] ?? ''),
      })),
  ]
}

/** What a contact is called: its name, else its email, else its phone. */
export function displayName(contact: Contact): string {
  const name = [contact.info.name?.first, contact.info.name?.last].filter(Boolean).join(' ')
  return name || contact.primaryInfo.email || contact.primaryInfo.phone || S.contacts.unnamed
}
