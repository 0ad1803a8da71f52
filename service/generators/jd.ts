import { minor } from '../../shared/money.ts'
import type { CanonicalRecord, OrderLine, OrderStatus, SettlementKind } from '../../shared/records.ts'
import { DAY, type FormatSpec, type GeneratedRow, PENDING_SOURCE, Rng, type RowContext, cellAmount, clock, money, neg, orderRecord, settlement, statedLine } from './core.ts'

/**
 * JD (京东) files: the personal 交易流水 and the merchant the order export (one row per SKU, order money
 * repeated on every row of the order) and the settlement / 钱包 bill (one row
 * per 费用项 of a document, `="…"` formula-text ids). No real sample of either
 * exists (formats.md §4.1/4.2 has column lists only); GBK CSV is assumed, as
 * for the other JD merchant-backend downloads.
 *
 * (parsers: service/imports/parsers/jd.ts).
 *
 * The row builders take explicit specs so linked.ts can write an order export
 * and the settlement of the same orders (see `linkedJdFiles`).
 */

// ---------------------------------------------------------------------------
// JD personal 交易流水 (UTF-8 BOM, 21-line preamble, inline partial refunds)
// ---------------------------------------------------------------------------

export const jdPersonal: FormatSpec = {
  parser: 'jd-personal',
  container: 'csv',
  encoding: 'utf8-bom',
  preamble: (count, stated) => ['导出信息：', '京东账号名：jd_test', '申请时间：2024-04-01 11:32:42', '日期区间：2024-03-01 至 2024-03-31', '导出交易类型：全部', '导出交易场景：全部',
    `共：${count}笔记录`, statedLine(stated, '收入', '收入', '，'), statedLine(stated, '支出', '支出', '，'), statedLine(stated, '不计收支', '不计收支', '，'), '', '特别提示', ...Array.from({ length: 8 }, (_, i) => `${i + 1}.提示；`), ''],
  header: ['交易时间', '商户名称', '交易说明', '金额', '收/付款方式', '交易状态', '收/支', '交易分类', '交易订单号', '商家订单号', '备注'],
  direction: (row) => ({ label: row.cells[6] ?? '', amount: cellAmount(row.cells[3] ?? '0') }),
  decorate: (cell, column) => (column === 0 || column === 8 || column === 9 ? `${cell}\t` : cell),
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 9)
    const id = rng.digits(12)
    const merchantOrder = rng.digits(16)
    const amount = rng.minor(500, 90_000)
    const refundRow = rng.chance(0.15)
    const inline = context.options.refunds === 'inline' && !refundRow && rng.chance(0.3)
    const refunded = inline ? minor(amount / 3n) : minor(0n)
    const title = refundRow ? '退款-商品' : '商品'
    const status = refundRow ? '退款成功' : '交易成功'
    const direction = refundRow ? '不计收支' : '支出'
    return {
      cells: [time, '京东平台商户', title, inline ? `${money(amount)}(已退款${money(refunded)})` : money(amount), '银行卡', status, direction, '网购', id, merchantOrder, ''],
      records: [settlement(context, 'jd', {
        // `X(已退款Y)`: X was paid (the refund of Y is a row of its own), so the payment is -X.
        externalId: id, kind: refundRow ? 'refund' : 'payment', amount: refundRow ? amount : neg(amount), currency: 'CNY', occurredAt: iso,
        orderRef: merchantOrder, tradeNo: id, counterparty: '京东平台商户', description: ['网购', direction, title, status, inline ? `已退款${money(refunded)}` : ''].filter((part) => part !== '').join(' / '),
      })],
    }
  },
}

// ---------------------------------------------------------------------------
// Order export
// ---------------------------------------------------------------------------

