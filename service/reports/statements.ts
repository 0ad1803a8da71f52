import { isWithin } from '../../shared/accounts.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod, previousPeriod } from '../../shared/period.ts'
import { type CashFlowCategory, type StatementLine, statementLayouts } from '../../shared/reports/layouts.ts'
import { type Formula, type Report, type ReportCheck, type ReportColumn, type ReportRow, periodLabel } from '../../shared/reports/report.ts'
import { type DetailBalances, type TypeOf, classifyCashVoucher, evaluateCashFlow, evaluateLines, isCashAccount, namedAccounts, typeByFirstDigit } from '../../shared/reports/statements.ts'
import { type Company, getCompany, loadChart } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { cashVoucherLines, closingVoucherMovements, detailBalancesThrough, detailMovements, sumDetail } from './data.ts'

/**
 * 资产负债表, 利润表 and 现金流量表 from materialized balances, laid out by
 * shared/reports/layouts.ts for the company's standard, with their checks.
 */
export interface StatementOptions {
  readonly period: string
}

async function typeResolver(context: LedgerContext, companyId: number): Promise<TypeOf> {
  const chart = await loadChart(context, companyId)
  return (code) => chart.get(code)?.type ?? typeByFirstDigit(code)
}

function yearStart(period: string): string {
  return `${period.slice(0, 4)}-01`
}

function check(key: string, label: string, expected: bigint, actual: bigint, currency: string): ReportCheck {
  return { key, label, ok: expected === actual, expected: formatAmount(expected, currency), actual: formatAmount(actual, currency) }
}

/** Formula of a `sum` line: the cells of the lines it adds, in the same column. */
function sumFormula(line: StatementLine, rowOf: ReadonlyMap<string, number>, column: string): Formula | undefined {
  if (!line.sum) return undefined
  const terms = line.sum.map((part) => {
    const negative = part.startsWith('-')
    const row = rowOf.get(negative ? part.slice(1) : part)
    if (row === undefined) throw new Error(`invariant violated: sum line ${line.key} refers to ${part}`)
    return { row, column, sign: negative ? (-1 as const) : (1 as const) }
  })
  return { kind: 'terms', terms }
}

function base(company: Company, period: string): Pick<Report, 'company' | 'period' | 'currency' | 'notes'> {
  return { company: { code: company.code, name: company.name }, period, currency: company.baseCurrency, notes: [] }
}

/* 1. 资产负债表 */

