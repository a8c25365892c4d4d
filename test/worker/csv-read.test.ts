/**
 * Reading uploaded CSV files: RFC 4180 records however the text arrives, line ends, delimiters,
 * encodings (UTF-8 with or without BOM; UTF-16 and other bytes refused with where), quoting
 * mistakes as row problems or a file error, huge cells, and the file limits — through the reader
 * and through `POST /v1/contacts/imports/preview`.
 */
import { describe, expect, it } from 'vitest'
import { IMPORT_LIMITS } from '../../shared/contact-csv.ts'
import {
  CsvReader,
  detectDelimiter,
  MAX_CELL_CHARS,
  Utf8Check,
} from '../../worker/contacts/csv-read.ts'
import type { CsvRecord } from '../../worker/contacts/csv-read.ts'
import { appError, call } from './helpers.ts'
import { crlf, upload } from './csv-support.ts'

const PREVIEW = '/v1/contacts/imports/preview'

function read(text: string | string[], delimiter: ',' | ';' | '\t' = ','): CsvRecord[] {
  const reader = new CsvReader(delimiter)
  return [...[text].flat().flatMap((t) => reader.push(t)), ...reader.end()]
}

describe('CsvReader', () => {
  it('reads RFC 4180: quoted delimiters, doubled quotes, line breaks inside quotes', () => {
    const records = read('a,"b,c","say ""hi""","two\r\nlines"\r\n,"",x\r\n')
    expect(records.map((r) => r.cells)).toEqual([
      ['a', 'b,c', 'say "hi"', 'two\r\nlines'],
      ['', '', 'x'],
    ])
    expect(records.map((r) => r.line)).toEqual([1, 3])
    expect(records.some((r) => r.problem)).toBe(false)
  })

  it('reads CRLF, LF, CR and mixed line ends alike, with or without a last line end', () => {
    const rows = [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]
    for (const text of [
      'a,b\r\n1,2\r\n3,4\r\n',
      'a,b\n1,2\n3,4\n',
      'a,b\r1,2\r3,4\r',
      'a,b\r\n1,2\n3,4\r',
      'a,b\n1,2\n3,4',
    ]) {
      expect(
        read(text).map((r) => r.cells),
        JSON.stringify(text)
      ).toEqual(rows)
    }
  })

  it('reads the same records however the text is cut into chunks', () => {
    const text = 'name,"note"\r\n"Ann ""A"" Lee","x,\r\ny"\r\nBob,\r\n"",z\n'
    const whole = read(text)
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        expect(read([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole)
      }
    }
  })

  it('keeps a record with a quote inside an unquoted cell or text after a closing quote, with its problem', () => {
    const [, stray, after, fine] = read('a,b\n1,x"y\n"x"y,2\nok,ok\n')
    expect(stray!.cells).toEqual(['1', 'x"y'])
    expect(stray!.problem).toMatch(/quote inside a cell/)
    expect(after!.problem).toMatch(/after the closing quote of cell 1/)
    expect(fine!.problem).toBeUndefined()
  })

  it('refuses a quote never closed, naming the line where its cell starts', () => {
    expect(() => read('a,b\n1,2\n"3,4\n5,6\n')).toThrow(/never closed/)
    try {
      read('a,b\n1,2\n"3,4\n5,6\n')
    } catch (err) {
      expect((err as { body: unknown }).body).toEqual(
        appError('UNTERMINATED_QUOTE', { line: 3, cell: 1 })
      )
    }
  })

  it('cuts a 1 MB cell at 10,000 characters and says so, reading on after it', () => {
    const big = 'x'.repeat(1_000_000)
    const [row, next] = read([
      `"${big.slice(0, 300_000)}`,
      `${big.slice(300_000)}",after\n`,
      'n,m\n',
    ])
    expect(row!.cells[0]).toHaveLength(MAX_CELL_CHARS)
    expect(row!.cut).toEqual([0])
    expect(row!.cells[1]).toBe('after')
    expect(next!.cells).toEqual(['n', 'm'])
  })

  it('finds the delimiter on the header line: comma, semicolon or tab, ignoring quoted ones', () => {
    expect(detectDelimiter('First name;Last name;Email\r\na,b,c')).toBe(';')
    expect(detectDelimiter('First name\tEmail\nx')).toBe('\t')
    expect(detectDelimiter('"a;b;c",d\n')).toBe(',')
    expect(detectDelimiter('Email\n')).toBe(',')
  })
})

