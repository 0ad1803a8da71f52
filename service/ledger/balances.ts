import type { InValue } from '@libsql/client'
import { type Account, type NormalSide, isWithin, matchesAccountPattern } from '../../shared/accounts.ts'
import { formatAmount } from '../../shared/money.ts'
import { assertPeriod } from '../../shared/period.ts'
import { getCompany, loadChart } from './company.ts'
import type { LedgerContext } from './context.ts'

/**
 * Reads from materialized balances only (never a scan of voucher lines), so the
 * cost depends on accounts x periods x stores, not on the size of the ledger.
 */
export interface Movement {
  /** base-currency minor units, debit positive */
  opening: bigint
  debit: bigint
  credit: bigint
}

export interface BalanceFilter {
  readonly store?: string
  readonly currency?: string
}

/** Per leaf account: opening (Σ periods < from), movement over from..to. */
export async function movementsByAccount(context: LedgerContext, companyId: number, from: string, to: string, filter: BalanceFilter = {}): Promise<Map<string, Movement>> {
  assertPeriod(from)
  assertPeriod(to)
  const conditions = ['company_id = ?', 'period <= ?']
  const args: InValue[] = [companyId, to]
  if (filter.store !== undefined) {
    conditions.push('store = ?')
    args.push(filter.store)
  }
  if (filter.currency !== undefined) {
    conditions.push('currency = ?')
    args.push(filter.currency)
  }
  const result = await context.db.client.execute({
    sql: `SELECT account_code,
      SUM(CASE WHEN period < ? THEN debit_minor - credit_minor ELSE 0 END) AS opening,
      SUM(CASE WHEN period >= ? AND period <= ? THEN debit_minor ELSE 0 END) AS debit,
      SUM(CASE WHEN period >= ? AND period <= ? THEN credit_minor ELSE 0 END) AS credit
      FROM balances WHERE ${conditions.join(' AND ')} GROUP BY account_code`,
    args: [from, from, to, from, to, ...args],
  })
  const map = new Map<string, Movement>()
  for (const row of result.rows) {
    map.set(String(row.account_code), { opening: BigInt(row.opening as number), debit: BigInt(row.debit as number), credit: BigInt(row.credit as number) })
  }
  return map
}

export interface TrialBalanceRow {
  readonly code: string
  readonly name: string
  readonly nameEn: string
  readonly level: number
  readonly isLeaf: boolean
  readonly normalSide: NormalSide
  readonly openingDebit: string
  readonly openingCredit: string
  readonly debit: string
  readonly credit: string
  readonly closingDebit: string
  readonly closingCredit: string
  /** closing balance, debit positive */
  readonly balance: string
}

export interface TrialBalance {
  readonly company: string
  readonly currency: string
  readonly period: string
  readonly from: string
  readonly store: string | null
  readonly rows: TrialBalanceRow[]
  readonly totals: Omit<TrialBalanceRow, 'code' | 'name' | 'nameEn' | 'level' | 'isLeaf' | 'normalSide' | 'balance'>
  readonly balanced: boolean
}

function split(balance: bigint): [bigint, bigint] {
  return balance >= 0n ? [balance, 0n] : [0n, -balance]
}

/** Rolls leaf movements up into every ancestor. */
export function rollUp(chart: ReadonlyMap<string, Account>, leaves: ReadonlyMap<string, Movement>): Map<string, Movement> {
  const all = new Map<string, Movement>()
  for (const [code, movement] of leaves) {
    for (let current: string | null = code; current !== null; current = chart.get(current)?.parent ?? null) {
      const sum = all.get(current) ?? { opening: 0n, debit: 0n, credit: 0n }
      sum.opening += movement.opening
      sum.debit += movement.debit
      sum.credit += movement.credit
      all.set(current, sum)
      if (!chart.has(current)) break
    }
  }
  return all
}

/**
 * 科目余额表 / trial balance for `period` (movement from `from`, default the same
 * period). Totals are over leaf accounts; parents show their roll-up.
 */
export async function trialBalance(context: LedgerContext, companyId: number, period: string, options: { from?: string; store?: string; includeEmpty?: boolean } = {}): Promise<TrialBalance> {
  const company = await getCompany(context, companyId)
  const chart = await loadChart(context, companyId)
  const from = options.from ?? period
  const leaves = await movementsByAccount(context, companyId, from, period, { store: options.store })
  const rolled = rollUp(chart, leaves)
  const fmt = (value: bigint) => formatAmount(value, company.baseCurrency)
  const rows: TrialBalanceRow[] = []
  const sums = { openingDebit: 0n, openingCredit: 0n, debit: 0n, credit: 0n, closingDebit: 0n, closingCredit: 0n }
  const codes = new Set([...chart.keys(), ...rolled.keys()])
  for (const code of [...codes].sort()) {
    const account = chart.get(code)
    const movement = rolled.get(code) ?? { opening: 0n, debit: 0n, credit: 0n }
    const closing = movement.opening + movement.debit - movement.credit
    const empty = !rolled.has(code)
    if (empty && !options.includeEmpty) continue
    const [openingDebit, openingCredit] = split(movement.opening)
    const [closingDebit, closingCredit] = split(closing)
    const isLeaf = account?.isLeaf ?? true
    if (isLeaf) {
      sums.openingDebit += openingDebit
      sums.openingCredit += openingCredit
      sums.debit += movement.debit
      sums.credit += movement.credit
      sums.closingDebit += closingDebit
      sums.closingCredit += closingCredit
    }
    rows.push({
      code, name: account?.name ?? '(unknown account)', nameEn: account?.nameEn ?? '', level: code.split('.').length, isLeaf, normalSide: account?.normalSide ?? 'debit',
      openingDebit: fmt(openingDebit), openingCredit: fmt(openingCredit), debit: fmt(movement.debit), credit: fmt(movement.credit),
      closingDebit: fmt(closingDebit), closingCredit: fmt(closingCredit), balance: fmt(closing),
    })
  }
  const totals = {
    openingDebit: fmt(sums.openingDebit), openingCredit: fmt(sums.openingCredit), debit: fmt(sums.debit), credit: fmt(sums.credit),
    closingDebit: fmt(sums.closingDebit), closingCredit: fmt(sums.closingCredit),
  }
  const balanced = sums.openingDebit === sums.openingCredit && sums.debit === sums.credit && sums.closingDebit === sums.closingCredit
  return { company: company.code, currency: company.baseCurrency, period, from, store: options.store ?? null, rows, totals, balanced }
}

/** Closing balance (debit positive) of an account or pattern (`5601*`), rolled up. */
export async function accountBalance(context: LedgerContext, companyId: number, pattern: string, period: string, filter: BalanceFilter = {}): Promise<bigint> {
  const leaves = await movementsByAccount(context, companyId, period, period, filter)
  let total = 0n
  for (const [code, movement] of leaves) {
    if (matchesAccountPattern(code, pattern) || isWithin(code, pattern)) total += movement.opening + movement.debit - movement.credit
  }
  return total
}
