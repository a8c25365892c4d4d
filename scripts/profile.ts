/**
 * `npm run profile`: where a submission's CPU goes. Starts `wrangler dev` with a fresh local D1
 * (1,000 seeded contacts), takes render tokens, connects to the worker's V8 inspector, and drives
 * submissions (half new visitors, half known contacts, as `npm run bench` does) while the CPU
 * profiler samples. Prints the isolate's self time per request in buckets (render token, hashing,
 * zod, libphonenumber, JSON, hono, the D1 binding's JavaScript, GC, ...), mapped to source files
 * through wrangler's source map, beside the CPU of the workerd processes: what the profile does
 * not see (D1's local simulator and SQLite, HTTP, wrangler's proxy) is their difference.
 *
 * `PROFILE_REQUESTS` (default 3000), `PROFILE_CONNECTIONS` (8), `PROFILE_RUNS` (runs on one server,
 * each profiled alone; default 3) and `PROFILE_NOTIFY=off` (the forms' owner emails switched off,
 * through a copy of wrangler.toml that aliases forms.config.ts) change the run.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import type { SourceMapPayload } from 'node:module'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { withLocalBin } from './lib/run.ts'
import { tokens, workerdCpuMs } from './lib/bench-support.ts'
import { freePort } from './lib/free-port.ts'

const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 3000)
const CONNECTIONS = Number(process.env.PROFILE_CONNECTIONS ?? 8)
const RUNS = Number(process.env.PROFILE_RUNS ?? 3)
const NOTIFY = process.env.PROFILE_NOTIFY !== 'off'
/** A folder for each run's .cpuprofile (Chrome DevTools opens them), when set. */
const SAVE = process.env.PROFILE_SAVE
const SEEDED = 1000
/** Microseconds between samples: fine enough for functions of a few microseconds per request. */
const SAMPLING_US = 100
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

// ---- the server

function sh(args: string[]) {
  const r = spawnSync('wrangler', args, { env: withLocalBin(), encoding: 'utf8', cwd: ROOT })
  if (r.status !== 0)
    throw new Error(`wrangler ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
}

/**
 * The wrangler config to run: wrangler.toml itself, or (owner emails off) a copy in `dir` with its
 * paths made absolute and forms.config.ts aliased to the same forms without `notify`.
 */
function configFor(dir: string): string {
  const toml = join(ROOT, 'wrangler.toml')
  if (NOTIFY) return toml
  const forms = join(dir, 'forms.config.ts')
  writeFileSync(
    forms,
    `import forms from ${JSON.stringify(join(ROOT, 'forms.config.ts'))}\n` +
      'export default Object.fromEntries(Object.entries(forms).map(([id, f]) => [id, { ...f, notify: undefined }]))\n'
  )
  const copy = readFileSync(toml, 'utf8').replace(
    /^(main|migrations_dir|directory) = "([^"]+)"$/gm,
    (_, key: string, path: string) => `${key} = ${JSON.stringify(resolve(ROOT, path))}`
  )
  const config = join(dir, 'wrangler.toml')
  // esbuild's alias is matched on the import as written (worker/configured-forms.ts's).
  writeFileSync(config, `${copy}\n[alias]\n"../forms.config.ts" = ${JSON.stringify(forms)}\n`)
  return config
}

/** Contacts with emails, both form labels and an extended value (as `npm run bench` seeds them). */
function seedSql(n: number): string {
  const rows = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})`
  const at = `strftime('%Y-%m-%dT%H:%M:%fZ', '2025-01-01', '+' || i || ' seconds')`
  return `
${rows} INSERT INTO contacts (id, source_type, created_date, updated_date, last_activity_date, last_activity_type, first_name)
  SELECT printf('seed-%06d', i), 'IMPORT', ${at}, ${at}, ${at}, 'CONTACT_CREATED', 'Seed' FROM n;
${rows} INSERT INTO contact_emails (id, contact_id, position, tag, email, email_norm, is_primary)
  SELECT printf('seed-email-%06d', i), printf('seed-%06d', i), 0, 'UNTAGGED', printf('seed-%06d@bench.example', i), printf('seed-%06d@bench.example', i), 1 FROM n;
`
}

async function serve(config: string, dir: string, port: number, inspector: number) {
  const child = spawn(
    'wrangler',
    [
      'dev',
      '-c',
      config,
      '--port',
      String(port),
      '--ip',
      '127.0.0.1',
      '--inspector-port',
      String(inspector),
      '--persist-to',
      dir,
      '--var',
      'ADMIN_API_KEY:profile-admin-key',
    ],
    {
      cwd: ROOT,
      env: { ...withLocalBin(), WRANGLER_SEND_METRICS: 'false' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    }
  )
  let log = ''
  child.stderr!.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)))
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status < 500) return child
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  stop(child)
  throw new Error(`wrangler dev did not start:\n${log}`)
}

