-- Submissions refused as automated (honeypot, render token, Turnstile), counted per form, reason
-- and day. Nothing they sent is kept.
CREATE TABLE blocked_submissions (
  form_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  day TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (form_id, reason, day)
) STRICT, WITHOUT ROWID;

-- Exact per-minute counters for forms that set their own (lower) rate limits.
CREATE TABLE rate_counters (
  key TEXT NOT NULL,
  window INTEGER NOT NULL, -- minutes since the epoch
  count INTEGER NOT NULL,
  PRIMARY KEY (key, window)
) STRICT, WITHOUT ROWID;
