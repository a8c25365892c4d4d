/** `npm run build`: the widget bundle, the demo page and the owner console into dist/public. */
import { buildConsole } from './lib/console-bundle.ts'
import { buildWidget } from './lib/widget-bundle.ts'

const size = await buildWidget({ write: true })
console.log(
  `built dist/public/contact-form.js: ${size.minified} bytes minified, ${size.gzipped} bytes gzipped`
)
const console_ = await buildConsole({ write: true })
console.log(
  `built dist/public/admin/console.js: ${console_.minified} bytes minified, ${console_.gzipped} bytes gzipped`
)
