/**
 * Worksheet functions end to end: 10,000 distinct LEDGER.BALANCE calls in one
 * POST /api/v1/functions/batch over a real port, on a ledger of 1M lines and
 * one of 10M lines, built in the same run. Goal: < 200 ms per batch and a
 * 10M/1M ratio <= 1.2 (reads come from materialized balances, whose size is
 * accounts x periods x stores, not lines). Run: `npm run bench -- functions`
 * or `node --import tsx test/bench/functions.bench.ts`. Not run by vitest.
 */
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createUser, issueToken, setRole } from '../../service/auth/users.ts'
import { openDatabase } from '../../service/db/connection.ts'
import type { FunctionCall } from '../../service/functions/contract.ts'
import { clearBalanceCache, evaluateBatch } from '../../service/functions/evaluate.ts'
import { createCompany, loadChart } from '../../service/ledger/company.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { aVoucher } from '../support/builders.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { startServer } from '../../service/server.ts'
import { benchDatabase, peakRssMb, report, timed } from './support.ts'

const CALLS = 10_000
const PERIODS = 36
const STORES = Array.from({ length: 20 }, (_, index) => `store-${String(index + 1).padStart(2, '0')}`)
const RUNS = Number(process.env.FUNCTIONS_BENCH_RUNS ?? 15)
/** Ledger sizes to serve, e.g. FUNCTIONS_BENCH_LINES=1000000 to profile one; default both. */
const SIZES = (process.env.FUNCTIONS_BENCH_LINES ?? '1000000,10000000').split(',').map(Number)

interface Ledger {
  readonly context: ReturnType<typeof createContext>
  readonly companyId: number
  readonly balanceRows: number
  readonly cleanup: () => void
}

/** Posted vouchers, lines and their materialized balances, straight in SQL (a read benchmark needs size, not the write path). */
export async function buildLedger(lines: number): Promise<Ledger> {
  // The build switches the journal off (no WAL) for speed, which needs the file to itself: it runs on
  // @libsql/client's single connection (no statement cache, whose closed connections keep the file open until
  // their statements are collected), and the ledger is served from the database opened anew after it.
  const bench = await benchDatabase(`functions-${lines}`, { statementCache: false })
  const context = createContext(bench.db)
  const company = await createCompany(context, SYSTEM, { code: 'BIG', name: 'big' })
  const leaves = [...(await loadChart(context, company.id)).values()].filter((account) => account.isLeaf).map((account) => account.code)
  const vouchers = Math.floor(lines / 2)
  // Each run of `block` vouchers covers every period x store once with one account pair, so
  // balances hold about leaves x periods x stores rows (~26k) whatever the number of lines.
  const block = PERIODS * STORES.length
  const period = (column: string) => `printf('%04d-%02d', 2024 + (${column} % ${PERIODS}) / 12, 1 + (${column} % ${PERIODS}) % 12)`
  await bench.db.client.executeMultiple(`
    PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;
    DROP INDEX IF EXISTS voucher_lines_account;
    DROP TRIGGER IF EXISTS closed_period_no_vouchers; DROP TRIGGER IF EXISTS closed_period_no_lines; DROP TRIGGER IF EXISTS closed_period_no_balance_insert;
    CREATE TEMP TABLE leaf (k INTEGER PRIMARY KEY, code TEXT NOT NULL);
    INSERT INTO leaf ${leaves.map((code, index) => `SELECT ${index}, '${code}'`).join(' UNION ALL ')};
    CREATE TEMP TABLE st (k INTEGER PRIMARY KEY, code TEXT NOT NULL);
    INSERT INTO st ${STORES.map((code, index) => `SELECT ${index}, '${code}'`).join(' UNION ALL ')};
    INSERT INTO periods (company_id, period, status) WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < ${PERIODS - 1}) SELECT ${company.id}, ${period('i')}, 'open' FROM m;
    BEGIN;
    INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, input_hash, source_kind, created_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${vouchers})
      SELECT i, ${company.id}, ${period('i')}, '记', i / ${PERIODS} + 1, ${period('i')} || printf('-%02d', 1 + i % 28), 'posted', '', 100 + i % 100000, 1, '', 'bench', '' FROM n;
    INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor)
      SELECT v.id, s.line, v.company_id, v.period, (SELECT code FROM leaf WHERE k = CASE s.line WHEN 1 THEN (v.id / ${block}) % ${leaves.length} ELSE (v.id / ${block} + 1 + (v.id / ${block * leaves.length}) % ${leaves.length - 1}) % ${leaves.length} END), (SELECT code FROM st WHERE k = (v.id / ${PERIODS}) % ${STORES.length}), 'CNY', CASE s.line WHEN 1 THEN 'debit' ELSE 'credit' END, v.total_minor, v.total_minor
      FROM vouchers v, (SELECT 1 AS line UNION ALL SELECT 2) s;
    INSERT INTO balances (company_id, account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor)
      SELECT company_id, account_code, period, store, currency, SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END), SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END), SUM(CASE WHEN side = 'debit' THEN original_minor ELSE 0 END), SUM(CASE WHEN side = 'credit' THEN original_minor ELSE 0 END)
      FROM voucher_lines GROUP BY company_id, account_code, period, store, currency;
    COMMIT;
    CREATE INDEX voucher_lines_account ON voucher_lines (company_id, account_code, period);
    PRAGMA journal_mode = WAL;
    ANALYZE;
    PRAGMA cache_size = -2000;
    PRAGMA shrink_memory;
  `)
  bench.db.close()
  const db = await openDatabase(bench.url)
  const built = createContext(db)
  const count = await db.client.execute('SELECT (SELECT COUNT(*) FROM voucher_lines) AS lines, (SELECT COUNT(*) FROM balances) AS balances')
  const lineCount = Number(count.rows[0]?.lines)
  if (lineCount !== vouchers * 2) throw new Error(`built ${lineCount} lines, wanted ${vouchers * 2}`)
  return { context: built, companyId: company.id, balanceRows: Number(count.rows[0]?.balances), cleanup: () => { db.close(); bench.cleanup() } }
}