export const JD_ORDER_HEADER = ['订单号', '商品ID', '商品名称', '订购数量', '支付方式', '下单时间', '京东价', '订单金额', '结算金额', '余额支付', '应付金额', '订单状态', '订单类型', '下单帐号', '客户姓名', '客户地址', '联系电话', '订单备注', '发票类型', '发票抬头', '发票内容', '商家备注', '商家备注等级（等级1-5为由高到低）', '运费金额', '付款确认时间', '增值税发票', '货号', '订单完成时间', '订单来源', '订单渠道']

/** 订单状态 wording of the JD backend and the status an import must give. */
export const JD_ORDER_STATUS: Readonly<Record<string, OrderStatus>> = {
  等待出库: 'paid',
  等待确认收货: 'shipped',
  完成: 'completed',
  已取消: 'cancelled',
}

export interface JdOrderLineSpec { readonly sku: string; readonly itemNo: string; readonly title: string; readonly price: bigint; readonly qty: number }

export interface JdOrderSpec {
  readonly orderNo: string
  /** A key of JD_ORDER_STATUS. */
  readonly status: string
  /** Minutes after the first of `month` when the order was placed. */
  readonly minutes: number
  readonly month?: string
  readonly lines: ReadonlyArray<JdOrderLineSpec>
  readonly shipping: bigint
  /** Seller + platform discounts: 应付金额 = 订单金额 - discount. */
  readonly discount: bigint
  readonly buyer: string
  /** 发票类型 / 发票抬头 / 增值税发票 when the buyer asked for an invoice (assumed values); absent: 不开发票 */
  readonly invoice?: { readonly type: string; readonly title: string; readonly vat: boolean }
}

/** Which generated JD orders ask for an invoice, by position (no draw from the rng, so other figures stay put). */
export function jdInvoiceChoice(index: number): JdOrderSpec['invoice'] {
  if (index % 11 === 7) return { type: '增值税专用发票', title: '上海某某贸易有限公司', vat: true }
  if (index % 5 === 1) return { type: '电子发票', title: '个人', vat: false }
  return undefined
}

/** 订单金额 (goods + freight) and 应付金额 (what the buyer pays = the order's gross). */
export function jdOrderTotals(order: JdOrderSpec): { total: bigint; payable: bigint } {
  const goods = order.lines.reduce((sum, line) => sum + line.price * BigInt(line.qty), 0n)
  const total = goods + order.shipping
  return { total, payable: total - order.discount }
}

/** The rows of one JD order and the records its import must give (order on the first row). */
export function jdOrderRows(context: RowContext, order: JdOrderSpec): GeneratedRow[] {
  const status = JD_ORDER_STATUS[order.status]
  if (!status) throw new Error(`unknown JD order status ${order.status}`)
  const [created, createdIso] = clock(order.minutes, '+08:00', 'dash', order.month)
  const paid = status !== 'cancelled' || order.minutes % 2 === 0
  const [paidText, paidIso] = clock(order.minutes + 1, '+08:00', 'dash', order.month)
  const completed = status === 'completed'
  const [doneText, doneIso] = clock(order.minutes + 3 * DAY + 7, '+08:00', 'dash', order.month)
  const { total, payable } = jdOrderTotals(order)
  const record = orderRecord({
    channel: 'jd', store: context.store, orderNo: order.orderNo, status, statusRaw: order.status, createdAt: createdIso,
    paidAt: paid ? paidIso : undefined, completedAt: completed ? doneIso : undefined, buyerRef: order.buyer, currency: 'CNY',
    gross: minor(payable), discount: minor(order.discount), shipping: minor(order.shipping), tax: minor(0n), refunded: minor(0n),
    ...(order.invoice ? { invoiceRequest: { title: order.invoice.title } } : {}),
  })
  const invoice = order.invoice ?? { type: '不开发票', title: '', vat: false }
  return order.lines.map((line, index) => {
    const lineRecord: OrderLine = {
      channel: 'jd', store: context.store, orderNo: order.orderNo, subOrderNo: `${order.orderNo}-${index + 1}`, sku: line.sku, title: line.title,
      quantity: line.qty, unitPrice: minor(line.price), discount: minor(0n), amount: minor(line.price * BigInt(line.qty)), refunded: minor(0n),
      status, statusRaw: order.status, currency: 'CNY', source: PENDING_SOURCE,
    }
    const records: CanonicalRecord[] = [{ kind: 'orderLine', record: lineRecord }]
    if (index === 0) records.unshift({ kind: 'order', record })
    // Order-level columns (金额, 状态, 时间, 买家) are repeated on every row of the order, as in the real export.
    return {
      cells: [order.orderNo, line.sku, line.title, String(line.qty), '在线支付', created, money(line.price), money(total), money(payable), '0.00', money(payable), order.status, '普通订单', order.buyer,
        '张**', '北京市海淀区****', '138****0000', '', invoice.type, invoice.title, order.invoice ? '商品明细' : '', '', '', money(order.shipping), paid ? paidText : '', invoice.vat ? '是' : '否', line.itemNo, completed ? doneText : '', '移动端', '京东'],
      records,
    }
  })
}

