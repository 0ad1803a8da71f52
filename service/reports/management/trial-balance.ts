import { parseAmount } from '../../../shared/money.ts'
import { assertPeriod } from '../../../shared/period.ts'
import { type Report, type ReportRow, periodLabel } from '../../../shared/reports/report.ts'
import { trialBalance as ledgerTrialBalance } from '../../ledger/balances.ts'
import { getCompany } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { type ManagementOptions, check, header } from './common.ts'

/* 1. 科目余额表 (trial balance), read from service/ledger/balances.ts */

export async function trialBalanceReport(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const balance = await ledgerTrialBalance(context, companyId, period, options.store === undefined ? {} : { store: options.store })
  const amount = (text: string) => parseAmount(text, currency)
  const rows: ReportRow[] = balance.rows.map((row) => ({
    cells: { code: row.code, name: `${'  '.repeat(row.level - 1)}${row.name}`, openingDebit: amount(row.openingDebit), openingCredit: amount(row.openingCredit), debit: amount(row.debit), credit: amount(row.credit), closingDebit: amount(row.closingDebit), closingCredit: amount(row.closingCredit) },
    indent: row.level - 1,
  }))
  const totals = balance.totals
  rows.push({
    cells: { code: null, name: '合计', openingDebit: amount(totals.openingDebit), openingCredit: amount(totals.openingCredit), debit: amount(totals.debit), credit: amount(totals.credit), closingDebit: amount(totals.closingDebit), closingCredit: amount(totals.closingCredit) },
    style: 'total',
  })
  return {
    ...header(company, period), name: 'trial-balance', title: '科目余额表', titleEn: 'Trial balance', dateLabel: periodLabel(period), rows, notes: ['合计只含末级科目；上级科目为下级汇总。'],
    meta: options.store === undefined ? {} : { store: options.store },
    columns: [
      { key: 'code', label: '科目编码', kind: 'text', width: 12 }, { key: 'name', label: '科目名称', kind: 'text', width: 20 },
      { key: 'openingDebit', label: '期初借方', kind: 'amount', width: 14 }, { key: 'openingCredit', label: '期初贷方', kind: 'amount', width: 14 },
      { key: 'debit', label: '本期借方', kind: 'amount', width: 14 }, { key: 'credit', label: '本期贷方', kind: 'amount', width: 14 },
      { key: 'closingDebit', label: '期末借方', kind: 'amount', width: 14 }, { key: 'closingCredit', label: '期末贷方', kind: 'amount', width: 14 },
    ],
    checks: [
      check('balanced.opening', '期初借方合计 = 期初贷方合计', amount(totals.openingDebit), amount(totals.openingCredit), currency),
      check('balanced.movement', '本期借方合计 = 本期贷方合计', amount(totals.debit), amount(totals.credit), currency),
      check('balanced.closing', '期末借方合计 = 期末贷方合计', amount(totals.closingDebit), amount(totals.closingCredit), currency),
    ],
  }
}
