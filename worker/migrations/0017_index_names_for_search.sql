-- Search matches a first or last name in any case: these let it look names up instead of
-- reading every contact (worker/db/query/contact-search.ts writes lower(…) exactly so).
CREATE INDEX contacts_by_first_name_lower ON contacts (lower(first_name));
CREATE INDEX contacts_by_last_name_lower ON contacts (lower(last_name));
