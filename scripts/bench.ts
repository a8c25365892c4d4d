/**
 * `npm run bench`: the submission pipeline under load, against a one-INSERT baseline measured in
 * the same run, at 1,000 and 100,000 contacts; the export flow; find-duplicate latency. Prints a
 * markdown table with the ratios the targets are set on. Load stays on loopback.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { withLocalBin } from './lib/run.ts'

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8)
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number)
const ADMIN = 'bench-admin-key'

interface Load {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
  /** CPU time of the workerd processes per request (Linux only; NaN elsewhere). */
  cpuMs: number
}

/** CPU milliseconds used so far by the running workerd processes (the server under test). */
function workerdCpuMs(): number {
  if (!existsSync('/proc/self/stat')) return NaN
  const pids = spawnSync('pgrep', ['-f', 'workerd serve'], { encoding: 'utf8' }).stdout.split('\n')
  let ticks = 0
  for (const pid of pids.filter(Boolean)) {
    try {
      // utime and stime, fields 14 and 15, counted after the parenthesised command name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // exited
    }
  }
  return ticks * 10 // USER_HZ is 100 on Linux
}

function sh(command: string, args: string[]) {
  const r = spawnSync(command, args, { env: withLocalBin(), encoding: 'utf8' })
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
}

async function serve(args: string[], port: number): Promise<ChildProcess> {
  const child = spawn('wrangler', ['dev', '--port', String(port), '--ip', '127.0.0.1', ...args], {
    env: { ...withLocalBin(), WRANGLER_SEND_METRICS: 'false' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status < 500) return child
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('wrangler dev did not start')
}

function stop(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGTERM')
  } catch {
    // gone
  }
}

function load(
  url: string,
  path: string,
  body: () => string,
  headers: () => Record<string, string>
): Promise<Load> {
  const cpuBefore = workerdCpuMs()
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: DURATION_S,
        requests: [
          {
            method: 'POST',
            path,
            setupRequest: (req) => ({
              ...req,
              body: body(),
              headers: { 'Content-Type': 'application/json', ...headers() },
            }),
          },
        ],
      },
      (err, r) =>
        err
          ? reject(err)
          : resolve({
              rps: r.requests.average,
              p50: r.latency.p50,
              p99: r.latency.p99,
              non2xx: r.non2xx,
              errors: r.errors,
              cpuMs: (workerdCpuMs() - cpuBefore) / Math.max(1, r.requests.total),
            })
    )
  })
}

/** Contacts with emails, both form labels and an extended value, created one a second. */
function seedSql(n: number): string {
  const rows = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`
  const at = `strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || i || ' seconds')`
  return `
