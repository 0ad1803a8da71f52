import { type Minor, minor } from '../../shared/money.ts'
import type { CanonicalRecord, Order, OrderLine, SettlementKind, SettlementTxn } from '../../shared/records.ts'
import { type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, clock, money, running } from './core.ts'

/** One spec per generated format; keys are the `format` names of generateFile(). */

export function settlement(context: RowContext, channel: SettlementTxn['channel'], fields: Omit<SettlementTxn, 'channel' | 'store' | 'source'>): CanonicalRecord {
  const record: SettlementTxn = { channel, store: context.store, ...fields, source: PENDING_SOURCE }
  for (const key of ['orderRef', 'tradeNo', 'payoutRef', 'counterparty', 'balanceAfter'] as const) {
    if (record[key] === undefined || record[key] === '') delete record[key]
  }
  return { kind: 'settlementTxn', record }
}

export const neg = (value: bigint): Minor => minor(-value)

// ---------------------------------------------------------------------------
// Alipay merchant 账务明细 (GBK, # preamble and trailer, ids ending in TAB)
// ---------------------------------------------------------------------------

const ALIPAY_ACCOUNT_TYPES: ReadonlyArray<{ type: string; desc: string; kind: SettlementKind; out: boolean; weight: number }> = [
  { type: '交易付款', desc: '0010001|交易收款-交易收款', kind: 'payment', out: false, weight: 6 },
  { type: '收费', desc: '0030002|花呗服务费', kind: 'fee', out: true, weight: 2 },
  { type: '收费', desc: '0030001|淘宝客佣金', kind: 'commission', out: true, weight: 1 },
  { type: '交易退款', desc: '0010003|交易退款-售中退款', kind: 'refund', out: true, weight: 1 },
  { type: '提现', desc: '', kind: 'payout', out: true, weight: 0 },
]

export const alipayMerchantAccount: FormatSpec = {
  parser: 'alipay-merchant-account',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['#支付宝账务明细查询', '#账号：[20888011365400330156]', '#起始日期：[2024年03月01日 00:00:00]   终止日期：[2024年04月01日 00:00:00]', '#-----------------------------------------账务明细列表----------------------------------------'],
  header: ['账务流水号', '业务流水号', '商户订单号', '商品名称', '发生时间', '对方账号', '收入金额（+元）', '支出金额（-元）', '账户余额（元）', '交易渠道', '业务类型', '备注', '业务描述', '业务基础订单号'],
  decorate: (cell, column) => (column <= 3 && cell !== '' ? `${cell}\t` : cell),
  row(context) {
    const { rng, index } = context
    const payout = index % 50 === 49
    const type = payout ? ALIPAY_ACCOUNT_TYPES[4] : rng.pick(ALIPAY_ACCOUNT_TYPES.flatMap((item) => new Array<typeof item>(item.weight).fill(item)))
    if (!type) throw new Error('no type')
    const amount = payout ? rng.minor(100_000, 2_000_000) : type.kind === 'payment' ? rng.minor(990, 99_900) : rng.minor(10, 9_000)
    const orderId = payout ? '' : `${rng.digits(19)}`
    const [time, iso] = clock(index * 3)
    const journal = `${2024030100000000000n + BigInt(index)}`
    const businessNo = `2024030122001${rng.digits(15)}`
    const counterparty = payout ? '' : `买家${rng.int(1, 999)}`
    const signed = type.out ? neg(amount) : amount
    const description = [type.type, type.desc].filter((part) => part !== '').join(' / ')
    return {
      cells: [journal, businessNo, orderId ? `T200P${orderId}` : '', payout ? '' : `商品${rng.int(1, 500)}`, time, counterparty, type.out ? '0.00' : money(amount), type.out ? money(amount) : '0.00', '', '支付宝', type.type, '', type.desc, orderId],
      records: [settlement(context, 'alipay', { externalId: journal, kind: type.kind, amount: signed, currency: 'CNY', occurredAt: iso, orderRef: orderId, tradeNo: businessNo, counterparty, description })],
    }
  },
  trailer: (summary) => [
    ['#----------------------------------------账务明细列表结束-------------------------------------'],
    [`#支出合计：${summary.outgoing.count}笔，共${money(-summary.outgoing.total)}元`],
    [`#收入合计：${summary.incoming.count}笔，共${money(summary.incoming.total)}元`],
    ['#导出时间：[2024年04月01日 13:19:01]'],
  ],
}

// ---------------------------------------------------------------------------
// Alipay personal 交易明细 2023+ (GBK, 24-line preamble, padded cells)
// ---------------------------------------------------------------------------

