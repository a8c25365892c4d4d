/**
 * The forms this site serves. Each key is a form id, used in `<contact-form form="...">`.
 * The file is checked at `npm start`, `npm test` and deploy; a mistake names the form and field.
 */
import { defineForms } from './shared/forms-config.ts'

export default defineForms({
  demo: {
    title: 'Talk to us',
    description: 'Tell us a little about yourself and we will get back to you within a day.',
    allowedOrigins: ['http://localhost:8787', 'http://127.0.0.1:8787'],
    defaultCountry: 'US',
    fields: [
      { name: 'email', type: 'email', label: 'Email', required: true, maps: 'email' },
      { name: 'firstName', type: 'text', label: 'First name', maps: 'name.first' },
      { name: 'lastName', type: 'text', label: 'Last name', maps: 'name.last' },
      { name: 'phone', type: 'tel', label: 'Phone', maps: 'phone' },
      { name: 'company', type: 'text', label: 'Company', maps: 'company' },
      {
        name: 'interest',
        type: 'select',
        label: 'Interested in',
        options: [
          { value: 'pricing', label: 'Pricing' },
          { value: 'support', label: 'Support' },
          { value: 'partnership', label: 'Partnership' },
        ],
        maps: { extendedField: 'Interest', dataType: 'TEXT' },
      },
      {
        name: 'message',
        type: 'textarea',
        label: 'Message',
        maps: { extendedField: 'Message', dataType: 'TEXT' },
      },
      {
        name: 'consent',
        type: 'consent',
        label: 'I agree to be contacted about my request.',
        required: true,
        version: '2026-11-01',
      },
    ],
    labels: ['Website lead', 'Demo request'],
    extendedFields: [{ displayName: 'Signup source', dataType: 'TEXT', value: 'demo page' }],
    onDuplicate: 'append',
    // A placeholder: under npm start the email is only simulated (it says where the file is).
    notify: { email: ['owner@example.com'], digest: 'daily' },
    submitLabel: 'Send',
    successMessage: 'Thanks, we will be in touch.',
  },
})