describe('Utf8Check', () => {
  const bytes = (...b: number[]) => new Uint8Array(b)

  it('accepts UTF-8, a character split across chunks too', () => {
    const check = new Utf8Check()
    const euro = new TextEncoder().encode('a€😀')
    for (const b of euro) expect(check.push(bytes(b))).toBe(-1)
    expect(check.end()).toBe(-1)
  })

  it('answers the offset of the first sequence that is not UTF-8', () => {
    const first = (...chunks: Uint8Array[]) => {
      const check = new Utf8Check()
      for (const c of chunks) {
        const bad = check.push(c)
        if (bad >= 0) return [bad, check.badByte]
      }
      return [check.end(), check.badByte]
    }
    expect(first(bytes(0x63, 0x61, 0x66, 0xe9, 0x2c))).toEqual([3, 0xe9]) // Latin-1 é
    expect(first(bytes(0x41, 0xc0, 0x80))).toEqual([1, 0xc0]) // overlong
    expect(first(bytes(0xed, 0xa0, 0x80))).toEqual([0, 0xed]) // a surrogate
    expect(first(bytes(0xf4, 0x90, 0x80, 0x80))).toEqual([0, 0xf4]) // past U+10FFFF
    expect(first(bytes(0x41), bytes(0xe2, 0x82))).toEqual([1, 0xe2]) // cut short at the end
    expect(first(bytes(0x41, 0xe2), bytes(0x41))).toEqual([1, 0xe2]) // broken across chunks
  })
})

