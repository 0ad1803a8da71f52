import iconv from 'iconv-lite'
import { lastDayOfPeriod } from '../../shared/period.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import type { FormatSpec } from '../generators/core.ts'
import { Rng, clock, money } from '../generators/core.ts'
import { GENERATED_FORMATS, type GeneratedFormat, csvLine } from '../generators/index.ts'
import { linkedJdFiles } from '../generators/linked-jd.ts'

/**
 * The demo month as the seller's accountant downloads it: one file per channel
 * export in that channel's real format (header, preamble, cell quirks, trailer
 * and encoding come from the format specs of service/generators), plus the
 * bank statements the payouts land on, a purchase-receipt list and the USD
 * rates. Seeded: the same period and seed give the same bytes.
 *
 * - 天猫旗舰店 (tmall-main): 千牛 sub-order export + Alipay 账务明细. Orders ship the
 *   next day and the buyer confirms (确认收货) 4-6 days later, which is when Alipay
 *   pays the order with commission and service-fee rows; refunds before and
 *   after settlement; weekly 直通车 promotion; weekly 提现 of the balance, the
 *   last one on the final day (not in the bank yet).
 * - 京东旗舰店 (jd-flagship): the generators' linked JD pair (order export and
 *   settlement bill, weekly 提现), with an amount mismatch, an orphan payment and
 *   a refund without order planted.
 * - Shopify US (shopify-us, USD): orders export, Shopify Payments transactions
 *   (charge − fee = net, refunds) and the payouts export; weekly payouts.
 * - 工商银行 CNY account: the Alipay and JD payouts a day later; 招商银行 USD
 *   account: the Shopify payouts two days later.
 *
 * Deliberate exceptions: the JD defects above, a Tmall order of 8,000 refunded
 * 6,000 after settlement (the company rule sends refunds from 5,000 to an
 * approver), and a Tmall payment 0.03 short (inside the 0.05 tolerance).
 */
export interface DemoFile {
  /** File name in the demo folder. */
  readonly name: string
  /** Import format (the parser id detection must agree with). */
  readonly parser: string
  /** The import's store: a store code, or the bank account for a statement. */
  readonly store: string
  /** The import's currency, for files that do not say. */
  readonly currency?: string
  readonly bytes: Uint8Array
}

/** The demo's supplier, registered with `cledger supplier add` (辅助核算 on 应付账款 2202). */
export const DEMO_SUPPLIER = { code: 'chayuan', name: '杭州茶源贸易有限公司' } as const

/** A purchase (采购入库) the accountant books from the supplier's invoice: cost and 13% input VAT, owed to the supplier. */
export interface DemoPurchase {
  readonly date: string
  readonly reference: string
  readonly supplier: string
  /** cost of goods, fen */
  readonly cost: bigint
  readonly vat: bigint
}

export interface DemoMonth {
  readonly period: string
  readonly files: DemoFile[]
  readonly purchases: ReadonlyArray<DemoPurchase>
  /** the supplier payment on the CNY bank statement (the first purchase, paid in full) */
  readonly supplierPayment: { readonly date: string; readonly reference: string; readonly amount: bigint }
  /** `date,sku,quantity,total_cost,name,reference` (service/posting/inventory.ts) */
  readonly receipts: DemoFile
  /** `date,currency,rate,source` (service/posting/rates.ts) */
  readonly rates: DemoFile
}

export const DEMO_BANKS = {
  cny: { account: 'ICBC-6222', number: '6222 0240 0000 1234 567', bank: '中国工商银行 杭州分行' },
  usd: { account: 'CMB-USD-8801', number: '5719 0880 1032 801', bank: '招商银行 杭州分行 (美元户)' },
} as const

const DAY = 24 * 60

interface Product { readonly sku: string; readonly name: string; readonly nameEn: string; readonly cost: bigint; readonly cny: bigint; readonly usd: bigint }

