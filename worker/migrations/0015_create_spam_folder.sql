-- The spam folder: submissions refused as automated, kept with what they sent for 30 days (the
-- cron deletes them after), so an owner can look and restore a person's message. At most a few
-- hundred a form (the newest), so a flood cannot fill the database.
CREATE TABLE spam_submissions (
  id TEXT PRIMARY KEY,
  form_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  -- JSON: { values, context } as the pipeline takes them; nothing else of the request.
  payload TEXT NOT NULL,
  origin TEXT,
  created_date TEXT NOT NULL
) STRICT;

CREATE INDEX spam_submissions_by_form ON spam_submissions (form_id, created_date DESC, id);
CREATE INDEX spam_submissions_by_date ON spam_submissions (created_date, id);
