/**
 * @module
 * The entities webhook events are about, named as in the event bodies (`entityFqdn`).
 */

/** Contact events: `created`, `updated`, `deleted`, `merged` (Wix's own name). */
export const CONTACT_FQDN = 'wix.contacts.v4.contact'

/** The `submitted` event of every accepted submission (this project's own). */
export const SUBMISSION_FQDN = 'contact-capture.v1.form_submission'
