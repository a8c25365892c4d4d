/**
 * @module
 * Everything the console says, in one place, so it can be translated: replace the texts (keep the
 * `{placeholders}`), set `LANG` (the page's `lang`, and how numbers and dates are written) and
 * give each `{ one, other }` the plural forms the language needs (`Intl.PluralRules` categories).
 */

export const LANG = 'en'

type Plural = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string }

export const S = {
  app: {
    title: 'Console · contact-capture',
    pageTitle: '{page} · contact-capture',
    brand: 'contact-capture',
    skip: 'Skip to content',
    loading: 'Loading…',
    readOnly: 'Read only',
    readOnlyHint: 'Signed in with a read-only key: you can look, not change.',
    signOut: 'Sign out',
    notFound: 'There is no such page.',
    toContacts: 'Go to the contacts',
  },
  nav: {
    label: 'Console',
    contacts: 'Contacts',
  },
  signIn: {
    heading: 'Sign in to the console',
    keyLabel: 'Admin key',
    keyHint:
      'The ADMIN_API_KEY of this worker, or a read-only key from READ_API_KEYS. Running locally, npm start prints a new key and keeps it in .dev.vars. The key is sent once and never kept by this page.',
    submit: 'Sign in',
    signingIn: 'Signing in…',
    wrongKey: 'That key is not right. Check it and try again.',
    tooMany: 'Too many tries. Try again in {seconds} seconds.',
    signedOut: 'You are signed out.',
    sessionEnded: 'Your session ended. Sign in again to go on.',
  },
  errors: {
    network: 'The worker could not be reached. Check your connection and try again.',
    status: 'The request failed (HTTP {status}).',
    unexpected: 'Something went wrong. Try again.',
    retry: 'Try again',
  },
  contacts: {
    heading: 'Contacts',
    caption: 'Contacts',
    captionCount: { one: '{count} contact', other: '{count} contacts' } satisfies Plural,
    sortedBy: 'sorted by {column}, {order}',
    ascending: 'ascending',
    descending: 'descending',
    searchLabel: 'Search contacts',
    searchHint: 'Finds an exact first name, last name, email or phone number, in any case.',
    search: 'Search',
    clearSearch: 'Clear search',
    filters: 'Filters',
    createdFrom: 'Created from',
    createdTo: 'Created to',
    form: 'Came from form',
    anyForm: 'Any form',
    formHint: '“Came from form” looks at the form’s latest {max} submissions.',
    formCapped:
      'This form has more than {max} submissions: the contacts of older ones are not shown.',
    apply: 'Apply filters',
    clearFilters: 'Clear filters',
    labels: 'Labels',
    allContacts: 'All contacts',
    notLabelled: 'Not labelled',
    facetCount: { one: '{count} contact', other: '{count} contacts' } satisfies Plural,
    unknownLabel: 'The label in this link no longer exists; showing all contacts.',
    columns: 'Columns',
    visibleColumns: 'Visible columns',
    tableRegion: 'Contacts table; scroll sideways for more columns',
    empty:
      'No contacts yet — embed your form on a page, and each visitor who sends it appears here.',
    emptyFiltered: 'No contact matches this search and these filters.',
    pages: 'Pages',
    previous: 'Previous page',
    next: 'Next page',
    pageOf: 'Page {page} of {pages}',
    showing: 'Showing {from}–{to} of {total}',
    perPage: 'Per page',
    open: 'Open {name}',
    unnamed: 'Unnamed contact',
    selectPage: 'Select every contact on this page',
    selectRow: 'Select {name}',
    loading: 'Loading contacts…',
  },
  columns: {
    contact: 'Contact',
    firstName: 'First name',
    lastName: 'Last name',
    email: 'Email',
    phone: 'Phone',
    company: 'Company',
    jobTitle: 'Job title',
    labels: 'Labels',
    created: 'Created',
    lastActivity: 'Last activity',
  },
  selection: {
    region: 'Selected contacts',
    count: { one: '{count} contact selected', other: '{count} contacts selected' } satisfies Plural,
    allMatching: {
      one: 'The {count} contact matching this view is selected.',
      other: 'All {count} contacts matching this view are selected.',
    } satisfies Plural,
    selectAllMatching: 'Select all {count} matching',
    clear: 'Clear selection',
    addLabel: 'Add label',
    removeLabel: 'Remove label',
    delete: 'Delete',
  },
  bulk: {
    addHeading: {
      one: 'Add a label to {count} contact?',
      other: 'Add a label to {count} contacts?',
    } satisfies Plural,
    removeHeading: {
      one: 'Remove a label from {count} contact?',
      other: 'Remove a label from {count} contacts?',
    } satisfies Plural,
    deleteHeading: {
      one: 'Delete {count} contact?',
      other: 'Delete {count} contacts?',
    } satisfies Plural,
    deleteBody:
      'Deleting erases each contact — names, emails, phones, addresses, labels and fields — and the values and page context of its submissions. It cannot be undone.',
    deleteConfirm: {
      one: 'Delete {count} contact',
      other: 'Delete {count} contacts',
    } satisfies Plural,
    laterNote: 'Contacts created after you confirm are not touched.',
    noLabels: 'There are no labels to remove.',
    started: 'Working on {count} contacts…',
    type: {
      ADD_REMOVE_LABELS: 'Labelling',
      DELETE: 'Deleting',
      UPDATE: 'Updating',
    },
    status: {
      NEW: 'Waiting to start',
      LOADING: 'Finding the contacts',
      RUNNING: 'Running',
      COMPLETED: 'Completed',
    },
    progress: '{type}: {status} — {done} of {total} done',
    done: 'Completed: {success} changed, {failed} failed.',
    errorsHeading: 'Why some failed',
    errorLine: '{count} × {message}',
    dismiss: 'Dismiss',
    heading: {
      ADD_REMOVE_LABELS: 'Label job',
      DELETE: 'Delete job',
      UPDATE: 'Update job',
    },
  },
  labelChoice: {
    label: 'Label',
    choose: 'Choose a label',
    newOption: 'A new label…',
    newName: 'New label’s name',
    required: 'Choose a label or name a new one.',
  },
  dialog: {
    cancel: 'Cancel',
    close: 'Close',
  },
  contact: {
    back: 'All contacts',
    loading: 'Loading the contact…',
    notFound: 'There is no contact with this id: it may have been deleted.',
    mergedNotice: 'That contact was merged into this one.',
    edit: 'Edit',
    save: 'Save changes',
    saving: 'Saving…',
    cancel: 'Cancel',
    saved: 'Saved.',
    stale:
      'Someone changed this contact since you opened it (a form submission, another person, or an integration). Your edits were not saved. Reload to see the contact as it is now, then edit again.',
    reload: 'Reload',
    merge: 'Merge…',
    delete: 'Delete…',
    deleted: 'The contact was deleted.',
    deleteHeading: 'Delete {name}?',
    deleteBody: {
      one: 'Deleting erases the contact — names, emails, phones, addresses, labels and fields — and the values and page context of its one submission, which stays in the log marked as erased. It cannot be undone.',
      other:
        'Deleting erases the contact — names, emails, phones, addresses, labels and fields — and the values and page context of its {count} submissions, which stay in the log marked as erased. It cannot be undone.',
    } satisfies Plural,
    deleteConfirm: 'Delete contact',
    details: 'Details',
    name: 'Name',
    firstName: 'First name',
    lastName: 'Last name',
    emails: 'Emails',
    email: 'Email',
    phones: 'Phones',
    phone: 'Phone',
    countryCode: 'Country (2 letters)',
    addresses: 'Addresses',
    address: 'Address {n}',
    addressLine: 'Street address',
    addressLine2: 'Address line 2',
    city: 'City',
    subdivision: 'Region',
    postalCode: 'Postal code',
    country: 'Country (2 letters)',
    company: 'Company',
    jobTitle: 'Job title',
    tag: 'Kind',
    primary: 'Primary',
    primaryNote: 'primary',
    addEmail: 'Add an email',
    addPhone: 'Add a phone',
    addAddress: 'Add an address',
    remove: 'Remove',
    removeItem: 'Remove {item}',
    extendedFields: 'Fields',
    noValue: '—',
    created: 'Created',
    updated: 'Updated',
    revision: 'Revision',
    labels: 'Labels',
    noLabels: 'No labels.',
    removeLabel: 'Remove the label {name}',
    addLabel: 'Add label',
    labelAdded: 'Label added.',
    labelRemoved: 'Label removed.',
    timeline: 'Timeline',
    noSubmissions: 'No form submissions: this contact was made another way (the API, an import).',
    moreSubmissions: 'Showing the latest {shown} of {total} submissions.',
    submitted: 'Sent the form “{form}”',
    createdEvent: 'Contact created',
    updatedEvent: 'Last changed (revision {revision})',
    changesNote:
      'Changes are shown as the contact’s created and last-changed dates; the worker keeps no change log.',
    status: 'Status',
    statusNames: { pending: 'pending', processed: 'processed', failed: 'failed' },
    page: 'Page',
    referrer: 'Came from',
    utm: 'Campaign (UTM)',
    values: 'What the visitor typed',
    consent: 'Consent',
    consentLine: '“{text}” (version {version}), given {time}',
    noConsent: 'No consent box was ticked.',
    erased: 'Erased: the values and page context went with a deleted contact.',
    yes: 'yes',
  },
  tags: {
    UNTAGGED: 'Other',
    MAIN: 'Main',
    HOME: 'Home',
    WORK: 'Work',
    MOBILE: 'Mobile',
    FAX: 'Fax',
    BILLING: 'Billing',
    SHIPPING: 'Shipping',
  } as Record<string, string>,
  merge: {
    heading: 'Merge other contacts into {name}',
    intro:
      'Find the duplicates of this contact, choose up to {max}, and look at the result before you merge. This contact keeps its data; the others’ emails, phones, addresses, labels and fields are added, and they are deleted (their ids lead here).',
    searchLabel: 'Find contacts',
    searchHint: 'The start of a first name, last name or email.',
    find: 'Find',
    results: 'Contacts found',
    noResults: 'No other contact starts with that.',
    tooMany: 'Choose at most {max}.',
    preview: 'Preview the merge',
    previewHeading: 'After the merge',
    confirm: { one: 'Merge {count} contact', other: 'Merge {count} contacts' } satisfies Plural,
    merged: 'Merged.',
    back: 'Back',
  },
}

const numbers = new Intl.NumberFormat(LANG)
const plurals = new Intl.PluralRules(LANG)

/** Fills `{name}` placeholders; numbers are written the language's way (`1,204`). */
export function fill(text: string, params: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (all, name: string) => {
    const value = params[name]
    if (value === undefined) return all
    return typeof value === 'number' ? numbers.format(value) : value
  })
}

/** The form for `count` (`{ one: '{count} contact', other: '{count} contacts' }`), filled. */
export function plural(
  forms: Plural,
  count: number,
  params: Record<string, string | number> = {}
): string {
  return fill(forms[plurals.select(count)] ?? forms.other, { count, ...params })
}

export function formatNumber(n: number): string {
  return numbers.format(n)
}

const dateTimes = new Intl.DateTimeFormat(LANG, { dateStyle: 'medium', timeStyle: 'short' })
const dates = new Intl.DateTimeFormat(LANG, { dateStyle: 'medium' })

export function formatDateTime(iso: string): string {
  return dateTimes.format(new Date(iso))
}

export function formatDate(iso: string): string {
  return dates.format(new Date(iso))
}
