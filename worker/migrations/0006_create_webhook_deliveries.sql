-- When the event was turned into deliveries (one per subscribed endpoint).
ALTER TABLE outbox ADD COLUMN dispatched_date TEXT;
-- The dispatcher run that claimed it (two runs never deliver one event twice).
ALTER TABLE outbox ADD COLUMN dispatch_id TEXT;

CREATE INDEX outbox_undispatched ON outbox (seq) WHERE dispatched_date IS NULL;
CREATE INDEX outbox_by_entity ON outbox (entity_id, seq);

-- One event to one endpoint, with its attempts.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  endpoint_url TEXT NOT NULL,
  -- queued: waiting for the queue; sending: claimed by a consumer until lease_until; delivered;
  -- failed: gave up; disabled: the endpoint answered 410.
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'delivered', 'failed', 'disabled')),
  lease_until TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL,
  UNIQUE (event_id, endpoint_url)
) STRICT;

CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, updated_date);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_url, status);

-- Endpoints that answered 410 Gone: nothing more is sent to them.
CREATE TABLE webhook_endpoints_disabled (
  endpoint_url TEXT PRIMARY KEY,
  disabled_date TEXT NOT NULL
) STRICT, WITHOUT ROWID;
