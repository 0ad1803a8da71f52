import { formatAmount, type Minor, minor } from '../../../shared/money.ts'
import { type CanonicalRecord, type SettlementKind, normalizeOrderRef } from '../../../shared/records.ts'
import { absMinor, moneyOrZero, negate, readTimestamp, required } from '../clean.ts'
import type { Check, FileParser, HeldSkip, MappedRow, ParseContext, RowOutcome } from '../types.ts'
import { type AccountHint, StatedTotals, Tally, joinParts, magnitudeOf, records, requiredMagnitude, rowCountedRun, skip, statedMoney, transferRecords, txn } from './common.ts'

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

/** The merchant bills' `#` trailer lines (`#收入合计：…`, `#-----账务明细列表结束-----`, `#导出时间：…`). */
const TRAILER_LINE = /^#/

/** `#收入合计：18笔，共14989.00元` -> {count, amount text} */
function trailerTotal(line: string, label: string): { count: number; amount: string } | null {
  const match = new RegExp(`${label}[:：]\\s*(\\d+)笔[，,]\\s*(?:[^0-9-]*?共)?\\s*(-?[\\d,.]+)元`).exec(line)
  return match ? { count: Number(match[1]), amount: (match[2] ?? '0').replace(/,/g, '') } : null
}

function compareTotal(label: string, tally: Tally, stated: { count: number; amount: string } | null): Check[] {
  if (!stated) return []
  const actual = formatAmount(tally.total, CNY)
  const checks: Check[] = []
  const statedMinor = statedMoney(label, stated.amount, CNY, checks)
  if (statedMinor === null) return checks
  if (tally.count === stated.count && tally.total === (statedMinor ?? 0n)) {
    return [{ level: 'info', code: 'TRAILER_TOTAL_OK', message: `${label}: ${stated.count} rows, ${actual} match the trailer` }]
  }
  return [{ level: 'error', blocking: true, code: 'TRAILER_TOTAL_MISMATCH', message: `${label}: trailer says ${stated.count} rows / ${stated.amount}, file has ${tally.count} rows / ${actual}` }]
}

export const alipayMerchantAccount: FileParser = {
  id: 'alipay-merchant-account',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay merchant 账务明细',
  containers: ['csv', 'xlsx'],
  required: ['账务流水号', '业务流水号', '发生时间', '收入金额(+元)', '支出金额(-元)'],
  optional: ['商户订单号', '商品名称', '对方账号', '账户余额(元)', '交易渠道', '业务类型', '备注', '业务描述', '业务基础订单号'],
  amountColumns: ['收入金额(+元)', '支出金额(-元)', '账户余额(元)'],
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
        return TRAILER_LINE.test(line)
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
  amountColumns: ['订单金额(元)', '商家实收(元)', '服务费(元)', '分润(元)'],
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
        return TRAILER_LINE.test(line)
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
  amountColumns: ['收入(+元)', '支出(-元)', '账户余额(元)', '服务费(元)'],
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
  amountColumns: ['金额'],
  start(context) {
    const stated = new StatedTotals('Alipay 交易明细')
    const closed = new ClosedPayments()
    const run = rowCountedRun(/共(\d+)笔记录/, 'preamble', (row) => {
      const status = row.get('交易状态')
      const direction = row.get('收/支')
      const amount = requiredMagnitude(row, '金额', CNY)
      stated.see(direction, amount)
      const category = row.get('交易分类')
      const externalId = row.get('交易订单号')
      const isRefund = category === '退款' || status.startsWith('退款')
      const tradeNo = isRefund ? externalId.split('_')[0] ?? externalId : externalId
      const common = {
        externalId,
        currency: CNY,
        occurredAt: readTimestamp('交易时间', row.get('交易时间')),
        orderRef: normalizeOrderRef(row.get('商家订单号')),
        tradeNo,
        counterparty: row.get('交易对方'),
        description: joinParts(category, direction, row.get('商品说明'), status),
      }
      if (status === '交易关闭') {
        // Paid, then closed: money moved only if a refund of it comes back (paired with it in flush).
        return closed.closed(tradeNo, amount, txn(context, row, 'alipay', { ...common, kind: 'payment', amount: negate(amount) }), row)
      }
      if (isRefund) {
        closed.refund(tradeNo, amount)
        return records(txn(context, row, 'alipay', { ...common, kind: 'refund', amount: direction === '支出' ? negate(amount) : amount }))
      }
      if (direction === '收入' || direction === '支出') return records(txn(context, row, 'alipay', { ...common, kind: 'payment', amount: direction === '支出' ? negate(amount) : amount }))
      // 不计收支 that is no refund: a movement between the owner's accounts (余额宝, funds, cards).
      const route = alipayNeutralRoute(category, row.get('商品说明'), row.get('收/付款方式'), row.get('交易对方'))
      if ('skip' in route) return skip(route.skip)
      return records(...transferRecords(context, row, 'alipay', common, route.from, route.to, amount))
    })
    return {
      ...run,
      preamble(line) {
        run.preamble?.(line)
        stated.read(line)
      },
      flush: () => closed.flush(),
      finish: () => [...run.finish(), ...closed.checks(), ...stated.check()],
    }
  },
}