const JD_TITLES = ['京造 保温杯 500ml', '京东京造 乳胶枕', '茶具套装 青瓷', '无线鼠标 静音版', '洗衣凝珠 52颗']

export function randomJdOrder(rng: Rng, index: number, options: { month?: string; status?: string; minutes?: number } = {}): JdOrderSpec {
  const count = rng.int(1, 3)
  const lines = Array.from({ length: count }, () => {
    const sku = String(rng.int(10_000_000_000, 99_999_999_999))
    return { sku, itemNo: `HH-${sku.slice(-4)}`, title: rng.pick(JD_TITLES), price: rng.minor(990, 59_900), qty: rng.int(1, 3) }
  })
  const goods = lines.reduce((sum, line) => sum + line.price * BigInt(line.qty), 0n)
  const shipping = rng.chance(0.3) ? 600n : 0n
  const cut = BigInt(rng.int(1, 20)) * 100n
  const discount = rng.chance(0.4) ? (cut > goods / 2n ? goods / 2n : cut) : 0n
  const statuses = Object.keys(JD_ORDER_STATUS)
  return {
    orderNo: `2${rng.digits(11)}`, status: options.status ?? rng.pick(statuses), minutes: options.minutes ?? index * 37, month: options.month,
    lines, shipping, discount, buyer: `jd_${rng.digits(8)}`, ...(jdInvoiceChoice(index) ? { invoice: jdInvoiceChoice(index) } : {}),
  }
}

export const jdOrders: FormatSpec = {
  parser: 'jd-orders',
  container: 'csv',
  encoding: 'gbk',
  header: JD_ORDER_HEADER,
  grouped: true,
  group: (context) => jdOrderRows(context, randomJdOrder(context.rng, context.index)),
  row: () => {
    throw new Error('grouped format: use group()')
  },
}

// ---------------------------------------------------------------------------
// Settlement / 钱包 bill
// ---------------------------------------------------------------------------

export const JD_SETTLEMENT_HEADER = ['订单编号', '单据编号', '单据类型', '商品编号', '商户订单号', '商品名称', '结算状态', '费用发生时间', '费用计费时间', '费用结算时间', '费用项', '金额', '币种', '商家应收/应付', '钱包结算备注', '店铺号', '京东门店编号', '品牌门店编号', '门店名称', '备注', '收支方向', '商品数量', '对账日期']

/** 单据类型 / 费用项 pairs written, and the settlement kind each must import as. */
export const JD_FEE_ITEMS = {
  payment: { docType: '订单', item: '货款', kind: 'payment' },
  commission: { docType: '订单', item: '佣金', kind: 'commission' },
  fee: { docType: '订单', item: '京东支付服务费', kind: 'fee' },
  refund: { docType: '退款单', item: '货款', kind: 'refund' },
  commissionBack: { docType: '退款单', item: '佣金', kind: 'commission' },
  promotion: { docType: '营销费用', item: '京豆', kind: 'promotion' },
  payout: { docType: '提现', item: '提现', kind: 'payout' },
} as const satisfies Record<string, { docType: string; item: string; kind: SettlementKind }>
export type JdFeeItem = keyof typeof JD_FEE_ITEMS

