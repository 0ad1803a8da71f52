import iconv from 'iconv-lite'
import { minor } from '../../shared/money.ts'
import { DAY, type FormatSpec, Rng, type Summary, clock, emptySummary, money, statedDirections } from './core.ts'
import { GENERATED_FORMATS, type GeneratedFormat, csvLine } from './index.ts'

/**
 * Linked files for matching scenarios: a Taobao 千牛 order export and the Alipay
 * merchant 账务明细 of the same orders (Alipay carries `T200P<order>` and the bare
 * order number, the order carries the Alipay business number as 支付单号), the
 * bank statement the Alipay payouts land on, and a small Shopify order +
 * Shopify Payments pair (the only generated pair with a currency per row).
 *
 * Clean orders match one-to-one; each requested defect plants one case and names
 * it in `cases`, so a test can expect the exact exception or match per case.
 * The files use the existing format specs (header, preamble, trailer, cell
 * decoration, encoding) of service/generators, so they import through the real parsers.
 *
 * Dates: orders in March 2024 (see core.clock); match with asOf 2024-04-10.
 *
 * @example const files = linkedFiles({ seed: 7, orders: 20, defects: ['orphanPayment', 'overRefund'] })
 */
export const DEFECTS = [
  'missingPayment', 'orphanPayment', 'amountMismatch', 'duplicateOrder', 'duplicatePayment', 'refundWithoutOrder', 'overRefund', 'failedPayment',
  'closedOrderWithPayment', 'currencyMismatch', 'bigRefund', 'roundingDifference', 'smallDifference',
  'payoutInBank', 'payoutNotInBank', 'recentPayout', 'unexplainedReceipt', 'outgoingBankLine',
] as const
export type Defect = (typeof DEFECTS)[number]

/** What each defect plants (all amounts CNY unless said). */
export const DEFECT_NOTES: Record<Defect, string> = {
  missingPayment: 'completed order, created 2024-03-02, no Alipay row',
  orphanPayment: 'Alipay payment for an order number not in the export',
  amountMismatch: 'payment 12.00 below the order total',
  duplicateOrder: 'the same order exported twice, once with the Alipay T200P prefix in 主订单编号',
  duplicatePayment: 'two payments (different 账务流水号) of the full order total',
  refundWithoutOrder: 'Alipay refund for an order number not in the export',
  overRefund: 'two refunds adding up to more than the payment',
  failedPayment: 'payment row whose 业务描述 says 支付失败',
  closedOrderWithPayment: 'order 交易关闭 whose payment was kept',
  currencyMismatch: 'Shopify order in EUR paid in USD',
  bigRefund: 'order 8000.00 paid, refunded 6000.00 (退款成功 partial refund recorded on the order)',
  roundingDifference: 'payment 0.05 below the order total',
  smallDifference: 'payment 0.50 below the order total',
  payoutInBank: 'Alipay 提现 on 03-20 and the bank receipt of the same amount on 03-21',
  payoutNotInBank: 'Alipay 提现 on 03-05, no bank receipt',
  recentPayout: 'Alipay 提现 on 04-08, inside the bank window of asOf 04-10',
  unexplainedReceipt: 'bank receipt no payout explains',
  outgoingBankLine: 'bank payment to a supplier (借方)',
}

export interface LinkedFile {
  format: GeneratedFormat
  parser: string
  fileName: string
  bytes: Uint8Array
}

export interface LinkedCase {
  readonly defect: Defect
  /** Order number as written in the order export (absent for money without an order). */
  readonly orderNo?: string
  /** Order number the money refers to. */
  readonly orderRef?: string
  /** The order's total (买家实际支付金额 summed over its lines), minor units. */
  readonly gross?: bigint
  /** 账务流水号 of the planted Alipay rows, or the bank 流水号 / Shopify order name. */
  readonly refs: ReadonlyArray<string>
}