export async function balanceSheet(context: LedgerContext, companyId: number, options: StatementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const layouts = statementLayouts(company.chartTemplate)
  const { assets, claims } = layouts.balanceSheet
  const typeOf = await typeResolver(context, companyId)
  const named = namedAccounts([...assets, ...claims])
  const closing = await detailBalancesThrough(context, companyId, period)
  const opening = await detailBalancesThrough(context, companyId, previousPeriod(yearStart(period)))
  const evaluate = (lines: ReadonlyArray<StatementLine>, balances: DetailBalances) => evaluateLines(lines, balances, { named, typeOf })
  const values = { assetClosing: evaluate(assets, closing), assetOpening: evaluate(assets, opening), claimClosing: evaluate(claims, closing), claimOpening: evaluate(claims, opening) }
  const assetRow = new Map(assets.map((line, index) => [line.key, index]))
  const claimRow = new Map(claims.map((line, index) => [line.key, index]))
  const rows: ReportRow[] = []
  for (let index = 0; index < Math.max(assets.length, claims.length); index += 1) {
    const asset = assets[index]
    const claim = claims[index]
    const cells: Record<string, string | bigint | number | null> = { asset: null, assetRow: null, assetClosing: null, assetOpening: null, claim: null, claimRow: null, claimClosing: null, claimOpening: null }
    const formulas: Record<string, Formula> = {}
    for (const [line, side, rowOf] of [[asset, 'asset', assetRow], [claim, 'claim', claimRow]] as const) {
      if (!line) continue
      cells[side] = `${'  '.repeat(line.indent ?? 0)}${line.name}`
      cells[`${side}Row`] = line.row ?? null
      if (line.style === 'heading') continue
      for (const column of ['Closing', 'Opening'] as const) {
        const key = `${side}${column}` as const
        cells[key] = values[key].get(line.key) ?? 0n
        const formula = sumFormula(line, rowOf, key)
        if (formula) formulas[key] = formula
      }
    }
    const style = asset?.style === 'total' || claim?.style === 'total' ? 'total' : asset?.style === 'subtotal' || claim?.style === 'subtotal' ? 'subtotal' : undefined
    rows.push({ cells, ...(style ? { style } : {}), formulas })
  }
  const { totalAssets, totalClaims } = layouts.balanceSheet
  const currency = company.baseCurrency
  const columns: ReportColumn[] = [
    { key: 'asset', label: '资产', kind: 'text', width: 26 }, { key: 'assetRow', label: '行次', kind: 'integer', width: 4 },
    { key: 'assetClosing', label: '期末余额', kind: 'amount', width: 14 }, { key: 'assetOpening', label: '年初余额', kind: 'amount', width: 14 },
    { key: 'claim', label: '负债和所有者权益', kind: 'text', width: 30 }, { key: 'claimRow', label: '行次', kind: 'integer', width: 4 },
    { key: 'claimClosing', label: '期末余额', kind: 'amount', width: 14 }, { key: 'claimOpening', label: '年初余额', kind: 'amount', width: 14 },
  ]
  return {
    ...base(company, period), name: 'balance-sheet', title: '资产负债表', titleEn: 'Balance sheet', formCode: layouts.formCodes.balanceSheet,
    dateLabel: periodLabel(period, lastDayOfPeriod(period)), columns, rows, meta: { standard: layouts.standard },
    checks: [
      check('balanced.closing', '期末：资产总计 = 负债和所有者权益总计', values.assetClosing.get(totalAssets) ?? 0n, values.claimClosing.get(totalClaims) ?? 0n, currency),
      check('balanced.opening', '年初：资产总计 = 负债和所有者权益总计', values.assetOpening.get(totalAssets) ?? 0n, values.claimOpening.get(totalClaims) ?? 0n, currency),
    ],
  }
}

/* 2. 利润表 */

export async function incomeStatement(context: LedgerContext, companyId: number, options: StatementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const layouts = statementLayouts(company.chartTemplate)
  const { lines, netProfit } = layouts.incomeStatement
  const typeOf = await typeResolver(context, companyId)
  const named = namedAccounts(lines)
  const month = await detailMovements(context, companyId, period, period, { excludeClosing: true })
  const year = await detailMovements(context, companyId, yearStart(period), period, { excludeClosing: true })
  const monthValues = evaluateLines(lines, month, { named, typeOf })
  const yearValues = evaluateLines(lines, year, { named, typeOf })
  const rowOf = new Map(lines.map((line, index) => [line.key, index]))
  const rows: ReportRow[] = lines.map((line) => {
    const formulas: Record<string, Formula> = {}
    for (const column of ['month', 'year']) {
      const formula = sumFormula(line, rowOf, column)
      if (formula) formulas[column] = formula
    }
    return {
      cells: { item: `${'  '.repeat(line.indent ?? 0)}${line.name}`, row: line.row ?? null, month: monthValues.get(line.key) ?? 0n, year: yearValues.get(line.key) ?? 0n },
      ...(line.style && line.style !== 'item' ? { style: line.style } : {}), formulas,
    }
  })
  const currency = company.baseCurrency
  const isPl = (code: string) => typeOf(code) === 'profitLoss'
  const ledgerProfit = -sumDetail(month, isPl)
  const closingMonth = await closingVoucherMovements(context, companyId, period, period)
  const profitAccount = typeof company.settings.profitAccount === 'string' ? company.settings.profitAccount : '3103'
  const closedToProfit = -sumDetail(closingMonth, (code) => isWithin(code, profitAccount))
  const monthWithClose = await detailMovements(context, companyId, period, period, { excludeClosing: false })
  const stillOpen = -sumDetail(monthWithClose, isPl)
  const reportedProfit = monthValues.get(netProfit) ?? 0n
  return {
    ...base(company, period), name: 'income-statement', title: '利润表', titleEn: 'Income statement', formCode: layouts.formCodes.incomeStatement,
    dateLabel: periodLabel(period), rows, meta: { standard: layouts.standard },
    columns: [
      { key: 'item', label: '项目', kind: 'text', width: 40 }, { key: 'row', label: '行次', kind: 'integer', width: 4 },
      { key: 'month', label: '本月金额', kind: 'amount', width: 16 }, { key: 'year', label: '本年累计金额', kind: 'amount', width: 16 },
    ],
    checks: [
      check('netProfit.ledger', '净利润 = 损益类科目本月净发生额', ledgerProfit, reportedProfit, currency),
      check('netProfit.profitForYear', `净利润 = 本年利润(${profitAccount})本月结转额 + 尚未结转的损益`, closedToProfit + stillOpen, reportedProfit, currency),
      check('netProfit.year', '本年累计净利润 = 损益类科目本年净发生额', -sumDetail(year, isPl), yearValues.get(netProfit) ?? 0n, currency),
    ],
  }
}

