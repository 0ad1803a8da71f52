import { minor, parseAmount } from '../../shared/money.ts'
import type { CanonicalRecord, SettlementKind } from '../../shared/records.ts'
import { type FormatSpec, type GeneratedRow, type RowContext, type Summary, cellAmount, clock, money, neg, running, settlement, statedLine, weighted } from './core.ts'

/**
 * Alipay bills: merchant 账务明细 and 业务明细, seller 资金明细, personal 交易明细
 * (2023+) and the legacy web 交易记录 (parsers: service/imports/parsers/alipay.ts).
 */

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
  preamble: (count, stated) => [
    '------------------------------------------------------------------------------------', '导出信息：', '姓名：测试', '支付宝账户：test@example.com',
    '起始时间：[2024-03-01 00:00:00]    终止时间：[2024-04-01 00:00:00]', '导出交易类型：[全部]', '导出时间：[2024-04-01 09:12:52]',
    `共${count}笔记录`, statedLine(stated, '收入'), statedLine(stated, '支出'), statedLine(stated, '不计收支'), '', '特别提示：',
    ...Array.from({ length: 9 }, (_, i) => `${i + 1}.提示${i + 1}；`), '',
    '------------------------支付宝（中国）网络技术有限公司  电子客户回单------------------------',
  ],
  header: ['交易时间', '交易分类', '交易对方', '对方账号', '商品说明', '收/支', '金额', '收/付款方式', '交易状态', '交易订单号', '商家订单号', '备注', ''],
  direction: (row) => ({ label: row.cells[5] ?? '', amount: cellAmount(row.cells[6] ?? '0') }),
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