export const alipayPersonal: FormatSpec = {
  parser: 'alipay-personal',
  container: 'csv',
  encoding: 'gbk',
  preamble: (count) => [
    '------------------------------------------------------------------------------------', '导出信息：', '姓名：测试', '支付宝账户：test@example.com',
    '起始时间：[2024-03-01 00:00:00]    终止时间：[2024-04-01 00:00:00]', '导出交易类型：[全部]', '导出时间：[2024-04-01 09:12:52]',
    `共${count}笔记录`, '收入：0笔 0.00元', '支出：0笔 0.00元', '不计收支：0笔 0.00元', '', '特别提示：',
    ...Array.from({ length: 9 }, (_, i) => `${i + 1}.提示${i + 1}；`), '',
    '------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------',
  ],
  header: ['交易时间', '交易分类', '交易对方', '对方账号', '商品说明', '收/支', '金额', '收/付款方式', '交易状态', '交易订单号', '商家订单号', '备注', ''],
  decorate: (cell, column) => (column === 9 || column === 10 ? `${cell}\t` : `${cell}          `.slice(0, Math.max(cell.length, 10))),
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 7)
    const refund = rng.chance(0.15)
    const income = !refund && rng.chance(0.2)
    const amount = rng.minor(100, 50_000)
    const id = `2024${rng.digits(24)}`
    const externalId = refund ? `${id}_${rng.digits(8)}` : id
    const category = refund ? '退款' : income ? '转账红包' : '日用百货'
    const direction = refund ? '不计收支' : income ? '收入' : '支出'
    const title = refund ? '退款-商品' : '商品示例'
    const status = refund ? '退款成功' : '交易成功'
    const orderNo = rng.chance(0.5) ? `T200P${rng.digits(18)}` : ''
    return {
      cells: [time, category, '对方', '/', title, direction, money(amount), '余额', status, externalId, orderNo, '', ''],
      records: [settlement(context, 'alipay', {
        externalId, kind: refund ? 'refund' : 'payment', amount: direction === '支出' ? neg(amount) : amount, currency: 'CNY', occurredAt: iso,
        orderRef: orderNo.replace(/^T200P/, ''), tradeNo: id, counterparty: '对方', description: [category, direction, title, status].join(' / '),
      })],
    }
  },
}

// ---------------------------------------------------------------------------
// WeChat Pay merchant 交易账单 (UTF-8, every cell backticked, summary lines)
// ---------------------------------------------------------------------------

function fiveDecimals(minorFee: bigint): string {
  const negative = minorFee < 0n
  const text = money(negative ? -minorFee : minorFee)
  return `${negative ? '-' : ''}${text}000`
}

export const wechatMerchantTrade: FormatSpec = {
  parser: 'wechat-merchant-trade',
  container: 'csv',
  encoding: 'utf8',
  header: ['交易时间', '公众账号ID', '商户号', '特约商户号', '设备号', '微信订单号', '商户订单号', '用户标识', '交易类型', '交易状态', '付款银行', '货币种类', '应结订单金额', '代金券金额', '微信退款单号', '商户退款单号', '退款金额', '充值券退款金额', '退款类型', '退款状态', '商品名称', '商户数据包', '手续费', '费率', '订单金额', '申请退款金额', '费率备注'],
  decorate: (cell) => `\`${cell}`,
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 5)
    const refund = rng.chance(0.15)
    const amount = rng.minor(100, 80_000)
    const fee = (amount * 6n) / 1000n
    const wxOrder = `42000${rng.digits(23)}`
    const merchantOrder = rng.digits(19)
    const refundNo = refund ? `503027${rng.digits(23)}` : ''
    const user = `oVgfJ5${rng.digits(10)}`
    const externalId = refund ? refundNo : wxOrder
    const records: CanonicalRecord[] = [settlement(context, 'wechat', {
      externalId, kind: refund ? 'refund' : 'payment', amount: refund ? neg(amount) : amount, currency: 'CNY', occurredAt: iso,
      orderRef: merchantOrder, tradeNo: wxOrder, counterparty: user, description: `${refund ? 'REFUND' : 'SUCCESS'} 商品${index % 7}`,
    })]
    if (fee !== 0n) {
      records.push(settlement(context, 'wechat', {
        externalId, kind: 'fee', amount: refund ? minor(fee) : neg(fee), currency: 'CNY', occurredAt: iso, orderRef: merchantOrder, tradeNo: wxOrder, counterparty: user, description: '手续费 0.60%',
      }))
    }
    return {
      cells: [time, 'wxe1696e7c7db8e7f4', '1579507281', '0', '', wxOrder, merchantOrder, user, 'JSAPI', refund ? 'REFUND' : 'SUCCESS', 'OTHERS', 'CNY',
        refund ? '0.00' : money(amount), '0.00', refund ? refundNo : '0', refund ? rng.digits(19) : '0', refund ? money(amount) : '0.00', '0.00', refund ? 'ORIGINAL' : '', refund ? 'SUCCESS' : '',
        `商品${index % 7}`, '', fiveDecimals(refund ? -fee : fee), '0.60%', refund ? '0.00' : money(amount), refund ? money(amount) : '0.00', ''],
      records,
    }
  },
  trailer(summary) {
    const payments = summary.byKind.payment ?? 0n
    const refunds = -(summary.byKind.refund ?? 0n)
    const fees = -(summary.byKind.fee ?? 0n)
    return [
      ['总交易单数', '应结订单总金额', '退款总金额', '充值券退款总金额', '手续费总金额', '订单总金额', '申请退款总金额'],
      [`\`${summary.rows}`, `\`${money(payments)}`, `\`${money(refunds)}`, '`0.00', `\`${fiveDecimals(fees)}`, `\`${money(payments)}`, `\`${money(refunds)}`],
    ]
  },
}

