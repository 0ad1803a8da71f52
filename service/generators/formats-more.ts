import { createHash } from 'node:crypto'
import { minor, parseAmount } from '../../shared/money.ts'
import type { CanonicalRecord, OrderLine, OrderStatus, SettlementKind } from '../../shared/records.ts'
import { type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, type Summary, clock, money, running } from './core.ts'
import { amazonSummaryRow, neg, orderRecord, settlement } from './formats.ts'

/**
 * Alipay seller 资金明细 and personal legacy 交易记录, WeChat Pay merchant
 * 资金账单, Taobao classic ExportOrderList, Amazon settlement V2 (US and EU
 * styles) and the plain English bank CSV.
 */

const DAY = 24 * 60

/** `1234567.8` style with thousands separators: `1,234,567.80`. */
function thousands(amount: bigint, currency = 'CNY'): string {
  const text = money(amount, currency)
  const negative = text.startsWith('-')
  const [whole = '0', fraction] = (negative ? text.slice(1) : text).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`
}

function weighted<T extends { weight: number }>(items: ReadonlyArray<T>): T[] {
  return items.flatMap((item) => new Array<T>(item.weight).fill(item))
}

// ---------------------------------------------------------------------------
// Alipay Tmall/Taobao seller 资金明细 (XLSX, header on row 4, 服务费 column)
// ---------------------------------------------------------------------------

const SELLER_FUND_TYPES: ReadonlyArray<{ type: string; desc: string; kind: SettlementKind; out: boolean; weight: number }> = [
  { type: '交易收入', desc: '交易收款', kind: 'payment', out: false, weight: 6 },
  { type: '交易收入', desc: '交易还款', kind: 'payment', out: false, weight: 1 },
  { type: '交易退款', desc: '售中退款', kind: 'refund', out: true, weight: 1 },
  { type: '退款（交易退款）', desc: '交易退款', kind: 'refund', out: true, weight: 1 },
  { type: '转账', desc: '', kind: 'adjustment', out: true, weight: 1 },
  { type: '提现', desc: '', kind: 'payout', out: true, weight: 0 },
]

export const alipaySellerFund: FormatSpec = {
  parser: 'alipay-seller-fund',
  container: 'xlsx',
  encoding: 'utf8',
  preamble: () => ['支付宝资金明细', '账号：[20889211365400330156]', '起始日期：[2024-03-01 00:00:00]    终止日期：[2024-04-01 00:00:00]'],
  header: ['序号', '入账时间', '支付宝交易号', '支付宝流水号', '商户订单号', '账务类型', '收入（+元）', '支出（-元）', '账户余额（元）', '服务费（元）', '支付渠道', '签约产品', '对方账户', '对方名称', '银行订单号', '商品名称', '备注', '业务基础订单号', '业务订单号', '业务账单来源', '业务描述', '付款备注'],
  row(context) {
    const { rng, index } = context
    const payout = index % 50 === 49
    const type = payout ? SELLER_FUND_TYPES[5] : rng.pick(weighted(SELLER_FUND_TYPES))
    if (!type) throw new Error('no type')
    const [time, iso] = clock(index * 5)
    const amount = payout ? rng.minor(100_000, 1_500_000) : type.kind === 'adjustment' ? rng.minor(100, 5_000) : rng.minor(990, 99_900)
    const fee = type.kind === 'payment' ? minor((amount * 6n) / 1000n) : minor(0n)
    const signed = type.out ? neg(amount) : amount
    // 实际结算金额 = 收入 - 支出 - 服务费: the balance moves by all three.
    const balance = minor(running(context, 'balance', signed - fee, 2_000_000n))
    const withOrder = type.kind === 'payment' || type.kind === 'refund'
    const orderId = withOrder ? rng.digits(19) : ''
    const tradeNo = withOrder ? `2024030122001${rng.digits(15)}` : ''
    const journal = `${20240301000000000000n + BigInt(index)}`
    const counterparty = withOrder ? `tb${rng.digits(8)}` : type.kind === 'payout' ? '招商银行' : '天猫营销'
    const account = withOrder ? `${rng.digits(3)}***@163.com` : ''
    const title = withOrder ? `天猫商品${rng.int(1, 99)}` : ''
    const common = { externalId: journal, currency: 'CNY', occurredAt: iso, orderRef: orderId, tradeNo, counterparty }
    const records: CanonicalRecord[] = [settlement(context, 'alipay', { ...common, kind: type.kind, amount: signed, balanceAfter: balance, description: [type.type, type.desc].filter((part) => part !== '').join(' / ') })]
    if (fee > 0n) records.push(settlement(context, 'alipay', { ...common, kind: 'fee', amount: neg(fee), description: `服务费 ${type.type}` }))
    return {
      cells: [String(index + 1), time, tradeNo, journal, orderId ? `T200P${orderId}` : '', type.type, type.out ? '' : money(amount), type.out ? money(amount) : '', money(balance), money(fee), withOrder ? '余额' : '', withOrder ? '即时到账' : '', account, counterparty, '', title, '', orderId, '', withOrder ? '淘宝' : '', type.desc, ''],
      records,
    }
  },
}

// ---------------------------------------------------------------------------
// Alipay personal legacy web 交易记录明细 (≤2021; GBK, padded cells, trailer)
// ---------------------------------------------------------------------------

const LEGACY_WIDTHS = [24, 25, 26, 24, 26, 15, 18, 20, 24, 12, 10, 12, 14, 15, 22, 12, 0]
const pad = (text: string, width: number): string => (text.length >= width ? text : `${text}${' '.repeat(width - text.length)}`)

function legacyRow(context: RowContext, fields: { id: string; orderNo: string; created: number; paid: number | null; modified: number; source: string; type: string; counterparty: string; title: string; amount: bigint; direction: string; status: string; fee: bigint; refunded: bigint; fund: string }): GeneratedRow {
  const [created, createdIso] = clock(fields.created)
  const [paidText, paidIso] = fields.paid === null ? ['', ''] : clock(fields.paid)
  const [modified] = clock(fields.modified)
  const moved = fields.fund === '已支出' || fields.fund === '已收入'
  const records: CanonicalRecord[] = []
  if (moved) {
    const refund = fields.fund === '已收入' && (fields.id.includes('_') || fields.title.startsWith('退款'))
    const common = { externalId: fields.id, currency: 'CNY', occurredAt: fields.paid === null ? createdIso : paidIso, orderRef: fields.orderNo.replace(/^T200P/, ''), tradeNo: fields.id.split('_')[0] ?? fields.id, counterparty: fields.counterparty }
    records.push(settlement(context, 'alipay', { ...common, kind: refund ? 'refund' : 'payment', amount: fields.fund === '已支出' ? neg(fields.amount) : minor(fields.amount), description: [fields.type, fields.title, fields.status].join(' / ') }))
    if (fields.fee > 0n) records.push(settlement(context, 'alipay', { ...common, kind: 'fee', amount: neg(fields.fee), description: '服务费' }))
  }
  return {
    cells: [fields.id, fields.orderNo, `${created} `, paidText === '' ? '' : `${paidText} `, `${modified} `, fields.source, fields.type, fields.counterparty, fields.title, money(fields.amount), fields.direction, fields.status, money(fields.fee), money(fields.refunded), '', fields.fund, ''],
    records,
  }
}

/** One purchase: a payment row, or a refunded purchase (交易关闭 / partial) and its `<id>_<seq>` refund row, or a row that moved no money. */
export function legacyTransaction(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const minutes = index * 41
  const id = `2024030122001${rng.digits(15)}`
  const taobao = rng.chance(0.5)
  const orderNo = taobao ? `T200P${rng.digits(18)}` : rng.chance(0.5) ? `S${rng.digits(10)}` : ''
  const source = taobao ? '淘宝' : '其他（包括阿里巴巴和外部商家）'
  const type = taobao ? '支付宝担保交易' : '即时到账交易'
  const [counterparty, title] = taobao ? ['某某官方旗舰店', `【特价】商品${rng.int(1, 99)}`] : rng.pick([['肯德基(张江高科餐厅)', '张江高科餐厅'], ['中欧基金管理有限公司', '余额宝-收益发放'], ['医院', '住院预交金']] as const)
  const amount = rng.minor(1, 300_000)
  const roll = rng.next()
  const base = { id, orderNo, created: minutes, paid: minutes + 1, modified: minutes + 2, source, type, counterparty, title, amount, fee: 0n, refunded: 0n }
  if (roll < 0.12) {
    // Refunded in full: the original shows 交易关闭 with 成功退款 and still 已支出; the refund is its own 已收入 row.
    const seq = rng.digits(6)
    return [
      legacyRow(context, { ...base, direction: '支出', status: '交易关闭', refunded: amount, fund: '已支出' }),
      legacyRow(context, { ...base, id: `${id}_${seq}`, paid: null, created: minutes + 90, modified: minutes + 90, title: `退款-${title}`, direction: '', status: '退款成功', fund: '已收入' }),
    ]
  }
  if (roll < 0.2) {
    const part = minor(amount > 1n ? amount / 2n : 1n)
    return [
      legacyRow(context, { ...base, direction: '支出', status: '交易成功', refunded: part, fund: '已支出' }),
      legacyRow(context, { ...base, id: `${id}_${rng.digits(6)}`, paid: null, created: minutes + 300, modified: minutes + 300, title: `退款-${title}`, amount: part, direction: '', status: '退款成功', fund: '已收入' }),
    ]
  }
  if (roll < 0.27) return [legacyRow(context, { ...base, paid: null, direction: '支出', status: '交易关闭', fund: '' })]
  if (roll < 0.4) return [legacyRow(context, { ...base, direction: '收入', status: '交易成功', fee: minor(amount / 100n), fund: '已收入' })]
  return [legacyRow(context, { ...base, direction: '支出', status: '交易成功', fund: '已支出' })]
}

function legacyTrailer(summary: Summary): string[][] {
  return [
    ['------------------------------------------------------------------------------------'],
    [`共${summary.rows}笔记录`],
    // Counted by 资金状态 row, as the export does (a row's 服务费 is not a row of its own).
    [`已收入:${summary.stated?.get('已收入')?.count ?? 0}笔`, `${money(summary.stated?.get('已收入')?.total ?? 0n)}元`],
    ['待收入:0笔', '0.00元'],
    [`已支出:${summary.stated?.get('已支出')?.count ?? 0}笔`, `${money(summary.stated?.get('已支出')?.total ?? 0n)}元`],
    ['待支出:0笔', '0.00元'],
    ['导出时间:[2024-04-01 14:34:22]    用户:测试'],
  ]
}

const LEGACY_HEADER = ['交易号', '商家订单号', '交易创建时间', '付款时间', '最近修改时间', '交易来源地', '类型', '交易对方', '商品名称', '金额（元）', '收/支', '交易状态', '服务费（元）', '成功退款（元）', '备注', '资金状态', '']

export const alipayPersonalLegacy: FormatSpec = {
  parser: 'alipay-personal-legacy',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['支付宝交易记录明细查询', '账号:[test@example.com]', '起始日期:[2024-03-01 00:00:00]    终止日期:[2024-04-01 00:00:00]', '---------------------------------交易记录明细列表------------------------------------'],
  header: LEGACY_HEADER.map((name, column) => pad(name, LEGACY_WIDTHS[column] ?? 0)),
  // 交易号/商家订单号 padded then ending in TAB; times end with a space; the rest padded.
  decorate: (cell, column) => (column <= 1 ? `${pad(cell, 20)}\t` : column >= 2 && column <= 4 ? (cell === '' ? ' '.repeat(20) : cell) : pad(cell, (LEGACY_WIDTHS[column] ?? 0) / 2)),
  grouped: true,
  group: legacyTransaction,
  row: () => {
    throw new Error('grouped format: use group()')
  },
  trailer: legacyTrailer,
  direction: (row) => {
    const fund = row.cells[15] ?? ''
    return fund === '已收入' || fund === '已支出' ? { label: fund, amount: parseAmount(row.cells[9] ?? '0', 'CNY') } : null
  },
}

// ---------------------------------------------------------------------------
// WeChat Pay merchant 资金账单 (UTF-8, backticked cells, summary lines)
// ---------------------------------------------------------------------------

const WECHAT_FUND_TYPES: ReadonlyArray<{ name: string; type: string; kind: SettlementKind; out: boolean; weight: number }> = [
  { name: '交易', type: '交易', kind: 'payment', out: false, weight: 6 },
  { name: '退款', type: '退款', kind: 'refund', out: true, weight: 1 },
  { name: '扣除交易手续费', type: '扣除交易手续费', kind: 'fee', out: true, weight: 2 },
  { name: '提现', type: '提现', kind: 'payout', out: true, weight: 0 },
]

export const wechatMerchantFund: FormatSpec = {
  parser: 'wechat-merchant-fund',
  container: 'csv',
  encoding: 'utf8',
  header: ['记账时间', '微信支付业务单号', '资金流水单号', '业务名称', '业务类型', '收支类型', '收支金额（元）', '账户结余（元）', '资金变更提交申请人', '备注', '业务凭证号'],
  decorate: (cell) => `\`${cell}`,
  row(context) {
    const { rng, index } = context
    const payout = index % 40 === 39
    const type = payout ? WECHAT_FUND_TYPES[3] : rng.pick(weighted(WECHAT_FUND_TYPES))
    if (!type) throw new Error('no type')
    const [time, iso] = clock(index * 6)
    const amount = payout ? rng.minor(50_000, 900_000) : type.kind === 'fee' ? rng.minor(1, 600) : rng.minor(1, 80_000)
    const signed = type.out ? neg(amount) : amount
    const balance = minor(running(context, 'balance', signed, 1_000_000n))
    const business = `${type.kind === 'refund' ? '5000030574' : '4200000068'}2024030${rng.digits(11)}`
    const journal = `1900009231${rng.digits(18)}`
    const voucher = type.kind === 'payment' ? rng.digits(19) : type.kind === 'refund' ? `REF4200000068${rng.digits(15)}` : ''
    const note = type.kind === 'refund' ? `退款总金额${money(amount)}元;含手续费0.00元` : ''
    const applicant = type.kind === 'refund' ? '1601959334API' : 'system'
    return {
      cells: [time, business, journal, type.name, type.type, type.out ? '支出' : '收入', money(amount), money(balance), applicant, note, voucher],
      records: [settlement(context, 'wechat', {
        externalId: journal, kind: type.kind, amount: signed, currency: 'CNY', occurredAt: iso, tradeNo: business, orderRef: voucher, balanceAfter: balance,
        description: [type.name, type.type, note].filter((part) => part !== '').join(' / '),
      })],
    }
  },
  trailer: (summary) => [
    ['资金流水总笔数', '收入笔数', '收入金额', '支出笔数', '支出金额'],
    [`\`${summary.rows}.0`, `\`${summary.incoming.count}.0`, `\`${money(summary.incoming.total)}`, `\`${summary.outgoing.count}.0`, `\`${money(-summary.outgoing.total)}`],
  ],
}

