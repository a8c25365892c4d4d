-- Bursts of leads go out together. The first lead of a quiet spell is emailed at once and opens a
-- window for its form and recipient; the leads that arrive while it is open wait, and the
-- window's queue message sends them as one email every minute until a minute passes without one.
-- A row here means "a queue message will flush this form's waiting leads to this recipient":
-- written by the capture batch of the lead that opens it, deleted by the flush that finds none.
CREATE TABLE notification_windows (
  form_id TEXT NOT NULL,
  recipient TEXT NOT NULL,
  opened_date TEXT NOT NULL,
  -- the last flush (or the opening); a window untouched for long has lost its queue message
  updated_date TEXT NOT NULL,
  PRIMARY KEY (form_id, recipient)
) STRICT, WITHOUT ROWID;

-- The leads a flush takes: those still to be sent, per form and recipient.
CREATE INDEX notifications_waiting_leads ON notifications (form_id, recipient, created_date)
  WHERE kind = 'lead' AND status IN ('queued', 'sending');