/** The seller's own catalogue (Tmall and Shopify); JD lists its own 商品ID. Costs in fen. */
const CATALOGUE: ReadonlyArray<Product> = [
  { sku: 'TEA-001', name: '西湖龙井 250g', nameEn: 'Longjing green tea 250g', cost: 6_000n, cny: 12_800n, usd: 2_900n },
  { sku: 'TEA-002', name: '正山小种 200g', nameEn: 'Lapsang souchong 200g', cost: 4_500n, cny: 9_900n, usd: 2_200n },
  { sku: 'CUP-010', name: '青瓷茶杯', nameEn: 'Celadon tea cup', cost: 1_800n, cny: 4_500n, usd: 1_100n },
  { sku: 'SET-100', name: '旅行茶具套装', nameEn: 'Travel tea set', cost: 12_000n, cny: 29_900n, usd: 6_900n },
]

function encode(spec: FormatSpec, text: string): Uint8Array {
  if (spec.encoding === 'gbk') return iconv.encode(text, 'gbk')
  const bytes = Buffer.from(text, 'utf8')
  return spec.encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes
}

/** A file in `format`: the spec's header and cell decoration, our own preamble / trailer lines (dated in the period). */
function render(format: GeneratedFormat, rows: ReadonlyArray<ReadonlyArray<string>>, extra: { preamble?: string[]; trailer?: string[] } = {}): Uint8Array {
  const spec: FormatSpec = GENERATED_FORMATS[format]
  const newline = spec.encoding === 'utf8-bom' ? '\r\n' : '\n'
  const lines = [...(extra.preamble ?? []).map((line) => csvLine(spec, [line], false)), csvLine(spec, spec.header, false)]
  for (const row of rows) lines.push(csvLine(spec, row, true))
  for (const line of extra.trailer ?? []) lines.push(csvLine(spec, [line], false))
  return encode(spec, `${lines.join(newline)}${newline}`)
}

const chinaDate = (period: string, day: number): string => `${period.slice(0, 4)}年${period.slice(5, 7)}月${String(day).padStart(2, '0')}日`

// ---------------------------------------------------------------------------
// 天猫旗舰店: 千牛 orders + Alipay 账务明细
// ---------------------------------------------------------------------------

interface TmallLine { readonly sub: string; readonly product: Product; readonly qty: number }
/** One Tmall order of the month (mutable while the month is planned). */
interface TmallOrder {
  readonly orderNo: string
  readonly trade: string
  lines: TmallLine[]
  readonly created: number
  readonly shipped: number | null
  readonly completed: number | null
  /** 售中退款: the buyer got it back before Alipay paid the seller */
  readonly refundBefore: bigint
  /** 售后退款 after settlement, with its time */
  refundAfter: { amount: bigint; at: number } | null
  /** the platform paid this much less than expected */
  short: bigint
}
type AlipayKind = 'payment' | 'refund' | 'commission' | 'fee' | 'promotion' | 'payout'
interface AlipayRow { readonly at: number; readonly kind: AlipayKind; readonly amount: bigint; readonly order?: TmallOrder }

const ALIPAY_WORDS: Record<AlipayKind, { type: string; desc: string }> = {
  payment: { type: '交易付款', desc: '0010001|交易收款-确认收货' },
  refund: { type: '交易退款', desc: '0010003|交易退款-售后退款' },
  commission: { type: '收费', desc: '0030001|天猫佣金(类目技术服务费)' },
  fee: { type: '收费', desc: '0030003|交易服务费' },
  promotion: { type: '转账', desc: '阿里妈妈营销推广(直通车)' },
  payout: { type: '提现', desc: `提现到银行卡 ${DEMO_BANKS.cny.bank}(6222)` },
}

/** Kept in the Alipay account at each 提现 for refunds after settlement. */
const ALIPAY_FLOAT = 100_000n
const grossOf = (order: TmallOrder): bigint => order.lines.reduce((sum, line) => sum + line.product.cny * BigInt(line.qty), 0n)

