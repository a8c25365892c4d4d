-- The per-address rate limit of submissions that pass the bot checks is counted like the per-email
-- one: from the submissions themselves, inside the batch that records one. The key is a hash of
-- the client address (an IPv6 address by its /64).
ALTER TABLE submissions ADD COLUMN address_key TEXT;
CREATE INDEX submissions_by_address_key ON submissions (form_id, address_key, created_date)
  WHERE address_key IS NOT NULL;
