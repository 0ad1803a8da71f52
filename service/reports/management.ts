import type { InValue } from '@libsql/client'
import { type Account, type AccountRole, defaultAccountRoles, isWithin } from '../../shared/accounts.ts'
import { LedgerError } from '../../shared/errors.ts'
import { formatAmount, parseAmount } from '../../shared/money.ts'
import { assertPeriod, lastDayOfPeriod } from '../../shared/period.ts'
import { type CellValue, type Formula, type Report, type ReportCheck, type ReportColumn, type ReportRow, periodLabel } from '../../shared/reports/report.ts'
import { trialBalance as ledgerTrialBalance } from '../ledger/balances.ts'
import { type Company, getCompany, loadChart } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { detailBalancesThrough } from './data.ts'

/**
 * Management reports: 科目余额表, 应收账款账龄, 渠道利润, 凭证汇总表, 总账, 明细账.
 */
export interface ManagementOptions {
  readonly period: string
  readonly store?: string
  readonly account?: string
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(value)
  if (typeof value === 'string') return BigInt(value)
  return 0n
}

function check(key: string, label: string, expected: bigint, actual: bigint, currency: string): ReportCheck {
  return { key, label, ok: expected === actual, expected: formatAmount(expected, currency), actual: formatAmount(actual, currency) }
}

function header(company: Company, period: string): Pick<Report, 'company' | 'period' | 'currency'> {
  return { company: { code: company.code, name: company.name }, period, currency: company.baseCurrency }
}

function rangeTotals(columns: ReadonlyArray<string>, from: number, to: number): Record<string, Formula> {
  return Object.fromEntries(columns.map((column) => [column, { kind: 'range', column, from, to } satisfies Formula]))
}

/** 借 / 贷 / 平 and the unsigned balance, as Chinese ledgers print it. */
function direction(balance: bigint): { direction: string; amount: bigint } {
  if (balance === 0n) return { direction: '平', amount: 0n }
  return balance > 0n ? { direction: '借', amount: balance } : { direction: '贷', amount: -balance }
}

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

/* 2. 应收账款账龄 by store, FIFO: credits settle the oldest open debits first */

export const AGING_BUCKETS = [
  { key: 'days0to30', label: '0-30天', max: 30 },
  { key: 'days31to60', label: '31-60天', max: 60 },
  { key: 'days61to90', label: '61-90天', max: 90 },
  { key: 'days90plus', label: '90天以上', max: Number.POSITIVE_INFINITY },
] as const

export interface ReceivableEntry {
  readonly date: string
  /** debit positive */
  readonly amount: bigint
}

function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
}

/**
 * Ages one store's receivable entries at `asOf`: debits open items, credits
 * (and red-ink debits) settle the oldest open items first; what credit is left
 * over is unapplied (an advance, shown under 预收).
 * @example ageReceivables([{ date: '2026-08-01', amount: 100n }, { date: '2026-10-01', amount: -30n }], '2026-10-31') -> days90plus 70n
 */
export function ageReceivables(entries: ReadonlyArray<ReceivableEntry>, asOf: string): { buckets: bigint[]; unapplied: bigint } {
  const open: Array<{ date: string; amount: bigint }> = []
  let unapplied = 0n
  for (const entry of [...entries].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    if (entry.amount > 0n) {
      let amount = entry.amount
      const used = amount < unapplied ? amount : unapplied
      unapplied -= used
      amount -= used
      if (amount > 0n) open.push({ date: entry.date, amount })
      continue
    }
    let credit = -entry.amount
    while (credit > 0n && open.length > 0) {
      const oldest = open[0]
      if (!oldest) break
      const used = oldest.amount < credit ? oldest.amount : credit
      oldest.amount -= used
      credit -= used
      if (oldest.amount === 0n) open.shift()
    }
    unapplied += credit
  }
  const buckets = AGING_BUCKETS.map(() => 0n)
  const today = dayNumber(asOf)
  for (const item of open) {
    const age = today - dayNumber(item.date)
    const index = AGING_BUCKETS.findIndex((bucket) => age <= bucket.max)
    buckets[index] = (buckets[index] ?? 0n) + item.amount
  }
  return { buckets, unapplied }
}