function tmallOrders(rng: Rng, period: string, days: number): TmallOrder[] {
  const orders: TmallOrder[] = []
  const end = days * DAY
  const compact = period.replace('-', '')
  for (let day = 1; day <= days; day += 1) {
    const count = rng.int(1, 3)
    for (let index = 0; index < count; index += 1) {
      const orderNo = `${rng.int(1, 4)}${rng.digits(18)}`
      const lineCount = rng.chance(0.25) ? 2 : 1
      const lines = Array.from({ length: lineCount }, () => ({ sub: lineCount === 1 ? orderNo : rng.digits(19), product: rng.pick(CATALOGUE), qty: rng.int(1, 3) }))
      const created = (day - 1) * DAY + rng.int(9 * 60, 22 * 60)
      const shipped = created + DAY + rng.int(0, 300)
      const completed = shipped + rng.int(4, 6) * DAY
      const roll = rng.next()
      const gross = lines.reduce((sum, line) => sum + line.product.cny * BigInt(line.qty), 0n)
      const settled = completed < end
      orders.push({
        orderNo, trade: `${compact}${String(day).padStart(2, '0')}22001${rng.digits(15)}`, lines, created,
        shipped: shipped < end ? shipped : null, completed: settled ? completed : null,
        refundBefore: settled && roll < 0.04 ? (lines[0]?.product.cny ?? 0n) / 2n : 0n,
        refundAfter: settled && roll >= 0.04 && roll < 0.1 && completed + 2 * DAY < end ? { amount: roll < 0.06 ? gross : (lines[0]?.product.cny ?? 0n) / 4n, at: completed + 2 * DAY } : null,
        short: 0n,
      })
    }
  }
  // Deliberate: one big order refunded 6,000.00 after settlement (needs an approver), one payment 0.03 short.
  // (paid on the 8th-10th and refunded three days later, inside one payout week, so the Alipay balance covers it)
  const big = orders.find((order) => order.completed !== null && order.completed >= 7 * DAY && order.completed < 10 * DAY && order.refundAfter === null && order.refundBefore === 0n)
  if (big) {
    big.lines = [{ sub: big.orderNo, product: CATALOGUE[3] ?? CATALOGUE[0] as Product, qty: 27 }]
    big.refundAfter = { amount: 600_000n, at: (big.completed ?? 0) + 3 * DAY }
  }
  const rounding = orders.find((order) => order !== big && order.completed !== null && order.refundBefore === 0n && order.refundAfter === null && order.created > 12 * DAY)
  if (rounding) rounding.short = 3n
  return orders
}

function statusOf(order: TmallOrder): string {
  if (order.completed !== null) return '交易成功'
  return order.shipped !== null ? '卖家已发货，等待买家确认' : '买家已付款，等待卖家发货'
}

function qianniuRows(orders: ReadonlyArray<TmallOrder>, period: string): string[][] {
  const rows: string[][] = []
  for (const order of orders) {
    const [created] = clock(order.created, '+08:00', 'dash', period)
    const [paid] = clock(order.created + 1, '+08:00', 'dash', period)
    const shipped = order.shipped === null ? 'null' : clock(order.shipped, '+08:00', 'dash', period)[0]
    const refunded = order.refundBefore + (order.refundAfter?.amount ?? 0n)
    order.lines.forEach((line, index) => {
      const amount = line.product.cny * BigInt(line.qty)
      const lineRefund = index === 0 ? refunded : 0n
      rows.push([line.sub, order.orderNo, line.product.name, money(line.product.cny), String(line.qty), line.product.sku, '规格：标准装', 'null', 'null', statusOf(order), line.product.sku, order.trade,
        money(amount), money(amount), lineRefund > 0n ? '退款成功' : '没有申请退款', lineRefund > 0n ? money(lineRefund) : '无退款申请', created, paid, `6${String(700000000000 + CATALOGUE.indexOf(line.product) * 1000 + index)}`, 'null', 'null', 'null', 'null',
        shipped, order.shipped === null ? 'null' : `SF${order.orderNo.slice(-12)}`, order.shipped === null ? 'null' : '顺丰速运', '否', 'null', 'null'])
    })
  }
  return rows
}