function stop(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGTERM')
  } catch {
    // gone
  }
}

// ---- the inspector (Chrome DevTools Protocol)

interface CallFrame {
  functionName: string
  scriptId: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface ProfileNode {
  id: number
  callFrame: CallFrame
  parent?: number
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

async function inspect(port: number) {
  // wrangler's inspector proxy admits only DevTools' own origins and local ones.
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    headers: { Origin: 'http://127.0.0.1' },
  } as unknown as string[])
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>()
  const scripts = new Map<string, { url: string; sourceMapURL: string }>()
  let id = 0
  let session = 0
  ws.onmessage = (event) => {
    const m = JSON.parse(String(event.data))
    if (pending.has(m.id)) {
      // workerd answers Profiler commands with the command itself (and `result` when there is one).
      const p = pending.get(m.id)!
      pending.delete(m.id)
      if (m.error) p.reject(new Error(`${m.error.message}`))
      else p.resolve(m.result)
    } else if (m.method === 'Runtime.executionContextCreated') {
      // The runtime was restarted or wrangler's proxy reconnected to it: a new session.
      session++
    } else if (m.method === 'Debugger.scriptParsed') {
      scripts.set(m.params.scriptId, { url: m.params.url, sourceMapURL: m.params.sourceMapURL })
    }
  }
  // A runtime restart drops the session (and the profile with it): fail rather than wait forever.
  ws.onclose = () => {
    for (const p of pending.values()) p.reject(new Error('the inspector closed the connection'))
    pending.clear()
  }
  await new Promise<void>((ok, fail) => {
    ws.onopen = () => ok()
    ws.onerror = () => fail(new Error(`could not connect to the inspector on port ${port}`))
  })
  const send = <T = unknown>(method: string, params: object = {}): Promise<T> =>
    new Promise((ok, fail) => {
      pending.set(++id, { resolve: ok, reject: fail })
      ws.send(JSON.stringify({ id, method, params }))
    })
  // The debugger only to learn the scripts' files and source maps: off again before profiling.
  await send('Debugger.enable')
  await send('Debugger.disable')
  let started = 0
  return {
    scripts,
    async start() {
      started = session
      await send('Profiler.enable')
      await send('Profiler.setSamplingInterval', { interval: SAMPLING_US })
      await send('Profiler.start')
    },
    /** The profile since start(); undefined when the session changed in between (its samples are lost). */
    async stop(): Promise<Profile | undefined> {
      const result = await send<{ profile?: Profile } | undefined>('Profiler.stop')
      return session === started ? result?.profile : undefined
    },
    close: () => ws.close(),
  }
}

// ---- load

let next = 0
let dup = 0
function submission(pool: string[]): string {
  // Half new visitors, half known contacts written in another case.
  const email =
    next++ % 2
      ? `new-${next}@bench.example`
      : `SEED-${String(1 + (dup++ % SEEDED)).padStart(6, '0')}@BENCH.example`
  return JSON.stringify({
    values: { email, firstName: 'Ann', interest: 'pricing', message: 'Hello there', consent: true },
    token: pool.pop(),
  })
}

function drive(base: string, pool: string[], amount: number) {
  return new Promise<{ non2xx: number; errors: number; requests: number }>((ok, fail) => {
    autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        amount,
        requests: [
          {
            method: 'POST',
            path: '/v1/forms/demo/submissions',
            setupRequest: (req) => ({
              ...req,
              body: submission(pool),
              headers: {
                'Content-Type': 'application/json',
                Origin: base,
                // Each its own visitor, so the per-address limit never answers 429.
                'CF-Connecting-IP': `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`,
              },
            }),
          },
        ],
      },
      (err, r) =>
        err ? fail(err) : ok({ non2xx: r.non2xx, errors: r.errors, requests: r.requests.total })
    )
  })
}