// ---------------------------------------------------------------------------
// Taobao classic 订单报表 ExportOrderList (order level, GBK)
// ---------------------------------------------------------------------------

const CLASSIC_HEADER = ['订单编号', '买家会员名', '买家支付宝账号', '买家应付货款', '买家应付邮费', '买家支付积分', '总金额', '返点积分', '买家实际支付金额', '买家实际支付积分', '订单状态', '买家留言', '收货人姓名', '收货地址', '运送方式', '联系电话', '联系手机', '订单创建时间', '订单付款时间', '宝贝标题', '宝贝种类', '物流单号', '物流公司', '订单备注', '宝贝总数量', '店铺Id', '店铺名称', '订单关闭原因', '卖家服务费', '买家服务费', '发票抬头', '是否手机订单', '分阶段订单信息', '定金排名', '修改后的sku', '修改后的收货地址', '异常信息', '支付单号', '退款金额', '确认收货时间', '打款商家金额', '发货时间']

const CLASSIC_STATES: ReadonlyArray<{ text: string; status: OrderStatus; shipped: boolean; done: boolean; refund: 'none' | 'full' | 'part' }> = [
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'none' },
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'none' },
  { text: '交易成功', status: 'completed', shipped: true, done: true, refund: 'part' },
  { text: '卖家已发货，等待买家确认', status: 'shipped', shipped: true, done: false, refund: 'none' },
  { text: '买家已付款，等待卖家发货', status: 'paid', shipped: false, done: false, refund: 'none' },
  { text: '交易关闭', status: 'closed', shipped: false, done: false, refund: 'full' },
]

