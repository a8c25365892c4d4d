/** The secret of the test webhook endpoints (whsec_ + 33 random-looking bytes, base64). */
export const TEST_WEBHOOK_SECRET = 'whsec_dGVzdC13ZWJob29rLXNlY3JldC0zMi1ieXRlcy1sb25n'