// ---------------------------------------------------------------------------
// WeChat personal 账单明细 (UTF-8 BOM + CRLF, 16-line preamble, ¥ amounts); XLSX too
// ---------------------------------------------------------------------------

function wechatPersonalRow(context: RowContext, xlsx: boolean): GeneratedRow {
  const { rng, index } = context
  const [time, iso] = clock(index * 11)
  const roll = rng.next()
  const amount = rng.minor(100, 90_000)
  const id = `42000${rng.digits(23)}`
  const merchantNo = rng.chance(0.6) ? rng.digits(20) : '/'
  const orderRef = merchantNo === '/' ? '' : merchantNo
  const amountCell = xlsx ? money(amount) : `¥${money(amount)}`
  if (roll < 0.1) {
    const fee = minor(amount / 1000n > 10n ? amount / 1000n : 10n)
    const total = minor(amount + fee)
    return {
      cells: [time, '零钱提现', '招商银行(1234)', '/', '/', xlsx ? money(total) : `¥${money(total)}`, '招商银行(1234)', '提现已到账', id, '/', `服务费¥${money(fee)}`],
      records: [
        settlement(context, 'wechat', { externalId: id, kind: 'payout', amount: neg(amount), currency: 'CNY', occurredAt: iso, tradeNo: id, counterparty: '招商银行(1234)', description: '零钱提现 / 中性交易 / 提现已到账' }),
        settlement(context, 'wechat', { externalId: id, kind: 'fee', amount: neg(fee), currency: 'CNY', occurredAt: iso, tradeNo: id, counterparty: '招商银行(1234)', description: '服务费 零钱提现' }),
      ],
    }
  }
  const [type, direction, status, kind]: [string, string, string, SettlementKind] = roll < 0.25 ? ['微信红包-退款', '收入', '已全额退款', 'refund'] : roll < 0.5 ? ['二维码收款', '收入', '已收钱', 'payment'] : ['商户消费', '支出', '支付成功', 'payment']
  return {
    cells: [time, type, '某商户', `商品${index % 9}`, direction, amountCell, '零钱', status, id, merchantNo, '/'],
    records: [settlement(context, 'wechat', {
      externalId: id, kind, amount: direction === '支出' ? neg(amount) : amount, currency: 'CNY', occurredAt: iso, orderRef, tradeNo: id, counterparty: '某商户',
      description: [type, direction, `商品${index % 9}`, status].join(' / '),
    })],
  }
}

const WECHAT_PERSONAL_HEADER = ['交易时间', '交易类型', '交易对方', '商品', '收/支', '金额(元)', '支付方式', '当前状态', '交易单号', '商户单号', '备注']

function wechatPersonalPreamble(count: number): string[] {
  return ['微信支付账单明细', '微信昵称：[测试]', '起始时间：[2024-03-01 00:00:00] 终止时间：[2024-04-01 00:00:00]', '导出类型：[全部]', '导出时间：[2024-04-01 23:09:27]', '',
    `共${count}笔记录`, '收入：0笔 0.00元', '支出：0笔 0.00元', '中性交易：0笔 0.00元', '注：', '1. 说明一', '2. 说明二', '3. 说明三', '', '----------------------微信支付账单明细列表--------------------']
}

export const wechatPersonalCsv: FormatSpec = {
  parser: 'wechat-personal',
  container: 'csv',
  encoding: 'utf8-bom',
  preamble: wechatPersonalPreamble,
  header: WECHAT_PERSONAL_HEADER,
  decorate: (cell, column) => (column === 8 || column === 9 ? `${cell}\t` : cell),
  row: (context) => wechatPersonalRow(context, false),
}