export const taobaoClassic: FormatSpec = {
  parser: 'taobao-classic',
  container: 'csv',
  encoding: 'gbk',
  header: CLASSIC_HEADER,
  // 订单编号, 物流单号 and 支付单号 as bare `="…"` formula text (assumed, as in other Excel-oriented CN exports).
  decorate: (cell, column) => ((column === 0 || column === 21 || column === 37) && cell !== '' ? `="${cell}"` : cell),
  verbatim: (column) => column === 0 || column === 21 || column === 37,
  row(context) {
    const { rng, index } = context
    const state = rng.pick(CLASSIC_STATES)
    const minutes = index * 29
    const [created, createdIso] = clock(minutes)
    const [paidText, paidIso] = clock(minutes + 2)
    const [shippedText, shippedIso] = clock(minutes + DAY + 11)
    const [doneText, doneIso] = clock(minutes + 6 * DAY + 13)
    const orderNo = rng.digits(18)
    const qty = rng.int(1, 4)
    const unit = rng.minor(500, 30_000)
    const goods = minor(unit * BigInt(qty))
    const shipping = rng.chance(0.25) ? minor(800n) : minor(0n)
    const cut = BigInt(rng.int(1, 5)) * 500n
    const coupon = rng.chance(0.3) ? minor(cut > goods / 2n ? goods / 2n : cut) : minor(0n)
    const paid = minor(goods + shipping - coupon)
    const refunded = state.refund === 'full' ? paid : state.refund === 'part' ? minor(paid / 3n) : minor(0n)
    const trade = `2024030122001${rng.digits(15)}`
    const buyer = `tb_${rng.digits(9)}`
    const title = rng.pick(['夏季 纯棉T恤, 男款', '保温杯 500ml', '无线充电器 "快充版"', '儿童绘本 全10册'])
    const message = index % 7 === 3 ? '请尽快发货\n谢谢' : ''
    // 发票抬头: the buyer asked for an invoice (by position, no rng draw): a company title or 个人
    const invoiceTitle = index % 6 === 1 ? '杭州某某科技有限公司' : index % 6 === 4 ? '个人' : ''
    const order = orderRecord({
      channel: 'taobao', store: context.store, orderNo, status: state.status, statusRaw: state.text, createdAt: createdIso, paidAt: paidIso,
      shippedAt: state.shipped ? shippedIso : undefined, completedAt: state.done ? doneIso : undefined, paymentRef: trade, buyerRef: buyer, currency: 'CNY',
      gross: paid, discount: coupon, shipping, tax: minor(0n), refunded,
      ...(invoiceTitle ? { invoiceRequest: { title: invoiceTitle } } : {}),
    })
    const line: OrderLine = {
      channel: 'taobao', store: context.store, orderNo, subOrderNo: `${orderNo}-1`, sku: '', title, quantity: qty, unitPrice: unit, discount: coupon, amount: minor(paid - shipping),
      refunded, status: state.status, statusRaw: state.text, currency: 'CNY', source: PENDING_SOURCE,
    }
    return {
      cells: [orderNo, buyer, `${rng.digits(3)}****@qq.com`, money(goods), money(shipping), '0', money(goods + shipping), '0', money(paid), '0', state.text, message, '王**', '浙江省 杭州市 余杭区 ***', '快递', '', '138****0000', created, paidText,
        title, '1', state.shipped ? `YT${rng.digits(13)}` : '', state.shipped ? '圆通速递' : '', '', String(qty), '60001234', '测试旗舰店', state.refund === 'full' ? '买家申请退款' : '', '0.00', '0.00', invoiceTitle, '是', '', '', '', '', '',
        trade, money(refunded), state.done ? doneText : '', state.done ? money(paid - refunded) : '0.00', state.shipped ? shippedText : ''],
      records: [{ kind: 'order', record: order }, { kind: 'orderLine', record: line }],
    }
  },
}

