/**
 * The `curl` examples of README.md, run as written against a running server, and checked against
 * what the README says they answer.
 *
 * An example is a command that starts with `curl` in a fenced code block (`sh`, `bash`, `shell`,
 * `console` or no language), up to where bash finds the command complete (backslash-continued
 * lines, a quoted body over several lines). `# …` lines right after it are the answer it shows,
 * when they read as JSON. Examples run in README order against one server, in bash with `set -u`,
 * after the substitutions a reader makes:
 * - the README's address of `npm start` (`localhost:8787`, `127.0.0.1:8787`) becomes the server's
 *   (an example in a code block that talks to no such address, say to a deployed worker, is an
 *   error: write it inline instead);
 * - `$ADMIN_API_KEY` is the server's admin key; any other variable is unset, so an example that
 *   needs one fails;
 * - a string shown in an earlier answer that ends with `…` (`{"jobId":"4b0c…"}`) stands for what
 *   the server really answered there; later examples get that value where they write it (`4b0c…`).
 *
 * A run is right when:
 * - curl succeeds and the answer is 2xx;
 * - when the README shows the answer, the JSON answer has its fields, with values of the same
 *   kinds, not the same values (`"status":"COMPLETED"` may still be `"RUNNING"`); a GET is read
 *   again, up to 30 times a second apart, while it lacks a field the README shows, as a reader
 *   waits for a job to finish;
 * - where an endpoint table row of the README gives the answer's fields after `→`
 *   (`POST /contacts/v4/contacts/query` | … → `{ contacts, pagingMetadata }`), the answer has them.
 */
import { spawn, spawnSync } from 'node:child_process'

export interface CurlExample {
  /** 1-based line of README.md where the command starts. */
  line: number
  command: string
  /** The answer shown after it (`# {...}` lines), parsed. */
  shown?: unknown
}

export interface DocumentedAnswer {
  endpoint: string
  methods: string[]
  path: RegExp
  fields: string[]
}

interface CurlRun {
  exitCode: number | null
  status?: number
  method?: string
  url?: string
  stdout: string
  stderr: string
}

const SHELL_LANGUAGES = new Set(['', 'sh', 'bash', 'shell', 'console'])
/** The README's address of `npm start`. */
const LOCAL_ADDRESS = /\b(?:localhost|127\.0\.0\.1):8787\b/
/** How often a GET is read while its answer lacks what the README shows, a second apart. */
const GET_READS = 30
/** curl prints this line on stderr after each transfer (`--write-out` with `%{stderr}`). */
const REPORT = 'README-CURL'

export function curlExamples(markdown: string): CurlExample[] {
  const examples: CurlExample[] = []
  const lines = markdown.split('\n')
  let fence: string | undefined // the language of the fenced block we are in
  for (let i = 0; i < lines.length; i++) {
    const marker = /^\s*```\s*(\S*)/.exec(lines[i]!) // fences may be indented, in a list
    if (marker) {
      fence = fence === undefined ? marker[1]! : undefined
      continue
    }
    if (fence === undefined || !SHELL_LANGUAGES.has(fence)) continue
    const first = lines[i]!.trimStart().replace(/^\$ /, '')
    if (!/^curl\s/.test(first)) continue
    const line = i + 1
    let command = first
    const inBlock = () => i + 1 < lines.length && !/^\s*```/.test(lines[i + 1]!)
    while ((command.endsWith('\\') || !isCompleteCommand(command)) && inBlock())
      command += `\n${lines[++i]}`
    let shownText = ''
    while (inBlock() && lines[i + 1]!.trimStart().startsWith('#'))
      shownText += lines[++i]!.trimStart().replace(/^#\s?/, '')
    examples.push({ line, command, shown: parseJson(shownText) })
  }
  return examples
}

/** Whether bash reads `text` as complete (no quote or bracket left open). */
function isCompleteCommand(text: string): boolean {
  return spawnSync('bash', ['-n', '-c', text]).status === 0
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined
  } catch {
    return undefined
  }
}

/** The endpoint tables' rows that give an answer's fields after `→`. */
export function documentedAnswers(markdown: string): DocumentedAnswer[] {
  const answers: DocumentedAnswer[] = []
  for (const row of markdown.split('\n').filter((line) => line.startsWith('| `'))) {
    const [endpoints = '', description = ''] = row.split(/(?<!\\)\|/).slice(1)
    const answer = /→ `\{([^`]*)\}`/.exec(description)?.[1]
    if (answer === undefined) continue
    const fields = topLevelNames(answer)
    let methods: string[] = []
    for (const [, span] of endpoints.matchAll(/`([^`]+)`/g)) {
      const m = /^([A-Z]+)(?: (\/[^\s…]*))?$/.exec(span!)
      if (!m) continue
      methods.push(m[1]!)
      if (!m[2]) continue
      const endpoint = `${methods.join(', ')} ${m[2]}`
      answers.push({ endpoint, methods, path: pathPattern(m[2]), fields })
      methods = []
    }
  }
  return answers
}

