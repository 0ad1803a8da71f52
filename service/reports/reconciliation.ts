import { exponentOf } from '../../shared/money.ts'
import type { Report, ReportRow } from '../../shared/reports/report.ts'
import { getCompany } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { reconciliationSummary } from '../matching/queries.ts'
import type { ReportOptions } from './index.ts'

/**
 * 对账汇总: the matching module's reconciliation summary as a report, one row
 * per store x currency for the period. The unexplained difference must be 0 or
 * accounted for by open exceptions; a check says so.
 */
export async function reconciliationReport(context: LedgerContext, companyId: number, options: ReportOptions): Promise<Report> {
  const company = await getCompany(context, companyId)
  const summary = await reconciliationSummary(context, companyId, { period: options.period, ...(options.store ? { store: options.store } : {}) })
  const baseExponent = exponentOf(company.baseCurrency)
  const mixedExponent = summary.some((row) => exponentOf(row.currency) !== baseExponent)
  const rows: ReportRow[] = summary.map((row) => ({
    cells: {
      store: row.store, currency: row.currency, orders: row.orders, ordersGross: row.ordersGross, paid: row.paid, refunded: row.refunded, fees: row.fees,
      payouts: row.payouts, bankReceived: row.bankReceived, difference: row.difference, explainedByOpenExceptions: row.explainedByOpenExceptions,
      explainedByTolerance: row.explainedByTolerance, acceptedByDecision: row.acceptedByDecision, unexplained: row.unexplained, openExceptions: row.openExceptions,
    },
  }))
  const unexplained = summary.filter((row) => row.unexplained !== 0n)
  return {
    name: 'reconciliation', title: '对账汇总', titleEn: 'Reconciliation summary', company: { code: company.code, name: company.name }, period: options.period,
    dateLabel: `${options.period.slice(0, 4)}年${Number(options.period.slice(5, 7))}月`, currency: company.baseCurrency,
    columns: [
      { key: 'store', label: '店铺 Store', kind: 'text', width: 14 }, { key: 'currency', label: '币种', kind: 'text', width: 6 }, { key: 'orders', label: '订单数 Orders', kind: 'integer', width: 8 },
      { key: 'ordersGross', label: '订单金额 Gross', kind: 'amount' }, { key: 'paid', label: '已收款 Paid', kind: 'amount' }, { key: 'refunded', label: '退款 Refunded', kind: 'amount' },
      { key: 'fees', label: '费用 Fees', kind: 'amount' }, { key: 'payouts', label: '提现 Payouts', kind: 'amount' }, { key: 'bankReceived', label: '银行到账 Bank', kind: 'amount' },
      { key: 'difference', label: '差异 Difference', kind: 'amount' }, { key: 'explainedByOpenExceptions', label: '未决异常 Open exceptions', kind: 'amount' },
      { key: 'explainedByTolerance', label: '容差 Tolerance', kind: 'amount' }, { key: 'acceptedByDecision', label: '已处理 Decided', kind: 'amount' },
      { key: 'unexplained', label: '未解释 Unexplained', kind: 'amount' }, { key: 'openExceptions', label: '异常数 Exceptions', kind: 'integer', width: 8 },
    ],
    rows,
    checks: [{ key: 'unexplained-zero', label: '差异全部由异常或决定解释 every difference explained', ok: unexplained.length === 0, expected: '0', actual: unexplained.length === 0 ? '0' : unexplained.map((row) => `${row.store} ${row.currency} ${row.unexplained}`).join(', ') }],
    notes: [
      '金额为各行自身币种 Amounts are in each row\'s own currency.',
      ...(mixedExponent ? ['注意: 含小数位不同的币种 some currencies have a different number of decimals'] : []),
    ],
    meta: options.store ? { store: options.store } : {},
  }
}
