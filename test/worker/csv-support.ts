/** Builders shared by the CSV import and export tests. */
import { env } from 'cloudflare:workers'
import { expect } from 'vitest'
import { runBulkJob } from '../../worker/contacts/bulk-jobs.ts'
import { CsvReader } from '../../worker/contacts/csv-read.ts'
import { ADMIN_KEY, call } from './helpers.ts'

/** Posts a file (text, or raw bytes) as the body, the way `curl --data-binary` does. */
export async function upload(
  path: string,
  file: string | Uint8Array,
  query: Record<string, string | string[]> = {},
  headers: Record<string, string> = {}
): Promise<{ status: number; body: any }> {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query))
    for (const v of [value].flat()) params.append(name, v)
  const res = await call(`${path}${params.size ? `?${params}` : ''}`, {
    method: 'POST',
    headers: { Authorization: ADMIN_KEY, 'Content-Type': 'text/csv', ...headers },
    body: file,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

export const dryRun = (file: string | Uint8Array, query: Record<string, string | string[]> = {}) =>
  upload('/v1/contacts/imports', file, { ...query, dryRun: 'true' })

/** Starts an import and runs it here to the end, `size` rows a chunk; answers the finished job. */
export async function runImport(
  file: string | Uint8Array,
  query: Record<string, string | string[]> = {},
  size = 2
) {
  const started = await upload('/v1/contacts/imports', file, query)
  expect(started.status, JSON.stringify(started.body)).toBe(200)
  const { jobId } = started.body
  await runToEnd(jobId, size)
  return { jobId, job: await job(jobId) }
}

export async function runToEnd(jobId: string, size = 2) {
  const chunkSize = { sets: size, contacts: size, rows: size }
  for (let turns = 0; turns < 10_000; turns++)
    if (await runBulkJob(env.DB, jobId, { turnMs: 0, chunkSize })) return
  throw new Error('the import did not complete')
}

export async function job(jobId: string) {
  const res = await call(`/contacts/v4/bulk/jobs/${jobId}`, {
    headers: { Authorization: ADMIN_KEY },
  })
  expect(res.status).toBe(200)
  return ((await res.json()) as { job: any }).job
}

/** A download's bytes, with its status and headers. */
export async function download(path: string, init: RequestInit = {}) {
  const res = await call(path, { ...init, headers: { Authorization: ADMIN_KEY, ...init.headers } })
  const bytes = new Uint8Array(await res.arrayBuffer())
  return { status: res.status, headers: res.headers, bytes }
}

/** A CSV file's records, read by RFC 4180 (after checking and dropping the BOM). */
export function records(bytes: Uint8Array): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const text = new TextDecoder().decode(bytes.subarray(3))
  const reader = new CsvReader(',')
  return [...reader.push(text), ...reader.end()].map((r) => r.cells)
}

/** The rows of a CSV as objects by header. */
export function rowsOf(bytes: Uint8Array): Record<string, string>[] {
  const [header, ...rows] = records(bytes)
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i]!])))
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>()
  return row!.n
}

/** Lines joined with CRLF, ending with one. */
export const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n`