function alipayRows(rng: Rng, orders: ReadonlyArray<TmallOrder>, days: number): AlipayRow[] {
  const rows: AlipayRow[] = []
  for (const order of orders) {
    if (order.completed === null) continue
    const gross = grossOf(order)
    rows.push({ at: order.completed, kind: 'payment', amount: gross - order.refundBefore - order.short, order })
    rows.push({ at: order.completed + 1, kind: 'commission', amount: -((gross - order.refundBefore) * 50n / 1000n), order })
    rows.push({ at: order.completed + 2, kind: 'fee', amount: -((gross - order.refundBefore) * 6n / 1000n), order })
    if (order.refundAfter) rows.push({ at: order.refundAfter.at, kind: 'refund', amount: -order.refundAfter.amount, order })
  }
  rows.sort((a, b) => a.at - b.at)
  // Walk the month: a weekly 直通车 top-up (what the balance allows, in whole hundreds) and a weekly
  // 提现 of the balance above a 1,000.00 float kept for refunds; the last 提现, on the final day,
  // reaches the bank next month.
  const marks = [
    ...[10, 17, 24, 29].map((day) => ({ at: (day - 1) * DAY + 23 * 60, kind: 'promotion' as const, planned: BigInt(rng.int(3, 8)) * 10_000n })),
    ...[7, 14, 21, days].map((day) => ({ at: (day - 1) * DAY + 21 * 60, kind: 'payout' as const, planned: 0n })),
  ].sort((a, b) => a.at - b.at)
  const month: AlipayRow[] = []
  let balance = 0n
  let next = 0
  for (const mark of marks) {
    for (; next < rows.length && (rows[next]?.at ?? 0) < mark.at; next += 1) {
      const row = rows[next] as AlipayRow
      month.push(row)
      balance += row.amount
    }
    const amount = mark.kind === 'payout' ? balance - ALIPAY_FLOAT : (mark.planned < balance ? mark.planned : (balance / 10_000n) * 10_000n)
    if (amount <= 0n) continue
    month.push({ at: mark.at, kind: mark.kind, amount: -amount })
    balance -= amount
  }
  month.push(...rows.slice(next))
  return month
}

function alipayFile(rows: ReadonlyArray<AlipayRow>, period: string, days: number): Uint8Array {
  const compact = period.replace('-', '')
  let journal = BigInt(`${compact}01000000000`) * 10n
  let balance = 0n
  const income = { count: 0, total: 0n }
  const expense = { count: 0, total: 0n }
  const cells = rows.map((row) => {
    journal += 1n
    balance += row.amount
    const [time] = clock(row.at, '+08:00', 'dash', period)
    const out = row.amount < 0n
    const absolute = out ? -row.amount : row.amount
    const tally = out ? expense : income
    tally.count += 1
    tally.total += absolute
    const words = ALIPAY_WORDS[row.kind]
    const order = row.order
    const business = row.kind === 'payment' && order ? order.trade : `${compact}${String(Math.floor(row.at / DAY) + 1).padStart(2, '0')}${String(journal).slice(-15)}`
    return [String(journal), business, order ? `T200P${order.orderNo}` : '', order ? (order.lines[0]?.product.name ?? '') : '', time, order ? `买家${order.orderNo.slice(-4)}` : row.kind === 'promotion' ? '阿里妈妈' : '',
      out ? '0.00' : money(absolute), out ? money(absolute) : '0.00', money(balance), '支付宝', words.type, '', words.desc, order?.orderNo ?? '']
  })
  return render('alipay-merchant-account', cells, {
    preamble: ['#支付宝账务明细查询', '#账号：[20881234567890120156]', `#起始日期：[${chinaDate(period, 1)} 00:00:00]   终止日期：[${chinaDate(period, days)} 23:59:59]`, '#-----------------------------------------账务明细列表----------------------------------------'],
    trailer: ['#----------------------------------------账务明细列表结束-------------------------------------', `#支出合计：${expense.count}笔，共${money(expense.total)}元`, `#收入合计：${income.count}笔，共${money(income.total)}元`, `#导出时间：[${chinaDate(period, days)} 23:59:59]`],
  })
}

// ---------------------------------------------------------------------------
// Shopify US: orders, Shopify Payments transactions, payouts (USD)
// ---------------------------------------------------------------------------

interface ShopifyOrder { readonly name: string; readonly lines: Array<{ product: Product; qty: number }>; readonly created: number; readonly fulfilled: number | null; refund: { amount: bigint; at: number } | null; readonly paymentId: string }
interface ShopifyTxn { readonly at: number; readonly type: 'charge' | 'refund'; readonly order: ShopifyOrder; readonly amount: bigint; readonly fee: bigint }