// ---- analysis

interface Frame {
  /** The source file, relative to the project (node_modules/... for packages); or a runtime URL. */
  file: string
  line: number
  name: string
  native: boolean
}

/** Maps profile call frames to source files through the bundle's source map. */
function frameMapper(scripts: Map<string, { url: string; sourceMapURL: string }>) {
  const maps = new Map<string, { map: SourceMap; dir: string } | undefined>()
  const mapOf = (scriptId: string) => {
    if (maps.has(scriptId)) return maps.get(scriptId)
    const script = scripts.get(scriptId)
    let found: { map: SourceMap; dir: string } | undefined
    if (script?.url.startsWith('file:') && script.sourceMapURL) {
      const file = fileURLToPath(new URL(script.sourceMapURL, script.url))
      if (existsSync(file)) {
        const payload = JSON.parse(readFileSync(file, 'utf8')) as SourceMapPayload
        found = { map: new SourceMap(payload), dir: dirname(file) }
      }
    }
    maps.set(scriptId, found)
    return found
  }
  return (cf: CallFrame): Frame => {
    const script = scripts.get(cf.scriptId)
    const url = script?.url || cf.url
    if (!url) return { file: '', line: 0, name: cf.functionName, native: true }
    const mapped = mapOf(cf.scriptId)
    if (mapped) {
      const entry = mapped.map.findEntry(cf.lineNumber, cf.columnNumber) as {
        originalSource?: string
        originalLine?: number
        name?: string
      }
      if (entry.originalSource) {
        const source = entry.originalSource.startsWith('file:')
          ? fileURLToPath(entry.originalSource)
          : resolve(mapped.dir, entry.originalSource)
        return {
          file: relative(ROOT, source),
          line: (entry.originalLine ?? 0) + 1,
          name: entry.name ?? cf.functionName,
          native: false,
        }
      }
    }
    const file = url.startsWith('file:') ? relative(ROOT, fileURLToPath(url)) : url
    return { file, line: cf.lineNumber + 1, name: cf.functionName, native: false }
  }
}

const NOTIFICATION_FILES =
  /^worker\/(notifications\/|db\/notifications\.ts|http\/notifications\.ts)/

/**
 * The bucket of one sample, from its stack (leaf first). A whole subtree goes to the render token,
 * hashing and owner notifications; otherwise the leaf's own code decides, and a runtime built-in
 * (no source) is charged to the JavaScript that called it, except JSON's and crypto's.
 */
function bucketOf(stack: Frame[]): string {
  const leaf = stack[0]!
  if (leaf.name === '(garbage collector)') return 'GC'
  if (leaf.name === '(program)') return '(program): V8/workerd outside any JS function'
  if (leaf.name === '(root)') return '(program): V8/workerd outside any JS function'
  if (
    stack.some((f) => f.file === 'worker/guards/render-token.ts') ||
    (/^(sign|verify|importKey)$/.test(leaf.name) && leaf.native)
  )
    return 'render-token verification (HMAC, base64url, claims)'
  if ((leaf.native && leaf.name === 'digest') || stack.some((f) => f.name === 'sha256'))
    return 'hashing (SHA-256 of body, email, address)'
  if (stack.some((f) => NOTIFICATION_FILES.test(f.file))) return 'owner notifications'
  if (leaf.native && /^(parse|stringify)$/.test(leaf.name)) return 'JSON parse/stringify'
  const owner = stack.find((f) => !f.native)
  if (!owner) return `runtime built-ins: ${leaf.name || '(anonymous)'}`
  return bucketOfFile(owner.file)
}

