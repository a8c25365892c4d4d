-- Email keys made before the domain was read by UTS #46 alone (and the local part only
-- lower-cased) may join different mailboxes: `victim@gıthub.com` was keyed as `victim@github.com`.
-- SQL cannot compute the new key, so rows whose address is not plain ASCII are marked here, and
-- the worker's cron sweep recomputes their keys (worker/contacts/email-keys.ts). ASCII addresses
-- keep their key: it is the same under both rules.
ALTER TABLE contact_emails ADD COLUMN key_version INTEGER NOT NULL DEFAULT 2;
UPDATE contact_emails SET key_version = 1 WHERE email GLOB '*[^ -~]*';
CREATE INDEX contact_emails_stale_keys ON contact_emails (id) WHERE key_version = 1;
