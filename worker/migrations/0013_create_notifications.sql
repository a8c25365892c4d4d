-- Emails to site owners (forms.config.ts `notify`): one row per email and recipient. A lead's row
-- is written in the batch that records its submission; a digest's by the cron, once per form,
-- day and recipient. Rows are sent from the NOTIFICATIONS queue; each try is in
-- notification_attempts. They hold ids, never what the visitor sent: the message is built when it
-- is sent, so a contact deleted meanwhile is never mailed about.
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('lead', 'digest')),
  form_id TEXT NOT NULL,
  -- lead: the submission it tells of
  submission_id TEXT,
  -- digest: the day it sums up (YYYY-MM-DD in the form's time zone), and that day's UTC bounds
  digest_day TEXT,
  period_start TEXT,
  period_end TEXT,
  recipient TEXT NOT NULL,
  -- queued: waiting for the queue; sending: claimed by a consumer until lease_until; sent;
  -- failed: gave up (or the error cannot pass); skipped: nothing left to tell (contact deleted).
  status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
  -- when its queue message was sent; NULL until then
  queued_date TEXT,
  lease_until TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  message_id TEXT,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL,
  sent_date TEXT,
  -- Never twice: one email per submission and recipient, one digest per form, day and recipient.
  UNIQUE (submission_id, recipient),
  UNIQUE (form_id, digest_day, recipient)
) STRICT;

CREATE INDEX notifications_unqueued ON notifications (created_date) WHERE queued_date IS NULL;
CREATE INDEX notifications_by_status ON notifications (status, updated_date);
CREATE INDEX notifications_by_created ON notifications (created_date, id);
CREATE INDEX notifications_by_form ON notifications (form_id, created_date, id);

-- Each try to send a notification, with its outcome.
CREATE TABLE notification_attempts (
  notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  attempted_date TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'failed')),
  error TEXT,
  message_id TEXT,
  PRIMARY KEY (notification_id, attempt)
) STRICT, WITHOUT ROWID;