export interface LinkedFiles {
  readonly files: { orders: LinkedFile; alipay: LinkedFile; bank: LinkedFile; shopifyOrders: LinkedFile; shopifyPayments: LinkedFile }
  /** Clean orders (paid exactly once, matched by order key). */
  readonly clean: ReadonlyArray<string>
  readonly cases: Partial<Record<Defect, LinkedCase>>
  /** Bank account name: pass as the import's store for the bank file. */
  readonly bankAccount: string
  /** Clean orders refunded after 交易成功 in the Alipay bill only (`postSaleRefundRate`): the export shows no refund. */
  readonly postSaleRefunds: ReadonlyArray<{ readonly orderNo: string; readonly gross: bigint; readonly amount: bigint; readonly ref: string }>
  /** Shopify orders planted by `shopifyPaid` (USD): paid and fulfilled with a charge, and paid orders without one. */
  readonly shopify: { readonly charged: ReadonlyArray<string>; readonly uncharged: ReadonlyArray<string> }
}

export interface LinkedOptions {
  seed?: number
  /** Clean orders (default 20). */
  orders?: number
  defects?: ReadonlyArray<Defect>
  store?: string
  /**
   * Share of clean orders (0..1) that get a 售后退款 in the Alipay bill 3-9 days after
   * payment while the order export still says 交易成功 with no refund (the classic
   * Taobao export); a quarter of them refund the whole order. Default 0.
   */
  postSaleRefundRate?: number
  /**
   * Shopify orders in USD: one paid and fulfilled with its Payments charge, one paid and
   * fulfilled and one paid (not fulfilled) without any charge, both older than 15 days
   * on 2024-04-10 while later charges of the store are imported.
   */
  shopifyPaid?: boolean
  /** Write 发货时间 (a day after payment) on orders 交易成功, so posting with recognition `shipped` books their sales. Default false. */
  shipped?: boolean
}

interface OrderSpec { orderNo: string; lines: Array<{ subNo: string; price: bigint; qty: number }>; status: string; minutes: number; trade: string; refunded: bigint }
interface AlipaySpec { journal: string; business: string; orderId: string; minutes: number; type: 'payment' | 'refund' | 'fee' | 'payout'; amount: bigint; failed?: boolean; afterSale?: boolean }

const ALIPAY_TYPE = {
  payment: { type: '交易付款', desc: '0010001|交易收款-交易收款' },
  refund: { type: '交易退款', desc: '0010003|交易退款-售中退款' },
  fee: { type: '收费', desc: '0030002|花呗服务费' },
  payout: { type: '提现', desc: '' },
} as const

/** Serialises rows exactly as the generators' CSV writer does for `spec` (preamble, decoration, trailer, encoding). */
export function csvBytes(spec: FormatSpec, rows: ReadonlyArray<ReadonlyArray<string>>, summary: Summary): Uint8Array {
  const newline = spec.encoding === 'utf8-bom' ? '\r\n' : '\n'
  const stated = statedDirections(spec, rows.map((cells) => ({ cells: [...cells], records: [] })))
  const lines = [...(spec.preamble?.(rows.length, stated) ?? []).map((line) => csvLine(spec, [line], false)), csvLine(spec, spec.header, false)]
  for (const row of rows) lines.push(csvLine(spec, row, true))
  for (const cells of spec.trailer?.(summary) ?? []) lines.push(csvLine(spec, cells, false))
  const text = `${lines.join(newline)}${newline}`
  if (spec.encoding === 'gbk') return iconv.encode(text, 'gbk')
  const bytes = Buffer.from(text, 'utf8')
  return spec.encoding === 'utf8-bom' ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes
}

function file(format: GeneratedFormat, seed: number, rows: ReadonlyArray<ReadonlyArray<string>>, summary: Summary = emptySummary()): LinkedFile {
  const spec: FormatSpec = GENERATED_FORMATS[format]
  return { format, parser: spec.parser, fileName: `linked-${format}-${seed}.csv`, bytes: csvBytes(spec, rows, summary) }
}

