/**
 * @module
 * Reading an uploaded CSV file as it streams in: bytes checked as UTF-8 (with or without a BOM;
 * UTF-16 and other encodings refused, naming the first byte that is not UTF-8), the delimiter
 * (comma, semicolon or tab) found on the header line, and records read by RFC 4180 (quoted cells,
 * doubled quotes, CRLF, LF or CR line ends). A record that breaks the quoting rules is kept with
 * its problem, for a per-row error; a quote left open to the end of the file is a file error.
 * Cells are cut at MAX_CELL_CHARS, so a huge cell never sits whole in memory.
 */
import { applicationError } from '../../shared/api-error.ts'

/** Longer than any value a contact field takes, so a cut never changes whether a value fits. */
export const MAX_CELL_CHARS = 10_000

export type Delimiter = ',' | ';' | '\t'

/** One record of the file, as read. */
export interface CsvRecord {
  cells: string[]
  /** The file line the record starts on, from 1. */
  line: number
  /** Indexes of the cells cut at MAX_CELL_CHARS. */
  cut?: number[]
  /** Why the record breaks RFC 4180 quoting, when it does. */
  problem?: string
  /** Too long to keep (its cells are dropped): the row fails as a whole. */
  tooLong?: true
}

// Reader states: at a cell's start, in an unquoted cell, in a quoted one, just after a quote inside
// a quoted cell (a doubled quote or the closing one), after the closing quote, just after a CR.
const START = 0
const UNQUOTED = 1
const QUOTED = 2
const QUOTE_SEEN = 3
const CLOSED = 4
const AFTER_CR = 5

const QUOTE = 34
const LF = 10
const CR = 13

/**
 * An incremental RFC 4180 reader: `push` text as it arrives, `end` at the end of the file.
 *
 * @example
 * const reader = new CsvReader(',')
 * reader.push('a,"b ""c"""\r\n1,') // [{ cells: ['a', 'b "c"'], line: 1 }]
 * reader.end()                     // [{ cells: ['1', ''], line: 2 }]
 */
export class CsvReader {
  readonly delimiter: number
  #state = START
  #cell = ''
  #cutCell = false
  #cells: string[] = []
  #cut: number[] = []
  #problem: string | undefined
  #line = 1
  #recordLine = 1
  /** Anything read since the record started (a delimiter, a quote, a character). */
  #started = false

  constructor(delimiter: Delimiter) {
    this.delimiter = delimiter.charCodeAt(0)
  }

  push(text: string): CsvRecord[] {
    const out: CsvRecord[] = []
    const n = text.length
    const delimiter = this.delimiter
    let i = 0
    while (i < n) {
      switch (this.#state) {
        case AFTER_CR:
          if (text.charCodeAt(i) === LF) i++
          this.#state = START
          break
        case START:
          this.#started = true
          if (text.charCodeAt(i) === QUOTE) {
            this.#state = QUOTED
            i++
          } else this.#state = UNQUOTED
          break
        case UNQUOTED: {
          let j = i
          for (; j < n; j++) {
            const c = text.charCodeAt(j)
            if (c === delimiter || c === LF || c === CR || c === QUOTE) break
          }
          this.#append(text, i, j)
          i = j
          if (j === n) break
          const c = text.charCodeAt(j)
          if (c === QUOTE) {
            this.#problem ??= `a quote inside a cell that does not start with one (cell ${this.#cells.length + 1}); write the cell in quotes and double the quote ("")`
            this.#append(text, j, j + 1)
            i++
          } else i = this.#endCell(text, i, out)
          break
        }
        case QUOTED: {
          const j = text.indexOf('"', i)
          const end = j < 0 ? n : j
          this.#append(text, i, end)
          this.#countLines(text, i, end)
          i = j < 0 ? n : j + 1
          if (j >= 0) this.#state = QUOTE_SEEN
          break
        }
        case QUOTE_SEEN:
          if (text.charCodeAt(i) === QUOTE) {
            this.#append(text, i, i + 1)
            this.#state = QUOTED
            i++
          } else this.#state = CLOSED
          break
        case CLOSED: {
          const c = text.charCodeAt(i)
          if (c === delimiter || c === LF || c === CR) i = this.#endCell(text, i, out)
          else {
            this.#problem ??= `text after the closing quote of cell ${this.#cells.length + 1}; a quote inside a quoted cell must be doubled ("")`
            this.#state = UNQUOTED
          }
          break
        }
      }
    }
    return out
  }

