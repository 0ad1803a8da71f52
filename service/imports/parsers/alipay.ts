import { formatAmount, type Minor, minor } from '../../../shared/money.ts'
import { type SettlementKind, normalizeOrderRef } from '../../../shared/records.ts'
import { absMinor, moneyOrZero, negate, readTimestamp, required } from '../clean.ts'
import type { Check, FileParser, MappedRow, ParseContext } from '../types.ts'
import { Tally, joinParts, magnitudeOf, records, requiredMagnitude, rowCountedRun, skip, txn } from './common.ts'

/**
 * Alipay: merchant 账务明细 (account log), merchant 业务明细 (trade bill),
 * Tmall/Taobao seller 资金明细, personal 交易明细 (2023+) and legacy 交易记录.
 * All GBK; the pipeline has already decoded and cleaned tabs/padding.
 */

const CNY = 'CNY'

function kindFromWords(...words: string[]): SettlementKind {
  const text = words.join('|')
  if (/佣金/.test(text)) return 'commission'
  if (/提现/.test(text)) return 'payout'
  if (/退款|售中退款/.test(text)) return 'refund'
  if (/收费|服务费|手续费|保险|花呗/.test(text)) return 'fee'
  if (/红包|优惠|营销|补贴|直通车|万相台|推广|淘宝客|钻展|引力魔方/.test(text)) return 'promotion'
  if (/交易|在线支付|收款|付款|订单/.test(text)) return 'payment'
  return 'adjustment'
}

/** `#收入合计：18笔，共14989.00元` -> {count, amount text} */
function trailerTotal(line: string, label: string): { count: number; amount: string } | null {
  const match = new RegExp(`${label}[:：]\\s*(\\d+)笔[，,]\\s*(?:[^0-9-]*?共)?\\s*(-?[\\d,.]+)元`).exec(line)
  return match ? { count: Number(match[1]), amount: (match[2] ?? '0').replace(/,/g, '') } : null
}

function compareTotal(label: string, tally: Tally, stated: { count: number; amount: string } | null): Check[] {
  if (!stated) return []
  const actual = formatAmount(tally.total, CNY)
  const statedMinor = moneyOrZero(label, stated.amount, CNY)
  if (tally.count === stated.count && tally.total === statedMinor) {
    return [{ level: 'info', code: 'TRAILER_TOTAL_OK', message: `${label}: ${stated.count} rows, ${actual} match the trailer` }]
  }
  return [{ level: 'error', code: 'TRAILER_TOTAL_MISMATCH', message: `${label}: trailer says ${stated.count} rows / ${stated.amount}, file has ${tally.count} rows / ${actual}` }]
}

export const alipayMerchantAccount: FileParser = {
  id: 'alipay-merchant-account',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay merchant 账务明细',
  containers: ['csv', 'xlsx'],
  required: ['账务流水号', '业务流水号', '发生时间', '收入金额(+元)', '支出金额(-元)'],
  optional: ['商户订单号', '商品名称', '对方账号', '账户余额(元)', '交易渠道', '业务类型', '备注', '业务描述', '业务基础订单号'],
  start(context: ParseContext) {
    const income = new Tally()
    const expense = new Tally()
    const stated: { income: ReturnType<typeof trailerTotal>; expense: ReturnType<typeof trailerTotal> } = { income: null, expense: null }
    return {
      row(row: MappedRow) {
        const incomeMinor = magnitudeOf(row, '收入金额(+元)', CNY)
        const expenseMinor = magnitudeOf(row, '支出金额(-元)', CNY)
        if (incomeMinor > 0n) income.add(incomeMinor)
        if (expenseMinor > 0n) expense.add(expenseMinor)
        const businessType = row.get('业务类型')
        const description = joinParts(businessType, row.get('业务描述'), row.get('备注'))
        const balance = row.get('账户余额(元)')
        return records(txn(context, row, 'alipay', {
          externalId: row.get('账务流水号'),
          kind: kindFromWords(businessType, row.get('业务描述'), expenseMinor > 0n && businessType === '' ? '收费' : ''),
          amount: minor(incomeMinor - expenseMinor),
          currency: CNY,
          occurredAt: readTimestamp('发生时间', row.get('发生时间')),
          orderRef: row.get('业务基础订单号') || normalizeOrderRef(row.get('商户订单号')),
          tradeNo: row.get('业务流水号'),
          counterparty: row.get('对方账号'),
          balanceAfter: balance === '' ? undefined : moneyOrZero('账户余额(元)', balance, CNY),
          description,
        }))
      },
      trailer(line) {
        stated.income ??= trailerTotal(line, '收入合计')
        stated.expense ??= trailerTotal(line, '支出合计')
      },
      finish() {
        const checks = [...compareTotal('收入合计', income, stated.income), ...compareTotal('支出合计', expense, stated.expense)]
        if (!stated.income && !stated.expense) checks.push({ level: 'warning', code: 'TRAILER_MISSING', message: 'no #收入合计/#支出合计 trailer: the file may be truncated' })
        return checks
      },
    }
  },
}

