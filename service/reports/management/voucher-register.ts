import { assertPeriod } from '../../../shared/period.ts'
import { type Report, type ReportRow, periodLabel } from '../../../shared/reports/report.ts'
import { getCompany, loadChart } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { type ManagementOptions, check, header, rangeTotals, toBigInt } from './common.ts'
import { voucherRegisterRows } from '../data.ts'

/* 4. 凭证汇总表: debit and credit per account of the period's posted vouchers */

export async function voucherRegister(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const chart = await loadChart(context, companyId)
  const { lines, vouchers } = await voucherRegisterRows(context, companyId, period)
  const byTop = new Map<string, { debit: bigint; credit: bigint }>()
  for (const row of lines.rows) {
    const top = String(row.account_code).split('.')[0] ?? ''
    const sum = byTop.get(top) ?? { debit: 0n, credit: 0n }
    sum.debit += toBigInt(row.debit)
    sum.credit += toBigInt(row.credit)
    byTop.set(top, sum)
  }
  const rows: ReportRow[] = [...byTop].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, sum]) => ({ cells: { code, name: chart.get(code)?.name ?? '(unknown account)', debit: sum.debit, credit: sum.credit } }))
  const debit = rows.reduce((sum, row) => sum + (row.cells.debit as bigint), 0n)
  const credit = rows.reduce((sum, row) => sum + (row.cells.credit as bigint), 0n)
  if (rows.length) rows.push({ cells: { code: null, name: '合计', debit, credit }, style: 'total', formulas: rangeTotals(['debit', 'credit'], 0, rows.length - 1) })
  const ranges = vouchers.rows.map((row) => `${String(row.word)}字 ${String(row.first)} 号至 ${String(row.last)} 号，共 ${String(row.n)} 张`)
  return {
    ...header(company, period), name: 'voucher-register', title: '凭证汇总表', titleEn: 'Voucher register', dateLabel: periodLabel(period), rows,
    notes: ranges.length ? [`凭证：${ranges.join('；')}`] : ['本期无已记账凭证'], meta: { vouchers: String(vouchers.rows.reduce((sum, row) => sum + Number(row.n), 0)) },
    columns: [{ key: 'code', label: '科目编码', kind: 'text', width: 10 }, { key: 'name', label: '科目名称', kind: 'text', width: 20 }, { key: 'debit', label: '借方金额', kind: 'amount', width: 16 }, { key: 'credit', label: '贷方金额', kind: 'amount', width: 16 }],
    checks: [check('balanced', '借方合计 = 贷方合计', debit, credit, currency)],
  }
}
