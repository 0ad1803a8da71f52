import { type Minor, minor } from '../shared/money.ts'
import type { Held, PostingInput, SourceItem } from '../shared/posting/index.ts'
import type { Order, OrderLine, SettlementTxn } from '../shared/records.ts'
import { createUser, setRole } from './auth/users.ts'
import { type Company, createCompany } from './ledger/company.ts'
import { type Actor, type LedgerContext, SYSTEM } from './ledger/context.ts'
import { importReceipts } from './posting/inventory.ts'
import { importRates } from './posting/rates.ts'
import { type PostingRunResult, runPosting } from './posting/run.ts'
import { updatePostingSettings } from './posting/settings.ts'

/**
 * A demo company (账套) so a newcomer sees a populated ledger at once: two
 * Chinese stores (Tmall settling through Alipay, JD) and a Shopify US store in
 * USD, one month of orders, settlements with commission and fees, refunds
 * before and after settlement, promotion, payouts, purchase receipts and USD
 * rates — then the real posting pipeline (templates, day summaries for the
 * Chinese stores, one voucher per payout for Shopify, auto-approval under a
 * threshold). A few deliberate exceptions wait: an orphan payment, a refund
 * without order, an amount mismatch beyond tolerance and a large order that
 * needs an approver. Seeded, so every run gives the same ledger.
 *
 * Records are generated in canonical form; once the imports engineer's channel
 * file generators land, the demo should write real channel files and run
 * import -> match -> post instead.
 */
export const DEMO_USERS = [
  { username: 'admin', role: 'admin', password: 'demo-admin-2026' },
  { username: 'accountant', role: 'accountant', password: 'demo-accountant-2026' },
  { username: 'approver', role: 'approver', password: 'demo-approver-2026' },
  { username: 'sales', role: 'sales', password: 'demo-sales-2026' },
  { username: 'auditor', role: 'auditor', password: 'demo-auditor-2026' },
] as const

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface DemoStore {
  readonly code: string
  readonly name: string
  readonly channel: 'taobao' | 'jd' | 'shopify'
  readonly payChannel: 'alipay' | 'jd' | 'shopify'
  readonly currency: 'CNY' | 'USD'
  readonly offset: string
  readonly taxCode: string
  /** per mille of gross */
  readonly commission: bigint
  readonly fee: bigint
}

export const DEMO_STORES: ReadonlyArray<DemoStore> = [
  { code: 'tmall-main', name: '天猫旗舰店', channel: 'taobao', payChannel: 'alipay', currency: 'CNY', offset: '+08:00', taxCode: 'GENERAL_13', commission: 50n, fee: 6n },
  { code: 'jd-flagship', name: '京东旗舰店', channel: 'jd', payChannel: 'jd', currency: 'CNY', offset: '+08:00', taxCode: 'GENERAL_13', commission: 80n, fee: 0n },
  { code: 'shopify-us', name: 'Shopify US', channel: 'shopify', payChannel: 'shopify', currency: 'USD', offset: '-04:00', taxCode: 'ZERO', commission: 0n, fee: 29n },
]

const SKUS = [
  { sku: 'TEA-001', name: '西湖龙井 250g', unitCost: 6_000n, priceCny: 12_800n, priceUsd: 2_900n },
  { sku: 'TEA-002', name: '正山小种 200g', unitCost: 4_500n, priceCny: 9_900n, priceUsd: 2_200n },
  { sku: 'CUP-010', name: '青瓷茶杯', unitCost: 1_800n, priceCny: 4_500n, priceUsd: 1_100n },
  { sku: 'SET-100', name: '旅行茶具套装', unitCost: 12_000n, priceCny: 29_900n, priceUsd: 6_900n },
] as const

const HASH = '0'.repeat(63)

function at(period: string, day: number, hour: number, offset: string): string {
  return `${period}-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00${offset}`
}