INSERT INTO labels (key, namespace, display_name, label_type, created_date, updated_date) VALUES
  ('custom.website-lead', 'custom', 'Website lead', 'USER_DEFINED', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'),
  ('custom.demo-request', 'custom', 'Demo request', 'USER_DEFINED', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
INSERT INTO extended_fields (key, namespace, display_name, data_type, field_type, created_date, updated_date) VALUES
  ('custom.signup-source', 'custom', 'Signup source', 'TEXT', 'USER_DEFINED', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z');
${rows} INSERT INTO contacts (id, source_type, created_date, updated_date, last_activity_date, last_activity_type, first_name)
  SELECT printf('seed-%06d', i), 'IMPORT', ${at}, ${at}, ${at}, 'CONTACT_CREATED', 'Seed' FROM n;
${rows} INSERT INTO contact_emails (id, contact_id, position, tag, email, email_norm, is_primary)
  SELECT printf('seed-email-%06d', i), printf('seed-%06d', i), 0, 'UNTAGGED', printf('seed-%06d@bench.example', i), printf('seed-%06d@bench.example', i), 1 FROM n;
${rows} INSERT INTO contact_labels (contact_id, label_key) SELECT printf('seed-%06d', i), 'custom.website-lead' FROM n;
${rows} INSERT INTO contact_extended_values (contact_id, field_key, value) SELECT printf('seed-%06d', i), 'custom.signup-source', '"import"' FROM n;
`
}

async function tokens(base: string, count: number): Promise<string[]> {
  const out: string[] = []
  const worker = async () => {
    while (out.length < count)
      out.push(((await (await fetch(`${base}/v1/forms/demo`)).json()) as { token: string }).token)
  }
  await Promise.all(Array.from({ length: 16 }, worker))
  return out
}

async function timeExport(base: string, since: string): Promise<{ ms: number; count: number }> {
  const started = performance.now()
  let count = 0
  for (let offset = 0; ; offset += 1000) {
    const res = await fetch(`${base}/contacts/v4/contacts/query`, {
      method: 'POST',
      headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: {
          filter: { createdDate: { $gt: since } },
          sort: [{ fieldName: 'createdDate', order: 'ASC' }],
          paging: { limit: 1000, offset },
        },
      }),
    })
    const page = (await res.json()) as { contacts: unknown[] }
    count += page.contacts.length
    if (page.contacts.length < 1000) break
  }
  return { ms: performance.now() - started, count }
}

async function findDuplicateP50(base: string, size: number): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 200; i++) {
    const email = `SEED-${String(1 + Math.floor(Math.random() * size)).padStart(6, '0')}@bench.example`
    const started = performance.now()
    await fetch(`${base}/contacts/v4/contacts/query`, {
      method: 'POST',
      headers: { Authorization: ADMIN, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        query: { filter: { 'info.emails.email': email }, paging: { limit: 1 } },
      }),
    }).then((r) => r.arrayBuffer())
    times.push(performance.now() - started)
  }
  return times.sort((a, b) => a - b)[100]!
}

const visitor = () => ({
  'CF-Connecting-IP': `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
})
const fmt = (n: number, digits = 0) => n.toFixed(digits)

// ---- the baseline
const baseDir = mkdtempSync(join(tmpdir(), 'bench-baseline-'))
sh('wrangler', [
  'd1',
  'migrations',
  'apply',
  'DB',
  '--local',
  '-c',
  'bench/baseline/wrangler.toml',
  '--persist-to',
  baseDir,
])
const baseline = await serve(
  ['-c', 'bench/baseline/wrangler.toml', '--persist-to', baseDir],
  28_701
)
const body = JSON.stringify({
  values: {
    email: 'someone@bench.example',
    firstName: 'Ann',
    interest: 'pricing',
    message: 'Hello there',
    consent: true,
  },
})
const floor = await load(
  'http://127.0.0.1:28701',
  '/insert',
  () => body,
  () => ({})
)
stop(baseline)
console.error(`baseline: ${fmt(floor.rps)} req/s`)

const rows: string[] = []
const measured: Record<
  number,
  {
    load: Load
    dupP50: number
    exportAll?: { ms: number; count: number }
    export10k?: { ms: number; count: number }
  }
> = {}
let next = 0
for (const size of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${size}-`))
  sh('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', dir])
  const seed = join(dir, 'seed.sql')
  writeFileSync(seed, seedSql(size))
  sh('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', dir, '--file', seed])
  const app = await serve(['--persist-to', dir, '--var', `ADMIN_API_KEY:${ADMIN}`], 28_702)
  const base = 'http://127.0.0.1:28702'
  const pool = await tokens(base, Math.max(4000, Math.ceil(floor.rps * DURATION_S * 1.2)))
  await new Promise((r) => setTimeout(r, 2100)) // a person's fill time, as the render tokens require
  let dup = 0
  const submission = () => {
    // Half new visitors, half known contacts in another case (each at most a few times a minute).
    const email =
      next++ % 2
        ? `new-${size}-${next}@bench.example`
        : `SEED-${String(1 + (dup++ % size)).padStart(6, '0')}@BENCH.example`
    return JSON.stringify({
      values: {
        email,
        firstName: 'Ann',
        interest: 'pricing',
        message: 'Hello there',
        consent: true,
      },
      token: pool.pop(),
    })
  }
  const result = await load(base, '/v1/forms/demo/submissions', submission, () => ({
    ...visitor(),
    Origin: base,
  }))
  measured[size] = { load: result, dupP50: await findDuplicateP50(base, size) }
  if (size === 100_000) {
    measured[size]!.exportAll = await timeExport(base, '2024-12-31T00:00:00.000Z')
    // The last 10,000 seeded contacts (and the submissions' new ones, a few thousand more).
    measured[size]!.export10k = await timeExport(
      base,
      new Date(Date.UTC(2025, 0, 1) + 90_000_000).toISOString()
    )
  }
  stop(app)
  rmSync(dir, { recursive: true, force: true })
  console.error(`${size} contacts: ${fmt(result.rps)} req/s, p50 ${result.p50} ms`)
}
rmSync(baseDir, { recursive: true, force: true })

const pass = (ok: boolean) => (ok ? 'met' : '**missed**')
const ratio = (rps: number) => fmt(rps / floor.rps, 2)
const cpu = (l: Load) => (Number.isNaN(l.cpuMs) ? '–' : fmt(l.cpuMs, 2))
rows.push(
  `| one D1 INSERT per request (baseline) | ${fmt(floor.rps)} | ${floor.p50} | ${floor.p99} | ${cpu(floor)} | 1.00 |`,
  ...SIZES.map((size) => {
    const { load: l } = measured[size]!
    return `| submission, ${size.toLocaleString('en')} contacts | ${fmt(l.rps)} | ${l.p50} | ${l.p99} | ${cpu(l)} | ${ratio(l.rps)} |`
  })
)
const small = measured[1_000]
const large = measured[100_000]
const first = measured[SIZES[0]!]!
const measures = [
  `| throughput, ${SIZES[0]!.toLocaleString('en')} contacts ÷ baseline | ${ratio(first.load.rps)} | ≥ 0.5: ${pass(first.load.rps / floor.rps >= 0.5)} |`,
]
// The growth targets compare 1,000 with 100,000 contacts; a run with other sizes skips them.
if (small && large) {
  const p50Ratio = large.load.p50 / Math.max(1, small.load.p50)
  const exportRatio = large.exportAll!.ms / large.export10k!.ms
  measures.push(
    `| p50, 100,000 ÷ 1,000 contacts | ${fmt(p50Ratio, 2)} | ≤ 1.3: ${pass(p50Ratio <= 1.3)} |`,
    `| find duplicate p50, 1,000 / 100,000 contacts | ${fmt(small.dupP50, 1)} ms / ${fmt(large.dupP50, 1)} ms | indexed |`,
    `| export ${large.exportAll!.count} contacts ÷ export ${large.export10k!.count} (pages of 1,000) | ${fmt(large.exportAll!.ms)} ms ÷ ${fmt(large.export10k!.ms)} ms = ${fmt(exportRatio, 1)} | ≤ 12: ${pass(exportRatio <= 12)} |`
  )
}
const non2xx = SIZES.reduce((n, size) => n + measured[size]!.load.non2xx, 0)
measures.push(`| non-2xx answers during load | ${non2xx} | 0 |`)
console.log(`
Benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, wrangler dev (local workerd + D1), ${CONNECTIONS} connections, ${DURATION_S} s each

| scenario | req/s | p50 ms | p99 ms | workerd CPU ms/req | × baseline |
|---|---|---|---|---|---|
${rows.join('\n')}

| measure | value | target |
|---|---|---|
${measures.join('\n')}
`)