function grossOf(order: OrderSpec): bigint {
  return order.lines.reduce((sum, line) => sum + line.price * BigInt(line.qty), 0n)
}

/** The Taobao/Alipay/bank records of linkedFiles as they are planted, in rng order. */
class LinkedBuilder {
  readonly rng: Rng
  readonly orders: OrderSpec[] = []
  readonly alipay: AlipaySpec[] = []
  readonly bank: Array<{ id: string; minutes: number; amount: bigint }> = []
  readonly cases: Partial<Record<Defect, LinkedCase>> = {}
  readonly clean: string[] = []
  private journal = 2024030100000000000n
  private minutes = DAY + 9 * 60

  constructor(seed: number, readonly wanted: ReadonlySet<Defect>) {
    this.rng = new Rng(seed)
  }

  nextJournal(): string {
    this.journal += 1n
    return String(this.journal)
  }

  newOrder(status = '交易成功', lineCount = this.rng.int(1, 2), total?: bigint): OrderSpec {
    const rng = this.rng
    const orderNo = rng.digits(19)
    const lines = Array.from({ length: lineCount }, (_, index) => ({ subNo: lineCount === 1 ? orderNo : rng.digits(19), price: index === 0 && total !== undefined ? total : rng.minor(1_000, 50_000), qty: total !== undefined ? 1 : rng.int(1, 3) }))
    this.minutes += rng.int(20, 90)
    const order: OrderSpec = { orderNo, lines, status, minutes: this.minutes, trade: `2024030122001${rng.digits(15)}`, refunded: 0n }
    this.orders.push(order)
    return order
  }

  pay(order: OrderSpec, type: AlipaySpec['type'], amount: bigint, extra: Partial<AlipaySpec> = {}): string {
    const id = this.nextJournal()
    this.alipay.push({ journal: id, business: type === 'payment' ? order.trade : `2024030122001${this.rng.digits(15)}`, orderId: order.orderNo, minutes: order.minutes + 5 + this.alipay.length % 7, type, amount, ...extra })
    return id
  }

  /** An order number not in the export. */
  stranger(): OrderSpec {
    return { orderNo: this.rng.digits(19), lines: [], status: '', minutes: (this.minutes += 30), trade: `2024030122001${this.rng.digits(15)}`, refunded: 0n }
  }

  plantOrder(defect: Defect, build: () => { order?: OrderSpec; orderRef?: string; refs: string[] }): void {
    if (!this.wanted.has(defect)) return
    const { order, orderRef, refs } = build()
    this.cases[defect] = { defect, ...(order ? { orderNo: order.orderNo, gross: grossOf(order) } : {}), ...(orderRef ? { orderRef } : {}), refs }
  }

  /** An Alipay 提现 (and its bank receipt when `bankAt` is given). */
  payout(defect: Defect, at: number, amount: bigint, bankAt?: number): void {
    if (!this.wanted.has(defect)) return
    const id = this.nextJournal()
    this.alipay.push({ journal: id, business: `2024030122001${this.rng.digits(15)}`, orderId: '', minutes: at, type: 'payout', amount: -amount })
    const refs = [id]
    if (bankAt !== undefined) {
      const line = `B${this.rng.digits(14)}`
      this.bank.push({ id: line, minutes: bankAt, amount })
      refs.push(line)
    }
    this.cases[defect] = { defect, refs }
  }
}

/** Clean orders refunded after 交易成功 in the Alipay bill only (postSaleRefundRate). */
function plantPostSaleRefunds(b: LinkedBuilder, rate: number): LinkedFiles['postSaleRefunds'] {
  const postSaleRefunds: Array<{ orderNo: string; gross: bigint; amount: bigint; ref: string }> = []
  if (rate <= 0) return postSaleRefunds
  const rng = b.rng
  for (const orderNo of b.clean) {
    if (!rng.chance(rate)) continue
    const order = b.orders.find((candidate) => candidate.orderNo === orderNo) as OrderSpec
    const gross = grossOf(order)
    const amount = rng.chance(0.25) || gross < 200n ? gross : rng.minor(100, Number(gross) - 1)
    const ref = b.pay(order, 'refund', -amount, { minutes: order.minutes + rng.int(3, 9) * DAY + rng.int(0, 600), afterSale: true })
    postSaleRefunds.push({ orderNo, gross, amount, ref })
  }
  return postSaleRefunds
}

