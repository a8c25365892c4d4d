-- The submission log is read by owners: a contact's submissions and a form's, newest first
-- (GET /v1/contacts/:id/submissions, GET /v1/submissions?formId=…). The id breaks ties.
DROP INDEX submissions_by_contact;
CREATE INDEX submissions_by_contact ON submissions (contact_id, created_date, id);
CREATE INDEX submissions_by_form ON submissions (form_id, created_date, id);
