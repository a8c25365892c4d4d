-- The id of the write that last changed a contact: later statements of the same batch act only
-- when that write really happened (its revision check passed).
ALTER TABLE contacts ADD COLUMN write_id TEXT;

-- Merged-away contacts: GET of a source id answers with its target.
CREATE TABLE contact_aliases (
  source_id TEXT PRIMARY KEY,
  target_id TEXT NOT NULL,
  merged_date TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX contact_aliases_by_target ON contact_aliases (target_id);

-- Domain events waiting for webhook delivery, written in the same batch as the change. They hold
-- ids and event metadata only, never contact data, so erasing a contact erases it everywhere.
CREATE TABLE outbox (
  -- entityEventSequence: only grows, never reused (AUTOINCREMENT), so per entity it orders events.
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event_type TEXT NOT NULL,
  entity_fqdn TEXT NOT NULL,
  slug TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  body TEXT NOT NULL, -- JSON: originatedFrom, merge ids
  created_date TEXT NOT NULL,
  delivered_date TEXT
) STRICT;

CREATE INDEX outbox_undelivered ON outbox (created_date, id) WHERE delivered_date IS NULL;

-- Filters and sorts of the contacts query.
CREATE INDEX contacts_by_updated ON contacts (updated_date, id);
CREATE INDEX contacts_by_activity ON contacts (last_activity_date, id);
CREATE INDEX contacts_by_first_name ON contacts (first_name, id);
CREATE INDEX contacts_by_last_name ON contacts (last_name, id);
CREATE INDEX contacts_by_company ON contacts (company, id);
CREATE INDEX contacts_by_job_title ON contacts (job_title, id);
CREATE INDEX contacts_by_birthdate ON contacts (birthdate, id);
CREATE INDEX contact_phones_by_phone ON contact_phones (phone, contact_id);
CREATE INDEX submissions_by_contact ON submissions (contact_id);

-- Wix's system extended fields: listed, readable, never renamed, deleted or written through the API.
INSERT INTO extended_fields (key, namespace, display_name, data_type, field_type, created_date, updated_date) VALUES
  ('emailSubscriptions.effectiveEmail', 'emailSubscriptions', 'Email subscription: effective email', 'TEXT', 'SYSTEM', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('emailSubscriptions.subscriptionStatus', 'emailSubscriptions', 'Email subscription: status', 'TEXT', 'SYSTEM', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'),
  ('emailSubscriptions.deliverabilityStatus', 'emailSubscriptions', 'Email subscription: deliverability', 'TEXT', 'SYSTEM', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
