import type { Client, InValue, Transaction } from '@libsql/client'
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

/* Readers for the management reports (service/reports/management/): 渠道利润 and 总账 / 明细账 */

/** A SUM() column as bigint minor units (null, for no rows, is 0). */
function toMinor(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value)
  return 0n
}

export interface Turnover {
  debit: bigint
  credit: bigint
}

/** Debit and credit per store and account over from..to, without the 结转损益 (closing) vouchers. */
export async function turnoverByStore(context: LedgerContext, companyId: number, from: string, to: string): Promise<Map<string, Map<string, Turnover>>> {
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
    accounts.set(String(row.account_code), { debit: toMinor(row.debit), credit: toMinor(row.credit) })
    byStore.set(String(row.store), accounts)
  }
  return byStore
}

export interface PeriodMovement {
  opening: bigint
  debit: bigint
  credit: bigint
  yearDebit: bigint
  yearCredit: bigint
}

/** Per leaf account: opening (Σ periods < period), the period's debit and credit, and the year-to-date debit and credit. */
export async function movementsWithYear(context: LedgerContext, companyId: number, period: string, store: string | undefined): Promise<Map<string, PeriodMovement>> {
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
    map.set(String(row.account_code), { opening: toMinor(row.opening), debit: toMinor(row.debit), credit: toMinor(row.credit), yearDebit: toMinor(row.year_debit), yearCredit: toMinor(row.year_credit) })
  }
  return map
}