const SHOPIFY_OFFSET = '-04:00'
/** Shopify pays out weekly: a transaction goes into the first payout at least two days later. */
const SHOPIFY_PAYOUT_DAYS = [7, 14, 21, 28, 35]
const totalOf = (order: ShopifyOrder): bigint => order.lines.reduce((sum, line) => sum + line.product.usd * BigInt(line.qty), 0n)

function shopifyOrders(rng: Rng, days: number): ShopifyOrder[] {
  const orders: ShopifyOrder[] = []
  const end = days * DAY
  for (let day = 1; day <= days; day += 1) {
    if (rng.chance(0.25)) continue
    const created = (day - 1) * DAY + rng.int(8 * 60, 20 * 60)
    const lines = Array.from({ length: rng.chance(0.3) ? 2 : 1 }, () => ({ product: rng.pick(CATALOGUE), qty: rng.int(1, 2) }))
    const fulfilled = created + DAY + rng.int(0, 240)
    const order: ShopifyOrder = { name: `#${1001 + orders.length}`, lines, created, fulfilled: fulfilled < end ? fulfilled : null, refund: null, paymentId: `c${rng.digits(11)}` }
    if (order.fulfilled !== null && rng.chance(0.12) && order.fulfilled + 3 * DAY < end) order.refund = { amount: rng.chance(0.5) ? totalOf(order) : (lines[0]?.product.usd ?? 0n), at: order.fulfilled + 3 * DAY }
    orders.push(order)
  }
  return orders
}

function shopifyStatus(order: ShopifyOrder): [string, string] {
  const financial = order.refund === null ? 'paid' : order.refund.amount === totalOf(order) ? 'refunded' : 'partially_refunded'
  return [financial, order.fulfilled === null ? 'unfulfilled' : 'fulfilled']
}

function shopifyOrderRows(orders: ReadonlyArray<ShopifyOrder>, period: string): string[][] {
  const rows: string[][] = []
  for (const order of orders) {
    const [created] = clock(order.created, SHOPIFY_OFFSET, 'shopify', period)
    const fulfilled = order.fulfilled === null ? '' : clock(order.fulfilled, SHOPIFY_OFFSET, 'shopify', period)[0]
    const [financial, fulfillment] = shopifyStatus(order)
    const total = totalOf(order)
    order.lines.forEach((line, index) => {
      const first = index === 0
      rows.push([order.name, first ? `buyer${order.name.slice(1)}@example.com` : '', first ? financial : '', first ? created : '', first ? fulfillment : '', first ? fulfilled : '', first ? 'USD' : '',
        first ? money(total, 'USD') : '', first ? '0.00' : '', first ? '0.00' : '', first ? money(total, 'USD') : '', first ? '0.00' : '', created,
        String(line.qty), line.product.nameEn, money(line.product.usd, 'USD'), line.product.sku, '0.00', first ? money(order.refund?.amount ?? 0n, 'USD') : '', first ? order.paymentId : '', ''])
    })
  }
  return rows
}

function shopifyTxns(orders: ReadonlyArray<ShopifyOrder>): ShopifyTxn[] {
  const txns: ShopifyTxn[] = []
  for (const order of orders) {
    const total = totalOf(order)
    txns.push({ at: order.created + 3, type: 'charge', order, amount: total, fee: (total * 29n + 500n) / 1000n + 30n })
    if (order.refund) txns.push({ at: order.refund.at, type: 'refund', order, amount: -order.refund.amount, fee: 0n })
  }
  return txns.sort((a, b) => a.at - b.at)
}

const payoutDayOf = (at: number): number => SHOPIFY_PAYOUT_DAYS.find((day) => (day - 1) * DAY >= at + 2 * DAY) ?? 42

