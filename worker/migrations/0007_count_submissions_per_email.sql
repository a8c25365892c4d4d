-- The per-email rate limit is counted from the submissions themselves, inside the batch that
-- records one: exact, global, and no extra call. The key is a hash of the normalised email.
ALTER TABLE submissions ADD COLUMN email_key TEXT;
CREATE INDEX submissions_by_email_key ON submissions (form_id, email_key, created_date)
  WHERE email_key IS NOT NULL;

-- Unused since webhook dispatch follows outbox_undispatched; each index costs every write.
DROP INDEX outbox_undelivered;