export const alipayMerchantTrade: FileParser = {
  id: 'alipay-merchant-trade',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay merchant 业务明细',
  containers: ['csv', 'xlsx'],
  required: ['支付宝交易号', '商户订单号', '业务类型', '创建时间', '订单金额(元)', '商家实收(元)'],
  optional: ['完成时间', '服务费(元)', '对方账户', '退款批次号/请求号', '商品名称', '备注', '分润(元)'],
  start(context) {
    const trades = new Tally()
    const refunds = new Tally()
    const stated: { trades: ReturnType<typeof trailerTotal>; refunds: ReturnType<typeof trailerTotal> } = { trades: null, refunds: null }
    return {
      row(row) {
        const type = required('业务类型', row.get('业务类型'))
        const isRefund = type.includes('退款')
        const received = moneyOrZero('商家实收(元)', row.get('商家实收(元)'), CNY)
        const amount = isRefund ? negate(absMinor(received)) : absMinor(received)
        ;(isRefund ? refunds : trades).add(received)
        const tradeNo = required('支付宝交易号', row.get('支付宝交易号'))
        const externalId = isRefund ? `${tradeNo}:${row.get('退款批次号/请求号') || 'refund'}` : tradeNo
        const occurredAt = readTimestamp('完成时间', row.get('完成时间') || row.get('创建时间'))
        const common = { currency: CNY, occurredAt, orderRef: normalizeOrderRef(row.get('商户订单号')), tradeNo, counterparty: row.get('对方账户') }
        const items = [txn(context, row, 'alipay', { ...common, externalId, kind: isRefund ? 'refund' : 'payment', amount, description: `${type} ${row.get('商品名称')}`.trim() })]
        const fee = magnitudeOf(row, '服务费(元)', CNY)
        if (fee > 0n) {
          // Fee is charged on a trade and given back on a refund (sign unverified on real files; see formats.md 1.2).
          items.push(txn(context, row, 'alipay', { ...common, externalId, kind: 'fee', amount: isRefund ? fee : negate(fee), description: `服务费 ${type}` }))
        }
        return records(...items)
      },
      trailer(line) {
        stated.trades ??= trailerTotal(line, '交易合计')
        stated.refunds ??= trailerTotal(line, '退款合计')
      },
      finish() {
        return [...compareTotal('交易合计', trades, stated.trades), ...compareTotal('退款合计', refunds, stated.refunds)]
      },
    }
  },
}

export const alipaySellerFund: FileParser = {
  id: 'alipay-seller-fund',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay Tmall/Taobao seller 资金明细',
  containers: ['csv', 'xlsx'],
  required: ['入账时间', '支付宝流水号', '账务类型', '收入(+元)', '支出(-元)'],
  optional: ['支付宝交易号', '商户订单号', '账户余额(元)', '服务费(元)', '对方账户', '对方名称', '业务基础订单号', '业务描述', '备注', '序号'],
  start(context) {
    return {
      row(row) {
        const incomeMinor = magnitudeOf(row, '收入(+元)', CNY)
        const expenseMinor = magnitudeOf(row, '支出(-元)', CNY)
        const type = row.get('账务类型')
        const balance = row.get('账户余额(元)')
        const common = {
          externalId: row.get('支付宝流水号'),
          currency: CNY,
          occurredAt: readTimestamp('入账时间', row.get('入账时间')),
          orderRef: row.get('业务基础订单号') || normalizeOrderRef(row.get('商户订单号')),
          tradeNo: row.get('支付宝交易号'),
          counterparty: row.get('对方名称') || row.get('对方账户'),
        }
        const items = [txn(context, row, 'alipay', {
          ...common,
          kind: kindFromWords(type, row.get('业务描述')),
          amount: minor(incomeMinor - expenseMinor),
          balanceAfter: balance === '' ? undefined : moneyOrZero('账户余额(元)', balance, CNY),
          description: joinParts(type, row.get('业务描述'), row.get('备注')),
        })]
        const fee = magnitudeOf(row, '服务费(元)', CNY)
        if (fee > 0n) items.push(txn(context, row, 'alipay', { ...common, kind: 'fee', amount: negate(fee), description: `服务费 ${type}` }))
        return records(...items)
      },
      finish: () => [],
    }
  },
}