/** One month of canonical records for the demo stores (plus receipts and rates). */
export function demoRecords(period = '2026-10', seed = 20261): PostingInput & { receipts: Array<{ date: string; sku: string; quantity: bigint; cost: Minor; name: string; reference: string }>; rates: Array<{ date: string; currency: string; rate: string; source: string }> } {
  const random = seededRandom(seed)
  const orders: Order[] = []
  const orderLines: OrderLine[] = []
  const txns: SettlementTxn[] = []
  let row = 1
  const source = (store: number) => ({ fileHash: `${HASH}${store}`, rowNumber: row++ })
  DEMO_STORES.forEach((store, storeIndex) => {
    let wallet = 0n
    let payoutNo = 1
    let pending: SettlementTxn[] = []
    const txn = (externalId: string, kind: SettlementTxn['kind'], amount: bigint, day: number, extra: Partial<SettlementTxn> = {}) => {
      const record: SettlementTxn = { channel: store.payChannel, store: store.code, externalId, kind, amount: minor(amount), currency: store.currency, occurredAt: at(period, day, 20, store.offset), description: extra.description ?? kind, source: source(storeIndex), ...extra }
      wallet += amount
      pending.push(record)
      txns.push(record)
    }
    for (let day = 1; day <= 28; day += 1) {
      const count = 1 + Math.floor(random() * 4)
      for (let index = 0; index < count; index += 1) {
        const orderNo = store.channel === 'shopify' ? `#${1000 + orders.length}` : `${store.channel === 'jd' ? '3' : '2'}${period.replace('-', '')}${String(day).padStart(2, '0')}${String(index).padStart(3, '0')}`
        const item = SKUS[Math.floor(random() * SKUS.length)] ?? SKUS[0]
        const quantity = 1 + Math.floor(random() * 3)
        const price = store.currency === 'USD' ? item.priceUsd : item.priceCny
        const big = store.code === 'jd-flagship' && day === 12 && index === 0
        const gross = price * BigInt(big ? 50 : quantity)
        const completedDay = day + 2
        const completed = completedDay <= 28
        const roll = random()
        const refundedEarly = completed && roll < 0.03 ? price / 2n : 0n
        const refundedLater = completed && roll >= 0.03 && roll < 0.12 ? (roll < 0.06 ? gross : price / 4n) : 0n
        const order: Order = {
          channel: store.channel, store: store.code, orderNo, status: completed ? (refundedEarly + refundedLater === gross ? 'refunded' : 'completed') : 'shipped', statusRaw: completed ? '交易成功' : '卖家已发货',
          createdAt: at(period, day, 10, store.offset), paidAt: at(period, day, 10, store.offset), shippedAt: at(period, Math.min(day + 1, 28), 9, store.offset),
          ...(completed ? { completedAt: at(period, completedDay, 12, store.offset) } : {}),
          currency: store.currency, gross: minor(gross), discount: minor(0), shipping: minor(0), tax: minor(0), refunded: minor(refundedEarly + refundedLater), paymentRef: `PAY${orderNo.replace('#', '')}`,
          source: source(storeIndex),
        }
        orders.push(order)
        orderLines.push({ channel: store.channel, store: store.code, orderNo, subOrderNo: `${orderNo}-1`, sku: item.sku, title: item.name, quantity: big ? 50 : quantity, unitPrice: minor(price), discount: minor(0), amount: minor(gross), refunded: minor(refundedLater === gross ? gross : 0n), status: order.status, statusRaw: order.statusRaw, currency: store.currency, source: source(storeIndex) })
        const settleDay = store.channel === 'shopify' ? day : completedDay
        if (settleDay > 28) continue
        const mismatch = store.code === 'tmall-main' && day === 9 && index === 0 ? 500n : store.code === 'tmall-main' && day === 10 && index === 0 ? 3n : 0n
        const paid = gross - refundedEarly - mismatch
        txn(`${orderNo.replace('#', '')}-P`, 'payment', paid, settleDay, { orderRef: orderNo, tradeNo: order.paymentRef, description: store.channel === 'shopify' ? 'charge' : '交易收款' })
        const commission = (gross * store.commission) / 1000n
        if (commission > 0n) txn(`${orderNo.replace('#', '')}-C`, 'commission', -commission, settleDay, { orderRef: orderNo, description: '平台佣金' })
        const fee = (gross * store.fee) / 1000n + (store.channel === 'shopify' ? 30n : 0n)
        if (fee > 0n) txn(`${orderNo.replace('#', '')}-F`, 'fee', -fee, settleDay, { orderRef: orderNo, description: store.channel === 'shopify' ? 'fee' : '支付手续费' })
        if (refundedLater > 0n && settleDay + 3 <= 28) txn(`${orderNo.replace('#', '')}-R`, 'refund', -refundedLater, settleDay + 3, { orderRef: orderNo, description: '售后退款' })
      }
      if (day % 7 === 0) {
        if (store.currency === 'CNY') txn(`${store.code}-AD-${day}`, 'promotion', -BigInt(10_000 + Math.floor(random() * 40_000)), day, { description: store.channel === 'jd' ? '京准通' : '直通车' })
        const payoutRef = `${store.code.toUpperCase()}-PO-${payoutNo++}`
        for (const item of pending) Object.assign(item, { payoutRef })
        if (wallet > 0n) txn(payoutRef, 'payout', -wallet, day, { payoutRef, description: store.channel === 'shopify' ? 'payout' : '提现' })
        pending = []
      }
    }
  })
  txns.push({ channel: 'alipay', store: 'tmall-main', externalId: 'ORPHAN-1', kind: 'payment', amount: minor(8_800), currency: 'CNY', occurredAt: at(period, 15, 11, '+08:00'), orderRef: '999999999', description: '交易收款', source: source(0) })
  txns.push({ channel: 'jd', store: 'jd-flagship', externalId: 'REFUND-NO-ORDER', kind: 'refund', amount: minor(-4_500), currency: 'CNY', occurredAt: at(period, 18, 11, '+08:00'), orderRef: '888888888', description: '售后退款', source: source(1) })
  const receipts = SKUS.flatMap((item) => [
    { date: `${period}-01`, sku: item.sku, quantity: 400n, cost: minor(item.unitCost * 400n), name: item.name, reference: `PO-${period}-A` },
    { date: `${period}-15`, sku: item.sku, quantity: 200n, cost: minor((item.unitCost * 105n / 100n) * 200n), name: item.name, reference: `PO-${period}-B` },
  ])
  const rates = Array.from({ length: 31 }, (_, index) => ({ date: `${period}-${String(index + 1).padStart(2, '0')}`, currency: 'USD', rate: `7.1${String(200 + ((index * 37) % 90)).padStart(3, '0')}`, source: 'demo (PBOC central parity style)' }))
  return { orders, orderLines, txns, receipts, rates }
}