/**
 * 交易关闭 + 退款成功: a closed payment whose refund came back. Real bills list both (the
 * refund's 交易订单号 is the payment's plus `_<refund id>`); the pair nets to zero. Every Alipay
 * personal parser keeps both sides of a pair (the payment and its refund) and skips a closed
 * payment without a refund (no money moved). Rows come newest first, so a closed payment may
 * arrive before or after its refund: it is held until the end when its refund is not yet seen.
 */
class ClosedPayments {
  private readonly refunds = new Map<string, bigint>()
  private readonly held: Array<{ tradeNo: string; amount: bigint; record: CanonicalRecord; rowNumber: number; sheet?: string }> = []
  private readonly paired: Array<{ tradeNo: string; amount: bigint }> = []

  refund(tradeNo: string, amount: bigint): void {
    this.refunds.set(tradeNo, (this.refunds.get(tradeNo) ?? 0n) + amount)
  }

  closed(tradeNo: string, amount: bigint, record: CanonicalRecord, row: MappedRow): RowOutcome {
    if (this.refunds.has(tradeNo)) {
      this.paired.push({ tradeNo, amount })
      return records(record)
    }
    this.held.push({ tradeNo, amount, record, rowNumber: row.rowNumber, ...(row.sheet === undefined ? {} : { sheet: row.sheet }) })
    return { type: 'held' }
  }

  flush(): Array<CanonicalRecord | HeldSkip> {
    const out: Array<CanonicalRecord | HeldSkip> = []
    for (const item of this.held) {
      if (this.refunds.has(item.tradeNo)) {
        this.paired.push(item)
        out.push(item.record)
      } else out.push({ kind: 'skip', rowNumber: item.rowNumber, ...(item.sheet === undefined ? {} : { sheet: item.sheet }), reason: '交易关闭 without a refund (no money moved)' })
    }
    this.held.length = 0
    return out
  }

  checks(): Check[] {
    if (this.paired.length === 0) return []
    const uneven = this.paired.filter((pair) => this.refunds.get(pair.tradeNo) !== pair.amount)
    const checks: Check[] = [{ level: 'info', code: 'CLOSED_REFUND_PAIRED', message: `${this.paired.length} closed payment(s) (交易关闭) kept with their refund(s) (退款成功): each pair nets to zero` }]
    if (uneven.length > 0) checks.push({ level: 'warning', code: 'CLOSED_REFUND_DIFFERS', message: `closed payment(s) whose refunds do not add up to the amount paid: ${uneven.map((pair) => `${pair.tradeNo} paid ${formatAmount(minor(pair.amount), CNY)}, refunded ${formatAmount(minor(this.refunds.get(pair.tradeNo) ?? 0n), CNY)}`).join('; ')}` })
    return checks
  }
}

/** An Alipay 收/付款方式 (or a transfer target) as one of the owner's accounts. */
function alipaySide(text: string): AccountHint | null {
  const name = text.trim()
  if (name === '余额' || name === '账户余额') return 'wallet'
  if (name === '余额宝') return 'wallet:余额宝'
  if (/信用卡|花呗/.test(name)) return `card:${name}`
  if (/银行|储蓄卡|借记卡/.test(name)) return `bank:${name}`
  return null
}