async function storeNames(context: LedgerContext, companyId: number): Promise<Map<string, { name: string; channel: string }>> {
  const result = await context.db.client.execute({ sql: 'SELECT code, name, channel FROM stores WHERE company_id = ?', args: [companyId] })
  return new Map(result.rows.map((row) => [String(row.code), { name: String(row.name), channel: String(row.channel) }]))
}

export async function arAging(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const receivable = options.account ?? defaultAccountRoles(company.chartTemplate, company.taxpayerType).receivable
  const asOf = lastDayOfPeriod(period)
  const conditions = ['v.company_id = ?', "v.status = 'posted'", 'v.date <= ?', '(l.account_code = ? OR l.account_code LIKE ?)']
  const args: InValue[] = [companyId, asOf, receivable, `${receivable}.%`]
  if (options.store !== undefined) {
    conditions.push('l.store = ?')
    args.push(options.store)
  }
  const result = await context.db.client.execute({
    sql: `SELECT l.store, v.date, SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE -l.amount_minor END) AS amount
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE ${conditions.join(' AND ')}
      GROUP BY l.store, v.date, l.side, l.voucher_id ORDER BY l.store, v.date, l.voucher_id`,
    args,
  })
  const byStore = new Map<string, ReceivableEntry[]>()
  for (const row of result.rows) {
    const entries = byStore.get(String(row.store)) ?? []
    entries.push({ date: String(row.date), amount: toBigInt(row.amount) })
    byStore.set(String(row.store), entries)
  }
  const names = await storeNames(context, companyId)
  const ledger = await detailBalancesThrough(context, companyId, period)
  const rows: ReportRow[] = []
  let agedTotal = 0n
  let ledgerTotal = 0n
  for (const [store, entries] of [...byStore].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const { buckets, unapplied } = ageReceivables(entries, asOf)
    const balance = buckets.reduce((sum, value) => sum + value, 0n) - unapplied
    if (balance === 0n && unapplied === 0n && buckets.every((value) => value === 0n)) continue
    agedTotal += balance
    const cells: Record<string, CellValue> = { store: store || '(未指定店铺)', channel: names.get(store)?.channel ?? '', balance }
    AGING_BUCKETS.forEach((bucket, index) => { cells[bucket.key] = buckets[index] ?? 0n })
    cells.unapplied = unapplied === 0n ? 0n : -unapplied
    rows.push({ cells, formulas: { balance: { kind: 'terms', terms: [...AGING_BUCKETS.map((bucket) => ({ row: rows.length, column: bucket.key, sign: 1 as const })), { row: rows.length, column: 'unapplied', sign: 1 as const }] } } })
  }
  for (const [code, stores] of ledger) {
    if (!isWithin(code, receivable)) continue
    for (const [store, amount] of stores) if (options.store === undefined || store === options.store) ledgerTotal += amount
  }
  const amountColumns = ['balance', ...AGING_BUCKETS.map((bucket) => bucket.key), 'unapplied']
  const totals: Record<string, CellValue> = { store: '合计', channel: '' }
  for (const column of amountColumns) totals[column] = rows.reduce((sum, row) => sum + (typeof row.cells[column] === 'bigint' ? (row.cells[column] as bigint) : 0n), 0n)
  if (rows.length) rows.push({ cells: totals, style: 'total', formulas: rangeTotals(amountColumns, 0, rows.length - 1) })
  const columns: ReportColumn[] = [
    { key: 'store', label: '店铺', kind: 'text', width: 16 }, { key: 'channel', label: '渠道', kind: 'text', width: 10 }, { key: 'balance', label: '应收余额', kind: 'amount', width: 14 },
    ...AGING_BUCKETS.map((bucket) => ({ key: bucket.key, label: bucket.label, kind: 'amount' as const, width: 14 })),
    { key: 'unapplied', label: '未核销贷方(预收)', kind: 'amount', width: 16 },
  ]
  return {
    ...header(company, period), name: 'ar-aging', title: '应收账款账龄分析表', titleEn: 'AR aging by store', dateLabel: `截至${periodLabel(period, asOf)}`, columns, rows,
    notes: [`科目 ${receivable}；按凭证日期计龄，贷方按先进先出核销最早的借方。`],
    meta: { account: receivable, asOf, ...(options.store === undefined ? {} : { store: options.store }) },
    checks: [check('ledger', '账龄合计 = 应收账款科目余额', ledgerTotal, agedTotal, currency)],
    ...(rows.length > 1 ? { chart: { title: '应收账款账龄（按店铺）', categories: rows.slice(0, -1).map((row) => String(row.cells.store)), series: AGING_BUCKETS.map((bucket) => ({ name: bucket.label, values: rows.slice(0, -1).map((row) => (typeof row.cells[bucket.key] === 'bigint' ? (row.cells[bucket.key] as bigint) : 0n)) })) } } : {}),
  }
}

