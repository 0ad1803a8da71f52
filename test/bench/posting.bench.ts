import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { minor } from '../../shared/money.ts'
import { DEFAULT_TAX_RATES, type Granularity, type StoreProfile, planEntries, resolveAccounts, taxRateOn, toVouchers } from '../../shared/posting/index.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'
import type { InValue } from '@libsql/client'
import { type Database, multiRowInsert } from '../../service/db/connection.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { benchDatabase, cpuSeconds, report, sampledPeakRssMb } from './support.ts'

/**
 * Posting benchmark: N matched orders (default 200,000) — each a 确认收货 sale
 * and an Alipay settlement with commission — through the pure templates, the
 * granularity step and writeVouchers (validation, numbering, balances, sources,
 * audit), once per order and once as store-day summaries. Each is compared with
 * raw multi-row inserts in the same run, into unindexed tables: of the same
 * number of lines (`ratio_vs_raw`, the goal of issue #6: >= 30%), and of the same
 * vouchers + lines + sources rows (`ratio_vs_raw_rows`; the only meaningful
 * ratio for day summaries, whose few lines carry 3 sources per order).
 * Records are made and posted one business day at a time (at most 5,000
 * vouchers per writeVouchers call) and only counters are kept across days, so
 * RSS stays bounded. Wall and CPU seconds are both printed: on a shared machine
 * compare ratios of one run, not absolute times.
 * Run: `npm run bench -- posting --orders 1000000` (or BENCH_ORDERS=1000000), or
 * `node --import tsx test/bench/posting.bench.ts --orders 1000000`.
 */
function ordersOption(): number {
  const flag = process.argv.indexOf('--orders')
  const text = flag >= 0 ? process.argv[flag + 1] : process.env.BENCH_ORDERS
  const orders = Number(text ?? 200_000)
  if (!Number.isSafeInteger(orders) || orders <= 0) throw new Error(`--orders takes a positive whole number, not "${text}"`)
  return orders
}

const ORDERS = ordersOption()
const STORE_CODES = ['tmall-main', 'jd-flagship', 'pdd-outlet', 'douyin-live', 'tmall-outlet']
const DAYS = 12 * 28
const HASH = 'b'.repeat(64)

const stores = new Map<string, StoreProfile>(STORE_CODES.map((code) => [code, { code, name: code, channel: 'taobao', accounts: resolveAccounts('small-enterprise', 'general', 'taobao', {}, {}), vatRateOn: (date: string) => taxRateOn(DEFAULT_TAX_RATES, 'GENERAL_13', date) }]))
const policy = { baseCurrency: 'CNY', recognition: 'completed' as const, tolerance: minor(0), rateOn: () => undefined }
const summarise = { baseCurrency: 'CNY', storeName: (store: string) => store, roundingAccount: () => '5603.02' }

function dateOf(day: number): string {
  return `2026-${String(1 + Math.floor(day / 28)).padStart(2, '0')}-${String(1 + (day % 28)).padStart(2, '0')}`
}

/** The matched orders of one business day: order, payment and commission each. */
function dayRecords(day: number): { orders: Order[]; txns: SettlementTxn[] } {
  const first = Math.floor((ORDERS * day) / DAYS)
  const last = Math.floor((ORDERS * (day + 1)) / DAYS)
  const date = dateOf(day)
  const orders: Order[] = []
  const txns: SettlementTxn[] = []
  for (let i = first; i < last; i += 1) {
    const store = STORE_CODES[i % STORE_CODES.length] ?? 'tmall-main'
    const gross = BigInt(1_000 + ((i * 7919) % 500_000))
    const orderNo = `B${i}`
    const source = { fileHash: HASH, rowNumber: i + 1 }
    orders.push({ channel: 'taobao', store, orderNo, status: 'completed', statusRaw: '交易成功', createdAt: `${date}T08:00:00+08:00`, completedAt: `${date}T12:00:00+08:00`, currency: 'CNY', gross: minor(gross), discount: minor(0), shipping: minor(0), tax: minor(0), refunded: minor(0), source })
    txns.push({ channel: 'alipay', store, externalId: `${orderNo}P`, kind: 'payment', amount: minor(gross), currency: 'CNY', occurredAt: `${date}T20:00:00+08:00`, orderRef: orderNo, description: '交易收款', source })
    txns.push({ channel: 'alipay', store, externalId: `${orderNo}C`, kind: 'commission', amount: minor(-(gross / 20n)), currency: 'CNY', occurredAt: `${date}T20:00:00+08:00`, orderRef: orderNo, description: '佣金', source })
  }
  return { orders, txns }
}