/** The order-level defects (see DEFECT_NOTES), each planted when wanted. */
function plantOrderDefects(b: LinkedBuilder): void {
  b.plantOrder('missingPayment', () => {
    const order = b.newOrder()
    order.minutes = DAY + 8 * 60
    return { order, refs: [] }
  })
  b.plantOrder('orphanPayment', () => {
    const ghost = b.stranger()
    return { orderRef: ghost.orderNo, refs: [b.pay(ghost, 'payment', 4_321n)] }
  })
  b.plantOrder('amountMismatch', () => {
    const order = b.newOrder()
    return { order, refs: [b.pay(order, 'payment', grossOf(order) - 1_200n)] }
  })
  b.plantOrder('duplicateOrder', () => {
    const order = b.newOrder('交易成功', 1)
    b.orders.push({ ...order, orderNo: `T200P${order.orderNo}`, lines: order.lines.map((line) => ({ ...line, subNo: `T200P${line.subNo}` })), minutes: order.minutes + 1 })
    return { order, refs: [b.pay(order, 'payment', grossOf(order))] }
  })
  b.plantOrder('duplicatePayment', () => {
    const order = b.newOrder()
    return { order, refs: [b.pay(order, 'payment', grossOf(order)), b.pay(order, 'payment', grossOf(order))] }
  })
  b.plantOrder('refundWithoutOrder', () => {
    const ghost = b.stranger()
    return { orderRef: ghost.orderNo, refs: [b.pay(ghost, 'refund', -2_500n)] }
  })
  b.plantOrder('overRefund', () => {
    const order = b.newOrder('交易成功', 1, 10_000n)
    return { order, refs: [b.pay(order, 'payment', 10_000n), b.pay(order, 'refund', -6_000n), b.pay(order, 'refund', -6_000n)] }
  })
  b.plantOrder('failedPayment', () => {
    const order = b.newOrder()
    return { order, refs: [b.pay(order, 'payment', grossOf(order), { failed: true })] }
  })
  b.plantOrder('closedOrderWithPayment', () => {
    const order = b.newOrder('交易关闭')
    return { order, refs: [b.pay(order, 'payment', grossOf(order))] }
  })
  b.plantOrder('bigRefund', () => {
    const order = b.newOrder('交易成功', 1, 800_000n)
    order.refunded = 600_000n
    return { order, refs: [b.pay(order, 'payment', 800_000n), b.pay(order, 'refund', -600_000n)] }
  })
  b.plantOrder('roundingDifference', () => {
    const order = b.newOrder()
    return { order, refs: [b.pay(order, 'payment', grossOf(order) - 5n)] }
  })
  b.plantOrder('smallDifference', () => {
    const order = b.newOrder()
    return { order, refs: [b.pay(order, 'payment', grossOf(order) - 50n)] }
  })
}

/** Payout level: Alipay 提现 rows and the bank statement. */
function plantPayoutDefects(b: LinkedBuilder): void {
  b.payout('payoutInBank', 19 * DAY + 15 * 60, 1_234_567n, 20 * DAY + 10 * 60)
  b.payout('payoutNotInBank', 4 * DAY + 15 * 60, 765_400n)
  b.payout('recentPayout', 38 * DAY + 15 * 60, 99_900n)
  for (const [defect, amount, at] of [['unexplainedReceipt', 55_500n, 22 * DAY + 11 * 60], ['outgoingBankLine', -300_000n, 23 * DAY + 11 * 60]] as const) {
    if (!b.wanted.has(defect)) continue
    const line = `B${b.rng.digits(14)}`
    b.bank.push({ id: line, minutes: at, amount })
    b.cases[defect] = { defect, refs: [line] }
  }
}