/** Large orders wait for an approver (a NEEDS_APPROVAL rule, as matching will raise it). */
function demoHold(records: PostingInput): (source: SourceItem) => Held['reason'] | undefined {
  const large = new Set(records.orders.filter((order) => order.currency === 'CNY' && order.gross > 200_000n).map((order) => `${order.channel}|${order.orderNo}|order`))
  return (source) => (source.kind === 'order' && large.has(source.id) ? 'NEEDS_APPROVAL' : undefined)
}

export interface DemoResult {
  readonly company: Company
  readonly vouchers: number
  readonly users: typeof DEMO_USERS
  readonly runs: ReadonlyArray<PostingRunResult>
}

/** Creates the DEMO company, its users, one month of records, and runs the posting pipeline. */
export async function createDemo(context: LedgerContext, options: { code?: string; period?: string } = {}): Promise<DemoResult> {
  const company = await createCompany(context, SYSTEM, { code: options.code ?? 'DEMO', name: '演示电商有限公司 (Demo Trading Co.)' })
  const ids: Record<string, number> = {}
  for (const user of DEMO_USERS) {
    const existing = await context.db.client.execute({ sql: 'SELECT id FROM users WHERE username = ?', args: [user.username] })
    const id = existing.rows[0] ? Number(existing.rows[0].id) : (await createUser(context, SYSTEM, { username: user.username, password: user.password, displayName: user.username })).id
    ids[user.username] = id
    await setRole(context, SYSTEM, id, company.id, user.role)
  }
  for (const store of DEMO_STORES) {
    await context.db.client.execute({ sql: 'INSERT OR IGNORE INTO stores (company_id, code, name, channel, vat_rate) VALUES (?,?,?,?,?)', args: [company.id, store.code, store.name, store.channel, store.taxCode] })
  }
  const accountant: Actor = { userId: ids.accountant ?? null, username: 'accountant' }
  const admin: Actor = { userId: ids.admin ?? null, username: 'admin' }
  await updatePostingSettings(context, admin, company.id, { recognition: 'completed', granularity: 'day', tolerance: '0.05', autoApprove: { maxTotal: '20000.00' }, payouts: 'channel' })
  const records = demoRecords(options.period)
  await importReceipts(context, accountant, company.id, records.receipts)
  await importRates(context, accountant, company.id, records.rates)
  const input: PostingInput = { orders: records.orders, orderLines: records.orderLines, txns: records.txns }
  const hold = demoHold(input)
  const runs: PostingRunResult[] = []
  for (const store of DEMO_STORES) {
    runs.push(await runPosting(context, accountant, company.id, { records: input, store: store.code, granularity: store.channel === 'shopify' ? 'payout' : 'day', hold }))
  }
  return { company, vouchers: runs.reduce((sum, run) => sum + run.written.vouchers, 0), users: DEMO_USERS, runs }
}