/** 10,000 distinct calls: accounts (leaves, parents, prefixes) x periods x (all stores | one store). */
export function distinctBalanceCalls(): FunctionCall[] {
  const accounts = ['1122', '1012', '1012.01', '1012.06', '1002', '2221', '2221.01.02', '5001', '5401', '5601', '5601*', '5601.01', '5603*', '1405', '2202', '2*', '5*', '1*', '3103', '2241']
  const calls: FunctionCall[] = []
  const stores: Array<string | null> = [null, ...STORES]
  for (let index = 0; calls.length < CALLS; index += 1) {
    const account = accounts[index % accounts.length] ?? '1122'
    const periodIndex = Math.floor(index / accounts.length) % PERIODS
    const store = stores[Math.floor(index / (accounts.length * PERIODS)) % stores.length] ?? null
    const period = `${2024 + Math.floor(periodIndex / 12)}-${String(1 + (periodIndex % 12)).padStart(2, '0')}`
    calls.push({ id: `c${index}`, fn: 'BALANCE', args: store === null ? [account, period] : [account, period, store] })
  }
  return calls
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

interface Target {
  readonly lines: number
  readonly ledger: Ledger
  readonly buildMs: number
  readonly userId: number
  readonly server: Awaited<ReturnType<typeof startServer>>
  post(): Promise<unknown>
}

async function serve(lines: number, calls: FunctionCall[]): Promise<Target> {
  const built = await timed(() => buildLedger(lines))
  const ledger = built.result
  const user = await createUser(ledger.context, SYSTEM, { username: 'bench.accountant', password: 'bench-password' })
  await setRole(ledger.context, SYSTEM, user.id, ledger.companyId, 'accountant')
  const { token } = await issueToken(ledger.context, user.id, 'session')
  const server = await startServer({ context: ledger.context }, { port: 0, host: '127.0.0.1' })
  const body = JSON.stringify({ calls, company: 'BIG' })
  const post = async () => {
    const response = await fetch(`${server.url}/api/v1/functions/batch`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body })
    const json = (await response.json()) as { results: Array<{ id: string; value?: number; error?: string }> }
    if (response.status !== 200 || json.results.length !== calls.length) throw new Error(`batch failed: ${response.status}`)
    const failed = json.results.filter((result) => result.error !== undefined)
    if (failed.length) throw new Error(`${failed.length} calls failed, e.g. ${JSON.stringify(failed[0])}`)
    return json
  }
  return { lines, ledger, buildMs: built.ms, userId: user.id, server, post }
}