export interface JdSettlementSpec {
  /** Empty for money without an order (提现). */
  readonly orderNo: string
  /** 单据编号: the order number for 订单 documents, a 退款单号 for refunds. */
  readonly document: string
  readonly item: JdFeeItem
  /** Signed from the seller's side: positive = 应收/收入. */
  readonly amount: bigint
  readonly minutes: number
  readonly month?: string
  readonly sku?: string
  readonly title?: string
  readonly qty?: number
}

/** `="123"`: JD writes ids as Excel formula text so Excel keeps all digits. */
const formulaText = (text: string): string => `="${text}"`

export function jdSettlementRow(context: RowContext, spec: JdSettlementSpec): GeneratedRow {
  const { docType, item, kind } = JD_FEE_ITEMS[spec.item]
  const [time, iso] = clock(spec.minutes, '+08:00', 'dash', spec.month)
  const [billed] = clock(spec.minutes + 60, '+08:00', 'dash', spec.month)
  const [settled] = clock(spec.minutes + DAY, '+08:00', 'dash', spec.month)
  const incoming = spec.amount >= 0n
  const description = [docType, item].join(' / ')
  return {
    cells: [formulaText(spec.orderNo), formulaText(spec.document), docType, spec.sku ?? '', '', spec.title ?? '', '已结算', time, billed, settled, item, money(spec.amount), '人民币',
      incoming ? '应收' : '应付', '', '10086001', '', '', '', '', incoming ? '收入' : '支出', spec.qty === undefined ? '' : String(spec.qty), settled.slice(0, 10)],
    records: [settlement(context, 'jd', { externalId: `${spec.document}:${item}`, kind, amount: minor(spec.amount), currency: 'CNY', occurredAt: iso, orderRef: spec.orderNo, description })],
  }
}

const JD_ROW_WEIGHTS: ReadonlyArray<[JdFeeItem, number]> = [['payment', 6], ['commission', 4], ['fee', 2], ['refund', 1], ['commissionBack', 1], ['promotion', 1]]

export const jdSettlement: FormatSpec = {
  parser: 'jd-settlement',
  container: 'csv',
  encoding: 'gbk',
  header: JD_SETTLEMENT_HEADER,
  // 订单编号 and 单据编号 are bare `="…"` cells (not CSV-quoted), as Excel-oriented exports write them.
  verbatim: (column) => column <= 1,
  row(context) {
    const { rng, index } = context
    const payout = index % 50 === 49
    const item: JdFeeItem = payout ? 'payout' : rng.pick(JD_ROW_WEIGHTS.flatMap(([name, weight]) => new Array<JdFeeItem>(weight).fill(name)))
    const orderNo = payout ? '' : `2${rng.digits(11)}`
    const document = item === 'refund' || item === 'commissionBack' ? `TK${rng.digits(10)}` : payout ? `TX${rng.digits(12)}` : orderNo
    const magnitude = payout ? rng.minor(100_000, 2_000_000) : item === 'payment' || item === 'refund' ? rng.minor(990, 99_900) : rng.minor(10, 9_000)
    const outgoing = item === 'commission' || item === 'fee' || item === 'refund' || item === 'promotion' || item === 'payout'
    const withGoods = item !== 'payout' && item !== 'promotion'
    return jdSettlementRow(context, {
      orderNo, document, item, amount: outgoing ? -magnitude : magnitude, minutes: index * 4,
      ...(withGoods ? { sku: String(rng.int(10_000_000_000, 99_999_999_999)), title: rng.pick(JD_TITLES), qty: rng.int(1, 3) } : {}),
    })
  },
}