interface Timing {
  seconds: number
  cpu: number
}

async function measured(work: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await work()
  return { seconds: (performance.now() - start) / 1000, cpu: cpuSeconds(cpu) }
}

/**
 * Multi-row INSERTs (30,000 values per statement, as many as multiRowInsert
 * allows, 300k rows per transaction) of `count` rows made by `row`, into a table
 * without keys or indexes. The event loop turns once per statement, as in the
 * import bench: libsql frees finished statements there. Turning once per
 * transaction instead made raw ~1.6x slower at 6M lines (37 s -> 59 s, ~1 GB
 * RSS) and was within noise at 1.2M, so this is the faster baseline.
 */
async function rawTable(db: Database, table: string, columns: number, count: number, row: (i: number) => InValue[]): Promise<Timing> {
  await db.client.execute(`CREATE TABLE ${table} (${Array.from({ length: columns }, (_, k) => `c${k}`).join(', ')})`)
  const perStatement = Math.floor(30_000 / columns)
  return measured(async () => {
    for (let start = 0; start < count; start += 300_000) {
      const end = Math.min(start + 300_000, count)
      await db.write(async (tx) => {
        for (let from = start; from < end; from += perStatement) {
          const rows = Array.from({ length: Math.min(perStatement, end - from) }, (_, k) => row(from + k))
          for (const statement of multiRowInsert(`INSERT INTO ${table} VALUES`, columns, rows)) await tx.execute(statement)
          await new Promise((resolve) => setImmediate(resolve))
        }
      })
    }
  })
}

async function rawInsert(counts: { vouchers: number; lines: number; sources: number }): Promise<{ lines: Timing; rows: Timing }> {
  const raw = await benchDatabase('posting-raw')
  try {
    const at = '2026-01-05T12:00:00.000Z'
    const lines = await rawTable(raw.db, 'raw_lines', 12, counts.lines, (i) => [Math.floor(i / 3) + 1, (i % 3) + 1, 1, '2026-01', '1122', 'tmall-main', 'CNY', i % 3 === 0 ? 'debit' : 'credit', 1000 + i, 1000 + i, null, '天猫 销售 订单'])
    const vouchers = await rawTable(raw.db, 'raw_vouchers', 18, counts.vouchers, (i) => [i + 1, 1, '2026-01', '记', i + 1, '2026-01-05', 'posted', `tmall-main 销售 订单 B${i}`, 1000 + i, 1, 1, at, 1, at, `sale:taobao|B${i}|order`, HASH, 'posting.order', at])
    const sources = await rawTable(raw.db, 'raw_sources', 4, counts.sources, (i) => [Math.floor(i / 2) + 1, 1, 'settlementTxn', `alipay|B${i}P|payment`])
    return { lines, rows: { seconds: lines.seconds + vouchers.seconds + sources.seconds, cpu: lines.cpu + vouchers.cpu + sources.cpu } }
  } finally {
    raw.cleanup()
  }
}

