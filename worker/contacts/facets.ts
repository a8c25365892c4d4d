/**
 * @module
 * Contacts v4 facets: how many contacts are in the list, not labelled, under each label and each
 * email subscription status, each with the `queryFilter` (a JSON string, as on Wix) that selects
 * exactly those contacts in Query Contacts. Given a filter, each facet counts within it, and its
 * queryFilter is the filter and the facet's own condition together.
 */
import { toLabel } from '../db/catalog-entries.ts'
import { countFacets } from '../db/facets.ts'
import { matchingContacts } from './contact-query.ts'

export type FacetType = 'ALL_CONTACTS' | 'NOT_LABELED' | 'LABEL' | 'SUBSCRIPTION_STATUS'

export interface ContactsFacet {
  facetType: FacetType
  namespace?: string
  namespaceDisplayName?: string
  facetKey?: string
  facetDisplayName?: string
  count: number
  queryFilter: string
}

export const SUBSCRIPTION_FIELD = 'info.extendedFields.emailSubscriptions.subscriptionStatus'

const SUBSCRIPTION_STATUSES = {
  SUBSCRIBED: 'Subscribed',
  UNSUBSCRIBED: 'Unsubscribed',
  PENDING: 'Pending',
  NOT_SET: 'Not set',
}

export async function listFacets(
  db: D1Database,
  filter: Record<string, unknown> | undefined
): Promise<ContactsFacet[]> {
  const counts = await countFacets(db, await matchingContacts(db, filter))
  const within = (own: Record<string, unknown> | undefined) =>
    JSON.stringify(
      !filter || !Object.keys(filter).length ? (own ?? {}) : own ? { $and: [filter, own] } : filter
    )
  return [
    { facetType: 'ALL_CONTACTS', count: counts.all, queryFilter: within(undefined) },
    {
      facetType: 'NOT_LABELED',
      count: counts.notLabeled,
      queryFilter: within({ 'info.labelKeys': { $exists: false } }),
    },
    ...counts.labels.map((row): ContactsFacet => {
      const label = toLabel(row)
      return {
        facetType: 'LABEL',
        namespace: label.namespace,
        namespaceDisplayName: label.namespaceDisplayName,
        facetKey: label.key,
        facetDisplayName: label.displayName,
        count: row.count,
        queryFilter: within({ 'info.labelKeys': { $hasSome: [label.key] } }),
      }
    }),
    // Every status, those no contact has included, so the list does not change shape.
    ...Object.entries(SUBSCRIPTION_STATUSES).map(([status, name]): ContactsFacet => ({
      facetType: 'SUBSCRIPTION_STATUS',
      namespace: 'emailSubscriptions',
      namespaceDisplayName: 'Email subscriptions',
      facetKey: status,
      facetDisplayName: name,
      count: counts.subscriptions.find((s) => s.status === status)?.count ?? 0,
      queryFilter: within({ [SUBSCRIPTION_FIELD]: { $eq: status } }),
    })),
  ]
}
