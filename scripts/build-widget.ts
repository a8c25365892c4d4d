/** `npm run build`: the widget bundle and demo page into dist/public. */
import { buildWidget } from './lib/widget-bundle.ts'

const size = await buildWidget({ write: true })
console.log(
  `built dist/public/contact-form.js: ${size.minified} bytes minified, ${size.gzipped} bytes gzipped`
)
