/**
 * @module
 * The contact-capture worker: wiring only. Handlers live in ./routes, SQL in ./db.
 */
import { Hono } from 'hono'
import { handleError, handleNotFound } from './errors.ts'
import { adminAuth } from './middleware/admin-auth.ts'
import { catalogRoutes, EXTENDED_FIELDS, LABELS } from './routes/catalog.ts'
import { contactRoutes } from './routes/contacts.ts'
import { formRoutes } from './routes/forms.ts'
import { health } from './routes/health.ts'

const app = new Hono<{ Bindings: Env }>()

app.use('/contacts/v4/*', adminAuth())

app.route('/', health)
app.route('/', formRoutes)
app.route('/', contactRoutes)
app.route('/', catalogRoutes(LABELS))
app.route('/', catalogRoutes(EXTENDED_FIELDS))

app.onError(handleError)
app.notFound(handleNotFound)

export default app
