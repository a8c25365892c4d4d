CREATE TABLE labels (
  key TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  display_name TEXT NOT NULL,
  label_type TEXT NOT NULL,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL
) STRICT;

-- Find-or-create by display name is an exact match, one label per name within a namespace.
CREATE UNIQUE INDEX labels_by_display_name ON labels (namespace, display_name);

CREATE TABLE contact_labels (
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  label_key TEXT NOT NULL REFERENCES labels (key) ON DELETE CASCADE,
  PRIMARY KEY (contact_id, label_key)
) STRICT, WITHOUT ROWID;

-- info.labelKeys $hasSome: from label to contacts.
CREATE INDEX contact_labels_by_label ON contact_labels (label_key, contact_id);

CREATE TABLE extended_fields (
  key TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  display_name TEXT NOT NULL,
  data_type TEXT NOT NULL CHECK (data_type IN ('TEXT', 'NUMBER', 'DATE', 'URL')),
  field_type TEXT NOT NULL,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL
) STRICT;

CREATE UNIQUE INDEX extended_fields_by_display_name ON extended_fields (namespace, display_name);

CREATE TABLE contact_extended_values (
  contact_id TEXT NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
  field_key TEXT NOT NULL REFERENCES extended_fields (key) ON DELETE CASCADE,
  value TEXT NOT NULL, -- JSON: a string or a number
  PRIMARY KEY (contact_id, field_key)
) STRICT, WITHOUT ROWID;

CREATE INDEX contact_extended_values_by_field ON contact_extended_values (field_key, value);