function shopifyFiles(txns: ReadonlyArray<ShopifyTxn>, period: string, days: number): { transactions: Uint8Array; payouts: Uint8Array; paid: Array<{ day: number; total: bigint }> } {
  const dateOf = (day: number): string => clock((day - 1) * DAY + 12 * 60, '+00:00', 'iso', period)[1].slice(0, 10)
  const byPayout = new Map<number, { charges: bigint; refunds: bigint; fees: bigint }>()
  const rows = txns.map((txn) => {
    const [time] = clock(txn.at, SHOPIFY_OFFSET, 'shopify', period)
    const day = payoutDayOf(txn.at)
    const sums = byPayout.get(day) ?? { charges: 0n, refunds: 0n, fees: 0n }
    if (txn.type === 'charge') sums.charges += txn.amount
    else sums.refunds += txn.amount
    sums.fees -= txn.fee
    byPayout.set(day, sums)
    const date = dateOf(day)
    const status = day <= days ? 'paid' : 'in_transit'
    return [time, txn.type, txn.order.name, 'visa', 'online', status, date, date, money(txn.amount, 'USD'), money(txn.fee, 'USD'), money(txn.amount - txn.fee, 'USD'), `#${txn.order.paymentId.slice(1, 12)}`, 'card',
      money(txn.amount < 0n ? -txn.amount : txn.amount, 'USD'), 'USD', 'USD']
  })
  const paid = [...byPayout].filter(([day]) => day <= days).sort((a, b) => a[0] - b[0]).map(([day, sums]) => ({ day, total: sums.charges + sums.refunds + sums.fees, sums }))
  const payoutRows = paid.map(({ day, total, sums }) => [dateOf(day), 'paid', money(sums.charges, 'USD'), money(sums.refunds, 'USD'), '0.00', '0.00', money(sums.fees, 'USD'), '0.00', money(total, 'USD'), 'USD', ''])
  return { transactions: render('shopify-payments-transactions', rows), payouts: render('shopify-payouts-summary', payoutRows), paid: paid.map(({ day, total }) => ({ day, total })) }
}

// ---------------------------------------------------------------------------
// Bank statements, receipts, rates
// ---------------------------------------------------------------------------

/** A bank statement line: receipts positive (贷方), payments negative (借方). */
interface BankLine { readonly at: number; readonly amount: bigint; readonly from: string; readonly memo: string }

function bankFile(rng: Rng, receipts: ReadonlyArray<BankLine>, period: string, currency: 'CNY' | 'USD', bank: { number: string; bank: string }): Uint8Array {
  let balance = 0n
  const rows = [...receipts].sort((a, b) => a.at - b.at).map((line) => {
    balance += line.amount
    const [time] = clock(line.at, '+08:00', 'dash', period)
    const out = line.amount < 0n
    return [time.slice(0, 10), time.slice(11), out ? money(-line.amount, currency) : '', out ? '' : money(line.amount, currency), money(balance, currency), line.from, rng.digits(16), line.memo, `B${period.replace('-', '')}${rng.digits(10)}`]
  })
  return render('bank-csv-cn', rows, { preamble: [`账号：${bank.number}`, `开户行：${bank.bank}`, `币种：${currency === 'CNY' ? '人民币' : '美元'}`, ''] })
}

/** Purchase receipts (the catalogue twice: the 1st and the 15th, 5% dearer; JD once) and the purchases they add up to. */
function receiptsCsv(period: string, jdSkus: ReadonlyMap<string, { name: string; price: bigint; sold: number }>, sold: ReadonlyMap<string, number>): { csv: string; purchases: DemoPurchase[] } {
  const lines = ['date,sku,quantity,total_cost,name,reference']
  const items = [
    ...CATALOGUE.map((product) => ({ sku: product.sku, name: product.name, cost: product.cost, sold: sold.get(product.sku) ?? 0, restock: true })),
    // JD lists its own 商品ID, each bought in once at 55% of the shelf price.
    ...[...jdSkus].map(([sku, item]) => ({ sku, name: item.name, cost: (item.price * 55n) / 100n, sold: item.sold, restock: false })),
  ]
  const totals = { A: 0n, B: 0n }
  for (const item of items) {
    const first = BigInt(item.restock ? Math.ceil(item.sold * 0.6) + 5 : item.sold + 1)
    const firstCost = item.cost * first
    totals.A += firstCost
    lines.push(`${period}-01,${item.sku},${first},${money(firstCost)},${item.name},PO-${period}-A`)
    if (!item.restock) continue
    const second = BigInt(Math.ceil(item.sold * 0.5) + 5)
    const secondCost = ((item.cost * 105n) / 100n) * second
    totals.B += secondCost
    lines.push(`${period}-15,${item.sku},${second},${money(secondCost)},${item.name},PO-${period}-B`)
  }
  const vat = (cost: bigint): bigint => (cost * 13n + 50n) / 100n
  return {
    csv: `${lines.join('\n')}\n`,
    purchases: [
      { date: `${period}-01`, reference: `PO-${period}-A`, supplier: DEMO_SUPPLIER.name, cost: totals.A, vat: vat(totals.A) },
      { date: `${period}-15`, reference: `PO-${period}-B`, supplier: DEMO_SUPPLIER.name, cost: totals.B, vat: vat(totals.B) },
    ],
  }
}

