import { minor } from '../../shared/money.ts'
import { DEFAULT_TAX_RATES, type Granularity, type StoreProfile, planEntries, resolveAccounts, taxRateOn, toVouchers } from '../../shared/posting/index.ts'
import type { Order, SettlementTxn } from '../../shared/records.ts'
import { multiRowInsert } from '../../service/db/connection.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { benchDatabase, peakRssMb, report, timed } from './support.ts'

/**
 * Posting benchmark: BENCH_ORDERS (default 1,000,000) matched orders — each a
 * 确认收货 sale and an Alipay settlement with commission — through the pure
 * templates, the granularity step and writeVouchers (validation, numbering,
 * balances, sources, audit), once per order and once as store-day summaries.
 * Each is compared with a raw multi-row insert of the same number of lines in
 * the same run. Records are made and posted one business day at a time
 * (~3k orders at 1M, at most 5,000 vouchers per writeVouchers call) and nothing
 * but counters is kept across days, so peak RSS stays bounded.
 * Run: node --import tsx test/bench/posting.bench.ts
 */
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000)
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

async function rawInsert(lines: number): Promise<number> {
  const raw = await benchDatabase('posting-raw')
  await raw.db.client.execute('CREATE TABLE raw_lines (voucher_id INTEGER, line_no INTEGER, company_id INTEGER, period TEXT, account_code TEXT, store TEXT, currency TEXT, side TEXT, amount_minor INTEGER, original_minor INTEGER, rate TEXT, summary TEXT)')
  const { ms } = await timed(async () => {
    for (let start = 0; start < lines; start += 300_000) {
      const end = Math.min(start + 300_000, lines)
      await raw.db.write(async (tx) => {
        // rows built per statement (2,500 rows), not 300k at once, so raw's own memory stays small
        for (let from = start; from < end; from += 2_500) {
          const rows = Array.from({ length: Math.min(2_500, end - from) }, (_, k) => { const i = from + k; return [Math.floor(i / 3) + 1, (i % 3) + 1, 1, '2026-01', '1122', 'tmall-main', 'CNY', i % 3 === 0 ? 'debit' : 'credit', 1000 + i, 1000 + i, null, '天猫 销售 订单'] })
          for (const statement of multiRowInsert('INSERT INTO raw_lines VALUES', 12, rows)) await tx.execute(statement)
        }
      })
      await new Promise((resolve) => setImmediate(resolve))
    }
  })
  raw.cleanup()
  return ms
}

async function postAll(granularity: Granularity): Promise<{ ms: number; vouchers: number; lines: number; sources: number }> {
  const bench = await benchDatabase(`posting-${granularity}`)
  const context = createContext(bench.db)
  const company = await createCompany(context, SYSTEM, { code: 'BENCH', name: 'bench' })
  let vouchers = 0
  let lines = 0
  let sources = 0
  const { ms } = await timed(async () => {
    for (let day = 0; day < DAYS; day += 1) {
      const plan = planEntries(dayRecords(day), { policy, stores })
      const drafts = toVouchers(plan.entries, granularity, summarise)
      for (let start = 0; start < drafts.length; start += 5000) {
        const chunk = drafts.slice(start, start + 5000)
        await writeVouchers(context, { userId: 1 }, company.id, chunk.map((draft) => ({ input: draft.input, sources: draft.sources })), { mode: 'post', sourceKind: `posting.${granularity}` })
      }
      vouchers += drafts.length
      lines += drafts.reduce((sum, draft) => sum + draft.input.lines.length, 0)
      sources += drafts.reduce((sum, draft) => sum + draft.sources.length, 0)
    }
  })
  bench.cleanup()
  return { ms, vouchers, lines, sources }
}

export async function run(): Promise<void> {
  for (const granularity of ['order', 'day'] as const) {
    const posted = await postAll(granularity)
    const postPeakMb = peakRssMb()
    const rawMs = await rawInsert(posted.lines)
    report(`post ${ORDERS} matched orders (${granularity})`, {
      vouchers: posted.vouchers, lines: posted.lines, sources: posted.sources, seconds: (posted.ms / 1000).toFixed(1),
      orders_per_s: Math.round(ORDERS / (posted.ms / 1000)), post_lines_per_s: Math.round(posted.lines / (posted.ms / 1000)),
      raw_lines_per_s: Math.round(posted.lines / (rawMs / 1000)), ratio_vs_raw: `${((rawMs / posted.ms) * 100).toFixed(1)}% (goal >= 30%)`, peak_rss_mb_after_post: postPeakMb, peak_rss_mb: peakRssMb(),
    })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run()
