-- CSV imports run as bulk jobs of a new type, IMPORT, whose items are the file's rows.
-- SQLite cannot change a CHECK constraint, so bulk_jobs is rebuilt with the wider CHECK (kept,
-- rather than dropped: a job of an unknown type would be run by no one). Dropping bulk_jobs would
-- delete its items by cascade, so bulk_job_items is copied aside first and rebuilt with it:
-- - contact_id may now be NULL: an import row has no contact until it runs (then the contact it
--   created or updated);
-- - data: an import row as read from the file (JSON), kept after the run only for failed rows,
--   for the rejected-rows report;
-- - detail: why a failed import row failed (JSON: code, message, column, value).
CREATE TABLE bulk_jobs_next (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('DELETE', 'UPDATE', 'ADD_REMOVE_LABELS', 'IMPORT')),
  status TEXT NOT NULL CHECK (status IN ('NEW', 'LOADING', 'RUNNING', 'COMPLETED')),
  request TEXT NOT NULL,
  created_date TEXT NOT NULL,
  started_date TEXT,
  finished_date TEXT,
  heartbeat_date TEXT NOT NULL,
  total_items INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO bulk_jobs_next (id, type, status, request, created_date, started_date, finished_date,
  heartbeat_date, total_items)
SELECT id, type, status, request, created_date, started_date, finished_date, heartbeat_date,
  total_items FROM bulk_jobs;

CREATE TABLE bulk_job_items_next (
  job_id TEXT NOT NULL REFERENCES bulk_jobs_next (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  contact_id TEXT,
  outcome TEXT,
  data TEXT,
  detail TEXT,
  PRIMARY KEY (job_id, position)
) STRICT, WITHOUT ROWID;

INSERT INTO bulk_job_items_next (job_id, position, contact_id, outcome)
SELECT job_id, position, contact_id, outcome FROM bulk_job_items;

DROP TABLE bulk_job_items;
DROP TABLE bulk_jobs;
-- Renaming also points bulk_job_items_next's foreign key at the new name.
ALTER TABLE bulk_jobs_next RENAME TO bulk_jobs;
ALTER TABLE bulk_job_items_next RENAME TO bulk_job_items;

CREATE INDEX bulk_jobs_by_created ON bulk_jobs (created_date DESC, id);
CREATE INDEX bulk_jobs_unfinished ON bulk_jobs (heartbeat_date) WHERE status <> 'COMPLETED';
CREATE INDEX bulk_job_items_to_do ON bulk_job_items (job_id, position) WHERE outcome IS NULL;