async function postAll(granularity: Granularity): Promise<{ total: Timing; planSeconds: number; writeSeconds: number; vouchers: number; lines: number; sources: number }> {
  const bench = await benchDatabase(`posting-${granularity}`)
  try {
    const context = createContext(bench.db)
    const company = await createCompany(context, SYSTEM, { code: 'BENCH', name: 'bench' })
    let vouchers = 0
    let lines = 0
    let sources = 0
    let planSeconds = 0
    let writeSeconds = 0
    const total = await measured(async () => {
      for (let day = 0; day < DAYS; day += 1) {
        const planStart = performance.now()
        const plan = planEntries(dayRecords(day), { policy, stores })
        const drafts = toVouchers(plan.entries, granularity, summarise)
        const writeStart = performance.now()
        planSeconds += (writeStart - planStart) / 1000
        for (let start = 0; start < drafts.length; start += 5000) {
          const chunk = drafts.slice(start, start + 5000)
          await writeVouchers(context, { userId: 1 }, company.id, chunk.map((draft) => ({ input: draft.input, sources: draft.sources })), { mode: 'post', sourceKind: `posting.${granularity}` })
        }
        writeSeconds += (performance.now() - writeStart) / 1000
        vouchers += drafts.length
        lines += drafts.reduce((sum, draft) => sum + draft.input.lines.length, 0)
        sources += drafts.reduce((sum, draft) => sum + draft.sources.length, 0)
      }
    })
    return { total, planSeconds, writeSeconds, vouchers, lines, sources }
  } finally {
    bench.cleanup()
  }
}

const percent = (raw: number, post: number) => `${((raw / post) * 100).toFixed(1)}%`

interface Measured {
  readonly posted: Awaited<ReturnType<typeof postAll>>
  readonly raw: Awaited<ReturnType<typeof rawInsert>>
  readonly peakMb: number
  readonly rawPeakMb: number
}

async function measure(granularity: Granularity): Promise<Measured> {
  const { result: posted, peakMb } = await sampledPeakRssMb(() => postAll(granularity))
  const { result: raw, peakMb: rawPeakMb } = await sampledPeakRssMb(() => rawInsert(posted))
  return { posted, raw, peakMb, rawPeakMb }
}

/**
 * Each granularity runs in its own process (posting, then its raw baselines),
 * so its peak RSS is not the memory an earlier phase left behind.
 */
function measureInChild(granularity: Granularity): Measured {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', granularity, '--orders', String(ORDERS)], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 20 })
  if (child.status !== 0) throw new Error(`posting bench (${granularity}) failed`)
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '') as Measured
}

export async function run(): Promise<void> {
  for (const granularity of ['order', 'day'] as const) {
    const { posted, raw, peakMb, rawPeakMb } = measureInChild(granularity)
    const { total } = posted
    report(`post ${ORDERS} matched orders (${granularity})`, {
      vouchers: posted.vouchers, lines: posted.lines, sources: posted.sources,
      seconds: total.seconds.toFixed(1), cpu_s: total.cpu.toFixed(1), plan_s: posted.planSeconds.toFixed(1), write_s: posted.writeSeconds.toFixed(1),
      orders_per_s: Math.round(ORDERS / total.seconds), post_lines_per_s: Math.round(posted.lines / total.seconds),
      raw_lines_s: raw.lines.seconds.toFixed(1), raw_lines_cpu_s: raw.lines.cpu.toFixed(1), raw_lines_per_s: Math.round(posted.lines / raw.lines.seconds),
      ratio_vs_raw: `${percent(raw.lines.seconds, total.seconds)} (cpu ${percent(raw.lines.cpu, total.cpu)}; goal >= 30%)`,
      raw_rows_s: raw.rows.seconds.toFixed(1), ratio_vs_raw_rows: `${percent(raw.rows.seconds, total.seconds)} (cpu ${percent(raw.rows.cpu, total.cpu)})`,
      peak_rss_mb_post: peakMb, peak_rss_mb_raw: rawPeakMb,
    })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const child = process.argv.indexOf('--child')
  if (child >= 0) console.log(JSON.stringify(await measure(process.argv[child + 1] as Granularity)))
  else await run()
}
