import { execFileSync } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { join } from 'node:path'
import { chartTemplate } from '../../shared/accounts.ts'
import { formatAmount } from '../../shared/money.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import { multiRowInsert } from '../../service/db/connection.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { exportJournal } from '../../service/ledger/export.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { benchDatabase, peakRssMb, report, timed } from './support.ts'

const LEAVES = chartTemplate('small-enterprise').filter((a) => a.isLeaf).map((a) => a.code)
const STORES = ['tmall-main', 'jd-flagship', 'pdd-outlet', 'douyin-live', 'shopify-us']
const VOUCHERS = Number(process.env.BENCH_VOUCHERS ?? 100_000)
const BIG_LINES = Number(process.env.BENCH_LINES ?? 10_000_000)
const HLEDGER_LINES = Number(process.env.BENCH_HLEDGER_LINES ?? 1_000_000)

function generated(count: number): VoucherInput[] {
  return Array.from({ length: count }, (_, i) => {
    const amount = BigInt(100 + ((i * 7919) % 1_000_000))
    const vat = amount / 10n
    return { date: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, idempotencyKey: `bench-${i}`, lines: [
      { account: '1122', store: STORES[i % STORES.length], debit: formatAmount(amount + vat, 'CNY') },
      { account: '5001', store: STORES[i % STORES.length], credit: formatAmount(amount, 'CNY') },
      { account: '2221.01.02', store: STORES[i % STORES.length], credit: formatAmount(vat, 'CNY') },
    ] }
  })
}

/** Posting through the one guarded path vs a raw multi-row insert of the same lines. */
async function postingBench(): Promise<void> {
  const inputs = generated(VOUCHERS)
  const lineCount = inputs.reduce((sum, v) => sum + v.lines.length, 0)
  const raw = await benchDatabase('raw')
  await raw.db.client.execute('CREATE TABLE raw_lines (voucher_id INTEGER, line_no INTEGER, company_id INTEGER, period TEXT, account_code TEXT, store TEXT, currency TEXT, side TEXT, amount_minor INTEGER, original_minor INTEGER, rate TEXT, summary TEXT)')
  const rows = inputs.flatMap((v, id) => v.lines.map((line, index) => [id + 1, index + 1, 1, v.date.slice(0, 7), line.account, line.store ?? '', 'CNY', line.debit ? 'debit' : 'credit', Number((line.debit ?? line.credit ?? '0').replace('.', '')), Number((line.debit ?? line.credit ?? '0').replace('.', '')), null, '']))
  const baseline = await timed(() => raw.db.write(async (tx) => {
    for (const statement of multiRowInsert('INSERT INTO raw_lines VALUES', 12, rows)) await tx.execute(statement)
  }))
  raw.cleanup()
  const bench = await benchDatabase('post')
  const context = createContext(bench.db)
  const company = await createCompany(context, SYSTEM, { code: 'BENCH', name: 'bench' })
  const posted = await timed(async () => {
    for (let start = 0; start < inputs.length; start += 5000) {
      await writeVouchers(context, { userId: 1 }, company.id, inputs.slice(start, start + 5000).map((input) => ({ input })), { mode: 'post' })
    }
  })
  bench.cleanup()
  report('post vouchers', {
    vouchers: VOUCHERS, lines: lineCount,
    raw_lines_per_s: Math.round(lineCount / (baseline.ms / 1000)), post_lines_per_s: Math.round(lineCount / (posted.ms / 1000)),
    post_vouchers_per_s: Math.round(VOUCHERS / (posted.ms / 1000)), ratio_vs_raw: `${((baseline.ms / posted.ms) * 100).toFixed(1)}% (goal >= 30%)`, peak_rss_mb: peakRssMb(),
  })
}