export const wechatPersonalXlsx: FormatSpec = { ...wechatPersonalCsv, container: 'xlsx', decorate: undefined, row: (context) => wechatPersonalRow(context, true) }

// ---------------------------------------------------------------------------
// Taobao 千牛 sub-order export (XLSX, all text, literal null; multi-line orders)
// ---------------------------------------------------------------------------

const QIANNIU_HEADER = ['子订单编号', '主订单编号', '标题', '价格', '购买数量', '外部系统编号', '商品属性', '套餐信息', '联系方式备注', '订单状态', '商家编码', '支付单号', '买家应付货款', '买家实际支付金额', '退款状态', '退款金额', '订单创建时间', '订单付款时间', '商品id', '分阶段订单信息', '备注标签', '商家备注', '主订单买家留言', '发货时间', '物流单号', '物流公司', '是否赔付', '延迟发货主动赔付金额', '赔付出账时间']

export function orderRecord(fields: Omit<Order, 'source'>): Order {
  const order: Order = { ...fields, source: PENDING_SOURCE }
  for (const key of ['buyerRef', 'paidAt', 'shippedAt', 'completedAt', 'cancelledAt', 'paymentRef'] as const) if (order[key] === undefined) delete order[key]
  return order
}

export function qianniuOrder(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const orderNo = rng.digits(19)
  const lines = rng.int(1, 3)
  const [created, createdIso] = clock(index * 13)
  const [paid, paidIso] = clock(index * 13 + 1)
  const shipped = rng.chance(0.5)
  const statusRaw = shipped ? '卖家已发货，等待买家确认' : '买家已付款，等待卖家发货'
  const trade = `2024032122001${rng.digits(15)}`
  const rows: GeneratedRow[] = []
  let gross = 0n
  let discountTotal = 0n
  for (let line = 0; line < lines; line += 1) {
    const subNo = lines === 1 ? orderNo : rng.digits(19)
    const price = rng.minor(1_000, 50_000)
    const qty = rng.int(1, 3)
    const paidAmount = minor(price * BigInt(qty) - rng.minor(0, 2_000))
    const discount = minor(price * BigInt(qty) - paidAmount)
    gross += paidAmount
    discountTotal += discount
    const sku = `SKU-${rng.int(100, 999)}`
    const record: OrderLine = {
      channel: 'taobao', store: context.store, orderNo, subOrderNo: subNo, sku, title: `商品标题${rng.int(1, 99)}`, quantity: qty, unitPrice: price, discount, amount: paidAmount,
      refunded: minor(0n), status: shipped ? 'shipped' : 'paid', statusRaw, currency: 'CNY', source: PENDING_SOURCE,
    }
    rows.push({
      cells: [subNo, orderNo, record.title, money(price), String(qty), sku, '颜色：黑', 'null', 'null', statusRaw, sku, trade, money(paidAmount), money(paidAmount), '没有申请退款', '无退款申请', created, paid, rng.digits(12), 'null', 'null', 'null', 'null', 'null', 'null', 'null', '否', 'null', 'null'],
      records: [{ kind: 'orderLine', record }],
    })
  }
  const order = orderRecord({
    channel: 'taobao', store: context.store, orderNo, status: shipped ? 'shipped' : 'paid', statusRaw, createdAt: createdIso, paidAt: paidIso, currency: 'CNY',
    gross: minor(gross), discount: minor(discountTotal), shipping: minor(0n), tax: minor(0n), refunded: minor(0n), paymentRef: trade,
  })
  rows[0]?.records.unshift({ kind: 'order', record: order })
  return rows
}

export const taobaoQianniuXlsx: FormatSpec = {
  parser: 'taobao-qianniu', container: 'xlsx', encoding: 'utf8', header: QIANNIU_HEADER, grouped: true, group: qianniuOrder,
  row: () => {
    throw new Error('grouped format: use group()')
  },
}
export const taobaoQianniuCsv: FormatSpec = { ...taobaoQianniuXlsx, container: 'csv', encoding: 'gbk' }

// ---------------------------------------------------------------------------
// JD personal 交易流水 (UTF-8 BOM, 21-line preamble, inline partial refunds)
// ---------------------------------------------------------------------------

export const jdPersonal: FormatSpec = {
  parser: 'jd-personal',
  container: 'csv',
  encoding: 'utf8-bom',
  preamble: (count) => ['导出信息：', '京东账号名：jd_test', '申请时间：2024-04-01 11:32:42', '日期区间：2024-03-01 至 2024-03-31', '导出交易类型：全部', '导出交易场景：全部',
    `共：${count}笔记录`, '收入：0笔，0.00元', '支出：0笔，0.00元', '不计收支：0笔，0.00元', '', '特别提示', ...Array.from({ length: 8 }, (_, i) => `${i + 1}.提示；`), ''],
  header: ['交易时间', '商户名称', '交易说明', '金额', '收/付款方式', '交易状态', '收/支', '交易分类', '交易订单号', '商家订单号', '备注'],
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
        externalId: id, kind: refundRow ? 'refund' : 'payment', amount: refundRow ? amount : neg(amount + refunded), currency: 'CNY', occurredAt: iso,
        orderRef: merchantOrder, tradeNo: id, counterparty: '京东平台商户', description: ['网购', direction, title, status].join(' / '),
      })],
    }
  },
}