/* 3. 渠道利润 per store, from movements without the 结转损益 vouchers */

interface Turnover {
  debit: bigint
  credit: bigint
}

async function turnoverByStore(context: LedgerContext, companyId: number, from: string, to: string): Promise<Map<string, Map<string, Turnover>>> {
  const result = await context.db.client.execute({
    sql: `SELECT account_code, store, SUM(debit) AS debit, SUM(credit) AS credit FROM (
        SELECT account_code, store, debit_minor AS debit, credit_minor AS credit FROM balances WHERE company_id = ? AND period >= ? AND period <= ?
        UNION ALL
        SELECT l.account_code, l.store, CASE WHEN l.side = 'debit' THEN -l.amount_minor ELSE 0 END, CASE WHEN l.side = 'credit' THEN -l.amount_minor ELSE 0 END
          FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
          WHERE v.company_id = ? AND v.status = 'posted' AND v.period >= ? AND v.period <= ? AND v.source_kind = 'closing'
      ) GROUP BY account_code, store`,
    args: [companyId, from, to, companyId, from, to],
  })
  const byStore = new Map<string, Map<string, Turnover>>()
  for (const row of result.rows) {
    const accounts = byStore.get(String(row.store)) ?? new Map<string, Turnover>()
    accounts.set(String(row.account_code), { debit: toBigInt(row.debit), credit: toBigInt(row.credit) })
    byStore.set(String(row.store), accounts)
  }
  return byStore
}

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

/* 4. 凭证汇总表: debit and credit per account of the period's posted vouchers */