/** Fills a ledger with `lines` posted lines straight in SQL (a read benchmark needs size, not the write path). */
async function bigLedger(lines: number): Promise<{ context: ReturnType<typeof createContext>; companyId: number; cleanup: () => void; dir: string }> {
  const bench = await benchDatabase(`tb${lines}`)
  const context = createContext(bench.db)
  const company = await createCompany(context, SYSTEM, { code: 'BIG', name: 'big' })
  const leaves = LEAVES.map((code, i) => `SELECT ${i} AS k, '${code}' AS code`).join(' UNION ALL ')
  const stores = STORES.map((code, i) => `SELECT ${i} AS k, '${code}' AS code`).join(' UNION ALL ')
  const vouchers = Math.floor(lines / 2)
  await bench.db.client.executeMultiple(`
    DROP TRIGGER IF EXISTS closed_period_no_vouchers; DROP TRIGGER IF EXISTS closed_period_no_lines; DROP TRIGGER IF EXISTS closed_period_no_balance_insert;
    PRAGMA foreign_keys = OFF;
    DROP INDEX IF EXISTS voucher_lines_account; DROP INDEX IF EXISTS vouchers_company_status; DROP INDEX IF EXISTS vouchers_idempotency_unique;
    CREATE TEMP TABLE leaf (k INTEGER PRIMARY KEY, code TEXT); INSERT INTO leaf ${leaves};
    CREATE TEMP TABLE st (k INTEGER PRIMARY KEY, code TEXT); INSERT INTO st ${stores};
    INSERT INTO periods (company_id, period, status) WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 23) SELECT ${company.id}, printf('%04d-%02d', 2025 + i / 12, 1 + i % 12), 'open' FROM m;
    INSERT INTO vouchers (id, company_id, period, word, number, date, status, summary, total_minor, maker_id, input_hash, source_kind, created_at)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${vouchers})
      SELECT i, ${company.id}, printf('%04d-%02d', 2025 + (i % 24) / 12, 1 + (i % 24) % 12), '记', i / 24 + 1, printf('%04d-%02d-%02d', 2025 + (i % 24) / 12, 1 + (i % 24) % 12, 1 + i % 28), 'posted', '', 100 + i % 100000, 1, '', 'bench', '' FROM n;
    INSERT INTO voucher_lines (voucher_id, line_no, company_id, period, account_code, store, currency, side, amount_minor, original_minor)
      SELECT v.id, s.line, v.company_id, v.period, (SELECT code FROM leaf WHERE k = (v.id * 7 + s.line * 13) % ${LEAVES.length}), (SELECT code FROM st WHERE k = v.id % ${STORES.length}), 'CNY', CASE s.line WHEN 1 THEN 'debit' ELSE 'credit' END, v.total_minor, v.total_minor
      FROM vouchers v, (SELECT 1 AS line UNION ALL SELECT 2) s;
    INSERT INTO balances (company_id, account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor)
      SELECT company_id, account_code, period, store, currency, SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE 0 END), SUM(CASE WHEN side = 'credit' THEN amount_minor ELSE 0 END), SUM(CASE WHEN side = 'debit' THEN original_minor ELSE 0 END), SUM(CASE WHEN side = 'credit' THEN original_minor ELSE 0 END)
      FROM voucher_lines GROUP BY company_id, account_code, period, store, currency;
    CREATE INDEX voucher_lines_account ON voucher_lines (company_id, account_code, period);
    PRAGMA foreign_keys = ON;
  `)
  return { context, companyId: company.id, cleanup: bench.cleanup, dir: bench.dir }
}

async function medianMs(work: () => Promise<unknown>, runs = 7): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < runs; i += 1) times.push((await timed(work)).ms)
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)] ?? 0
}

async function trialBalanceBench(): Promise<void> {
  const built = await timed(() => bigLedger(BIG_LINES))
  const big = built.result
  const tbMs = await medianMs(() => trialBalance(big.context, big.companyId, '2026-12', { from: '2025-01' }))
  const tb = await trialBalance(big.context, big.companyId, '2026-12', { from: '2025-01' })
  big.cleanup()
  const small = await bigLedger(HLEDGER_LINES)
  const journal = join(small.dir, 'bench.journal')
  const out = createWriteStream(journal)
  for await (const chunk of exportJournal(small.context, small.companyId)) out.write(chunk)
  await new Promise<void>((done) => out.end(done))
  let hledgerMs = Number.NaN
  let identical = 'hledger not installed'
  try {
    const start = performance.now()
    const csv = execFileSync('hledger', ['-f', journal, 'bal', '--flat', '--no-total', '-O', 'csv'], { encoding: 'utf8', maxBuffer: 1 << 26 })
    hledgerMs = performance.now() - start
    const smallTb = await trialBalance(small.context, small.companyId, '2026-12', { from: '2025-01' })
    const fromHledger = new Map(csv.trim().split('\n').slice(1).map((line) => line.replaceAll('"', '').split(',')).map(([account, amount]) => [String(account).replaceAll(':', '.'), String(amount).replace(' CNY', '')]))
    const mismatched = smallTb.rows.filter((row) => row.isLeaf && row.balance !== '0.00' && fromHledger.get(row.code) !== row.balance)
    identical = mismatched.length === 0 ? 'yes' : `NO (${mismatched.length} accounts differ, e.g. ${mismatched[0]?.code})`
  } catch (error) {
    identical = `hledger failed: ${(error as Error).message.split('\n')[0]}`
  }
  const smallTbMs = await medianMs(() => trialBalance(small.context, small.companyId, '2026-12', { from: '2025-01' }))
  small.cleanup()
  const scaledHledgerMs = hledgerMs * (BIG_LINES / HLEDGER_LINES)
  report('trial balance', {
    lines: BIG_LINES, build_s: (built.ms / 1000).toFixed(1), tb_ms: tbMs.toFixed(1), tb_rows: tb.rows.length, balanced: String(tb.balanced), 'goal_<100ms': tbMs < 100 ? 'met' : 'missed',
    [`tb_ms_at_${HLEDGER_LINES}`]: smallTbMs.toFixed(1), [`hledger_ms_at_${HLEDGER_LINES}`]: hledgerMs.toFixed(0), hledger_ms_scaled_to_big: scaledHledgerMs.toFixed(0),
    speedup_vs_hledger: `${(scaledHledgerMs / tbMs).toFixed(0)}x (goal >= 100x)`, totals_identical_to_hledger: identical, peak_rss_mb: peakRssMb(),
  })
}

export async function run(): Promise<void> {
  if (process.env.BENCH_SKIP_POST !== '1') await postingBench()
  if (process.env.BENCH_SKIP_TB !== '1') await trialBalanceBench()
}