// ---------------------------------------------------------------------------
// Shopify orders (one row per line item; order money on the first row only)
// ---------------------------------------------------------------------------

const SHOPIFY_ORDER_HEADER = ['Name', 'Email', 'Financial Status', 'Paid at', 'Fulfillment Status', 'Fulfilled at', 'Currency', 'Subtotal', 'Shipping', 'Taxes', 'Total', 'Discount Amount', 'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Lineitem sku', 'Lineitem discount', 'Refunded Amount', 'Payment ID', 'Notes']

export function shopifyOrder(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const name = `#${1001 + index}`
  const lines = rng.int(1, 4)
  const [created, iso] = clock(index * 17, '-04:00', 'shopify')
  const rows: GeneratedRow[] = []
  let subtotal = 0n
  const shipping = rng.minor(0, 1_500)
  const items: OrderLine[] = []
  for (let line = 0; line < lines; line += 1) {
    const price = rng.minor(500, 20_000)
    const qty = rng.int(1, 2)
    const sku = `SB-${rng.int(10, 99)}`
    subtotal += price * BigInt(qty)
    items.push({ channel: 'shopify', store: context.store, orderNo: name, subOrderNo: `${name}-${line + 1}`, sku, title: `Snowboard, "${sku}"`, quantity: qty, unitPrice: price, discount: minor(0n), amount: minor(price * BigInt(qty)), refunded: minor(0n), status: 'paid', statusRaw: 'paid unfulfilled', currency: 'EUR', source: PENDING_SOURCE })
  }
  const total = minor(subtotal + shipping)
  const paymentId = `r${rng.digits(12)}`
  const order = orderRecord({ channel: 'shopify', store: context.store, orderNo: name, status: 'paid', statusRaw: 'paid unfulfilled', createdAt: iso, paidAt: iso, currency: 'EUR', gross: total, discount: minor(0n), shipping, tax: minor(0n), refunded: minor(0n), paymentRef: paymentId, buyerRef: `buyer${index}@example.com` })
  items.forEach((item, line) => {
    const first = line === 0
    rows.push({
      cells: [name, first ? `buyer${index}@example.com` : '', first ? 'paid' : '', first ? created : '', first ? 'unfulfilled' : '', '', first ? 'EUR' : '', first ? money(subtotal) : '', first ? money(shipping) : '', first ? '0.00' : '', first ? money(total) : '', first ? '0.00' : '', created,
        String(item.quantity), item.title, money(item.unitPrice), item.sku, '0.00', first ? '0.00' : '', first ? paymentId : '', first && index % 5 === 0 ? 'gift wrap,\nplease' : ''],
      records: first ? [{ kind: 'order', record: order }, { kind: 'orderLine', record: item }] : [{ kind: 'orderLine', record: item }],
    })
  })
  return rows
}

export const shopifyOrders: FormatSpec = {
  parser: 'shopify-orders', container: 'csv', encoding: 'utf8', header: SHOPIFY_ORDER_HEADER, grouped: true, group: shopifyOrder,
  row: () => {
    throw new Error('grouped format: use group()')
  },
}

// ---------------------------------------------------------------------------
// Shopify Payments transactions (Amount - Fee = Net)
// ---------------------------------------------------------------------------

export const shopifyTransactions: FormatSpec = {
  parser: 'shopify-payments-transactions',
  container: 'csv',
  encoding: 'utf8',
  header: ['Transaction Date', 'Type', 'Order', 'Card Brand', 'Card Source', 'Payout Status', 'Payout Date', 'Available On', 'Amount', 'Fee', 'Net', 'Checkout', 'Payment Method Name', 'Presentment Amount', 'Presentment Currency', 'Currency'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 4, index % 2 === 0 ? '-04:00' : '-05:00', 'shopify')
    const refund = rng.chance(0.1)
    const amount = refund ? neg(rng.minor(500, 20_000)) : rng.minor(500, 20_000)
    const fee = refund ? minor(0n) : minor((amount * 29n) / 1000n + 30n)
    const order = `#${40000 + index}`
    const checkout = `#${rng.digits(14)}`
    const payoutDate = iso.slice(0, 10)
    const type = refund ? 'refund' : 'charge'
    const externalId = `${order}|${iso}|${type}|${money(amount, 'USD')}`
    const common = { externalId, currency: 'USD', occurredAt: iso, orderRef: order, tradeNo: checkout, payoutRef: payoutDate }
    const records = [settlement(context, 'shopify', { ...common, kind: refund ? 'refund' : 'payment', amount, description: `${type} / online / card` })]
    if (fee !== 0n) records.push(settlement(context, 'shopify', { ...common, kind: 'fee', amount: neg(fee), description: `fee ${type}` }))
    return { cells: [time, type, order, 'visa', 'online', 'paid', payoutDate, payoutDate, money(amount), money(fee), money(amount - fee), checkout, 'card', money(refund ? -amount : amount), 'USD', 'USD'], records }
  },
}