/**
 * Both ledgers are served at once and measured in alternating rounds, so a
 * busy machine slows both alike and the ratio stays meaningful.
 * reload: cache dropped (full load); posted: the first batch after a real
 * posting (incremental refresh); warm: a repeat.
 */
async function measure(targets: ReadonlyArray<Target>, calls: FunctionCall[]): Promise<Map<number, { cold: number[]; posted: number[]; warm: number[]; direct: number[] }>> {
  const figures = new Map(targets.map((target) => [target.lines, { cold: [] as number[], posted: [] as number[], warm: [] as number[], direct: [] as number[] }]))
  for (const target of targets) await target.post()
  for (let run = 0; run < RUNS; run += 1) {
    for (const target of targets) {
      const figure = figures.get(target.lines)
      if (!figure) continue
      clearBalanceCache(target.ledger.context)
      figure.cold.push((await timed(target.post)).ms)
      figure.warm.push((await timed(target.post)).ms)
      // first batch after a real posting (the write path, outside the timing): incremental refresh
      await writeVouchers(target.ledger.context, SYSTEM, target.ledger.companyId, [{ input: aVoucher(`2025-${String(1 + (run % 12)).padStart(2, '0')}-15`).debit('1122', '1.00', { store: STORES[run % STORES.length] ?? '' }).credit('5001', '1.00', { store: STORES[run % STORES.length] ?? '' }).build() }], { mode: 'post' })
      figure.posted.push((await timed(target.post)).ms)
      clearBalanceCache(target.ledger.context)
      figure.direct.push((await timed(() => evaluateBatch(target.ledger.context, { userId: target.userId }, { calls, company: 'BIG' }))).ms)
    }
  }
  return figures
}

export async function run(): Promise<void> {
  const calls = distinctBalanceCalls()
  if (new Set(calls.map((call) => JSON.stringify(call.args))).size !== CALLS) throw new Error('calls are not distinct')
  const targets: Target[] = []
  for (const lines of SIZES) targets.push(await serve(lines, calls))
  try {
    const figures = await measure(targets, calls)
    for (const target of targets) {
      const figure = figures.get(target.lines)
      if (!figure) continue
      report(`${target.lines / 1_000_000}M lines`, {
        build_s: (target.buildMs / 1000).toFixed(1), balance_rows: target.ledger.balanceRows, calls: calls.length,
        reload_http_median_ms: median(figure.cold).toFixed(1), reload_http_min_ms: Math.min(...figure.cold).toFixed(1),
        posted_http_median_ms: median(figure.posted).toFixed(1), posted_http_min_ms: Math.min(...figure.posted).toFixed(1),
        warm_http_median_ms: median(figure.warm).toFixed(1), warm_http_min_ms: Math.min(...figure.warm).toFixed(1),
        cold_evaluate_median_ms: median(figure.direct).toFixed(1),
      })
    }
    const small = figures.get(1_000_000)
    const large = figures.get(10_000_000)
    if (!small || !large) return
    const coldRatio = median(large.cold) / median(small.cold)
    const postedRatio = median(large.posted) / median(small.posted)
    const warmRatio = median(large.warm) / median(small.warm)
    report('functions batch', {
      goal: '< 200 ms and ratio <= 1.2', load_average: loadavg()[0]?.toFixed(1) ?? '', peak_rss_mb: peakRssMb(),
      reload_ratio_10M_1M: coldRatio.toFixed(2), posted_ratio_10M_1M: postedRatio.toFixed(2), warm_ratio_10M_1M: warmRatio.toFixed(2),
      reload_verdict: median(large.cold) < 200 && median(small.cold) < 200 && coldRatio <= 1.2 ? 'PASS' : 'FAIL',
      posted_verdict: median(large.posted) < 200 && median(small.posted) < 200 && postedRatio <= 1.2 ? 'PASS' : 'FAIL',
      warm_verdict: median(large.warm) < 200 && median(small.warm) < 200 && warmRatio <= 1.2 ? 'PASS' : 'FAIL',
    })
  } finally {
    for (const target of targets) {
      await target.server.close()
      target.ledger.cleanup()
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run()
