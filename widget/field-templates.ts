/**
 * @module
 * The templates of one field each: a native control with its label and its error message, which
 * the control names in `aria-describedby` so that assistive technology reads it with the field.
 */
import { html, nothing } from 'lit'
import type { PublicField } from '../shared/definition.ts'

/** `id` is the control's; its error message gets `${id}-error`. `error` is '' when all is well. */
export function fieldTemplate(
  field: PublicField,
  id: string,
  value: string | boolean | undefined,
  error: string
) {
  const errorId = `${id}-error`
  const invalid = error ? 'true' : 'false'
  // A consent box is required by its nature; an asterisk beside its sentence only adds noise.
  const mark =
    field.required && field.type !== 'consent'
      ? html`<span class="cf-required" aria-hidden="true">*</span>`
      : nothing
  const errorText = html`<p class="cf-error" id=${errorId}>${error}</p>`

  if (field.type === 'consent') {
    return html`
      <div class="cf-field cf-field-consent">
        <input
          class="cf-checkbox"
          type="checkbox"
          id=${id}
          name=${field.name}
          ?required=${field.required}
          .checked=${value === true}
          aria-invalid=${invalid}
          aria-describedby=${errorId}
        />
        <label class="cf-label" for=${id}>${field.label}</label>
        ${errorText}
      </div>
    `
  }
  const text = typeof value === 'string' ? value : ''
  let control
  if (field.type === 'select') {
    control = html`
      <select
        class="cf-input cf-select"
        id=${id}
        name=${field.name}
        ?required=${field.required}
        aria-invalid=${invalid}
        aria-describedby=${errorId}
        .value=${text}
      >
        <option value="">—</option>
        ${(field.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === text}>${o.label}</option>`)}
      </select>
    `
  } else if (field.type === 'textarea') {
    control = html`
      <textarea
        class="cf-input cf-textarea"
        id=${id}
        name=${field.name}
        rows="4"
        ?required=${field.required}
        maxlength=${field.maxLength ?? nothing}
        placeholder=${field.placeholder ?? nothing}
        autocomplete=${field.autocomplete ?? nothing}
        aria-invalid=${invalid}
        aria-describedby=${errorId}
        .value=${text}
      ></textarea>
    `
  } else {
    control = html`
      <input
        class="cf-input"
        type=${field.type}
        id=${id}
        name=${field.name}
        ?required=${field.required}
        maxlength=${field.maxLength ?? nothing}
        inputmode=${field.inputMode ?? nothing}
        autocomplete=${field.autocomplete ?? nothing}
        placeholder=${field.placeholder ?? nothing}
        aria-invalid=${invalid}
        aria-describedby=${errorId}
        .value=${text}
      />
    `
  }
  return html`
    <div class="cf-field">
      <label class="cf-label" for=${id}>${field.label} ${mark}</label>
      ${control} ${errorText}
    </div>
  `
}

/** The bots' trap: out of sight and out of the accessibility tree; no autofill; people never fill it in. */
export function honeypotTemplate(id: string, name: string) {
  return html`<div class="cf-hp" aria-hidden="true">
    <label for=${id}>Leave this empty</label>
    <input id=${id} name=${name} type="text" tabindex="-1" autocomplete="off" data-lpignore="true" data-1p-ignore />
  </div>`
}
