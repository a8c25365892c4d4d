/** What the fault proxy (fault-proxy.ts) can do to a request to the Wix backend's peer. */
export type Fault =
  | { match: string; action: 'status'; status: number; retryAfter?: number; times: number }
  | { match: string; action: 'hang'; times: number }
  /** Before a create goes through, the same create is sent: the original then meets a duplicate. */
  | { match: string; action: 'race-create'; times: number }
  /** Before an update goes through, another update of the contact is sent: the original is stale. */
  | { match: string; action: 'race-update'; times: number }
  /** The request goes through, and its answer's status and headers come back, but never its body. */
  | { match: string; action: 'stall-body'; times: number }