/* 3. 现金流量表 (direct method) */

async function cashFlows(context: LedgerContext, companyId: number, from: string, to: string, layout: ReturnType<typeof statementLayouts>['cashFlow']): Promise<Map<CashFlowCategory, bigint>> {
  const flows = new Map<CashFlowCategory, bigint>()
  for (const voucher of await cashVoucherLines(context, companyId, from, to, layout.cashAccounts)) {
    for (const [category, amount] of classifyCashVoucher(layout, voucher)) flows.set(category, (flows.get(category) ?? 0n) + amount)
  }
  return flows
}

export async function cashFlowStatement(context: LedgerContext, companyId: number, options: StatementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const layouts = statementLayouts(company.chartTemplate)
  const layout = layouts.cashFlow
  const isCash = (code: string) => isCashAccount(layout, code)
  const cashThrough = async (through: string) => sumDetail(await detailBalancesThrough(context, companyId, through), isCash)
  const start = yearStart(period)
  const monthValues = evaluateCashFlow(layout, await cashFlows(context, companyId, period, period, layout), await cashThrough(previousPeriod(period)))
  const yearValues = evaluateCashFlow(layout, await cashFlows(context, companyId, start, period, layout), await cashThrough(previousPeriod(start)))
  const closingCash = await cashThrough(period)
  const rowOf = new Map(layout.lines.map((line, index) => [line.key, index]))
  const rows: ReportRow[] = layout.lines.map((line) => {
    const heading = line.style === 'heading'
    const formulas: Record<string, Formula> = {}
    for (const column of ['month', 'year']) {
      const formula = sumFormula(line, rowOf, column)
      if (formula) formulas[column] = formula
    }
    return {
      cells: { item: `${'  '.repeat(line.indent ?? 0)}${line.name}`, row: line.row ?? null, month: heading ? null : (monthValues.get(line.key) ?? 0n), year: heading ? null : (yearValues.get(line.key) ?? 0n) },
      ...(line.style && line.style !== 'item' ? { style: line.style } : {}), formulas,
    }
  })
  const currency = company.baseCurrency
  return {
    ...base(company, period), name: 'cash-flow', title: '现金流量表', titleEn: 'Cash flow statement', formCode: layouts.formCodes.cashFlow,
    dateLabel: periodLabel(period), rows, meta: { standard: layouts.standard, method: '直接法（按对方科目分类）' },
    columns: [
      { key: 'item', label: '项目', kind: 'text', width: 44 }, { key: 'row', label: '行次', kind: 'integer', width: 4 },
      { key: 'month', label: '本月金额', kind: 'amount', width: 16 }, { key: 'year', label: '本年累计金额', kind: 'amount', width: 16 },
    ],
    checks: [
      check('cash.month', '本月：期末现金余额 = 货币资金科目期末余额', closingCash, monthValues.get(layout.closing) ?? 0n, currency),
      check('cash.year', '本年：期末现金余额 = 货币资金科目期末余额', closingCash, yearValues.get(layout.closing) ?? 0n, currency),
    ],
  }
}
