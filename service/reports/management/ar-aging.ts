import { defaultAccountRoles, isWithin } from '../../../shared/accounts.ts'
import { assertPeriod, lastDayOfPeriod } from '../../../shared/period.ts'
import { type CellValue, type Report, type ReportColumn, type ReportRow, periodLabel } from '../../../shared/reports/report.ts'
import { getCompany } from '../../ledger/company.ts'
import type { LedgerContext } from '../../ledger/context.ts'
import { detailBalancesThrough, receivableEntries } from '../data.ts'
import { type ManagementOptions, storeNames, check, header, rangeTotals, toBigInt } from './common.ts'

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


export async function arAging(context: LedgerContext, companyId: number, options: ManagementOptions): Promise<Report> {
  const period = assertPeriod(options.period)
  const company = await getCompany(context, companyId)
  const currency = company.baseCurrency
  const receivable = options.account ?? defaultAccountRoles(company.chartTemplate, company.taxpayerType).receivable
  const asOf = lastDayOfPeriod(period)
  const result = await receivableEntries(context, companyId, asOf, receivable, options.store)
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
