import { minor } from '../../shared/money.ts'
import type { CanonicalRecord, SettlementKind } from '../../shared/records.ts'
import { type FormatSpec, type GeneratedRow, type RowContext, cellAmount, clock, money, neg, running, settlement, statedLine, weighted } from './core.ts'

/**
 * WeChat Pay bills: merchant 交易账单 and 资金账单, personal 账单明细 (CSV and
 * XLSX) (parsers: service/imports/parsers/wechat.ts).
 */

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

function wechatPersonalPreamble(count: number, stated: Parameters<NonNullable<FormatSpec['preamble']>>[1]): string[] {
  return ['微信支付账单明细', '微信昵称：[测试]', '起始时间：[2024-03-01 00:00:00] 终止时间：[2024-04-01 00:00:00]', '导出类型：[全部]', '导出时间：[2024-04-01 23:09:27]', '',
    `共${count}笔记录`, statedLine(stated, '收入'), statedLine(stated, '支出'), statedLine(stated, '中性交易', '/'), '注：', '1. 说明一', '2. 说明二', '3. 说明三', '', '----------------------微信支付账单明细列表--------------------']
}

export const wechatPersonalCsv: FormatSpec = {
  parser: 'wechat-personal',
  container: 'csv',
  encoding: 'utf8-bom',
  preamble: wechatPersonalPreamble,
  header: WECHAT_PERSONAL_HEADER,
  direction: (row) => ({ label: row.cells[4] ?? '', amount: cellAmount(row.cells[5] ?? '0') }),
  decorate: (cell, column) => (column === 8 || column === 9 ? `${cell}\t` : cell),
  row: (context) => wechatPersonalRow(context, false),
}

export const wechatPersonalXlsx: FormatSpec = { ...wechatPersonalCsv, container: 'xlsx', decorate: undefined, row: (context) => wechatPersonalRow(context, true) }

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
