import { Decimal, formatAmount, minor } from '../../../shared/money.ts'
import type { SettlementKind } from '../../../shared/records.ts'
import { absMinor, cleanCell, moneyOrNull, moneyOrZero, negate, readMoneyText, readTimestamp, required } from '../clean.ts'
import type { Check, FileParser } from '../types.ts'
import { Tally, joinParts, records, requiredMagnitude, rowCountedRun, skip, txn } from './common.ts'

/** WeChat Pay: merchant 交易账单 and 资金账单 (backticked cells), personal 账单明细 CSV/XLSX. */

function summaryCells(line: string): string[] {
  return line.split(',').map(cleanCell)
}

export const wechatMerchantTrade: FileParser = {
  id: 'wechat-merchant-trade',
  family: 'wechat',
  channel: 'wechat',
  label: 'WeChat Pay merchant 交易账单',
  containers: ['csv', 'xlsx'],
  required: ['交易时间', '微信订单号', '商户订单号', '交易状态'],
  optional: ['公众账号id', '商户号', '应结订单金额', '订单金额', '总金额', '手续费', '费率', '退款金额', '微信退款单号', '商户退款单号', '退款状态', '货币种类', '商品名称', '代金券金额', '用户标识', '交易类型'],
  storeColumns: [{ column: '特约商户号', kind: 'id' }, { column: '商户号', kind: 'id' }],
  start(context) {
    let summary: string[] | null = null
    let summaryHeader = false
    const payments = new Tally()
    const refunds = new Tally()
    let fees = new Decimal(0)
    return {
      isTrailer: (_row, firstCell) => firstCell === '总交易单数',
      trailer(line) {
        if (line.startsWith('总交易单数')) summaryHeader = true
        else if (summaryHeader && summary === null) summary = summaryCells(line)
      },
      row(row) {
        const status = required('交易状态', row.get('交易状态')).toUpperCase()
        if (status === 'REVOKED') return skip('REVOKED (cancelled 付款码 payment)')
        const currency = context.currency ?? (row.get('货币种类') || 'CNY')
        const wechatOrderNo = required('微信订单号', row.get('微信订单号'))
        const isRefund = status === 'REFUND'
        const amountColumn = row.has('应结订单金额') ? '应结订单金额' : '总金额'
        const amount = isRefund ? negate(absMinor(moneyOrZero('退款金额', row.get('退款金额'), currency))) : absMinor(moneyOrZero(amountColumn, row.get(amountColumn), currency))
        ;(isRefund ? refunds : payments).add(absMinor(amount))
        const externalId = isRefund ? row.get('微信退款单号') || `${wechatOrderNo}:refund:${row.get('商户退款单号')}` : wechatOrderNo
        const common = { externalId, currency, occurredAt: readTimestamp('交易时间', row.get('交易时间')), orderRef: row.get('商户订单号'), tradeNo: wechatOrderNo, counterparty: row.get('用户标识') }
        const items = [txn(context, row, 'wechat', { ...common, kind: isRefund ? 'refund' : 'payment', amount, description: `${status} ${row.get('商品名称')}`.trim() })]
        const feeText = readMoneyText('手续费', row.get('手续费'))
        if (feeText) {
          fees = fees.plus(feeText.value)
          const fee = moneyOrZero('手续费', feeText.value, currency)
          // 手续费 is positive when charged and negative when returned on a refund; the seller's account moves the other way.
          if (fee !== 0n) items.push(txn(context, row, 'wechat', { ...common, kind: 'fee', amount: negate(fee), description: `手续费 ${row.get('费率')}`.trim() }))
        }
        return records(...items)
      },
      finish() {
        if (!summary) return [{ level: 'warning', code: 'TRAILER_MISSING', message: 'no 总交易单数 summary lines: the file may be truncated' }]
        const checks: Check[] = []
        const [count, settled, refunded, , feeTotal] = summary
        const rows = payments.count + refunds.count
        const compare = (label: string, stated: string | undefined, actual: string) => {
          if (stated === undefined || stated === '') return
          const same = new Decimal(readMoneyText(label, stated)?.value ?? '0').equals(new Decimal(actual))
          checks.push(same ? { level: 'info', code: 'SUMMARY_OK', message: `${label} ${stated} matches` } : { level: 'error', code: 'SUMMARY_MISMATCH', message: `${label}: summary says ${stated}, rows give ${actual}` })
        }
        compare('总交易单数', count, String(rows))
        compare('应结订单总金额', settled, formatAmount(payments.total, 'CNY'))
        compare('退款总金额', refunded, formatAmount(refunds.total, 'CNY'))
        compare('手续费总金额', feeTotal, fees.toString())
        return checks
      },
    }
  },
}

function fundKind(type: string): SettlementKind {
  if (/手续费/.test(type)) return 'fee'
  if (/退款/.test(type)) return 'refund'
  if (/提现/.test(type)) return 'payout'
  if (/交易|收款/.test(type)) return 'payment'
  return 'adjustment'
}

