-- Bulk jobs (Contacts v4 "bulk" endpoints): one row per job, and the ids it works on, fixed once
-- when the job loads, so contacts created later are never touched.
CREATE TABLE bulk_jobs (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('DELETE', 'UPDATE', 'ADD_REMOVE_LABELS')),
  status TEXT NOT NULL CHECK (status IN ('NEW', 'LOADING', 'RUNNING', 'COMPLETED')),
  -- JSON: what the request asked for (filter, search, info, label keys).
  request TEXT NOT NULL,
  created_date TEXT NOT NULL,
  started_date TEXT,
  finished_date TEXT,
  -- Last time a runner worked on it: the cron resumes jobs whose runner went quiet.
  heartbeat_date TEXT NOT NULL,
  total_items INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX bulk_jobs_by_created ON bulk_jobs (created_date DESC, id);
CREATE INDEX bulk_jobs_unfinished ON bulk_jobs (heartbeat_date) WHERE status <> 'COMPLETED';

-- outcome: NULL while to do, 'OK', or the error code of a failed item. Each chunk's change and
-- its outcomes commit in one batch, so an item is never applied twice.
CREATE TABLE bulk_job_items (
  job_id TEXT NOT NULL REFERENCES bulk_jobs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  contact_id TEXT NOT NULL,
  outcome TEXT,
  PRIMARY KEY (job_id, position)
) STRICT, WITHOUT ROWID;

CREATE INDEX bulk_job_items_to_do ON bulk_job_items (job_id, position) WHERE outcome IS NULL;