/** Sum of the leaf movements within `code` (the account and its sub-accounts). */
export function sumWithin(leaves: ReadonlyMap<string, PeriodMovement>, code: string): PeriodMovement {
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
/*
 * The other readers of the balances table (period close, statements, bank journal,
 * input-VAT reconciliation, FX revaluation, wallet reconciliation, the functions'
 * index, verify): each query is here, so `FROM balances` is read in this file only.
 */

type Runner = Pick<Client, 'execute'> | Transaction

/** Net (debit positive) per leaf x store: over `from`..`to`, or through `to` when `from` is omitted. Ordered by account, store. */
export async function netByAccountAndStore(runner: Runner, companyId: number, range: { readonly from?: string; readonly to: string }): Promise<Array<{ account: string; store: string; net: bigint }>> {
  const result = await runner.execute({
    sql: `SELECT account_code, store, SUM(debit_minor) - SUM(credit_minor) AS net FROM balances WHERE company_id = ?${range.from === undefined ? '' : ' AND period >= ?'} AND period <= ? GROUP BY account_code, store ORDER BY account_code, store`,
    args: range.from === undefined ? [companyId, range.to] : [companyId, range.from, range.to],
  })
  return result.rows.map((row) => ({ account: String(row.account_code), store: String(row.store), net: toMinor(row.net) }))
}

/** Net (debit positive) per period x store x leaf over `from`..`to`. */
export async function netByPeriodStoreAccount(runner: Runner, companyId: number, from: string, to: string): Promise<Array<{ period: string; store: string; account: string; net: bigint }>> {
  const result = await runner.execute({
    sql: 'SELECT period, store, account_code, SUM(debit_minor) - SUM(credit_minor) AS net FROM balances WHERE company_id = ? AND period >= ? AND period <= ? GROUP BY period, store, account_code',
    args: [companyId, from, to],
  })
  return result.rows.map((row) => ({ period: String(row.period), store: String(row.store), account: String(row.account_code), net: toMinor(row.net) }))
}

/** Balance (debit positive) of one leaf account, all stores and currencies: before `period` (opening) or through it (closing). */
export async function leafBalance(runner: Runner, companyId: number, account: string, period: string, at: 'opening' | 'closing'): Promise<bigint> {
  const result = await runner.execute({ sql: `SELECT COALESCE(SUM(debit_minor - credit_minor), 0) AS b FROM balances WHERE company_id = ? AND account_code = ? AND period ${at === 'opening' ? '<' : '<='} ?`, args: [companyId, account, period] })
  return toMinor(result.rows[0]?.b)
}

/** Movement (debit positive) of one account x store x currency in one period, in base or original currency. */
export async function storeCurrencyMovement(runner: Runner, key: { companyId: number; account: string; period: string; store: string; currency: string }, amounts: 'base' | 'original'): Promise<bigint> {
  const result = await runner.execute({
    sql: `SELECT SUM(${amounts === 'base' ? 'debit_minor - credit_minor' : 'debit_original_minor - credit_original_minor'}) AS net FROM balances WHERE company_id = ? AND account_code = ? AND period = ? AND store = ? AND currency = ?`,
    args: [key.companyId, key.account, key.period, key.store, key.currency],
  })
  return toMinor(result.rows[0]?.net)
}

/** Foreign-currency balances through `period` per account x store x currency (original and base), of the accounts `within` selects. */
export async function foreignBalancesThrough(runner: Runner, companyId: number, period: string, baseCurrency: string, within: { sql: string; args: ReadonlyArray<string> }): Promise<Array<{ account: string; store: string; currency: string; original: bigint; base: bigint }>> {
  const result = await runner.execute({
    sql: `SELECT account_code, store, currency, SUM(debit_original_minor - credit_original_minor) AS original, SUM(debit_minor - credit_minor) AS base
      FROM balances WHERE company_id = ? AND period <= ? AND currency != ? AND ${within.sql} GROUP BY account_code, store, currency ORDER BY account_code, store, currency`,
    args: [companyId, period, baseCurrency, ...within.args],
  })
  return result.rows.map((row) => ({ account: String(row.account_code), store: String(row.store), currency: String(row.currency), original: toMinor(row.original), base: toMinor(row.base) }))
}

/**
 * Every stored balance of a company packed by SQLite into one row per account
 * (`entries`: `store,currency,period,debit,credit[,debitOriginal,creditOriginal]`
 * joined by `;`, original amounts only for foreign-currency rows): the libSQL
 * client is slow per row, not per byte. `where` narrows it (` AND ...`).
 */
export async function packedBalanceRows(runner: Runner, companyId: number, baseCurrency: string, where: string, args: ReadonlyArray<string>): Promise<Array<{ account: string; entries: string }>> {
  const result = await runner.execute({
    sql: `SELECT account_code, group_concat(store || ',' || currency || ',' || period || ',' || debit_minor || ',' || credit_minor
      || CASE WHEN currency = ? THEN '' ELSE ',' || debit_original_minor || ',' || credit_original_minor END, ';') AS entries FROM balances WHERE company_id = ?${where} GROUP BY account_code`,
    args: [baseCurrency, companyId, ...args],
  })
  return result.rows.map((row) => ({ account: String(row.account_code), entries: String(row.entries) }))
}

/** The stored non-zero balance rows as verify compares them with the posted lines (columns company_id, account_code, period, store, currency, d, c, od, oc). */
export const STORED_BALANCES_SQL = `SELECT company_id, account_code, period, store, currency, debit_minor AS d, credit_minor AS c, debit_original_minor AS od, credit_original_minor AS oc
      FROM balances WHERE debit_minor != 0 OR credit_minor != 0 OR debit_original_minor != 0 OR credit_original_minor != 0`

/** Number of stored balance rows (verify's summary). */
export const COUNT_BALANCES_SQL = 'SELECT COUNT(*) AS n FROM balances'

/**
 * Per store (the line's dimension: a store, or a supplier on 2202) of the
 * accounts under `roots`: the balance through the period before `period`
 * (credit minus debit) and the period's debits and credits, in minor units.
 */
export async function storeTurnoverUnder(runner: Runner, companyId: number, period: string, roots: ReadonlyArray<string>): Promise<Array<{ store: string; opening: bigint; debit: bigint; credit: bigint }>> {
  if (roots.length === 0) return []
  const condition = roots.map(() => '(account_code = ? OR account_code LIKE ?)').join(' OR ')
  const result = await runner.execute({
    sql: `SELECT store,
        SUM(CASE WHEN period < ? THEN credit_minor - debit_minor ELSE 0 END) AS opening,
        SUM(CASE WHEN period = ? THEN debit_minor ELSE 0 END) AS debit,
        SUM(CASE WHEN period = ? THEN credit_minor ELSE 0 END) AS credit
      FROM balances WHERE company_id = ? AND period <= ? AND (${condition}) GROUP BY store ORDER BY store`,
    args: [period, period, period, companyId, period, ...roots.flatMap((root) => [root, `${root}.%`])],
  })
  return result.rows.map((row) => ({ store: String(row.store), opening: BigInt(Number(row.opening)), debit: BigInt(Number(row.debit)), credit: BigInt(Number(row.credit)) }))
}