describe('POST /v1/contacts/imports/preview', () => {
  it('shows the header, the first rows, the row count and the suggested mapping', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `Ann ${i},ann${i}@example.com,${i}`)
    const res = await upload(PREVIEW, crlf('First name,E-mail,Shoe size', ...rows, ',,'))
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      encoding: 'UTF-8',
      delimiter: ',',
      header: ['First name', 'E-mail', 'Shoe size'],
      totalRows: 12,
      blankRows: 1,
      suggestedMapping: {
        'First name': 'name.first',
        'E-mail': 'email',
        'Shoe size': { extendedField: 'Shoe size', dataType: 'TEXT' },
      },
    })
    expect(res.body.rows).toHaveLength(10)
    expect(res.body.rows[0]).toEqual({ row: 2, cells: ['Ann 0', 'ann0@example.com', '0'] })
  })

  it('reads a file with a UTF-8 BOM (Excel\'s "CSV UTF-8") without the BOM in the header', async () => {
    const file = new TextEncoder().encode('\uFEFFEmail;Vorname\r\nanne@example.de;Änne\r\n')
    const res = await upload(PREVIEW, file)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({
      encoding: 'UTF-8 with BOM',
      delimiter: ';',
      header: ['Email', 'Vorname'],
      rows: [{ row: 2, cells: ['anne@example.de', 'Änne'] }],
    })
  })

  it('reads tab-separated files', async () => {
    const res = await upload(PREVIEW, 'Email\tFirst name\nann@example.com\tAnn\n')
    expect(res.body).toMatchObject({ delimiter: '\t', header: ['Email', 'First name'] })
  })

  it('refuses bytes that are not UTF-8 with 400 NOT_UTF8: the byte, its offset and line', async () => {
    const head = new TextEncoder().encode('Email,Name\r\nann@example.com,Ren')
    const file = new Uint8Array([...head, 0xe9, ...new TextEncoder().encode('\r\n')]) // Latin-1 é
    const res = await upload(PREVIEW, file)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(appError('NOT_UTF8', { offset: head.length, byte: '0xE9', line: 2 }))
    expect(res.body.message).toMatch(/CSV UTF-8/)
  })

  it('refuses UTF-16 with 400 UNSUPPORTED_ENCODING', async () => {
    const text = 'Email\r\nann@example.com\r\n'
    const utf16 = new Uint8Array(2 + text.length * 2)
    utf16.set([0xff, 0xfe])
    for (let i = 0; i < text.length; i++) utf16[2 + i * 2] = text.charCodeAt(i)
    const res = await upload(PREVIEW, utf16)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(appError('UNSUPPORTED_ENCODING', { encoding: 'UTF-16LE' }))
    // Without its byte order mark, by the zero bytes of its letters.
    expect((await upload(PREVIEW, utf16.subarray(2))).body).toEqual(
      appError('UNSUPPORTED_ENCODING')
    )
  })

  it('refuses an empty file and a quote left open', async () => {
    expect((await upload(PREVIEW, '')).body).toEqual(appError('EMPTY_FILE'))
    expect((await upload(PREVIEW, '\r\n\r\n')).body).toEqual(appError('EMPTY_FILE'))
    const open = await upload(
      PREVIEW,
      'Email,Note\nann@example.com,"never closed\nbob@example.com,x\n'
    )
    expect(open.status).toBe(400)
    expect(open.body).toEqual(appError('UNTERMINATED_QUOTE', { line: 2, cell: 2 }))
  })

  it('refuses a file over 20 MB with 413, by its Content-Length or as it is read', async () => {
    const big = new Uint8Array(IMPORT_LIMITS.bytes + 1).fill(0x61)
    big.set(new TextEncoder().encode('Email\n'))
    const res = await upload(PREVIEW, big)
    expect(res.status).toBe(413)
    expect(res.body).toEqual(appError('PAYLOAD_TOO_LARGE', { limit: IMPORT_LIMITS.bytes }))
    // Sent in chunks without a length: counted while reading.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < big.length; i += 1 << 20)
          controller.enqueue(big.subarray(i, i + (1 << 20)))
        controller.close()
      },
    })
    const chunked = await call(PREVIEW, {
      method: 'POST',
      headers: { Authorization: 'test-admin-key', 'Content-Type': 'text/csv' },
      body: stream,
      // @ts-expect-error workerd wants to be told a streamed body is half duplex
      duplex: 'half',
    })
    expect(chunked.status).toBe(413)
  })

  it('refuses more than 100,000 rows with 413 TOO_MANY_ROWS, and more than 500 columns', async () => {
    const rows = `Email\n${'a@example.com\n'.repeat(IMPORT_LIMITS.rows + 1)}`
    const many = await upload(PREVIEW, rows)
    expect(many.status).toBe(413)
    expect(many.body).toEqual(appError('TOO_MANY_ROWS', { limit: IMPORT_LIMITS.rows }))
    expect((await upload(PREVIEW, rows.slice(0, -'a@example.com\n'.length))).status).toBe(200)
    const wide = await upload(
      PREVIEW,
      `${Array.from({ length: 501 }, (_, i) => `c${i}`).join(',')}\n`
    )
    expect(wide.status).toBe(400)
    expect(wide.body).toEqual(appError('TOO_MANY_COLUMNS', { columns: 501, limit: 500 }))
  })

  it('wants the file itself as the body: a multipart form is 415', async () => {
    const form = new FormData()
    form.append('file', new Blob(['Email\na@example.com\n']), 'contacts.csv')
    const res = await call(PREVIEW, {
      method: 'POST',
      headers: { Authorization: 'test-admin-key' },
      body: form,
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toEqual(appError('UNSUPPORTED_MEDIA_TYPE'))
  })

  it('needs an admin key; a read-only key may not upload', async () => {
    expect((await upload(PREVIEW, 'Email\na@example.com\n')).status).toBe(200)
    expect((await call(PREVIEW, { method: 'POST', body: 'Email\n' })).status).toBe(401)
    const res = await call(PREVIEW, {
      method: 'POST',
      headers: { Authorization: 'test-read-key' },
      body: 'Email\na@example.com\n',
    })
    expect(res.status).toBe(403)
  })
})
