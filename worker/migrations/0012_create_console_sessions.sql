-- Console sessions (/admin): one row per signed-in browser. Only a SHA-256 hash of the session id
-- is kept, so a copy of this table holds no usable session. key_proof is an HMAC of the key that
-- opened the session, keyed by the session id: the worker checks on each use that the key is still
-- configured (removing or changing a key ends its sessions), and without the id the proof cannot
-- be used to test guesses of the key. Absolute expiry; the cron sweep deletes expired rows.
CREATE TABLE console_sessions (
  id_hash TEXT PRIMARY KEY,
  access TEXT NOT NULL CHECK (access IN ('admin', 'read')),
  key_proof TEXT NOT NULL,
  created_date TEXT NOT NULL,
  expires_date TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX console_sessions_by_expiry ON console_sessions (expires_date);

-- Console sign-in attempts per client address (a hash; IPv6 by its /64) over a sliding window, to
-- limit wrong keys. An attempt is counted before the key is checked and forgotten when it was right.
CREATE TABLE console_sign_in_attempts (
  id INTEGER PRIMARY KEY,
  address_key TEXT NOT NULL,
  attempted_date TEXT NOT NULL
) STRICT;

CREATE INDEX console_sign_in_attempts_by_address
  ON console_sign_in_attempts (address_key, attempted_date);
CREATE INDEX console_sign_in_attempts_by_date ON console_sign_in_attempts (attempted_date);