// ---------------------------------------------------------------------------
// Amazon settlement flat file V2 (one `amount` column; US and EU styles)
// ---------------------------------------------------------------------------

const AMAZON_V2_HEADER = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id', 'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'amount-type', 'amount-description', 'amount', 'fulfillment-id', 'posted-date', 'posted-date-time', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'promotion-id']

const AMAZON_V2_COMPONENTS: ReadonlyArray<{ transaction: string; type: string; description: string; kind: SettlementKind; sign: 1n | -1n; weight: number }> = [
  { transaction: 'Order', type: 'ItemPrice', description: 'Principal', kind: 'payment', sign: 1n, weight: 5 },
  { transaction: 'Order', type: 'ItemPrice', description: 'Shipping', kind: 'payment', sign: 1n, weight: 1 },
  { transaction: 'Order', type: 'ItemFees', description: 'Commission', kind: 'commission', sign: -1n, weight: 3 },
  { transaction: 'Order', type: 'ItemFees', description: 'FBAPerUnitFulfillmentFee', kind: 'fee', sign: -1n, weight: 2 },
  { transaction: 'Order', type: 'Promotion', description: 'Principal', kind: 'promotion', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemPrice', description: 'Principal', kind: 'refund', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemFees', description: 'RefundCommission', kind: 'commission', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemFees', description: 'Commission', kind: 'commission', sign: 1n, weight: 1 },
  { transaction: 'other-transaction', type: 'other-transaction', description: 'Storage Fee', kind: 'fee', sign: -1n, weight: 1 },
  { transaction: 'other-transaction', type: 'other-transaction', description: 'Previous Reserve Amount Balance', kind: 'adjustment', sign: 1n, weight: 1 },
]

interface AmazonStyle {
  id: string
  currency: string
  marketplace: string
  /** Date as written, and the ISO instant it reads as. */
  date(minutes: number, withTime: boolean): [string, string]
  amount(value: bigint): string
}

const usDate = (minutes: number, withTime: boolean): [string, string] => {
  const [text, iso] = clock(minutes, '+00:00')
  return [withTime ? `${text} UTC` : text.slice(0, 10), withTime ? iso : `${text.slice(0, 10)}T00:00:00+00:00`]
}
const euDate = (minutes: number, withTime: boolean): [string, string] => {
  const [text, iso] = usDate(minutes, withTime)
  const day = `${text.slice(8, 10)}.${text.slice(5, 7)}.${text.slice(0, 4)}`
  return [withTime ? `${day} ${text.slice(11)}` : day, iso]
}

const US: AmazonStyle = { id: '12983746501', currency: 'USD', marketplace: 'Amazon.com', date: usDate, amount: (value) => money(value, 'USD') }
// EU V2 files: dd.MM.yyyy HH:mm:ss UTC dates and comma decimals (formats.md §8.2; parser reads both).
const EU: AmazonStyle = { id: '13998877012', currency: 'EUR', marketplace: 'Amazon.de', date: euDate, amount: (value) => money(value, 'EUR').replace('.', ',') }

function amazonV2(style: AmazonStyle): FormatSpec {
  return {
    parser: 'amazon-settlement-v2',
    container: 'csv',
    encoding: 'utf8',
    delimiter: '\t',
    header: AMAZON_V2_HEADER,
    headRow(rows, store) {
      const [start] = style.date(0, true)
      const [end] = style.date(30 * DAY, true)
      const [deposit, depositIso] = style.date(32 * DAY, true)
      return amazonSummaryRow(AMAZON_V2_HEADER, rows, store, { id: style.id, currency: style.currency, start, end, deposit, depositIso, amount: style.amount })
    },
    row(context) {
      const { rng, index } = context
      const component = rng.pick(weighted(AMAZON_V2_COMPONENTS))
      const other = component.transaction === 'other-transaction'
      const magnitude = component.kind === 'payment' || component.kind === 'refund' ? rng.minor(500, 15_000) : rng.minor(10, 2_500)
      const amount = minor(component.sign * magnitude)
      const [posted] = style.date(index * 45, false)
      const [postedTime, iso] = style.date(index * 45, true)
      const orderId = other ? '' : `11${rng.int(1, 4)}-${rng.digits(7)}-${rng.digits(7)}`
      const refund = component.transaction === 'Refund'
      const shipment = !other && !refund ? `D${rng.digits(8)}` : ''
      const adjustment = refund ? rng.digits(14) : ''
      const sku = other ? '' : rng.pick(['MUG-BLUE-12', 'TEE-BLK-M', 'CABLE-USB-C'])
      const label = `${component.type}/${component.description}`
      const values: Record<string, string> = {
        'settlement-id': style.id, 'transaction-type': component.transaction, 'order-id': orderId, 'merchant-order-id': orderId, 'adjustment-id': adjustment, 'shipment-id': shipment,
        'marketplace-name': other ? '' : style.marketplace, 'amount-type': component.type, 'amount-description': component.description, amount: style.amount(amount),
        'fulfillment-id': other ? '' : 'AFN', 'posted-date': posted, 'posted-date-time': postedTime, 'order-item-code': other ? '' : rng.digits(14), sku, 'quantity-purchased': other || component.description !== 'Principal' ? '' : '1',
      }
      return {
        cells: AMAZON_V2_HEADER.map((name) => values[name] ?? ''),
        records: [settlement(context, 'amazon', {
          externalId: `${style.id}:{ROW}:${component.type}`, kind: component.kind, amount, currency: style.currency, occurredAt: iso, orderRef: orderId, tradeNo: shipment || adjustment, payoutRef: style.id,
          description: [component.transaction, label, sku].filter((part) => part !== '').join(' / '),
        })],
      }
    },
  }
}

export const amazonSettlementV2 = amazonV2(US)
export const amazonSettlementV2Eu = amazonV2(EU)

// ---------------------------------------------------------------------------
// Bank statement, English layout (Date, Description, signed Amount, Balance)
// ---------------------------------------------------------------------------

export const bankCsvEnglish: FormatSpec = {
  parser: 'bank-csv',
  container: 'csv',
  encoding: 'utf8',
  header: ['Date', 'Description', 'Amount', 'Balance', 'Currency', 'Reference', 'Counterparty'],
  row(context) {
    const { rng, index } = context
    const out = rng.chance(0.55)
    const magnitude = out ? rng.minor(100, 250_000) : rng.minor(10_000, 900_000)
    const amount = out ? neg(magnitude) : magnitude
    const balance = minor(running(context, 'balance', amount, 5_000_000n))
    // US-style MM/DD/YYYY dates, no time: the parser reads them at local midnight (+08:00 default).
    const [text] = clock(index * 180)
    const [year, month, day] = [text.slice(0, 4), text.slice(5, 7), text.slice(8, 10)]
    const occurredAt = `${year}-${month}-${day}T00:00:00+08:00`
    const description = out ? rng.pick(['POS PURCHASE "AMAZON MKTPLACE", SEATTLE WA', 'ACH DEBIT PAYROLL', 'WIRE OUT SUPPLIER LTD', 'CARD FEE']) : rng.pick(['SHOPIFY PAYOUT', 'ACH CREDIT STRIPE TRANSFER', 'INTEREST PAID'])
    const counterparty = out ? (description.startsWith('WIRE') ? 'Supplier Ltd' : '') : description.startsWith('SHOPIFY') ? 'Shopify Inc.' : ''
    const reference = rng.chance(0.5) ? `REF${rng.digits(8)}` : ''
    // No line id in this layout: the parser keys a line by date, amount, balance, memo and counterparty.
    const externalId = createHash('sha1').update(`${occurredAt}|${amount}|${balance}|${description}|${counterparty}`).digest('hex').slice(0, 20)
    const record = { account: context.store || 'bank', externalId, occurredAt, valueDate: occurredAt.slice(0, 10), amount, currency: 'USD', balanceAfter: balance, memo: description, source: PENDING_SOURCE, ...(counterparty ? { counterparty } : {}), ...(reference ? { reference } : {}) }
    return {
      cells: [`${month}/${day}/${year}`, description, thousands(amount, 'USD'), thousands(balance, 'USD'), 'USD', reference, counterparty],
      records: [{ kind: 'bankTxn', record }],
    }
  },
}
