-- Every accepted submission, written before any contact changes, so none is ever lost.
CREATE TABLE submissions (
  id TEXT PRIMARY KEY,
  form_id TEXT NOT NULL,
  idempotency_key TEXT,
  -- SHA-256 of the request body: a replayed key with another body is refused.
  body_hash TEXT NOT NULL,
  submitted_values TEXT NOT NULL, -- JSON, as validated
  context TEXT NOT NULL, -- JSON: page URL, referrer, utm
  consent TEXT, -- JSON: what was agreed, when, where
  -- pending: recorded, contact not yet written; processed: contact written; failed: gave up.
  status TEXT NOT NULL CHECK (status IN ('pending', 'processed', 'failed')),
  contact_id TEXT,
  -- the attempt that wrote the contact; statements of a replayed batch find no match and do nothing
  attempt_id TEXT,
  response_status INTEGER NOT NULL,
  response_body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_date TEXT NOT NULL,
  processed_date TEXT,
  -- the nonce of the render token it carried; a token serves one submission
  render_nonce TEXT
) STRICT;

CREATE UNIQUE INDEX submissions_by_idempotency_key ON submissions (form_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
CREATE INDEX submissions_by_created ON submissions (created_date, id);
CREATE INDEX submissions_by_status ON submissions (status, created_date) WHERE status <> 'processed';
CREATE UNIQUE INDEX submissions_by_render_nonce ON submissions (render_nonce) WHERE render_nonce IS NOT NULL;