  /** The last record. Throws a 400 when a quoted cell is still open: it ran to the end of the file. */
  end(): CsvRecord[] {
    if (this.#state === QUOTED) {
      throw applicationError(
        400,
        'UNTERMINATED_QUOTE',
        `The quoted cell ${this.#cells.length + 1} of the record on line ${this.#recordLine} is never closed: it runs to the end of the file. A quote inside a quoted cell must be doubled ("").`,
        { line: this.#recordLine, cell: this.#cells.length + 1 }
      )
    }
    if (!this.#started) return []
    const out: CsvRecord[] = []
    this.#endRecord(out)
    return out
  }

  #append(text: string, from: number, to: number): void {
    if (to <= from || this.#cutCell) return
    const room = MAX_CELL_CHARS - this.#cell.length
    if (to - from > room) {
      this.#cell += text.slice(from, from + room)
      this.#cutCell = true
    } else this.#cell += text.slice(from, to)
  }

  #countLines(text: string, from: number, to: number): void {
    for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1))
      this.#line++
  }

  /** At a delimiter or a line end (at `i`): ends the cell, and the record at a line end. */
  #endCell(text: string, i: number, out: CsvRecord[]): number {
    const c = text.charCodeAt(i)
    if (this.#cutCell) this.#cut.push(this.#cells.length)
    this.#cells.push(this.#cell)
    this.#cell = ''
    this.#cutCell = false
    if (c === this.delimiter) {
      this.#state = START
      return i + 1
    }
    this.#endRecord(out, false)
    this.#line++
    this.#recordLine = this.#line
    this.#state = c === CR ? AFTER_CR : START
    return i + 1
  }

  #endRecord(out: CsvRecord[], pushCell = true): void {
    if (pushCell) {
      if (this.#cutCell) this.#cut.push(this.#cells.length)
      this.#cells.push(this.#cell)
    }
    out.push({
      cells: this.#cells,
      line: this.#recordLine,
      ...(this.#cut.length ? { cut: this.#cut } : {}),
      ...(this.#problem ? { problem: this.#problem } : {}),
    })
    this.#cells = []
    this.#cut = []
    this.#cell = ''
    this.#cutCell = false
    this.#problem = undefined
    this.#started = false
  }
}

/**
 * The delimiter of a file by its header line: whichever of comma, semicolon and tab occurs most
 * outside quotes (comma on a tie or when none does).
 */
export function detectDelimiter(start: string): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 }
  let quoted = false
  for (const ch of start) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && ch in counts) counts[ch as Delimiter]++
  }
  const best = (Object.keys(counts) as Delimiter[]).reduce((a, b) =>
    counts[b] > counts[a] ? b : a
  )
  return counts[best] > 0 ? best : ','
}

/**
 * A UTF-8 checker that can be fed chunk by chunk (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF). Answers the offset in the whole stream of the first byte of the first
 * sequence that is not UTF-8, or -1.
 */
export class Utf8Check {
  #offset = 0
  /** Continuation bytes still expected, the allowed range of the next one, where the sequence began. */
  #need = 0
  #low = 0x80
  #high = 0xbf
  #start = 0
  #lead = 0
  /** The first byte of the sequence that is not UTF-8, once one is found. */
  badByte = 0

