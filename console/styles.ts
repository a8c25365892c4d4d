/**
 * @module
 * The console's one stylesheet. The console is its own page, so its elements render into the
 * document (light DOM: labels, `aria-*` id references and the native `<dialog>` work across
 * components) and one sheet styles them all. Light and dark palettes follow the system's
 * preference; both meet WCAG AA contrast, and focus is always visible.
 */
import { css } from 'lit'

const sheet = css`
  :root {
    color-scheme: light dark;
    --bg: #f5f5f2;
    --surface: #ffffff;
    --raised: #fafaf8;
    --text: #1c1f24;
    --muted: #545b66;
    --line: #d9dbe0;
    --field-border: #737985;
    --accent: #1d4ed8;
    --accent-text: #ffffff;
    --accent-soft: #e8eeff;
    --danger: #b42318;
    --danger-text: #ffffff;
    --danger-soft: #fdecea;
    --ok-soft: #e7f6ec;
    --focus: #1d4ed8;
    --chip: #eef0f3;
    --row-selected: #eef3ff;
    --radius: 6px;
  }
  @media (prefers-color-scheme: dark) {
    :root {
      --bg: #111317;
      --surface: #1a1d23;
      --raised: #20242b;
      --text: #e8eaee;
      --muted: #a9afba;
      --line: #353a44;
      --field-border: #8b919c;
      --accent: #8db4ff;
      --accent-text: #0b1220;
      --accent-soft: #1c2740;
      --danger: #ff9b92;
      --danger-text: #240604;
      --danger-soft: #3a1a18;
      --ok-soft: #17301f;
      --focus: #8db4ff;
      --chip: #2a2f38;
      --row-selected: #1c2740;
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  body {
    margin: 0;
    background: var(--bg);
    color: var(--text);
    font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  a {
    color: var(--accent);
  }
  :focus-visible {
    outline: 3px solid var(--focus);
    outline-offset: 2px;
  }
  h1,
  h2,
  h3 {
    line-height: 1.25;
    margin: 0;
  }
  h1 {
    font-size: 1.5rem;
  }
  h1:focus {
    outline: none;
  }
  h2 {
    font-size: 1.15rem;
  }
  h3 {
    font-size: 1rem;
  }
  h4 {
    font-size: 0.875rem;
    margin: 0;
  }
  p {
    margin: 0;
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .skip-link {
    position: absolute;
    left: 0.5rem;
    top: -3rem;
    padding: 0.5rem 0.75rem;
    background: var(--surface);
    z-index: 10;
  }
  .skip-link:focus {
    top: 0.5rem;
  }
  .muted,
  .hint {
    color: var(--muted);
  }
  .hint {
    font-size: 0.875rem;
  }

  /* Controls */
  button,
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border: 1px solid var(--field-border);
    border-radius: var(--radius);
    background: var(--surface);
    color: var(--text);
    font: inherit;
    font-weight: 550;
    text-decoration: none;
    cursor: pointer;
  }
  button:hover,
  .button:hover {
    background: var(--raised);
  }
  button.primary {
    background: var(--accent);
    border-color: var(--accent);
    color: var(--accent-text);
  }
  button.danger {
    background: var(--danger);
    border-color: var(--danger);
    color: var(--danger-text);
  }
  button.link {
    min-height: 0;
    padding: 0;
    border: 0;
    background: none;
    color: var(--accent);
    text-decoration: underline;
    font-weight: inherit;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--text);
    background: var(--surface);
    border: 1px solid var(--field-border);
    border-radius: var(--radius);
    padding: 0.4rem 0.6rem;
    min-height: 2.5rem;
    max-width: 100%;
  }
  input[type='checkbox'],
  input[type='radio'] {
    min-height: 0;
    width: 1.15rem;
    height: 1.15rem;
    margin: 0;
    accent-color: var(--accent);
  }
  label {
    font-weight: 550;
  }
  .field {
    display: grid;
    gap: 0.25rem;
    align-content: start;
  }
  .field input,
  .field select {
    width: 100%;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  fieldset {
    border: 1px solid var(--line);
    border-radius: var(--radius);
    margin: 0;
    padding: 0.75rem;
    min-width: 0;
  }
  legend {
    font-weight: 650;
    padding: 0 0.25rem;
  }

  /* Messages */
  .notice,
  .error,
  .warning {
    padding: 0.6rem 0.8rem;
    border-radius: var(--radius);
    border-inline-start: 4px solid var(--accent);
    background: var(--accent-soft);
  }
  .error {
    border-color: var(--danger);
    background: var(--danger-soft);
  }
  .notice.ok {
    background: var(--ok-soft);
  }
  .error .row,
  .notice .row {
    margin-top: 0.5rem;
  }
  .empty {
    padding: 2rem 1rem;
    text-align: center;
    color: var(--muted);
    border: 1px dashed var(--line);
    border-radius: var(--radius);
    background: var(--surface);
  }

  /* Shell */
  .app-header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1.25rem;
    padding: 0.5rem 1rem;
    background: var(--surface);
    border-bottom: 1px solid var(--line);
  }
  .brand {
    font-weight: 700;
  }
  .app-nav ul {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .app-nav a {
    display: inline-block;
    padding: 0.45rem 0.7rem;
    border-radius: var(--radius);
    color: var(--text);
    text-decoration: none;
  }
  .app-nav a[aria-current='page'] {
    background: var(--accent-soft);
    font-weight: 650;
    box-shadow: inset 0 -3px 0 var(--accent);
  }
  .session {
    display: flex;
    align-items: center;
    gap: 0.75rem;
    margin-inline-start: auto;
  }
  .badge {
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    border: 1px solid var(--field-border);
    font-size: 0.8rem;
    font-weight: 650;
  }
  main {
    display: block;
    padding: 1rem;
    max-width: 90rem;
    margin: 0 auto;
  }
  main:focus {
    outline: none;
  }
  :is(
      cc-contacts-page,
      cc-contact-page,
      cc-contacts-table,
      cc-label-sidebar,
      cc-job-progress,
      cc-contact-editor,
      cc-sign-in-page,
      cc-inbox-page,
      cc-spam-page,
      cc-catalog-page,
      cc-webhooks-page,
      cc-forms-page,
      cc-import-page
    ) {
    display: block;
  }
  :is(cc-contact-labels, cc-contact-timeline) {
    display: grid;
    gap: 0.75rem;
  }
  .page {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1rem;
  }
  /* Live regions stay in place while empty; they take no room until they say something. */
  .messages {
    display: grid;
    margin-top: -1rem;
  }
  .messages :is(.notice, .error) {
    margin-top: 1rem;
  }
  .app-notice .notice {
    margin-bottom: 1rem;
  }
  .page-head {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: center;
    justify-content: space-between;
  }
  .card {
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    padding: 1rem;
    display: grid;
    gap: 0.75rem;
    min-width: 0;
  }

  /* Sign-in */
  .sign-in {
    max-width: 28rem;
    margin: 10vh auto 0;
  }
  .sign-in form {
    display: grid;
    gap: 0.75rem;
  }

  /* Contacts */
  .contacts-layout {
    display: grid;
    grid-template-columns: 15rem minmax(0, 1fr);
    gap: 1rem;
    align-items: start;
  }
  .contacts-main {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.75rem;
    min-width: 0;
  }
  .facets ul {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: 0.125rem;
  }
  .facets a {
    display: flex;
    justify-content: space-between;
    gap: 0.5rem;
    padding: 0.4rem 0.6rem;
    border-radius: var(--radius);
    color: var(--text);
    text-decoration: none;
  }
  .facets a:hover {
    background: var(--raised);
  }
  .facets a[aria-current='true'] {
    background: var(--accent-soft);
    font-weight: 650;
    box-shadow: inset 3px 0 0 var(--accent);
  }
  .facets .count {
    color: var(--muted);
    font-variant-numeric: tabular-nums;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75rem;
    align-items: end;
  }
  .toolbar form {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  .search .field {
    flex: 1 1 16rem;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  details.menu {
    position: relative;
  }
  details.menu > summary {
    list-style: none;
  }
  details.menu > summary::-webkit-details-marker {
    display: none;
  }
  details.menu > summary::after {
    content: ' ▾';
  }
  details.menu > fieldset {
    position: absolute;
    z-index: 5;
    inset-inline-end: 0;
    margin-top: 0.25rem;
    background: var(--surface);
    box-shadow: 0 6px 24px rgb(0 0 0 / 0.2);
    display: grid;
    gap: 0.35rem;
    min-width: 14rem;
    max-height: 60vh;
    overflow: auto;
  }
  .check {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    font-weight: 400;
  }
  .selection-bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 0.75rem;
    align-items: center;
    padding: 0.5rem 0.75rem;
    background: var(--accent-soft);
    border-radius: var(--radius);
  }
  .selection-bar .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .table-scroll {
    overflow-x: auto;
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: var(--radius);
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  caption {
    text-align: start;
    padding: 0.6rem 0.75rem;
    font-weight: 650;
    caption-side: top;
  }
  th,
  td {
    padding: 0.5rem 0.75rem;
    text-align: start;
    border-top: 1px solid var(--line);
    vertical-align: top;
    white-space: nowrap;
  }
  td.wrap,
  th.wrap {
    white-space: normal;
    min-width: 10rem;
  }
  thead th {
    font-size: 0.875rem;
    font-weight: 650;
    background: var(--raised);
  }
  tbody th {
    font-weight: 550;
  }
  th.select,
  td.select {
    width: 2.5rem;
    padding-inline-end: 0;
  }
  th button {
    min-height: 0;
    padding: 0.15rem 0.25rem;
    margin: -0.15rem -0.25rem;
    border: 0;
    background: none;
    font-weight: inherit;
    font-size: inherit;
  }
  th .arrow {
    display: inline-block;
    width: 1ch;
    color: var(--accent);
  }
  tr.selected > * {
    background: var(--row-selected);
  }
  .pager {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1rem;
    align-items: center;
    justify-content: space-between;
  }
  .pager ul {
    display: flex;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .pager [aria-disabled='true'] {
    opacity: 0.55;
    pointer-events: none;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 0.375rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.15rem 0.25rem 0.15rem 0.6rem;
    border-radius: 999px;
    background: var(--chip);
  }
  .chip button {
    min-height: 1.75rem;
    min-width: 1.75rem;
    padding: 0;
    border-radius: 999px;
    border: 0;
    background: none;
  }
  progress {
    width: 100%;
    height: 0.75rem;
    accent-color: var(--accent);
  }

  /* Contact */
  .contact-layout {
    display: grid;
    grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    gap: 1rem;
    align-items: start;
  }
  dl.facts {
    display: grid;
    grid-template-columns: fit-content(40%) minmax(0, 1fr);
    gap: 0.35rem 1rem;
    margin: 0;
  }
  dl.facts dt {
    color: var(--muted);
  }
  dl.facts dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .editor {
    display: grid;
    gap: 1rem;
  }
  .grid-2 {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
    gap: 0.75rem;
  }
  .item-row {
    display: grid;
    grid-template-columns: minmax(10rem, 1fr) auto auto auto;
    gap: 0.5rem;
    align-items: end;
    padding-block: 0.25rem;
  }
  .item-row.address {
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    border-top: 1px solid var(--line);
    padding-top: 0.75rem;
  }
  .timeline {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.75rem;
  }
  .timeline > li {
    border-inline-start: 3px solid var(--line);
    padding-inline-start: 0.75rem;
    display: grid;
    gap: 0.4rem;
  }
  .timeline dl.facts {
    grid-template-columns: minmax(6rem, 35%) minmax(0, 1fr);
  }
  .timeline time {
    color: var(--muted);
    font-size: 0.875rem;
  }
  .merge-results {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.35rem;
  }

  /* Inbox, Spam, Labels and fields, Webhooks, Forms */
  .items {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
  }
  .items details {
    background: var(--surface);
    border: 1px solid var(--line);
    border-radius: var(--radius);
  }
  .items summary {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: center;
    padding: 0.6rem 0.75rem;
    cursor: pointer;
    border-radius: var(--radius);
  }
  .items summary::before {
    content: '▸';
    color: var(--muted);
  }
  .items details[open] > summary::before {
    content: '▾';
  }
  .items summary::-webkit-details-marker {
    display: none;
  }
  .items summary strong {
    overflow-wrap: anywhere;
  }
  .item-body {
    display: grid;
    gap: 0.6rem;
    padding: 0.25rem 0.75rem 0.9rem;
    border-top: 1px solid var(--line);
    padding-top: 0.75rem;
  }
  .item-body dl.facts {
    grid-template-columns: minmax(6rem, 16rem) minmax(0, 1fr);
  }
  .page-title {
    display: grid;
    gap: 0.25rem;
  }
  .url {
    overflow-wrap: anywhere;
    min-width: 12rem;
  }
  .status-chip {
    display: inline-block;
    padding: 0 0.5rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 650;
    background: var(--chip);
    border: 1px solid var(--field-border);
  }
  .status-chip.processed {
    background: var(--ok-soft);
  }
  .status-chip.failed {
    background: var(--danger-soft);
  }
  .status-chip.pending {
    background: var(--accent-soft);
  }
  fieldset.inline {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.9rem;
    align-items: center;
    padding-block: 0.4rem 0.5rem;
  }
  .snippet {
    margin: 0;
    padding: 0.75rem;
    overflow-x: auto;
    background: var(--raised);
    border: 1px solid var(--line);
    border-radius: var(--radius);
    font-size: 0.85rem;
  }
  /* A file's cells can be long: the preview shows their start. */
  table.preview td {
    max-width: 16rem;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  ul.plain {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: 0.35rem;
  }

  /* Dialogs */
  dialog {
    width: min(34rem, calc(100vw - 1.5rem));
    max-height: calc(100vh - 2rem);
    border: 1px solid var(--line);
    border-radius: 10px;
    padding: 1.25rem;
    background: var(--surface);
    color: var(--text);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.55);
  }
  dialog form {
    display: grid;
    gap: 0.9rem;
  }
  dialog .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    justify-content: flex-end;
  }

  @media (max-width: 56rem) {
    .contacts-layout,
    .contact-layout {
      grid-template-columns: minmax(0, 1fr);
    }
    .facets ul {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem;
    }
    .facets a {
      border: 1px solid var(--line);
    }
  }
  @media (max-width: 30rem) {
    main {
      padding: 0.75rem;
    }
    .app-header {
      gap: 0.5rem;
      padding-inline: 0.75rem;
    }
    .app-nav a {
      padding-inline: 0.5rem;
    }
    .item-row {
      grid-template-columns: minmax(0, 1fr) auto;
    }
  }
`

/** Gives the document the console's stylesheet (a constructed sheet: allowed by the page's CSP). */
export function adoptConsoleStyles(): void {
  const constructed = sheet.styleSheet
  if (constructed && !document.adoptedStyleSheets.includes(constructed))
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, constructed]
}
