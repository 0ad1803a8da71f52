/**
 * `npm run bench -- concurrent`: 50 clients each POST one voucher at a time over
 * HTTP for BENCH_SECONDS (default 20), against one service instance and then two
 * instances (two processes) on one database file; each with group commit on and,
 * as the baseline measured in the same run, off (LEDGER_GROUP_COMMIT=0).
 * Prints p50/p99/max latency, throughput, the ratio against the baseline, and
 * checks that nothing was lost or doubled (every 201 is in the database once,
 * verify passes).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { createInterface } from 'node:readline'
import { createContext } from '../../service/ledger/context.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { createApp } from '../../service/app.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { signedIn } from '../support/http.ts'
import { benchDatabase, report } from './support.ts'

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
/** Seconds of the same load before the timed phase (BENCH_WARMUP). */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3)

interface Outcome { readonly latencies: number[]; readonly acknowledged: string[]; errors: number; readonly stats: Array<[number, number, number]> }

function startInstance(url: string, grouped: boolean, plain = false): Promise<{ child: ChildProcess; base: string; stats: Promise<[number, number, number]> }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', process.env.BENCH_SERVER_SCRIPT ?? 'test/bench/concurrent-server.ts', url], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LEDGER_GROUP_COMMIT: grouped ? '1' : '0', LEDGER_STATEMENT_CACHE: plain ? '0' : '1' } })
    let resolveStats: (value: [number, number, number]) => void = () => undefined
    const stats = new Promise<[number, number, number]>((resolve) => { resolveStats = resolve })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (line.startsWith('url ')) done({ child, base: line.slice(4), stats })
      if (line.startsWith('stats ')) {
        const [, writes, transactions, cpuMs] = line.split(' ')
        resolveStats([Number(writes), Number(transactions), Number(cpuMs ?? 0)])
      }
    })
    child.on('exit', (code) => { resolveStats([0, 0, 0]); fail(new Error(`instance exited (${code})`)) })
  })
}

/** One keep-alive connection per client. node:http costs the client about half of what fetch (undici) does per request; BENCH_CLIENT=fetch uses fetch. */
const agent = new Agent({ keepAlive: true, maxSockets: 1_000 })

async function postTo(url: string, token: string, body?: string): Promise<{ status: number; text: string }> {
  if (process.env.BENCH_CLIENT === 'fetch') {
    const response = await fetch(url, { method: 'POST', headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { body }) })
    return { status: response.status, text: await response.text() }
  }
  return new Promise((resolve, reject) => {
    const bytes = body === undefined ? undefined : Buffer.from(body)
    const outgoing = request(url, { method: 'POST', agent, headers: { ...(bytes ? { 'content-type': 'application/json', 'content-length': String(bytes.byteLength) } : { 'content-length': '0' }), authorization: `Bearer ${token}` } }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      incoming.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(bytes)
  })
}

/** Latency histogram in 2 ms buckets (BENCH_HIST=1): where the tail comes from. */
function histogram(sorted: number[]): string {
  const buckets = new Map<number, number>()
  for (const value of sorted) buckets.set(Math.floor(value / 2) * 2, (buckets.get(Math.floor(value / 2) * 2) ?? 0) + 1)
  return [...buckets.entries()].map(([from, n]) => `${from}-${from + 2}ms ${(n / sorted.length * 100).toFixed(1)}%`).join('  ')
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number)
}

/**
 * `plain`: every statement through @libsql/client (LEDGER_STATEMENT_CACHE=0) with group commit off: close to the
 * service when issue #20 was filed, a second baseline (the off baseline has the statement cache too).
 */