export async function voucherRegister(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const chart = await loadChart(context, companyId)
  const lines = await context.db.client.execute({
    sql: `SELECT l.account_code, SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE 0 END) AS debit, SUM(CASE WHEN l.side = 'credit' THEN l.amount_minor ELSE 0 END) AS credit
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.period = ? AND v.status = 'posted' GROUP BY l.account_code`,
    args: [companyId, period],
  })
  const vouchers = await context.db.client.execute({
    sql: "SELECT word, COUNT(*) AS n, MIN(number) AS first, MAX(number) AS last FROM vouchers WHERE company_id = ? AND period = ? AND status = 'posted' GROUP BY word ORDER BY word",
    args: [companyId, period],
  })
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

/* 5. 总账 and 明细账 */

interface PeriodMovement {
  opening: bigint
  debit: bigint
  credit: bigint
  yearDebit: bigint
  yearCredit: bigint
}

async function movementsWithYear(context: LedgerContext, companyId: number, period: string, store: string | undefined): Promise<Map<string, PeriodMovement>> {
  const year = `${period.slice(0, 4)}-01`
  const args: InValue[] = [period, period, period, year, year, companyId, period]
  let storeCondition = ''
  if (store !== undefined) {
    storeCondition = ' AND store = ?'
    args.push(store)
  }
  const result = await context.db.client.execute({
    sql: `SELECT account_code,
      SUM(CASE WHEN period < ? THEN debit_minor - credit_minor ELSE 0 END) AS opening,
      SUM(CASE WHEN period = ? THEN debit_minor ELSE 0 END) AS debit,
      SUM(CASE WHEN period = ? THEN credit_minor ELSE 0 END) AS credit,
      SUM(CASE WHEN period >= ? THEN debit_minor ELSE 0 END) AS year_debit,
      SUM(CASE WHEN period >= ? THEN credit_minor ELSE 0 END) AS year_credit
      FROM balances WHERE company_id = ? AND period <= ?${storeCondition} GROUP BY account_code`,
    args,
  })
  const map = new Map<string, PeriodMovement>()
  for (const row of result.rows) {
    map.set(String(row.account_code), { opening: toBigInt(row.opening), debit: toBigInt(row.debit), credit: toBigInt(row.credit), yearDebit: toBigInt(row.year_debit), yearCredit: toBigInt(row.year_credit) })
  }
  return map
}

function rollUpMovements(chart: ReadonlyMap<string, Account>, leaves: ReadonlyMap<string, PeriodMovement>, code: string): PeriodMovement {
  const total = { opening: 0n, debit: 0n, credit: 0n, yearDebit: 0n, yearCredit: 0n }
  for (const [leaf, movement] of leaves) {
    if (!isWithin(leaf, code)) continue
    total.opening += movement.opening
    total.debit += movement.debit
    total.credit += movement.credit
    total.yearDebit += movement.yearDebit
    total.yearCredit += movement.yearCredit
  }
  return total
}

const LEDGER_COLUMNS: ReportColumn[] = [
  { key: 'date', label: '日期', kind: 'text', width: 10 }, { key: 'voucher', label: '凭证号', kind: 'text', width: 8 }, { key: 'summary', label: '摘要', kind: 'text', width: 24 },
  { key: 'debit', label: '借方', kind: 'amount', width: 14 }, { key: 'credit', label: '贷方', kind: 'amount', width: 14 }, { key: 'direction', label: '方向', kind: 'text', width: 4 }, { key: 'balance', label: '余额', kind: 'amount', width: 14 },
]

/** 明细账 columns: the ledger columns with 币种 / 原币 / 汇率 after 摘要 (empty on base-currency lines). */
const DETAIL_COLUMNS: ReportColumn[] = [
  ...LEDGER_COLUMNS.slice(0, 3),
  { key: 'currency', label: '币种', kind: 'text', width: 5 }, { key: 'original', label: '原币金额', kind: 'text', width: 12 }, { key: 'rate', label: '汇率', kind: 'text', width: 9 },
  ...LEDGER_COLUMNS.slice(3),
]

/** 总账: per first-level account, 期初余额 / 本月合计 / 本年累计 with the closing balance. */
export async function generalLedger(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const leaves = await movementsWithYear(context, companyId, period, options.store)
  const tops = [...new Set([...leaves.keys()].map((code) => code.split('.')[0] ?? code))].filter((code) => options.account === undefined || isWithin(code, options.account.split('.')[0] ?? options.account)).sort()
  const first = `${period}-01`
  const last = lastDayOfPeriod(period)
  const rows: ReportRow[] = []
  let closingTotal = 0n
  for (const code of tops) {
    const movement = rollUpMovements(chart, leaves, code)
    const closing = movement.opening + movement.debit - movement.credit
    if (movement.opening === 0n && movement.debit === 0n && movement.credit === 0n && closing === 0n && movement.yearDebit === 0n) continue
    closingTotal += closing
    const account = `${code} ${chart.get(code)?.name ?? ''}`.trim()
    const opening = direction(movement.opening)
    const end = direction(closing)
    rows.push({ cells: { account, date: first, voucher: null, summary: period.endsWith('-01') ? '上年结转' : '期初余额', debit: null, credit: null, direction: opening.direction, balance: opening.amount }, style: 'heading' })
    rows.push({ cells: { account, date: last, voucher: null, summary: '本月合计', debit: movement.debit, credit: movement.credit, direction: end.direction, balance: end.amount } })
    rows.push({ cells: { account, date: last, voucher: null, summary: '本年累计', debit: movement.yearDebit, credit: movement.yearCredit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  }
  const tb = await ledgerTrialBalance(context, companyId, period, options.store === undefined ? {} : { store: options.store })
  const tbClosing = tb.rows.filter((row) => !row.code.includes('.') && tops.includes(row.code)).reduce((sum, row) => sum + parseAmount(row.balance, company.baseCurrency), 0n)
  return {
    ...header(company, period), name: 'general-ledger', title: '总账', titleEn: 'General ledger', dateLabel: periodLabel(period), rows, notes: [],
    meta: { ...(options.account === undefined ? {} : { account: options.account }), ...(options.store === undefined ? {} : { store: options.store }) },
    columns: [{ key: 'account', label: '科目', kind: 'text', width: 18 }, ...LEDGER_COLUMNS],
    checks: [check('trialBalance', '总账期末余额合计 = 科目余额表期末余额合计', tbClosing, closingTotal, company.baseCurrency)],
  }
}

/** 明细账 of one account (and its sub-accounts): every posted line of the period with a running balance. */
export async function accountDetail(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  if (options.account === undefined) throw new LedgerError('VALIDATION', 'account detail needs --account CODE (e.g. 1122)')
  const code = options.account
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const account = chart.get(code)
  if (!account) throw new LedgerError('UNKNOWN_ACCOUNT', `unknown account ${code}`)
  const leaves = await movementsWithYear(context, companyId, period, options.store)
  const movement = rollUpMovements(chart, leaves, code)
  const conditions = ['v.company_id = ?', 'v.period = ?', "v.status = 'posted'", '(l.account_code = ? OR l.account_code LIKE ?)']
  const args: InValue[] = [companyId, period, code, `${code}.%`]
  if (options.store !== undefined) {
    conditions.push('l.store = ?')
    args.push(options.store)
  }
  const lines = await context.db.client.execute({
    sql: `SELECT v.date, v.word, v.number, l.summary, l.account_code, l.store, l.side, l.amount_minor, l.currency, l.original_minor, l.rate FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
      WHERE ${conditions.join(' AND ')} ORDER BY v.date, v.word, v.number, l.line_no`,
    args,
  })
  let running = movement.opening
  const opening = direction(running)
  const rows: ReportRow[] = [{ cells: { date: `${period}-01`, voucher: null, summary: period.endsWith('-01') ? '上年结转' : '期初余额', debit: null, credit: null, direction: opening.direction, balance: opening.amount }, style: 'heading' }]
  for (const line of lines.rows) {
    const amount = toBigInt(line.amount_minor)
    const debit = String(line.side) === 'debit'
    running += debit ? amount : -amount
    const now = direction(running)
    const sub = String(line.account_code) === code ? '' : ` [${String(line.account_code)}]`
    const store = String(line.store) ? ` (${String(line.store)})` : ''
    // issue #16.2: a foreign line shows its currency, original amount and rate next to the base amount
    const foreign = String(line.currency) !== company.baseCurrency
    const fx = foreign ? { currency: String(line.currency), original: formatAmount(toBigInt(line.original_minor), String(line.currency)), rate: line.rate === null ? null : String(line.rate) } : { currency: null, original: null, rate: null }
    rows.push({ cells: { date: String(line.date), voucher: `${String(line.word)}-${String(line.number)}`, summary: `${String(line.summary)}${sub}${store}`, ...fx, debit: debit ? amount : null, credit: debit ? null : amount, direction: now.direction, balance: now.amount } })
  }
  const closing = movement.opening + movement.debit - movement.credit
  const end = direction(closing)
  const last = lastDayOfPeriod(period)
  rows.push({ cells: { date: last, voucher: null, summary: '本月合计', debit: movement.debit, credit: movement.credit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  rows.push({ cells: { date: last, voucher: null, summary: '本年累计', debit: movement.yearDebit, credit: movement.yearCredit, direction: end.direction, balance: end.amount }, style: 'subtotal' })
  return {
    ...header(company, period), name: 'account-detail', title: '明细账', titleEn: 'Account detail', dateLabel: periodLabel(period), rows, notes: [],
    meta: { account: `${code} ${account.name}`, ...(options.store === undefined ? {} : { store: options.store }) },
    columns: DETAIL_COLUMNS,
    checks: [check('running', '逐笔余额 = 科目期末余额', closing, running, company.baseCurrency)],
  }
}