/** The Shopify pair: the currencyMismatch case and the shopifyPaid orders (no rng). */
function shopifyRows(b: LinkedBuilder, paid: boolean): { orders: string[][]; payments: string[][]; cases: LinkedFiles['shopify'] } {
  const mismatch = b.wanted.has('currencyMismatch')
  if (mismatch) b.cases.currencyMismatch = { defect: 'currencyMismatch', orderNo: '#5001', orderRef: '#5001', refs: ['#5001'] }
  const orders: string[][] = mismatch ? [shopifyOrderRow()] : []
  const payments: string[][] = mismatch ? [shopifyPaymentRow()] : []
  const cases = { charged: [] as string[], uncharged: [] as string[] }
  if (paid) {
    // uncharged first (03-05, 03-06), the charged one later (03-12), so the store's transactions reach past them
    orders.push(paidShopifyRow('#6002', 4 * DAY + 600, 4_500n, 'fulfilled'), paidShopifyRow('#6003', 5 * DAY + 600, 2_990n, ''), paidShopifyRow('#6001', 11 * DAY + 600, 8_800n, 'fulfilled'))
    payments.push(chargeRow('#6001', 11 * DAY + 605, 8_800n))
    cases.charged.push('#6001')
    cases.uncharged.push('#6002', '#6003')
  }
  return { orders, payments, cases }
}

export function linkedFiles(options: LinkedOptions = {}): LinkedFiles {
  const seed = options.seed ?? 1
  const b = new LinkedBuilder(seed, new Set(options.defects ?? []))
  for (let index = 0; index < (options.orders ?? 20); index += 1) {
    const order = b.newOrder()
    b.pay(order, 'payment', grossOf(order))
    if (index % 3 === 0) b.pay(order, 'fee', -b.rng.minor(10, 300))
    b.clean.push(order.orderNo)
  }
  const postSaleRefunds = plantPostSaleRefunds(b, options.postSaleRefundRate ?? 0)
  plantOrderDefects(b)
  plantPayoutDefects(b)
  const shopify = shopifyRows(b, options.shopifyPaid === true)
  return {
    files: {
      orders: file('taobao-qianniu-csv', seed, qianniuRows(b.orders, options.shipped === true)),
      alipay: alipayFile(seed, b.alipay),
      bank: file('bank-csv-cn', seed, bankRows(b.bank, b.rng)),
      shopifyOrders: file('shopify-orders', seed, shopify.orders),
      shopifyPayments: file('shopify-payments-transactions', seed, shopify.payments),
    },
    clean: b.clean, cases: b.cases, bankAccount: 'ICBC-6222', postSaleRefunds, shopify: shopify.cases,
  }
}

function qianniuRows(orders: ReadonlyArray<OrderSpec>, shipped: boolean): string[][] {
  const rows: string[][] = []
  for (const order of orders) {
    const [created] = clock(order.minutes)
    const [paid] = clock(order.minutes + 1)
    const shippedAt = shipped && order.status === '交易成功' ? clock(order.minutes + DAY)[0] : 'null'
    for (const [index, line] of order.lines.entries()) {
      const amount = line.price * BigInt(line.qty)
      // the order's refund sits on its first line (退款金额 of the sub-order)
      const refunded = index === 0 ? order.refunded : 0n
      rows.push([line.subNo, order.orderNo, `商品标题${index + 1}`, money(line.price), String(line.qty), `SKU-${100 + index}`, '颜色：黑', 'null', 'null', order.status, `SKU-${100 + index}`, order.trade,
        money(amount), money(amount), refunded > 0n ? '退款成功' : '没有申请退款', refunded > 0n ? money(refunded) : '无退款申请', created, paid, String(600000000000 + index), 'null', 'null', 'null', 'null', shippedAt, 'null', 'null', '否', 'null', 'null'])
    }
  }
  return rows
}

