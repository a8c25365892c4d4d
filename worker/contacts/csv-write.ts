/**
 * @module
 * Writing CSV for spreadsheets: RFC 4180 quoting, CRLF line ends, a UTF-8 BOM first (so Excel
 * reads the file as UTF-8), and every cell a spreadsheet would run as a formula neutralised.
 */

/** Written before the first row. */
export const BOM = '\uFEFF'

/**
 * Cells that start with one of these are formulas to Excel, LibreOffice or Google Sheets (`=`,
 * `+`, `-`, `@`), or become one once a spreadsheet trims a leading tab or carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * A cell as a spreadsheet will show it and never run it: one that would start a formula gets a
 * leading apostrophe, which spreadsheets read as "this is text" (OWASP's advice for CSV injection).
 * An import takes the apostrophe off again (see `unneutralize`).
 *
 * @example
 * neutralize('=HYPERLINK("http://evil")') // "'=HYPERLINK(\"http://evil\")"
 * neutralize('+1 213 373 4253')           // "'+1 213 373 4253"
 */
export function neutralize(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell
}

/** A cell as exported, back as it was: the apostrophe `neutralize` added taken off. */
export function unneutralize(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell
}

/** One row: each cell neutralised, quoted when it holds a quote, comma or line break; CRLF at the end. */
export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map((cell) => quote(neutralize(cell == null ? '' : String(cell)))).join(',')}\r\n`
}

function quote(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
}
