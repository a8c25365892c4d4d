-- Contacts in the Wix v4 shape. Times are ISO-8601 UTC strings with milliseconds, which sort
-- in time order as text.
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  revision INTEGER NOT NULL DEFAULT 1,
  source_type TEXT NOT NULL,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL,
  last_activity_date TEXT NOT NULL,
  last_activity_type TEXT NOT NULL,
  first_name TEXT,
  last_name TEXT,
  company TEXT,
  job_title TEXT,
  birthdate TEXT,
  locale TEXT,
  subscription_status TEXT NOT NULL DEFAULT 'NOT_SET',
  deliverability_status TEXT NOT NULL DEFAULT 'NOT_SET'
) STRICT;

-- createdDate range queries and the default sort; id breaks ties so paging never skips or repeats.
CREATE INDEX contacts_by_created ON contacts (created_date, id);

CREATE TABLE contact_emails (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  tag TEXT NOT NULL,
  email TEXT NOT NULL,
  -- normalizeEmail() of shared/email.ts: the duplicate key.
  email_norm TEXT NOT NULL,
  is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1))
) STRICT;

-- Not unique: the admin API may create contacts that share an address (allowDuplicates), as Wix
-- does. Submissions stay duplicate-free through conditional inserts inside one atomic batch.
CREATE INDEX contact_emails_by_norm ON contact_emails (email_norm, contact_id);
CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id, position);

CREATE TABLE contact_phones (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  tag TEXT NOT NULL,
  phone TEXT NOT NULL,
  country_code TEXT,
  e164_phone TEXT,
  is_primary INTEGER NOT NULL CHECK (is_primary IN (0, 1))
) STRICT;

CREATE INDEX contact_phones_by_e164 ON contact_phones (e164_phone, contact_id);
CREATE INDEX contact_phones_by_contact ON contact_phones (contact_id, position);

CREATE TABLE contact_addresses (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  tag TEXT NOT NULL,
  address TEXT NOT NULL -- the Wix address object as JSON
) STRICT;

CREATE INDEX contact_addresses_by_contact ON contact_addresses (contact_id, position);