async function scenario(instances: number, grouped: boolean, plain = false): Promise<void> {
  const { db, url, cleanup } = await benchDatabase(`concurrent-${instances}-${grouped ? 'on' : 'off'}`)
  const context = createContext(db)
  const company = await createCompany(context, SYSTEM, { code: 'BENCH', name: '压测公司' })
  const token = await signedIn(createApp({ context }), context, company, 'pos', 'accountant')
  const running = await Promise.all(Array.from({ length: instances }, () => startInstance(url, grouped, plain)))
  const outcome: Outcome = { latencies: [], acknowledged: [], errors: 0, stats: [] }
  // One load phase: every client posts one voucher at a time until the deadline. The warm-up phase (WARMUP
  // seconds, same load, not timed) lets V8 optimise the service's hot code and fills its statement cache: the
  // first second of a fresh process answers 1-2 % of its requests in 20-45 ms, which alone would set a 20 s
  // run's p99. Its vouchers are checked for loss and doubles with the rest.
  const load = async (phase: string, seconds: number, timed: boolean) => {
    const deadline = performance.now() + seconds * 1000
    await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
      const base = running[client % instances]?.base ?? ''
      for (let index = 0; performance.now() < deadline; index += 1) {
        const key = `${phase}-${client}-${index}`
        const body = JSON.stringify({ date: `2026-10-${String(1 + (index % 28)).padStart(2, '0')}`, idempotencyKey: key, lines: [{ account: '1122', store: 'pos', debit: '113.00' }, { account: '5001', store: 'pos', credit: '100.00' }, { account: '2221.01.02', store: 'pos', credit: '13.00' }] })
        const at = performance.now()
        const response = await postTo(`${base}/api/v1/companies/BENCH/vouchers`, token, body)
        if (timed) outcome.latencies.push(performance.now() - at)
        if (response.status === 201) {
          outcome.acknowledged.push(key)
          if (timed) measured += 1
        } else {
          outcome.errors += 1
          if (!timed) throw new Error(`warm-up: ${response.status} ${response.text}`)
        }
      }
    }))
  }
  let measured = 0
  await load('warm', WARMUP, false)
  for (const instance of running) instance.child.stdin?.write('reset\n')
  const started = performance.now()
  const clientCpu = process.cpuUsage()
  await load('pos', SECONDS, true)
  const wall = (performance.now() - started) / 1000
  const clientUsage = process.cpuUsage(clientCpu)
  for (const instance of running) instance.child.kill('SIGTERM')
  outcome.stats.push(...(await Promise.all(running.map((instance) => instance.stats))))
  const stored = await db.client.execute('SELECT idempotency_key, COUNT(*) AS n FROM vouchers WHERE company_id = ? GROUP BY idempotency_key', [company.id])
  const counts = new Map(stored.rows.map((row) => [String(row.idempotency_key), Number(row.n)]))
  const lost = outcome.acknowledged.filter((key) => !counts.has(key)).length
  const doubled = [...counts.values()].filter((n) => n > 1).length
  const breaches = (await verifyLedger(context)).breaches.length
  const sorted = [...outcome.latencies].sort((a, b) => a - b)
  if (process.env.BENCH_HIST) console.log(histogram(sorted))
  const writes = outcome.stats.reduce((sum, [w]) => sum + w, 0)
  const transactions = outcome.stats.reduce((sum, [, t]) => sum + t, 0)
  const cpuMs = outcome.stats.reduce((sum, [, , ms]) => sum + ms, 0)
  const result = {
    throughput: Math.round(measured / wall), cpuPerVoucher: measured > 0 ? cpuMs / measured : 0, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0,
  }
  results.set(`${instances}:${grouped}${plain ? ':plain' : ''}`, result)
  const baseline = results.get(`${instances}:false`)
  const plainBaseline = results.get(`${instances}:false:plain`)
  report(`${instances} instance${instances > 1 ? 's' : ''}, group commit ${grouped ? 'on ' : 'off'}${plain ? ', no statement cache' : ''}`, {
    vouchers: measured, 'vouchers/s': result.throughput,
    p50_ms: result.p50.toFixed(1), p99_ms: result.p99.toFixed(1), max_ms: result.max.toFixed(1),
    writes_per_tx: transactions > 0 ? (writes / transactions).toFixed(1) : '-',
    // vouchers committed per transaction (coalesced vouchers share one queued write)
    // service CPU per acknowledged voucher (user + system of all instances): unlike latency, it does not depend on the machine's other load
    service_cpu_ms_per_voucher: measured > 0 ? (cpuMs / measured).toFixed(2) : '-',
    vouchers_per_tx: transactions > 0 ? (measured / transactions).toFixed(1) : '-',
    // the 50 clients share this process and the machine's other core: their CPU caps what one instance can be sent
    client_cpu_ms_per_request: outcome.latencies.length > 0 ? ((clientUsage.user + clientUsage.system) / 1000 / outcome.latencies.length).toFixed(2) : '-',
    errors: outcome.errors, lost, doubled, verify_breaches: breaches,
    ...(baseline && grouped ? { 'throughput_vs_off': `${(result.throughput / baseline.throughput).toFixed(2)}x`, 'cpu_per_voucher_vs_off': `${(result.cpuPerVoucher / baseline.cpuPerVoucher).toFixed(2)}x`, 'p99_vs_off': `${(result.p99 / baseline.p99).toFixed(2)}x` } : {}),
    ...(plainBaseline && grouped ? { 'throughput_vs_plain_off': `${(result.throughput / plainBaseline.throughput).toFixed(2)}x`, 'p99_vs_plain_off': `${(result.p99 / plainBaseline.p99).toFixed(2)}x` } : {}),
  })
  cleanup()
}

/**
 * 审核 one voucher at a time (审核即记账: each approval posts and numbers it): 50 approvers' clients against one
 * instance, drafts made beforehand. Approvals are not coalesced into one call; they share transactions through the
 * write queue's group commit (service/db/connection.ts), off in the baseline.
 */