// ---------------------------------------------------------------------------
// Amazon settlement flat file (tab-separated, summary row 2, sum = total)
// ---------------------------------------------------------------------------

const AMAZON_HEADER = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id', 'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'shipment-fee-type', 'shipment-fee-amount', 'order-fee-type', 'order-fee-amount', 'fulfillment-id', 'posted-date', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'price-type', 'price-amount', 'item-related-fee-type', 'item-related-fee-amount', 'misc-fee-amount', 'other-fee-amount', 'other-fee-reason-description', 'direct-payment-type', 'direct-payment-amount', 'other-amount']

/** Row 2 of an Amazon settlement: the settlement's total (= sum of all amounts), imported as the payout. */
export function amazonSummaryRow(header: ReadonlyArray<string>, rows: ReadonlyArray<GeneratedRow>, store: string, fields: { id: string; currency: string; start: string; end: string; deposit: string; depositIso: string; amount?: (total: bigint) => string }): GeneratedRow {
  const total = rows.flatMap((row) => row.records).reduce((sum, item) => (item.kind === 'settlementTxn' ? sum + item.record.amount : sum), 0n)
  const values: Record<string, string> = { 'settlement-id': fields.id, 'settlement-start-date': fields.start, 'settlement-end-date': fields.end, 'deposit-date': fields.deposit, 'total-amount': fields.amount ? fields.amount(total) : money(total, fields.currency), currency: fields.currency }
  return {
    cells: header.map((name) => values[name] ?? ''),
    records: [{ kind: 'settlementTxn', record: { channel: 'amazon', store, externalId: `${fields.id}:payout`, kind: 'payout', amount: minor(-total), currency: fields.currency, occurredAt: fields.depositIso, payoutRef: fields.id, description: 'settlement deposit', source: PENDING_SOURCE } }],
  }
}

export const amazonSettlement: FormatSpec = {
  parser: 'amazon-settlement-flat',
  container: 'csv',
  encoding: 'utf8',
  delimiter: '\t',
  header: AMAZON_HEADER,
  headRow: (rows, store) => amazonSummaryRow(AMAZON_HEADER, rows, store, { id: '24288684721', currency: 'CAD', start: '2024-03-01T00:00:00+00:00', end: '2024-03-31T00:00:00+00:00', deposit: '2024-04-02T00:00:00+00:00', depositIso: '2024-04-02T00:00:00+00:00' }),
  row(context) {
    const { rng, index } = context
    const [, iso] = clock(index * 30, '+00:00', 'iso')
    const refund = rng.chance(0.1)
    const orderId = `70${rng.int(1, 9)}-${rng.digits(7)}-${rng.digits(7)}`
    const component = rng.pick(['Principal', 'Commission', 'FBAPerUnitFulfillmentFee'] as const)
    const principal = component === 'Principal'
    const amount = principal ? (refund ? neg(rng.minor(500, 9_000)) : rng.minor(500, 9_000)) : neg(rng.minor(50, 900))
    const column = principal ? 'price-amount' : 'item-related-fee-amount'
    const kind: SettlementKind = principal ? (refund ? 'refund' : 'payment') : component === 'Commission' ? 'commission' : 'fee'
    const transactionType = refund ? 'Refund' : 'Order'
    const cells = AMAZON_HEADER.map((name) => {
      switch (name) {
        case 'settlement-id': return '24288684721'
        case 'transaction-type': return transactionType
        case 'order-id': case 'merchant-order-id': return orderId
        case 'shipment-id': return 'B730ntc0C'
        case 'marketplace-name': return 'Amazon.ca'
        case 'posted-date': return iso
        case 'sku': return 'SALTT30-ALLT'
        case 'quantity-purchased': return '1'
        case 'price-type': return principal ? 'Principal' : ''
        case 'price-amount': return principal ? money(amount, 'CAD') : ''
        case 'item-related-fee-type': return principal ? '' : component
        case 'item-related-fee-amount': return principal ? '' : money(amount, 'CAD')
        default: return ''
      }
    })
    // Row numbers: header is line 1, summary line 2, data from line 3 (set by the generator).
    return {
      cells,
      records: [settlement(context, 'amazon', {
        externalId: `24288684721:{ROW}:${column}`, kind, amount, currency: 'CAD', occurredAt: iso, orderRef: orderId, tradeNo: 'B730ntc0C', payoutRef: '24288684721',
        description: [transactionType, component, 'SALTT30-ALLT'].join(' / '),
      })],
    }
  },
}

