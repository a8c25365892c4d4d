/**
 * @module
 * The Contacts v4 bulk endpoints: start a job (delete, update, add/remove labels on the contacts a
 * filter and/or search selects) and read jobs. Bodies are strict: a misspelt `filter` is a 400,
 * never a job on other contacts than meant.
 */
import { Hono } from 'hono'
import * as z from '../../shared/zod.ts'
import { contactInfoInputSchema } from '../../shared/contact.ts'
import { getBulkJob, listBulkJobs, startBulkJob } from '../contacts/bulk-jobs.ts'
import { jsonBody } from './middleware/validate.ts'

const selection = {
  filter: z.optional(z.record(z.string(), z.unknown())),
  search: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
}
const labelKeys = z._default(
  z.array(z.string().check(z.minLength(1), z.maxLength(80))).check(z.maxLength(100)),
  []
)

const deleteBody = z.strictObject(selection)
const updateBody = z.strictObject({ ...selection, info: contactInfoInputSchema })
const labelsBody = z.strictObject({
  ...selection,
  labelKeysToAdd: labelKeys,
  labelKeysToRemove: labelKeys,
})

export const bulkJobRoutes = new Hono<{ Bindings: Env }>()

bulkJobRoutes.post('/contacts/v4/bulk/contacts/delete', jsonBody(deleteBody), async (c) =>
  c.json({
    jobId: await startBulkJob(c.env.DB, c.env.BULK_JOBS, {
      type: 'DELETE',
      ...c.req.valid('json'),
    }),
  })
)

bulkJobRoutes.post('/contacts/v4/bulk/contacts/update', jsonBody(updateBody), async (c) =>
  c.json({
    jobId: await startBulkJob(c.env.DB, c.env.BULK_JOBS, {
      type: 'UPDATE',
      ...c.req.valid('json'),
    }),
  })
)

bulkJobRoutes.post(
  '/contacts/v4/bulk/contacts/add-remove-labels',
  jsonBody(labelsBody),
  async (c) =>
    c.json({
      jobId: await startBulkJob(c.env.DB, c.env.BULK_JOBS, {
        type: 'ADD_REMOVE_LABELS',
        ...c.req.valid('json'),
      }),
    })
)

bulkJobRoutes.get('/contacts/v4/bulk/jobs/:id', async (c) =>
  c.json({ job: await getBulkJob(c.env.DB, c.req.param('id')) })
)

bulkJobRoutes.get('/contacts/v4/bulk/jobs', async (c) =>
  c.json({ jobs: await listBulkJobs(c.env.DB) })
)
