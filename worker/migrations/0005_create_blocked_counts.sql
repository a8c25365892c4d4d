-- Submissions refused as automated (honeypot, render token, Turnstile), counted per form, reason
-- and day. Nothing they sent is kept.
CREATE TABLE blocked_submissions (
  form_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  day TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (form_id, reason, day)
) STRICT, WITHOUT ROWID;