// ---------------------------------------------------------------------------
// Pinduoduo 店铺账务明细 (GB18030, preamble with a blank line, no line ids)
// ---------------------------------------------------------------------------

export const pddAccount: FormatSpec = {
  parser: 'pdd-account',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['拼多多店铺账务明细查询', '', '起始时间：2024-03-01 00:00:00  终止时间：2024-03-31 23:59:59', '----------交易记录明细列表---------'],
  header: ['商户订单号', '发生时间', '收入金额（+元）', '支出金额（-元）', '账务类型', '备注', '业务描述'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 2)
    const refund = rng.chance(0.15)
    const amount = rng.minor(100, 30_000)
    const orderNo = `240301-${rng.digits(15)}`
    const type = refund ? '退款' : '交易收入'
    const desc = refund ? '0010004|退款-售后退款' : '0010002|交易收入-订单收入'
    const signed = refund ? neg(amount) : amount
    return {
      cells: [orderNo, time, refund ? '0' : money(amount), refund ? `-${money(amount)}` : '0', type, '-', desc],
      records: [settlement(context, 'pdd', { externalId: `${orderNo}|${iso}|${type}|${signed}`, kind: refund ? 'refund' : 'payment', amount: signed, currency: 'CNY', occurredAt: iso, orderRef: orderNo, description: [type, desc].join(' / ') })],
    }
  },
}

// ---------------------------------------------------------------------------
// Douyin 动账明细 (UTF-8 BOM, 动帐/动账 mixed in the header)
// ---------------------------------------------------------------------------

export const douyinFund: FormatSpec = {
  parser: 'douyin-fund',
  container: 'csv',
  encoding: 'utf8-bom',
  header: ['动账时间', '动帐流水号', '动账方向', '动账金额', '动账账户', '动账场景', '计费类型', '子订单号', '订单号', '售后编号', '订单实付应结', '平台服务费', '佣金', '备注'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 6)
    const out = rng.chance(0.2)
    const amount = rng.minor(100, 40_000)
    const id = `DY${rng.digits(18)}`
    const orderNo = rng.digits(19)
    const scene = out ? '已退款' : '订单结算'
    return {
      cells: [time, id, out ? '出账' : '入账', money(amount), '抖音支付', scene, '', `${orderNo}1`, orderNo, '', money(amount), '0.00', '0.00', ''],
      records: [settlement(context, 'douyin', { externalId: id, kind: out ? 'refund' : 'payment', amount: out ? neg(amount) : amount, currency: 'CNY', occurredAt: iso, orderRef: orderNo, tradeNo: `${orderNo}1`, description: scene })],
    }
  },
}

// ---------------------------------------------------------------------------
// Bank statement, Chinese layout (借方 = out, 贷方 = in)
// ---------------------------------------------------------------------------

export const bankCsvCn: FormatSpec = {
  parser: 'bank-csv-cn',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['账号：6222000000001234', '币种：人民币', ''],
  header: ['交易日期', '交易时间', '借方发生额', '贷方发生额', '余额', '对方户名', '对方账号', '摘要', '流水号'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 60)
    const out = rng.chance(0.4)
    const amount = rng.minor(1_000, 900_000)
    const id = `B${rng.digits(14)}`
    // A running balance (the parser checks it row by row); the random draw is kept so the other cells stay as they were.
    rng.minor(1_000_000, 9_000_000)
    const balance = minor(running(context, 'balance', out ? -amount : amount, 5_000_000n))
    const counterparty = out ? '某供应商' : '支付宝（中国）网络技术有限公司'
    const memo = out ? '货款' : '提现'
    const counterpartyAccount = rng.digits(16)
    return {
      cells: [time.slice(0, 10), time.slice(11), out ? money(amount) : '', out ? '' : money(amount), money(balance), counterparty, counterpartyAccount, memo, id],
      records: [{ kind: 'bankTxn', record: { account: context.store || 'bank', externalId: id, occurredAt: iso, valueDate: iso.slice(0, 10), amount: out ? neg(amount) : amount, currency: 'CNY', balanceAfter: balance, counterparty, counterpartyAccount, memo, source: PENDING_SOURCE } }],
    }
  },
}