function ratesCsv(period: string, days: number): string {
  const lines = ['date,currency,rate,source']
  for (let day = 1; day <= days + 7; day += 1) {
    const [, iso] = clock((day - 1) * DAY + 12 * 60, '+08:00', 'iso', period)
    lines.push(`${iso.slice(0, 10)},USD,7.1${String(200 + ((day * 37) % 90)).padStart(3, '0')},中国人民银行 人民币汇率中间价 (demo)`)
  }
  return `${lines.join('\n')}\n`
}

/**
 * The vouchers the accountant keys in by hand for the month (`cledger voucher add`):
 * each purchase — 借 库存商品, 借 应交税费-进项税额 / 贷 应付账款 — and the supplier
 * payment — 借 应付账款 / 贷 银行存款.
 */
export function manualVouchers(month: Pick<DemoMonth, 'purchases' | 'supplierPayment'>): VoucherInput[] {
  const vouchers: VoucherInput[] = month.purchases.map((purchase) => ({
    date: purchase.date, word: '记', summary: `采购入库 ${purchase.reference} ${purchase.supplier}`, idempotencyKey: `demo:purchase:${purchase.reference}`,
    lines: [
      { account: '1405', debit: money(purchase.cost), summary: `采购入库 ${purchase.reference}` },
      { account: '2221.01.01', debit: money(purchase.vat), summary: `进项税额 ${purchase.reference}` },
      { account: '2202', store: DEMO_SUPPLIER.code, credit: money(purchase.cost + purchase.vat), summary: `应付 ${purchase.supplier}` },
    ],
  }))
  const payment = month.supplierPayment
  if (payment.amount > 0n) {
    vouchers.push({
      date: payment.date, word: '记', summary: `支付货款 ${payment.reference}`, idempotencyKey: `demo:payment:${payment.reference}`,
      lines: [{ account: '2202', store: DEMO_SUPPLIER.code, debit: money(payment.amount), summary: `支付货款 ${payment.reference}` }, { account: '1002', credit: money(payment.amount), summary: `工商银行 ${DEMO_BANKS.cny.account}` }],
    })
  }
  return vouchers
}

const text = (name: string, body: string, parser: string): DemoFile => ({ name, parser, store: '', bytes: new Uint8Array(Buffer.from(`\uFEFF${body}`, 'utf8')) })

