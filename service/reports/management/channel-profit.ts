import { type AccountRole, defaultAccountRoles, isWithin } from '../../../shared/accounts.ts'
import { assertPeriod } from '../../../shared/period.ts'
import { type CellValue, type Report, type ReportRow, periodLabel } from '../../../shared/reports/report.ts'
import { type Company, getCompany, loadChart } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { type ManagementOptions, storeNames, check, header, rangeTotals } from './common.ts'
import { type Turnover, turnoverByStore } from '../../ledger/balances.ts'

/* 3. 渠道利润 per store, from movements without the 结转损益 vouchers */
function accountRoles(company: Company): Record<AccountRole, string> {
  const defaults = defaultAccountRoles(company.chartTemplate, company.taxpayerType)
  const overrides = company.settings.accountRoles
  if (!overrides || typeof overrides !== 'object') return defaults
  const merged: Record<AccountRole, string> = { ...defaults }
  for (const role of Object.keys(defaults) as AccountRole[]) {
    const value = (overrides as Record<string, unknown>)[role]
    if (typeof value === 'string') merged[role] = value
  }
  return merged
}

const PROFIT_COLUMNS = [
  { key: 'revenue', label: '销售收入', role: 'revenue', measure: 'credit' },
  { key: 'refunds', label: '退款', role: 'revenue', measure: 'debit' },
  { key: 'commission', label: '平台佣金', role: 'commission', measure: 'net' },
  { key: 'paymentFees', label: '支付手续费', role: 'paymentFee', measure: 'net' },
  { key: 'promotion', label: '推广费', role: 'promotion', measure: 'net' },
  { key: 'shipping', label: '运费', role: 'shipping', measure: 'net' },
  { key: 'otherCharges', label: '其他平台费用', role: 'otherPlatformCharge', measure: 'net' },
  { key: 'cogs', label: '销售成本', role: 'cost', measure: 'net' },
] as const

/** Margin as a ratio string with 4 decimals (half-up), or null when there is no revenue. */
export function marginRatio(margin: bigint, netRevenue: bigint): string | null {
  if (netRevenue === 0n) return null
  // Margin rate in ten-thousandths, computed on bigints: round half-up, then four decimals.
  const scaled = (margin * 20000n) / netRevenue
  const rounded = scaled >= 0n ? (scaled + 1n) / 2n : -((-scaled + 1n) / 2n)
  const negative = rounded < 0n
  const digits = (negative ? -rounded : rounded).toString().padStart(5, '0')
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`
}

export async function channelProfit(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const roles = accountRoles(company)
  const turnover = await turnoverByStore(context, companyId, period, period)
  const names = await storeNames(context, companyId)
  const rows: ReportRow[] = []
  const sumRole = (accounts: ReadonlyMap<string, Turnover>, role: AccountRole, measure: 'debit' | 'credit' | 'net') => {
    let total = 0n
    for (const [code, value] of accounts) {
      if (!isWithin(code, roles[role])) continue
      total += measure === 'debit' ? value.debit : measure === 'credit' ? value.credit : value.debit - value.credit
    }
    return total
  }
  let revenueTotal = 0n
  for (const [store, accounts] of [...turnover].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (options.store !== undefined && store !== options.store) continue
    const values = Object.fromEntries(PROFIT_COLUMNS.map((column) => [column.key, sumRole(accounts, column.role, column.measure)])) as Record<(typeof PROFIT_COLUMNS)[number]['key'], bigint>
    if (PROFIT_COLUMNS.every((column) => values[column.key] === 0n)) continue
    const netRevenue = values.revenue - values.refunds
    const costs = values.commission + values.paymentFees + values.promotion + values.shipping + values.otherCharges + values.cogs
    const margin = netRevenue - costs
    const ratio = marginRatio(margin, netRevenue)
    revenueTotal += netRevenue
    const index = rows.length
    const costTerms = ['commission', 'paymentFees', 'promotion', 'shipping', 'otherCharges', 'cogs'].map((column) => ({ row: index, column, sign: -1 as const }))
    rows.push({
      cells: { store: store || '(未指定店铺)', channel: names.get(store)?.channel ?? '', ...values, netRevenue, margin, marginRate: ratio === null ? null : { ratio } },
      formulas: {
        netRevenue: { kind: 'terms', terms: [{ row: index, column: 'revenue', sign: 1 }, { row: index, column: 'refunds', sign: -1 }] },
        margin: { kind: 'terms', terms: [{ row: index, column: 'netRevenue', sign: 1 }, ...costTerms] },
      },
    })
  }
  const amountKeys = [...PROFIT_COLUMNS.map((column) => column.key), 'netRevenue', 'margin']
  if (rows.length) {
    const totals: Record<string, CellValue> = { store: '合计', channel: '' }
    for (const key of amountKeys) totals[key] = rows.reduce((sum, row) => sum + (typeof row.cells[key] === 'bigint' ? (row.cells[key] as bigint) : 0n), 0n)
    const ratio = marginRatio(totals.margin as bigint, totals.netRevenue as bigint)
    totals.marginRate = ratio === null ? null : { ratio }
    rows.push({ cells: totals, style: 'total', formulas: rangeTotals(amountKeys, 0, rows.length - 1) })
  }
  const chart = await loadChart(context, companyId)
  const ledgerRevenue = [...turnover].filter(([store]) => options.store === undefined || store === options.store)
    .reduce((sum, [, accounts]) => sum + sumRole(accounts, 'revenue', 'credit') - sumRole(accounts, 'revenue', 'debit'), 0n)
  const stores = rows.slice(0, -1)
  return {
    ...header(company, period), name: 'channel-profit', title: '渠道利润表', titleEn: 'Channel profitability', dateLabel: periodLabel(period), rows,
    notes: [`收入 ${roles.revenue}（贷方为销售、借方为退款），佣金 ${roles.commission}，手续费 ${roles.paymentFee}，推广 ${roles.promotion}，运费 ${roles.shipping}，成本 ${roles.cost}；不含结转损益凭证。`, '按 SKU 的渠道利润见 sku-profit 报表。'],
    meta: { revenueAccount: `${roles.revenue} ${chart.get(roles.revenue)?.name ?? ''}`.trim(), ...(options.store === undefined ? {} : { store: options.store }) },
    columns: [
      { key: 'store', label: '店铺', kind: 'text', width: 14 }, { key: 'channel', label: '渠道', kind: 'text', width: 8 },
      ...PROFIT_COLUMNS.map((column) => ({ key: column.key, label: column.label, kind: 'amount' as const, width: 13 })),
      { key: 'netRevenue', label: '净收入', kind: 'amount', width: 13 }, { key: 'margin', label: '毛利', kind: 'amount', width: 13 }, { key: 'marginRate', label: '毛利率', kind: 'ratio', width: 8 },
    ],
    checks: [check('revenue', '净收入合计 = 收入科目净发生额（不含结转）', ledgerRevenue, revenueTotal, currency)],
    ...(stores.length ? { chart: { title: '渠道净收入与毛利', categories: stores.map((row) => String(row.cells.store)), series: [{ name: '净收入', values: stores.map((row) => row.cells.netRevenue as bigint) }, { name: '毛利', values: stores.map((row) => row.cells.margin as bigint) }] } } : {}),
  }
}
