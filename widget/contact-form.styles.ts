/**
 * @module
 * The element's styles. The form is rendered into the page (light DOM), so every rule is scoped
 * under `contact-form` and starts from `all: revert`: page rules such as `input { … }` cannot
 * reach these elements, and nothing here reaches the rest of the page. `:not(#_)` lends each rule
 * the weight of an id, so theme rules like `#content input { … }` lose too; only `!important`
 * page rules still win. Theme with the
 * `--contact-form-*` custom properties; they inherit, so setting them on any ancestor works.
 *
 * Colours follow the page, not the visitor's OS: many dark sites paint themselves dark without
 * declaring `color-scheme`, so `prefers-color-scheme` says nothing about the backdrop. The text
 * takes the page's colour, and borders, field fills and the error colour are mixed from it
 * (`currentColor`), so they read on whatever is behind the form. The button's blue with white text
 * stands apart from light and dark pages alike. `theme="light|dark"` fixes the text colour and the
 * native controls' scheme instead. Options get the system field colours because Chromium draws the
 * select's popup on its own light or dark canvas, not on the page.
 */

const CSS = `
contact-form { display: block; }
contact-form[hidden] { display: none; }
contact-form:not(#_) .cf-root, contact-form:not(#_) .cf-root :is(form, h2, p, div, label, input, select, textarea, button, option, span) {
  all: revert;
  box-sizing: border-box;
}
contact-form[theme=light] { color-scheme: light; color: #1d2433; }
contact-form[theme=dark] { color-scheme: dark; color: #e6e9f0; }
contact-form:not(#_) .cf-root {
  --_input-bg: var(--contact-form-input-background, color-mix(in srgb, currentColor 4%, transparent));
  --_border: var(--contact-form-border, color-mix(in srgb, currentColor 60%, transparent));
  --_accent: var(--contact-form-accent, #2563eb);
  --_accent-text: var(--contact-form-accent-text, #fff);
  --_error: var(--contact-form-error, color-mix(in oklab, currentColor 60%, #e00000));
  --_radius: var(--contact-form-radius, 6px);
  --_space: var(--contact-form-spacing, 1rem);
  --_ring: var(--contact-form-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 60%, currentColor));
  display: block;
  max-width: var(--contact-form-max-width, 36rem);
  font: var(--contact-form-font, inherit);
  color: var(--contact-form-color, currentColor);
  background: var(--contact-form-background, transparent);
  line-height: 1.45;
}
contact-form:not(#_) .cf-root option { color: FieldText; background: Field; }
contact-form:not(#_) .cf-root .cf-form { display: grid; gap: var(--_space); margin: 0; }
contact-form:not(#_) .cf-root .cf-title { font-size: 1.35em; font-weight: 650; margin: 0; color: inherit; }
contact-form:not(#_) .cf-root .cf-description { margin: 0; }
contact-form:not(#_) .cf-root .cf-field { display: grid; gap: calc(var(--_space) / 4); margin: 0; }
contact-form:not(#_) .cf-root .cf-label { display: block; font-weight: 600; color: inherit; }
contact-form:not(#_) .cf-root .cf-required { color: var(--_error); margin-inline-start: 0.15em; }
contact-form:not(#_) .cf-root .cf-input {
  display: block; width: 100%; margin: 0; font: inherit; color: inherit;
  background: var(--_input-bg); border: 1px solid var(--_border); border-radius: var(--_radius);
  padding: 0.55em 0.7em; min-height: 2.75em;
}
contact-form:not(#_) .cf-root .cf-textarea { resize: vertical; min-height: 6em; }
contact-form:not(#_) .cf-root .cf-input[aria-invalid='true'] { border-color: var(--_error); border-width: 2px; }
contact-form:not(#_) .cf-root .cf-field-consent { grid-template-columns: auto 1fr; align-items: start; column-gap: 0.6em; }
contact-form:not(#_) .cf-root .cf-field-consent .cf-label { font-weight: 400; }
contact-form:not(#_) .cf-root .cf-field-consent .cf-error { grid-column: 1 / -1; }
contact-form:not(#_) .cf-root .cf-checkbox { width: 1.25em; height: 1.25em; margin: 0.15em 0 0; accent-color: var(--_accent); }
contact-form:not(#_) .cf-root .cf-checkbox[aria-invalid='true'] { outline: 2px solid var(--_error); outline-offset: 2px; }
contact-form:not(#_) .cf-root .cf-hp { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
contact-form:not(#_) .cf-root .cf-error { margin: 0; color: var(--_error); font-size: 0.92em; min-height: 0; }
contact-form:not(#_) .cf-root .cf-error:empty { display: none; }
contact-form:not(#_) .cf-root .cf-submit {
  display: inline-block; justify-self: start; margin: 0; font: inherit; font-weight: 600;
  color: var(--_accent-text); background: var(--_accent); border: 0; border-radius: var(--_radius);
  padding: 0.7em 1.4em; min-height: 2.75em; cursor: pointer;
}
contact-form:not(#_) .cf-root .cf-submit[aria-disabled='true'] { opacity: 0.6; cursor: progress; }
contact-form:not(#_) .cf-root :is(.cf-input, .cf-checkbox, .cf-submit, .cf-success):focus-visible { outline: 2px solid transparent; box-shadow: var(--_ring); }
contact-form:not(#_) .cf-root .cf-status { display: block; margin: calc(var(--_space) / 2) 0 0; min-height: 1.45em; }
contact-form:not(#_) .cf-root .cf-status::before { content: var(--_icon) / ""; }
contact-form:not(#_) .cf-root [data-kind=error] { --_icon: "⚠ "; color: var(--_error); }
contact-form:not(#_) .cf-root [data-kind=offline] { --_icon: "⊘ "; color: color-mix(in oklab, currentColor 60%, var(--_accent)); }
contact-form:not(#_) .cf-root [data-kind=sending] { --_icon: "↻ "; opacity: 0.8; }
contact-form:not(#_) .cf-root [data-kind=notice] { --_icon: "✓ "; }
contact-form:not(#_) .cf-root .cf-success { display: block; padding: var(--_space); border: 1px solid var(--_border); border-radius: var(--_radius); }
contact-form:not(#_) .cf-root .cf-load-failed, contact-form:not(#_) .cf-root .cf-loading { margin: 0; }
`

const adopted = new WeakSet<Document | ShadowRoot>()
let sheet: CSSStyleSheet | undefined

/** Adds the styles to the document (or shadow root) the element lives in, once. */
export function adoptStyles(root: Document | ShadowRoot): void {
  if (adopted.has(root) || !('adoptedStyleSheets' in root)) return
  sheet ??= new CSSStyleSheet()
  if (!sheet.cssRules.length) sheet.replaceSync(CSS)
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet]
  adopted.add(root)
}