function bucketOfFile(file: string): string {
  if (file.startsWith('node_modules/zod/')) return 'zod'
  if (file.startsWith('node_modules/libphonenumber-js/')) return 'libphonenumber'
  if (file.startsWith('node_modules/hono/')) return 'hono (routing, context, cors, body limit)'
  if (file === 'cloudflare-internal:d1-api') return 'D1 binding (JavaScript side)'
  if (/ratelimit|worker\/guards\/rate-limit\.ts/.test(file)) return 'rate limiting'
  if (file.startsWith('worker/http/middleware/')) return 'our middleware (worker/http/middleware)'
  if (/^(worker|shared)\//.test(file)) return `our code: ${file.replace(/\/[^/]+$/, '/')}`
  if (file.startsWith('node_modules/wrangler/') || file.includes('.wrangler/tmp/'))
    return "wrangler dev's wrappers (not deployed)"
  if (file.startsWith('node_modules/')) return `package: ${file.split('/')[1]}`
  return `workerd internals (${file.replace(/:.*/, ':')})`
}

interface Analysis {
  /** Milliseconds of isolate time per bucket, over the whole run. */
  buckets: Map<string, number>
  /** Milliseconds per function (file:line name), for the tables' "top functions". */
  functions: Map<string, { ms: number; bucket: string }>
  totalMs: number
}

function analyse(profile: Profile, frameOf: (cf: CallFrame) => Frame): Analysis {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]))
  const parents = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id)
  const stacks = new Map<number, Frame[]>()
  const stackOf = (id: number): Frame[] => {
    let s = stacks.get(id)
    if (!s) {
      s = []
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at))
        s.push(frameOf(nodes.get(at)!.callFrame))
      stacks.set(id, s)
    }
    return s
  }
  const buckets = new Map<string, number>()
  const functions = new Map<string, { ms: number; bucket: string }>()
  let totalMs = 0
  // workerd's profiler samples only while the isolate runs: the gap after a sample may be idle
  // time (waiting on D1, on the client), which DevTools would charge to that sample. So each
  // sample counts as one sampling period, the median gap.
  const gaps = profile.timeDeltas.slice(1).sort((a, b) => a - b)
  const ms = (gaps[Math.floor(gaps.length / 2)] ?? SAMPLING_US) / 1000
  for (let i = 0; i < profile.samples.length; i++) {
    const stack = stackOf(profile.samples[i]!)
    if (stack[0]!.name === '(idle)') continue
    const bucket = bucketOf(stack)
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms)
    const owner = stack.find((f) => !f.native) ?? stack[0]!
    const key = stack[0]!.native
      ? `${stack[0]!.name || '(native)'} ← ${owner.name || '(anonymous)'} ${owner.file}:${owner.line}`
      : `${owner.name || '(anonymous)'} ${owner.file}:${owner.line}`
    const f = functions.get(key) ?? { ms: 0, bucket }
    f.ms += ms
    functions.set(key, f)
    totalMs += ms
  }
  return { buckets, functions, totalMs }
}

// ---- the run

const dir = mkdtempSync(join(tmpdir(), 'profile-'))
const config = configFor(dir)
const state = join(dir, 'state')
sh(['d1', 'migrations', 'apply', 'DB', '--local', '-c', config, '--persist-to', state])
writeFileSync(join(dir, 'seed.sql'), seedSql(SEEDED))
sh([
  'd1',
  'execute',
  'DB',
  '--local',
  '-c',
  config,
  '--persist-to',
  state,
  '--file',
  join(dir, 'seed.sql'),
])
const [port, inspectorPort] = [await freePort(), await freePort()]
const server = await serve(config, state, port, inspectorPort)
const base = `http://127.0.0.1:${port}`
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    stop(server)
    process.exit(130)
  })
