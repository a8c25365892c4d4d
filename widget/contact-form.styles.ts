/**
 * @module
 * The element's styles. The form is rendered into the page (light DOM), so every rule is scoped
 * under `contact-form` and starts from `all: revert`: page rules such as `input { … }` cannot
 * reach these elements, and nothing here reaches the rest of the page. `:not(#_)` lends each rule
 * the weight of an id, so theme rules like `#content input { … }` lose too; only `!important`
 * page rules still win. Theme with the
 * `--contact-form-*` custom properties; they inherit, so setting them on any ancestor works.
 */

const CSS = `
contact-form { display: block; }
contact-form[hidden] { display: none; }
contact-form:not(#_) .cf-root, contact-form:not(#_) .cf-root :is(form, h2, p, div, label, input, select, textarea, button, option, span) {
  all: revert;
  box-sizing: border-box;
}
contact-form:not(#_) .cf-root {
  --_fg: var(--contact-form-color, #1d2433);
  --_bg: var(--contact-form-background, transparent);
  --_input-bg: var(--contact-form-input-background, #ffffff);
  --_border: var(--contact-form-border, #8a93a6);
  --_accent: var(--contact-form-accent, #1f5fd6);
  --_accent-text: var(--contact-form-accent-text, #ffffff);
  --_error: var(--contact-form-error, #b3261e);
  --_radius: var(--contact-form-radius, 6px);
  --_space: var(--contact-form-spacing, 1rem);
  --_ring: var(--contact-form-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 45%, transparent));
  display: block;
  max-width: var(--contact-form-max-width, 36rem);
  font: var(--contact-form-font, inherit);
  color: var(--_fg);
  background: var(--_bg);
  line-height: 1.45;
}
@media (prefers-color-scheme: dark) {
  contact-form:not(#_) .cf-root {
    --_fg: var(--contact-form-color, #e6e9f0);
    --_input-bg: var(--contact-form-input-background, #1b2030);
    --_border: var(--contact-form-border, #6f7890);
    --_accent: var(--contact-form-accent, #7aa7ff);
    --_accent-text: var(--contact-form-accent-text, #0b1220);
    --_error: var(--contact-form-error, #ff8a80);
  }
}
contact-form:not(#_) .cf-root .cf-form { display: grid; gap: var(--_space); margin: 0; }
contact-form:not(#_) .cf-root .cf-title { font-size: 1.35em; font-weight: 650; margin: 0; color: inherit; }
contact-form:not(#_) .cf-root .cf-description { margin: 0; }
contact-form:not(#_) .cf-root .cf-field { display: grid; gap: calc(var(--_space) / 4); margin: 0; }
contact-form:not(#_) .cf-root .cf-label { display: block; font-weight: 600; color: inherit; }
contact-form:not(#_) .cf-root .cf-required { color: var(--_error); margin-inline-start: 0.15em; }
contact-form:not(#_) .cf-root .cf-input {
  display: block; width: 100%; margin: 0; font: inherit; color: var(--_fg);
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
contact-form:not(#_) .cf-root .cf-submit:disabled { opacity: 0.6; cursor: progress; }
contact-form:not(#_) .cf-root :is(.cf-input, .cf-checkbox, .cf-submit, .cf-success):focus-visible { outline: 2px solid transparent; box-shadow: var(--_ring); }
contact-form:not(#_) .cf-root .cf-status { display: block; margin: calc(var(--_space) / 2) 0 0; min-height: 1.45em; }
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
