import { LedgerError } from '../../shared/errors.ts'
import { assertPeriod } from '../../shared/period.ts'
import { REPORT_NAMES, type Report, type ReportName } from '../../shared/reports/report.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { accountDetail, arAging, channelProfit, generalLedger, trialBalanceReport, voucherRegister } from './management.ts'
import { bankJournal } from './bank-journal.ts'
import { skuProfit } from './sku-profit.ts'
import { invoiceReconciliation } from '../invoices/report.ts'
import { balanceSheet, cashFlowStatement, incomeStatement } from './statements.ts'

/**
 * Every report by its CLI/HTTP name. The reconciliation summary belongs to the
 * matching module: it plugs in through `ReportDeps.reconciliation` (the CLI
 * and the app pass it once that module exists); without it the report is
 * refused with a clear reason.
 */
export interface ReportOptions {
  readonly period: string
  readonly store?: string
  readonly account?: string
}

export type ReportBuilder = (context: LedgerContext, companyId: number, options: ReportOptions) => Promise<Report>

export interface ReportDeps {
  /** 对账汇总 from the matching module; must return a Report named 'reconciliation' */
  readonly reconciliation?: ReportBuilder
}

const BUILDERS: Record<Exclude<ReportName, 'reconciliation'>, ReportBuilder> = {
  'trial-balance': trialBalanceReport,
  'balance-sheet': balanceSheet,
  'income-statement': incomeStatement,
  'cash-flow': cashFlowStatement,
  'ar-aging': arAging,
  'channel-profit': channelProfit,
  'general-ledger': generalLedger,
  'account-detail': accountDetail,
  'voucher-register': voucherRegister,
  'sku-profit': skuProfit,
  'bank-journal': bankJournal,
  'invoice-reconciliation': invoiceReconciliation,
}

export const REPORT_TITLES: Record<ReportName, string> = {
  'trial-balance': '科目余额表', 'balance-sheet': '资产负债表', 'income-statement': '利润表', 'cash-flow': '现金流量表',
  'ar-aging': '应收账款账龄', 'channel-profit': '渠道利润', 'general-ledger': '总账', 'account-detail': '明细账', 'voucher-register': '凭证汇总表', reconciliation: '对账汇总', 'sku-profit': '渠道利润（按SKU）', 'bank-journal': '银行日记账', 'invoice-reconciliation': '开票与收入对账',
}

export function isReportName(value: string): value is ReportName {
  return (REPORT_NAMES as ReadonlyArray<string>).includes(value)
}

export function assertReportName(value: string): ReportName {
  if (!isReportName(value)) throw new LedgerError('NOT_FOUND', `unknown report "${value}"; reports: ${REPORT_NAMES.join(', ')}`)
  return value
}

export async function buildReport(context: LedgerContext, companyId: number, name: ReportName, options: ReportOptions, deps: ReportDeps = {}): Promise<Report> {
  assertPeriod(options.period)
  if (name === 'reconciliation') {
    if (!deps.reconciliation) throw new LedgerError('NOT_FOUND', 'the reconciliation summary comes from the matching module, which is not installed yet')
    return deps.reconciliation(context, companyId, options)
  }
  return BUILDERS[name](context, companyId, options)
}