/** Where a 不计收支 row that is no refund moved money between the owner's accounts, or why it is not booked. */
function alipayNeutralRoute(category: string, title: string, method: string, counterparty: string): { from: AccountHint; to: AccountHint } | { skip: string } {
  const unplaced = (why: string) => ({ skip: `不计收支 ${category} ${title}: ${why}; not booked (no income or expense)` })
  if (/卖出至余额宝|赎回至余额宝|转入余额宝/.test(title) && /卖出|赎回/.test(title)) return { from: 'investment:基金', to: 'wallet:余额宝' }
  if (/卖出至余额|赎回至余额/.test(title)) return { from: 'investment:基金', to: 'wallet' }
  if (/余额宝/.test(title) && /转出到余额/.test(title)) return { from: 'wallet:余额宝', to: 'wallet' }
  if (/余额宝/.test(title) && /转出到(银行卡|.*银行)/.test(title)) return { from: 'wallet:余额宝', to: alipaySide(counterparty) ?? `bank:${counterparty || '银行卡'}` }
  if (/余额宝/.test(title) && /转入/.test(title)) {
    const from = alipaySide(method)
    return from && from !== 'wallet:余额宝' ? { from, to: 'wallet:余额宝' } : unplaced(`paid with "${method}"`)
  }
  if (category === '投资理财' && /买入|申购/.test(title)) {
    const from = alipaySide(method)
    return from ? { from, to: 'investment:基金' } : unplaced(`paid with "${method}"`)
  }
  if (/信用卡还款/.test(`${category}${title}`)) {
    const from = alipaySide(method)
    return from ? { from, to: `card:${counterparty || '信用卡'}` } : unplaced(`paid with "${method}"`)
  }
  if (/充值/.test(title) && !/话费|一卡通|油卡|游戏/.test(title)) {
    const from = alipaySide(method)
    return from && from !== 'wallet' ? { from, to: 'wallet' } : unplaced(`paid with "${method}"`)
  }
  if (/提现/.test(title)) return { from: 'wallet', to: alipaySide(counterparty) ?? `bank:${counterparty || '银行卡'}` }
  return unplaced('not a movement this parser can place between the owner\'s accounts')
}

export const alipayPersonalLegacy: FileParser = {
  id: 'alipay-personal-legacy',
  family: 'alipay',
  channel: 'alipay',
  label: 'Alipay personal 交易记录明细 (legacy web, ≤2021)',
  containers: ['csv', 'xlsx'],
  required: ['交易号', '商家订单号', '交易创建时间', '金额(元)', '收/支', '交易状态', '资金状态'],
  optional: ['付款时间', '最近修改时间', '交易来源地', '类型', '交易对方', '商品名称', '服务费(元)', '成功退款(元)', '备注'],
  amountColumns: ['金额(元)', '服务费(元)', '成功退款(元)'],
  start(context) {
    const stated = new StatedTotals('Alipay 交易记录')
    const closed = new ClosedPayments()
    const run = rowCountedRun(/共(\d+)笔记录/, 'trailer', (row) => {
      const fundStatus = row.get('资金状态')
      const tradeId = row.get('交易号')
      const title = row.get('商品名称')
      const amount = requiredMagnitude(row, '金额(元)', CNY)
      if (fundStatus === '已支出' || fundStatus === '已收入') stated.see(fundStatus, amount)
      const isRefund = fundStatus === '已收入' && (tradeId.includes('_') || title.startsWith('退款'))
      const common = {
        externalId: tradeId,
        currency: CNY,
        occurredAt: readTimestamp('付款时间', row.get('付款时间') || row.get('交易创建时间')),
        orderRef: normalizeOrderRef(row.get('商家订单号')),
        tradeNo: tradeId.split('_')[0],
        counterparty: row.get('交易对方'),
      }
      const description = joinParts(row.get('类型'), title, row.get('交易状态'))
      if (fundStatus !== '已支出' && fundStatus !== '已收入') {
        // A closed trade whose money shows as not moved: kept only with its refund, as in the 2023 layout.
        if (row.get('交易状态') === '交易关闭') return closed.closed(common.tradeNo ?? tradeId, amount, txn(context, row, 'alipay', { ...common, kind: 'payment', amount: negate(amount), description }), row)
        return skip(`资金状态 "${fundStatus}" (no money moved)`)
      }
      if (isRefund) closed.refund(common.tradeNo ?? tradeId, amount)
      const kind: SettlementKind = isRefund ? 'refund' : 'payment'
      const items = [txn(context, row, 'alipay', { ...common, kind, amount: fundStatus === '已支出' ? negate(amount) : amount, description })]
      const fee = magnitudeOf(row, '服务费(元)', CNY)
      if (fee > 0n) items.push(txn(context, row, 'alipay', { ...common, kind: 'fee', amount: negate(fee), description: '服务费' }))
      return records(...items)
    })
    return {
      ...run,
      trailer(line) {
        const counted = run.trailer?.(line) === true
        return stated.read(line) || counted
      },
      flush: () => closed.flush(),
      finish: () => [...run.finish(), ...closed.checks(), ...stated.check()],
    }
  },
}

export const ALIPAY_PARSERS = [alipayMerchantAccount, alipayMerchantTrade, alipaySellerFund, alipayPersonal, alipayPersonalLegacy]