  push(bytes: Uint8Array): number {
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!
      if (this.#need) {
        if (b < this.#low || b > this.#high) return this.#fail(this.#lead, this.#start)
        this.#low = 0x80
        this.#high = 0xbf
        this.#need--
        continue
      }
      if (b < 0x80) continue
      this.#start = this.#offset + i
      this.#lead = b
      if (b >= 0xc2 && b <= 0xdf) this.#need = 1
      else if (b >= 0xe0 && b <= 0xef) {
        this.#need = 2
        if (b === 0xe0) this.#low = 0xa0
        if (b === 0xed) this.#high = 0x9f
      } else if (b >= 0xf0 && b <= 0xf4) {
        this.#need = 3
        if (b === 0xf0) this.#low = 0x90
        if (b === 0xf4) this.#high = 0x8f
      } else return this.#fail(b, this.#start)
    }
    this.#offset += bytes.length
    return -1
  }

  /** At the end of the stream: a sequence cut short is not UTF-8 either. */
  end(): number {
    return this.#need ? this.#fail(this.#lead, this.#start) : -1
  }

  #fail(byte: number, offset: number): number {
    this.badByte = byte
    return offset
  }
}

/** A data record with its place in the file: the header is row 1, as a spreadsheet numbers it. */
export interface CsvRow extends CsvRecord {
  row: number
}

export interface CsvLimits {
  bytes: number
  rows: number
  columns: number
}

/** An uploaded file, its header read, its rows still to come. */
export interface CsvFile {
  encoding: 'UTF-8' | 'UTF-8 with BOM'
  delimiter: Delimiter
  header: string[]
  /** The data rows, `size` at a time; blank rows (every cell empty) are left out and counted. */
  rows(size: number): AsyncGenerator<CsvRow[]>
  /** Blank rows seen so far. */
  readonly blankRows: number
}

const UTF8_BOM = [0xef, 0xbb, 0xbf]

/**
 * Opens an uploaded CSV: checks the encoding and the byte, row and column limits while reading,
 * finds the delimiter, reads the header. Throws the 400 or 413 that names what is wrong: an empty
 * file, UTF-16, bytes that are not UTF-8 (with the offset of the first one), too many bytes, rows
 * or columns, a quote left open.
 */
export async function openCsv(
  body: ReadableStream<Uint8Array> | null,
  limits: CsvLimits
): Promise<CsvFile> {
  const texts = decodedText(body, limits.bytes)
  let start = ''
  let encoding: CsvFile['encoding'] = 'UTF-8'
  // Enough text to see the header line whole (or all there is).
  for (;;) {
    const next = await texts.next()
    if (next.done) break
    if (next.value.bom) encoding = 'UTF-8 with BOM'
    start += next.value.text
    if (/[\r\n]/.test(start) || start.length > 65_536) break
  }
  if (!start.trim()) {
    await texts.return(undefined)
    throw applicationError(
      400,
      'EMPTY_FILE',
      'The file is empty: send a CSV file with a header row.'
    )
  }
  const delimiter = detectDelimiter(start)
  const reader = new CsvReader(delimiter)
  const pending: CsvRecord[] = reader.push(start)
  let ended = false
  /** The next record, reading more of the file as needed; undefined at its end. */
  const nextRecord = async (): Promise<CsvRecord | undefined> => {
    while (!pending.length && !ended) {
      const next = await texts.next()
      if (next.done) {
        ended = true
        pending.push(...reader.end())
      } else pending.push(...reader.push(next.value.text))
    }
    return pending.shift()
  }
  const headerRecord = await nextRecord()
  const header = headerRecord!.cells.map((h) => h.trim())
  if (header.length > limits.columns) {
    await texts.return(undefined)
    throw applicationError(
      400,
      'TOO_MANY_COLUMNS',
      `The file has ${header.length} columns; an import reads at most ${limits.columns}.`,
      { columns: header.length, limit: limits.columns }
    )
  }
  let blankRows = 0
  let rowNumber = 1
  let dataRows = 0
  return {
    encoding,
    delimiter,
    header,
    get blankRows() {
      return blankRows
    },
    async *rows(size: number) {
      let batch: CsvRow[] = []
      try {
        for (;;) {
          const record = await nextRecord()
          if (!record) break
          rowNumber++
          if (!record.problem && record.cells.every((cell) => !cell.trim())) {
            blankRows++
            continue
          }
          if (++dataRows > limits.rows) {
            throw applicationError(
              413,
              'TOO_MANY_ROWS',
              `The file has more than ${limits.rows.toLocaleString('en')} rows; split it into smaller files.`,
              { limit: limits.rows }
            )
          }
          batch.push({ ...record, row: rowNumber })
          if (batch.length >= size) {
            yield batch
            batch = []
          }
        }
        if (batch.length) yield batch
      } finally {
        await texts.return(undefined)
      }
    },
  }
}