async function approvals(grouped: boolean): Promise<void> {
  const { db, url, cleanup } = await benchDatabase(`concurrent-approve-${grouped ? 'on' : 'off'}`)
  const context = createContext(db)
  const company = await createCompany(context, SYSTEM, { code: 'BENCH', name: '压测公司' })
  const token = await signedIn(createApp({ context }), context, company, 'checker', 'approver')
  const drafts = Number(process.env.BENCH_DRAFTS ?? 160_000)
  const ids: number[] = []
  for (let from = 0; from < drafts; from += 5000) {
    const made = await writeVouchers(context, { userId: null, username: 'pos' }, company.id, Array.from({ length: Math.min(5000, drafts - from) }, (_, index) => ({ input: { date: `2026-10-${String(1 + ((from + index) % 28)).padStart(2, '0')}`, lines: [{ account: '1122', store: 'pos', debit: '113.00' }, { account: '5001', store: 'pos', credit: '100.00' }, { account: '2221.01.02', store: 'pos', credit: '13.00' }] } })), { mode: 'draft' })
    ids.push(...made.map((made) => made.id))
  }
  const running = await startInstance(url, grouped)
  let next = 0
  const approve = async (id: number) => postTo(`${running.base}/api/v1/companies/BENCH/vouchers/${id}/approve`, token)
  // warm-up (not timed): the same load for WARMUP seconds
  const warmDeadline = performance.now() + WARMUP * 1000
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < warmDeadline && next < ids.length) {
      const response = await approve(ids[next++] as number)
      if (response.status !== 200) throw new Error(`warm-up: ${response.status} ${response.text}`)
    }
  }))
  if (next >= ids.length) throw new Error(`BENCH_DRAFTS=${drafts} drafts were used up by the warm-up: make more`)
  running.child.stdin?.write('reset\n')
  const latencies: number[] = []
  let approved = 0
  let errors = 0
  const deadline = performance.now() + SECONDS * 1000
  const started = performance.now()
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < deadline && next < ids.length) {
      const id = ids[next++] as number
      const at = performance.now()
      const response = await approve(id)
      latencies.push(performance.now() - at)
      if (response.status === 200) approved += 1
      else errors += 1
    }
  }))
  const wall = (performance.now() - started) / 1000
  running.child.kill('SIGTERM')
  const [writes, transactions, cpuMs] = await running.stats
  const posted = await db.client.execute("SELECT COUNT(*) AS n, MAX(number) AS top FROM vouchers WHERE company_id = ? AND status = 'posted'", [company.id])
  const contiguous = Number(posted.rows[0]?.n) === Number(posted.rows[0]?.top)
  const breaches = (await verifyLedger(context)).breaches.length
  const sorted = [...latencies].sort((a, b) => a - b)
  const result = { throughput: Math.round(approved / wall), cpuPerVoucher: approved > 0 ? cpuMs / approved : 0, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: sorted.at(-1) ?? 0 }
  results.set(`approve:${grouped}`, result)
  const baseline = results.get('approve:false')
  report(`approvals (审核即记账), 1 instance, group commit ${grouped ? 'on ' : 'off'}`, {
    approvals: approved, 'approvals/s': result.throughput, p50_ms: result.p50.toFixed(1), p99_ms: result.p99.toFixed(1), max_ms: result.max.toFixed(1),
    approvals_per_tx: transactions > 0 ? (writes / transactions).toFixed(1) : '-', service_cpu_ms_per_approval: result.cpuPerVoucher.toFixed(2),
    errors, drafts_left: ids.length - next, numbers_contiguous: String(contiguous), verify_breaches: breaches,
    ...(baseline && grouped ? { throughput_vs_off: `${(result.throughput / baseline.throughput).toFixed(2)}x`, p99_vs_off: `${(result.p99 / baseline.p99).toFixed(2)}x` } : {}),
  })
  cleanup()
}

const results = new Map<string, { throughput: number; cpuPerVoucher: number; p50: number; p99: number; max: number }>()

export async function run(): Promise<void> {
  console.log(`${CLIENTS} clients x single vouchers for ${SECONDS} s (BENCH_SECONDS, BENCH_CLIENTS)`)
  // BENCH_ONLY=1plain,1on,2off,approveon … runs only those scenarios (instances + on/off), e.g. to profile one with BENCH_SERVER_NODE_ARGS=--cpu-prof.
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean)
  if (only.length === 0 || only.includes('1plain')) await scenario(1, false, true)
  for (const instances of [1, 2]) {
    for (const grouped of [false, true]) if (only.length === 0 || only.includes(`${instances}${grouped ? 'on' : 'off'}`)) await scenario(instances, grouped)
  }
  for (const grouped of [false, true]) if (only.length === 0 || only.includes(`approve${grouped ? 'on' : 'off'}`)) await approvals(grouped)
}