function alipayFile(seed: number, rows: ReadonlyArray<AlipaySpec>): LinkedFile {
  const summary = emptySummary()
  const cells = rows.map((row) => {
    const [time] = clock(row.minutes)
    const out = row.amount < 0n
    const absolute = out ? -row.amount : row.amount
    if (out) {
      summary.outgoing.count += 1
      summary.outgoing.total += row.amount
    } else {
      summary.incoming.count += 1
      summary.incoming.total += row.amount
    }
    summary.rows += 1
    const type = ALIPAY_TYPE[row.type]
    const desc = row.failed ? '0010001|交易收款-支付失败' : row.afterSale ? '0010003|交易退款-售后退款' : type.desc
    const payout = row.type === 'payout'
    return [row.journal, row.business, payout ? '' : `T200P${row.orderId}`, payout ? '' : '商品', time, payout ? '' : '买家1', out ? '0.00' : money(absolute), out ? money(absolute) : '0.00', '', '支付宝', type.type, '', desc, row.orderId]
  })
  return file('alipay-merchant-account', seed, cells, summary)
}

/** Bank statement rows with a running balance (from 50,000.00) that the parser checks row by row. */
function bankRows(lines: ReadonlyArray<{ id: string; minutes: number; amount: bigint }>, rng: Rng): string[][] {
  let balance = 5_000_000n
  return lines.map((line) => {
    const [time] = clock(line.minutes)
    const out = line.amount < 0n
    const absolute = out ? -line.amount : line.amount
    rng.minor(1_000_000, 9_000_000)
    balance += line.amount
    return [time.slice(0, 10), time.slice(11), out ? money(absolute) : '', out ? '' : money(absolute), money(balance), out ? '某供应商' : '支付宝（中国）网络技术有限公司', rng.digits(16), out ? '货款' : '提现', line.id]
  })
}

function shopifyOrderRow(): string[] {
  const [created] = clock(10 * DAY, '-04:00', 'shopify')
  const total = minor(12_900n)
  return ['#5001', 'buyer@example.com', 'paid', created, 'fulfilled', created, 'EUR', money(total), '0.00', '0.00', money(total), '0.00', created, '1', 'Snowboard', money(total), 'SB-10', '0.00', '0.00', 'r500100000001', '']
}

/** A paid Shopify order in USD (fulfilled or not), one line, Shopify Payments as the gateway. */
function paidShopifyRow(name: string, minutes: number, total: bigint, fulfillment: 'fulfilled' | ''): string[] {
  const [created] = clock(minutes, '-04:00', 'shopify')
  const [fulfilled] = clock(minutes + 2 * DAY, '-04:00', 'shopify')
  return [name, `${name.slice(1)}@example.com`, 'paid', created, fulfillment, fulfillment ? fulfilled : '', 'USD', money(total), '0.00', '0.00', money(total), '0.00', created, '1', 'Beanie', money(total), 'BN-1', '0.00', '0.00', `r${name.slice(1)}00000001`, '']
}

/** The Shopify Payments charge of an order. */
function chargeRow(name: string, minutes: number, amount: bigint): string[] {
  const [time] = clock(minutes, '-04:00', 'shopify')
  const fee = (amount * 29n) / 1000n + 30n
  return [time, 'charge', name, 'visa', 'online', 'paid', '2024-03-15', '2024-03-15', money(amount), money(fee), money(amount - fee), `${name}0000000001`, 'card', money(amount), 'USD', 'USD']
}

function shopifyPaymentRow(): string[] {
  const [time] = clock(10 * DAY + 5, '-04:00', 'shopify')
  return [time, 'charge', '#5001', 'visa', 'online', 'paid', '2024-03-13', '2024-03-13', '129.00', '4.04', '124.96', '#50010000000001', 'card', '129.00', 'USD', 'USD']
}