export const alipayPersonal: FileParser = {
  id: 'alipay-personal',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay personal 交易明细 (2023+)',
  containers: ['csv', 'xlsx'],
  required: ['交易时间', '交易分类', '收/支', '金额', '交易状态', '交易订单号'],
  optional: ['交易对方', '对方账号', '商品说明', '收/付款方式', '商家订单号', '备注'],
  start(context) {
    return rowCountedRun(/共(\d+)笔记录/, 'preamble', (row) => {
      const status = row.get('交易状态')
      if (status === '交易关闭') return skip('交易关闭 (no money moved)')
      const direction = row.get('收/支')
      const amount = requiredMagnitude(row, '金额', CNY)
      const category = row.get('交易分类')
      const isRefund = category === '退款' || status.startsWith('退款')
      const externalId = row.get('交易订单号')
      const kind: SettlementKind = isRefund ? 'refund' : direction === '收入' || direction === '支出' ? 'payment' : 'adjustment'
      const signed: Minor = direction === '支出' ? negate(amount) : amount
      return records(txn(context, row, 'alipay', {
        externalId,
        kind,
        amount: signed,
        currency: CNY,
        occurredAt: readTimestamp('交易时间', row.get('交易时间')),
        orderRef: normalizeOrderRef(row.get('商家订单号')),
        tradeNo: isRefund ? externalId.split('_')[0] : externalId,
        counterparty: row.get('交易对方'),
        description: joinParts(category, direction, row.get('商品说明'), status),
      }))
    })
  },
}

export const alipayPersonalLegacy: FileParser = {
  id: 'alipay-personal-legacy',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay personal 交易记录明细 (legacy web, ≤2021)',
  containers: ['csv', 'xlsx'],
  required: ['交易号', '商家订单号', '交易创建时间', '金额(元)', '收/支', '交易状态', '资金状态'],
  optional: ['付款时间', '最近修改时间', '交易来源地', '类型', '交易对方', '商品名称', '服务费(元)', '成功退款(元)', '备注'],
  start(context) {
    return rowCountedRun(/共(\d+)笔记录/, 'trailer', (row) => {
      const fundStatus = row.get('资金状态')
      if (fundStatus !== '已支出' && fundStatus !== '已收入') return skip(`资金状态 "${fundStatus}" (no money moved)`)
      const amount = requiredMagnitude(row, '金额(元)', CNY)
      const tradeId = row.get('交易号')
      const title = row.get('商品名称')
      const isRefund = fundStatus === '已收入' && (tradeId.includes('_') || title.startsWith('退款'))
      const kind: SettlementKind = isRefund ? 'refund' : 'payment'
      const common = {
        externalId: tradeId,
        currency: CNY,
        occurredAt: readTimestamp('付款时间', row.get('付款时间') || row.get('交易创建时间')),
        orderRef: normalizeOrderRef(row.get('商家订单号')),
        tradeNo: tradeId.split('_')[0],
        counterparty: row.get('交易对方'),
      }
      const items = [txn(context, row, 'alipay', { ...common, kind, amount: fundStatus === '已支出' ? negate(amount) : amount, description: joinParts(row.get('类型'), title, row.get('交易状态')) })]
      const fee = magnitudeOf(row, '服务费(元)', CNY)
      if (fee > 0n) items.push(txn(context, row, 'alipay', { ...common, kind: 'fee', amount: negate(fee), description: '服务费' }))
      return records(...items)
    })
  },
}

export const ALIPAY_PARSERS = [alipayMerchantAccount, alipayMerchantTrade, alipaySellerFund, alipayPersonal, alipayPersonalLegacy]