export const wechatMerchantFund: FileParser = {
  id: 'wechat-merchant-fund',
  family: 'wechat',
  channel: 'wechat',
  label: 'WeChat Pay merchant 资金账单',
  containers: ['csv', 'xlsx'],
  required: ['记账时间', '微信支付业务单号', '资金流水单号', '业务类型', '收支类型', '收支金额(元)'],
  optional: ['业务名称', '账户结余(元)', '资金变更提交申请人', '备注', '业务凭证号'],
  start(context) {
    const income = new Tally()
    const expense = new Tally()
    let summary: string[] | null = null
    let summaryHeader = false
    const currency = context.currency ?? 'CNY'
    return {
      isTrailer: (_row, firstCell) => firstCell === '资金流水总笔数',
      trailer(line) {
        if (line.startsWith('资金流水总笔数')) summaryHeader = true
        else if (summaryHeader && summary === null) summary = summaryCells(line)
      },
      row(row) {
        const direction = required('收支类型', row.get('收支类型'))
        const magnitude = requiredMagnitude(row, '收支金额(元)', currency)
        const isIncome = direction === '收入'
        ;(isIncome ? income : expense).add(magnitude)
        const balance = moneyOrNull('账户结余(元)', row.get('账户结余(元)'), currency)
        return records(txn(context, row, 'wechat', {
          externalId: row.get('资金流水单号'),
          kind: fundKind(row.get('业务类型')),
          amount: isIncome ? magnitude : negate(magnitude),
          currency,
          occurredAt: readTimestamp('记账时间', row.get('记账时间')),
          tradeNo: row.get('微信支付业务单号'),
          orderRef: row.get('业务凭证号'),
          balanceAfter: balance ?? undefined,
          description: joinParts(row.get('业务名称'), row.get('业务类型'), row.get('备注')),
        }))
      },
      finish() {
        if (!summary) return [{ level: 'warning', code: 'TRAILER_MISSING', message: 'no 资金流水总笔数 summary lines: the file may be truncated' }]
        const [, incomeCount, incomeAmount, expenseCount, expenseAmount] = summary.map((cell) => cell.replace(/\.0$/, ''))
        const ok = Number(incomeCount) === income.count && Number(expenseCount) === expense.count
          && moneyOrZero('收入金额', incomeAmount ?? '0', currency) === income.total && moneyOrZero('支出金额', expenseAmount ?? '0', currency) === expense.total
        return [ok
          ? { level: 'info', code: 'SUMMARY_OK', message: 'fund flow summary matches the rows' }
          : { level: 'error', code: 'SUMMARY_MISMATCH', message: `summary says 收入 ${incomeCount}/${incomeAmount}, 支出 ${expenseCount}/${expenseAmount}; rows give ${income.count}/${formatAmount(income.total, currency)}, ${expense.count}/${formatAmount(expense.total, currency)}` }]
      },
    }
  },
}

export const wechatPersonal: FileParser = {
  id: 'wechat-personal',
  family: 'wechat',
  channel: 'wechat',
  label: 'WeChat personal 微信支付账单明细',
  containers: ['csv', 'xlsx'],
  required: ['交易时间', '交易类型', '交易对方', '收/支', '金额(元)', '当前状态', '交易单号'],
  optional: ['商品', '支付方式', '商户单号', '备注'],
  start(context) {
    return rowCountedRun(/共(\d+)笔记录/, 'preamble', (row) => {
      const direction = row.get('收/支')
      const type = row.get('交易类型')
      const amount = requiredMagnitude(row, '金额(元)', 'CNY')
      const note = row.get('备注')
      const feeMatch = /服务费[¥￥]?([\d.]+)/.exec(note)
      const fee = feeMatch ? moneyOrZero('备注', feeMatch[1] ?? '0', 'CNY') : minor(0n)
      let kind: SettlementKind = 'payment'
      let signed = amount
      if (direction === '支出') signed = negate(amount)
      else if (direction === '收入') kind = /退款/.test(type) ? 'refund' : 'payment'
      else if (/提现/.test(type)) {
        kind = 'payout'
        signed = negate(minor(amount - fee))
      } else kind = 'adjustment'
      const common = { externalId: row.get('交易单号'), currency: 'CNY', occurredAt: readTimestamp('交易时间', row.get('交易时间')), orderRef: row.get('商户单号'), tradeNo: row.get('交易单号'), counterparty: row.get('交易对方') }
      const items = [txn(context, row, 'wechat', { ...common, kind, amount: signed, description: joinParts(type, direction || '中性交易', row.get('商品'), row.get('当前状态')) })]
      if (fee > 0n && kind === 'payout') items.push(txn(context, row, 'wechat', { ...common, kind: 'fee', amount: negate(fee), description: `服务费 ${type}` }))
      return records(...items)
    })
  },
}

export const WECHAT_PARSERS = [wechatMerchantTrade, wechatMerchantFund, wechatPersonal]