interface Run {
  requests: number
  non2xx: number
  isolateMs: number
  workerdMs: number
  analysis: Analysis
}
const runs: Run[] = []
try {
  const inspector = await inspect(inspectorPort)
  const frameOf = frameMapper(inspector.scripts)
  const warmup = 500
  console.error(`inspector connected; fetching ${warmup + REQUESTS * RUNS} render tokens`)
  const pool = await tokens(base, warmup + REQUESTS * RUNS)
  await new Promise((r) => setTimeout(r, 2100)) // a person's fill time, as the render tokens require
  // Warm the JIT and the isolate's caches, unprofiled.
  await drive(base, pool, warmup)
  for (let i = 0, lost = 0; i < RUNS; i++) {
    console.error(`run ${i + 1}: profiling ${REQUESTS} submissions`)
    await inspector.start()
    const cpuBefore = workerdCpuMs(server)
    const load = await drive(base, pool, REQUESTS)
    const workerdMs = workerdCpuMs(server) - cpuBefore
    const profile = await inspector.stop()
    if (!profile) {
      if (++lost > 3) throw new Error('the inspector session kept changing; no profile')
      console.error('the runtime restarted or the inspector reconnected during the run: again')
      pool.push(...(await tokens(base, REQUESTS)))
      await new Promise((r) => setTimeout(r, 2100))
      i--
      continue
    }
    if (SAVE) writeFileSync(join(SAVE, `submission-${i + 1}.cpuprofile`), JSON.stringify(profile))
    const analysis = analyse(profile, frameOf)
    runs.push({
      requests: load.requests,
      non2xx: load.non2xx + load.errors,
      isolateMs: analysis.totalMs,
      workerdMs,
      analysis,
    })
    console.error(
      `run ${i + 1}: ${load.requests} requests, ${load.non2xx} non-2xx; isolate ${(analysis.totalMs / load.requests).toFixed(2)} ms/req, workerd ${(workerdMs / load.requests).toFixed(2)} ms/req`
    )
  }
  inspector.close()
} finally {
  stop(server)
  rmSync(dir, { recursive: true, force: true })
}

// ---- the report

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const perReq = (run: Run, ms: number) => ms / run.requests
const isolate = runs.map((r) => perReq(r, r.isolateMs))
const workerd = runs.map((r) => perReq(r, r.workerdMs))
const outside = runs.map((r, i) => workerd[i]! - isolate[i]!)
const names = new Set(runs.flatMap((r) => [...r.analysis.buckets.keys()]))
const rows = [...names]
  .map((name) => {
    const per = runs.map((r) => perReq(r, r.analysis.buckets.get(name) ?? 0))
    return { name, per, share: median(per) / median(isolate) }
  })
  .sort((a, b) => median(b.per) - median(a.per))
const functions = new Map<string, { ms: number; bucket: string }>()
for (const r of runs)
  for (const [key, f] of r.analysis.functions) {
    const sum = functions.get(key) ?? { ms: 0, bucket: f.bucket }
    sum.ms += f.ms / r.requests / runs.length
    functions.set(key, sum)
  }
const top = [...functions].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)
const fmt = (ms: number) => (ms * 1000).toFixed(0)

console.log(`
Profile, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load ${loadavg()[0]!.toFixed(1)}), wrangler dev (local workerd + D1, ${SEEDED.toLocaleString('en')} contacts), owner emails ${NOTIFY ? 'on (as forms.config.ts has them)' : 'off'}; ${RUNS} runs of ${REQUESTS} submissions (half new, half known contacts), ${CONNECTIONS} connections, sampled every ${SAMPLING_US} µs; median per request (min–max of the runs); ${runs.reduce((n, r) => n + r.non2xx, 0)} non-2xx

| where | µs/request | share of the isolate |
|---|---|---|
${rows.map((r) => `| ${r.name} | ${fmt(median(r.per))} (${fmt(Math.min(...r.per))}–${fmt(Math.max(...r.per))}) | ${(r.share * 100).toFixed(1)} % |`).join('\n')}
| **the worker's isolate, profiled** | **${fmt(median(isolate))}** (${fmt(Math.min(...isolate))}–${fmt(Math.max(...isolate))}) | 100 % |
| outside it: D1's local simulator and SQLite, HTTP, wrangler's proxy (workerd CPU − isolate) | ${fmt(median(outside))} (${fmt(Math.min(...outside))}–${fmt(Math.max(...outside))}) | |
| **workerd processes, CPU** | **${fmt(median(workerd))}** (${fmt(Math.min(...workerd))}–${fmt(Math.max(...workerd))}) | |

Top functions by self time (µs/request, mean of the runs):

| function | source | µs/request | bucket |
|---|---|---|---|
${top.map(([key, f]) => `| ${key.replace(/ ([^ ]+:\d+)$/, ' | $1')} | ${fmt(f.ms)} | ${f.bucket} |`).join('\n')}
`)