// ---------------------------------------------------------------------------
// Alipay merchant 业务明细 (GBK, # preamble, 交易/退款 rows with 服务费, trailer totals)
// ---------------------------------------------------------------------------

export const alipayMerchantTrade: FormatSpec = {
  parser: 'alipay-merchant-trade',
  container: 'csv',
  encoding: 'gbk',
  preamble: () => ['#支付宝业务明细查询', '#账号：[20885212319120680156]', '#起始日期：[2024年03月01日 00:00:00]   终止日期：[2024年04月01日 00:00:00]', '#-----------------------------------------业务明细列表----------------------------------------'],
  header: ['支付宝交易号', '商户订单号', '业务类型', '商品名称', '创建时间', '完成时间', '门店编号', '门店名称', '操作员', '终端号', '对方账户', '订单金额（元）', '商家实收（元）', '支付宝红包（元）', '集分宝（元）', '支付宝优惠（元）', '商家优惠（元）', '券核销金额（元）', '券名称', '商家红包消费金额（元）', '卡消费金额（元）', '退款批次号/请求号', '服务费（元）', '分润（元）', '备注'],
  decorate: (cell, column) => (column <= 3 ? `${cell}\t` : cell),
  row(context) {
    const { rng, index } = context
    const [created] = clock(index * 5)
    const [done, iso] = clock(index * 5 + 1)
    const refund = rng.chance(0.15)
    const amount = rng.minor(100, 50_000)
    const fee = minor((amount * 6n) / 1000n)
    const tradeNo = `2024030121001004${rng.digits(12)}`
    const orderNo = rng.digits(20)
    const batch = refund ? `R${rng.digits(10)}` : ''
    const externalId = refund ? `${tradeNo}:${batch}` : tradeNo
    const type = refund ? '退款' : '交易'
    const common = { externalId, currency: 'CNY', occurredAt: iso, orderRef: orderNo, tradeNo, counterparty: `*杨(137****${rng.digits(4)})` }
    const records = [settlement(context, 'alipay', { ...common, kind: refund ? 'refund' : 'payment', amount: refund ? neg(amount) : amount, description: `${type} 商品${index % 5}` })]
    if (fee > 0n) records.push(settlement(context, 'alipay', { ...common, kind: 'fee', amount: refund ? fee : neg(fee), description: `服务费 ${type}` }))
    const signed = refund ? `-${money(amount)}` : money(amount)
    return {
      cells: [tradeNo, orderNo, type, `商品${index % 5}`, created, done, '', '', '', '', common.counterparty, signed, signed, '0.00', '0.00', '0.00', '0.00', '0.00', '', '0.00', '0.00', batch, refund ? money(fee) : `-${money(fee)}`, '0.00', ''],
      records,
    }
  },
  trailer: (summary) => {
    const trades = summary.byKind.payment ?? 0n
    const refunds = summary.byKind.refund ?? 0n
    return [
      ['#-----------------------------------------业务明细列表结束------------------------------------'],
      [`#交易合计：${summary.rows - (summary.refundRows ?? 0)}笔，商家实收共${money(trades)}元，商家优惠共0.00元`],
      [`#退款合计：${summary.refundRows ?? 0}笔，商家实收共${money(refunds)}元，商家优惠共0.00元`],
      ['#导出时间：[2024年04月01日 13:19:01]'],
    ]
  },
}

// ---------------------------------------------------------------------------
// Shopify payouts summary (Total = sum of the parts)
// ---------------------------------------------------------------------------

export const shopifyPayouts: FormatSpec = {
  parser: 'shopify-payouts-summary',
  container: 'csv',
  encoding: 'utf8',
  header: ['Payout Date', 'Status', 'Charges', 'Refunds', 'Adjustments', 'Reserved Funds', 'Fees', 'Retried Amount', 'Total', 'Currency', 'Bank Reference'],
  row(context) {
    const { rng, index } = context
    const [, iso] = clock(index * 1440, '+00:00')
    const date = iso.slice(0, 10)
    const charges = rng.minor(10_000, 900_000)
    const refunds = neg(rng.minor(0, 5_000))
    const fees = neg(minor(charges / 33n))
    const total = minor(charges + refunds + fees)
    const reference = `P${rng.digits(10)}`
    return {
      cells: [date, 'paid', money(charges, 'USD'), money(refunds, 'USD'), '0.00', '0.00', money(fees, 'USD'), '0.00', money(total, 'USD'), 'USD', reference],
      records: [settlement(context, 'shopify', { externalId: `payout|${date}|${reference}`, kind: 'payout', amount: neg(total), currency: 'USD', occurredAt: `${date}T00:00:00+00:00`, payoutRef: reference, description: 'payout paid' })],
    }
  },
}