/** `contacts, pagingMetadata` or `label, newLabel` → the names; nested braces are skipped. */
function topLevelNames(inner: string): string[] {
  let depth = 0
  let top = ''
  for (const char of inner) {
    if (char === '{' || char === '[') depth++
    else if (char === '}' || char === ']') depth--
    else if (depth === 0) top += char
  }
  return top
    .split(',')
    .map((name) => name.trim().replace(/\?$/, ''))
    .filter((name) => /^\w+$/.test(name))
}

/** `/contacts/v4/labels[/:key]` → a pattern that takes `/contacts/v4/labels` and `…/labels/x`. */
function pathPattern(path: string): RegExp {
  const source = path
    .replace(/[.*+?^${}()|\\]/g, '\\$&')
    .replace(/\[([^\]]*)\]/g, '(?:$1)?')
    .replace(/:\w+/g, '[^/]+')
  return new RegExp(`^${source}$`)
}

/**
 * Runs the examples of `markdown` in order with real curl against the server at `base`; answers
 * what is wrong, each naming the README line (empty when all are right).
 */
export async function checkCurlExamples(
  markdown: string,
  base: string,
  adminKey: string
): Promise<string[]> {
  const answers = documentedAnswers(markdown)
  const placeholders = new Map<string, string>()
  const problems: string[] = []
  for (const example of curlExamples(markdown)) {
    const at = `README.md:${example.line} (${example.command.split('\n')[0]})`
    if (!LOCAL_ADDRESS.test(example.command)) {
      problems.push(`${at}: talks to no local address (localhost:8787), so it cannot run here`)
      continue
    }
    let command = example.command.replace(new RegExp(LOCAL_ADDRESS, 'g'), new URL(base).host)
    for (const [shown, value] of placeholders) command = command.replaceAll(shown, value)
    let found: string[]
    for (let attempt = 1; ; attempt++) {
      const run = await runCurl(command, adminKey)
      found = problemsWith(example, run, answers, placeholders)
      // A GET that answers 2xx may show a state still to come (a job not finished yet): read again.
      const settling = run.method === 'GET' && run.status! >= 200 && run.status! < 300
      if (!found.length || !settling || attempt === GET_READS) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    problems.push(...found.map((p) => `${at}: ${p}`))
  }
  return problems
}

function runCurl(command: string, adminKey: string): Promise<CurlRun> {
  // Only adds the report line; the command's own arguments are untouched.
  const script = `set -u
curl() { command curl --write-out '%{stderr}\\n${REPORT} %{http_code} %{method} %{url_effective}\\n' "$@"; }
${command}`
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      env: { ...process.env, ADMIN_API_KEY: adminKey },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (exitCode) => {
      const report = new RegExp(`^${REPORT} (\\d+) (\\S+) (\\S+)$`, 'm').exec(stderr)
      resolve({
        exitCode,
        status: report ? Number(report[1]) : undefined,
        method: report?.[2],
        url: report?.[3],
        stdout,
        stderr: stderr.replace(new RegExp(`\\n?^${REPORT} .*$`, 'gm'), ''),
      })
    })
  })
}

function problemsWith(
  example: CurlExample,
  run: CurlRun,
  answers: DocumentedAnswer[],
  placeholders: Map<string, string>
): string[] {
  if (run.exitCode !== 0)
    return [`exited with ${run.exitCode}: ${run.stderr.trim() || run.stdout.trim()}`]
  if (run.status === undefined) return [`curl reported no answer: ${run.stderr.trim()}`]
  if (run.status < 200 || run.status > 299) return [`answered ${run.status}: ${run.stdout.trim()}`]
  const path = new URL(run.url!).pathname
  const documented = answers.find((a) => a.methods.includes(run.method!) && a.path.test(path))
  if (!documented && example.shown === undefined) return []
  const body = parseJson(run.stdout)
  if (body === undefined)
    return [`answered ${run.status} with a body that is not JSON: ${run.stdout}`]
  const problems: string[] = []
  if (example.shown !== undefined)
    problems.push(...differences(example.shown, body, 'the answer', placeholders))
  if (documented) {
    const missing = documented.fields.filter((field) => !isObject(body) || !(field in body))
    if (missing.length)
      problems.push(
        `the README says ${documented.endpoint} answers ${documented.fields.join(', ')}; missing ${missing.join(', ')}`
      )
  }
  return problems
}

/** Where `actual` lacks a field `shown` has, or holds another kind of value; records placeholders. */
function differences(
  shown: unknown,
  actual: unknown,
  where: string,
  placeholders: Map<string, string>
): string[] {
  const kind = (value: unknown) =>
    value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value
  if (kind(shown) !== kind(actual))
    return [
      `${where} is ${JSON.stringify(actual)}, where the README shows ${JSON.stringify(shown)}`,
    ]
  if (typeof shown === 'string' && /.…$/.test(shown)) placeholders.set(shown, actual as string)
  if (Array.isArray(shown) && Array.isArray(actual) && shown.length)
    return actual.flatMap((item, i) => differences(shown[0], item, `${where}[${i}]`, placeholders))
  if (isObject(shown) && isObject(actual))
    return Object.entries(shown).flatMap(([key, value]) =>
      key in actual
        ? differences(value, actual[key], `${where}.${key}`, placeholders)
        : [`${where} has no ${key}, which the README shows`]
    )
  return []
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