/** Generates the demo month's files (nothing is written or imported here). */
export function demoMonth(period: string, seed: number): DemoMonth {
  const days = Number(lastDayOfPeriod(period).slice(8, 10))
  const rng = new Rng(seed)
  const tmall = tmallOrders(rng, period, days)
  const alipay = alipayRows(rng, tmall, days)
  const jd = linkedJdFiles({ seed: seed + 1, orders: 36, store: 'jd-flagship', month: period, payouts: true, defects: ['amountMismatch', 'orphanPayment', 'refundWithoutOrder'] })
  const shopify = shopifyOrders(rng, days)
  const payments = shopifyFiles(shopifyTxns(shopify), period, days)
  const minutesOf = (iso: string): number => Math.round((Date.parse(iso) - Date.parse(`${period}-01T00:00:00+08:00`)) / 60_000)
  const cnyReceipts: BankLine[] = [
    ...alipay.filter((row) => row.kind === 'payout' && row.at + 13 * 60 < days * DAY).map((row) => ({ at: row.at + 13 * 60, amount: -row.amount, from: '支付宝（中国）网络技术有限公司', memo: '支付宝提现' })),
    ...jd.payouts.map((payout) => ({ at: minutesOf(payout.occurredAt) + 12 * 60, amount: -payout.amount, from: '网银在线（北京）科技有限公司', memo: '京东钱包提现' })),
  ]
  const usdReceipts = payments.paid.map(({ day, total }) => ({ at: (day + 1) * DAY + 10 * 60, amount: total, from: 'SHOPIFY PAYMENTS (USA) INC', memo: 'Shopify payout' }))
  const sold = new Map<string, number>()
  for (const order of tmall) for (const line of order.lines) sold.set(line.product.sku, (sold.get(line.product.sku) ?? 0) + line.qty)
  for (const order of shopify) for (const line of order.lines) sold.set(line.product.sku, (sold.get(line.product.sku) ?? 0) + line.qty)
  const jdSkus = new Map<string, { name: string; price: bigint; sold: number }>()
  for (const item of jd.expected.orders) {
    if (item.kind !== 'orderLine') continue
    const known = jdSkus.get(item.record.sku)
    jdSkus.set(item.record.sku, { name: item.record.title, price: known?.price ?? (item.record.unitPrice as bigint), sold: (known?.sold ?? 0) + item.record.quantity })
  }
  const stock = receiptsCsv(period, jdSkus, sold)
  // The first delivery is paid on the 25th from what the payouts brought in: in full, or a round part of it.
  const paidDay = 25
  const arrived = cnyReceipts.filter((line) => line.at < (paidDay - 1) * DAY).reduce((sum, line) => sum + line.amount, 0n)
  const firstPurchase = stock.purchases[0] ?? { cost: 0n, vat: 0n, reference: '' }
  const owed = firstPurchase.cost + firstPurchase.vat
  const affordable = ((arrived * 9n) / 10n / 100_000n) * 100_000n
  const supplierPayment = { date: `${period}-${paidDay}`, reference: firstPurchase.reference, amount: owed <= affordable ? owed : affordable }
  cnyReceipts.push({ at: (paidDay - 1) * DAY + 15 * 60, amount: -supplierPayment.amount, from: '杭州茶源贸易有限公司', memo: `货款 ${firstPurchase.reference}` })
  const shopifyOrdersFile = render('shopify-orders', shopifyOrderRows(shopify, period))
  return {
    period,
    files: [
      { name: `天猫旗舰店-千牛订单导出-${period}.csv`, parser: 'taobao-qianniu', store: 'tmall-main', bytes: render('taobao-qianniu-csv', qianniuRows(tmall, period)) },
      { name: `天猫旗舰店-支付宝账务明细-${period}.csv`, parser: 'alipay-merchant-account', store: 'tmall-main', bytes: alipayFile(alipay, period, days) },
      { name: `京东旗舰店-订单导出-${period}.csv`, parser: jd.files.orders.parser, store: 'jd-flagship', bytes: jd.files.orders.bytes },
      { name: `京东旗舰店-钱包结算明细-${period}.csv`, parser: jd.files.settlement.parser, store: 'jd-flagship', bytes: jd.files.settlement.bytes },
      { name: `shopify-us-orders-${period}.csv`, parser: 'shopify-orders', store: 'shopify-us', bytes: shopifyOrdersFile },
      { name: `shopify-us-payment-transactions-${period}.csv`, parser: 'shopify-payments-transactions', store: 'shopify-us', bytes: payments.transactions },
      { name: `shopify-us-payouts-${period}.csv`, parser: 'shopify-payouts-summary', store: 'shopify-us', bytes: payments.payouts },
      { name: `工商银行对账单-6222-${period}.csv`, parser: 'bank-csv-cn', store: DEMO_BANKS.cny.account, bytes: bankFile(rng, cnyReceipts, period, 'CNY', DEMO_BANKS.cny) },
      { name: `招商银行美元户对账单-8801-${period}.csv`, parser: 'bank-csv-cn', store: DEMO_BANKS.usd.account, currency: 'USD', bytes: bankFile(rng, usdReceipts, period, 'USD', DEMO_BANKS.usd) },
    ],
    purchases: stock.purchases,
    supplierPayment,
    receipts: text(`采购入库单-${period}.csv`, stock.csv, 'receipts'),
    rates: text(`汇率-USD-${period}.csv`, ratesCsv(period, days), 'rates'),
  }
}