/**
 * The body as text, chunk by chunk: a UTF-8 BOM taken off (and reported), UTF-16 refused, each
 * byte checked as UTF-8, the size counted against `maxBytes`.
 */
async function* decodedText(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number
): AsyncGenerator<{ text: string; bom?: true }> {
  if (!body) return
  const reader = body.getReader()
  const decoder = new TextDecoder('utf-8')
  const check = new Utf8Check()
  let size = 0
  let head: Uint8Array | undefined = new Uint8Array(0)
  let bom = false
  /** Bytes checked before the current chunk, and the line the chunk starts on. */
  let before = 0
  let line = 1
  try {
    for (;;) {
      const { done, value } = await reader.read()
      let bytes = value ?? new Uint8Array(0)
      size += bytes.byteLength
      if (size > maxBytes) {
        throw applicationError(
          413,
          'PAYLOAD_TOO_LARGE',
          `A CSV file may be at most ${maxBytes / 1024 / 1024} MB (${maxBytes.toLocaleString('en')} bytes).`,
          { limit: maxBytes }
        )
      }
      let first = false
      if (head) {
        // The first bytes decide the encoding: wait for three of them (or the end).
        const joined: Uint8Array = new Uint8Array(head.byteLength + bytes.byteLength)
        joined.set(head)
        joined.set(bytes, head.byteLength)
        if (joined.byteLength < 3 && !done) {
          head = joined
          continue
        }
        head = undefined
        refuseUtf16(joined)
        bom = first = UTF8_BOM.every((b, i) => joined[i] === b)
        bytes = bom ? joined.subarray(3) : joined
      }
      let bad = check.push(bytes)
      if (bad < 0 && done) bad = check.end()
      if (bad >= 0) {
        // A sequence begun in an earlier chunk began after that chunk's last line end.
        const local = Math.max(0, bad - before)
        for (let i = bytes.indexOf(10); i >= 0 && i < local; i = bytes.indexOf(10, i + 1)) line++
        throw notUtf8(check.badByte, bad + (bom ? 3 : 0), line)
      }
      before += bytes.byteLength
      for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) line++
      const text = decoder.decode(bytes, { stream: !done })
      if (text || first) yield first ? { text, bom: true } : { text }
      if (done) return
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

/** UTF-16 (a byte order mark, or the zero bytes its ASCII letters carry) is refused by name. */
function refuseUtf16(start: Uint8Array): void {
  const bomLE = start[0] === 0xff && start[1] === 0xfe
  const bomBE = start[0] === 0xfe && start[1] === 0xff
  if (bomLE || bomBE || start.subarray(0, 1024).includes(0)) {
    throw applicationError(
      400,
      'UNSUPPORTED_ENCODING',
      'The file is UTF-16 (as Excel saves "Unicode Text"); an import reads UTF-8. Save it as "CSV UTF-8 (Comma delimited)" and upload it again.',
      { encoding: bomBE ? 'UTF-16BE' : 'UTF-16LE' }
    )
  }
}

function notUtf8(byte: number, offset: number, line: number) {
  const hex = byte.toString(16).toUpperCase().padStart(2, '0')
  return applicationError(
    400,
    'NOT_UTF8',
    `The file is not UTF-8: byte 0x${hex} at offset ${offset} (line ${line}) does not start a valid UTF-8 character. Save the file as "CSV UTF-8" (Excel) or in UTF-8 (other tools) and upload it again; Windows-1252 and Latin-1 files are not read.`,
    { offset, byte: `0x${hex}`, line }
  )
}
