import type { InValue, ResultSet } from '@libsql/client'
import { eq } from 'drizzle-orm'
import { stores } from '../db/schema/index.ts'
import type { CashVoucherLine, DetailBalances } from '../../shared/reports/statements.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { netByAccountAndStore } from '../ledger/balances.ts'

/**
 * Report reads. Balances come from the materialized `balances` table; the
 * 结转损益 vouchers (one per closed period) are read from their lines so the
 * income statement can leave them out; cash vouchers are read by line because
 * the direct method classifies each one by its counter-accounts.
 *
 * The reports area's SQL lives here (data access rule, docs/decisions.d/h-data.md):
 * the management reports and the bank journal call the readers at the end of
 * this file; balances come through ledger/balances.ts.
 */
type Detail = Map<string, Map<string, bigint>>

function addDetail(detail: Detail, code: string, store: string, amount: bigint): void {
  const stores = detail.get(code) ?? new Map<string, bigint>()
  stores.set(store, (stores.get(store) ?? 0n) + amount)
  detail.set(code, stores)
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number') return BigInt(value)
  if (typeof value === 'string') return BigInt(value)
  return 0n
}

/** Closing balances (debit positive) per leaf x store through `period` inclusive; null period = nothing. */
export async function detailBalancesThrough(context: LedgerContext, companyId: number, period: string | null): Promise<DetailBalances> {
  const detail: Detail = new Map()
  if (period === null) return detail
  for (const row of await netByAccountAndStore(context.db.client, companyId, { to: period })) addDetail(detail, row.account, row.store, row.net)
  return detail
}

/** SQL condition on `v` selecting 结转损益 vouchers and red-ink reversals of them. */
const CLOSING_VOUCHER = "(v.source_kind = 'closing' OR v.reversal_of IN (SELECT c.id FROM vouchers c WHERE c.company_id = v.company_id AND c.source_kind = 'closing'))"

/**
 * Movement (debit positive) per leaf x store over from..to, optionally without
 * the 结转损益 vouchers, so P&L accounts show what happened, not the close.
 */
export async function detailMovements(context: LedgerContext, companyId: number, from: string, to: string, options: { excludeClosing: boolean }): Promise<DetailBalances> {
  const detail: Detail = new Map()
  for (const row of await netByAccountAndStore(context.db.client, companyId, { from, to })) addDetail(detail, row.account, row.store, row.net)
  if (options.excludeClosing) {
    const closing = await closingVoucherMovements(context, companyId, from, to)
    for (const [code, stores] of closing) for (const [store, amount] of stores) addDetail(detail, code, store, -amount)
  }
  return detail
}

/** Movement of the 结转损益 vouchers themselves per leaf x store. */
export async function closingVoucherMovements(context: LedgerContext, companyId: number, from: string, to: string): Promise<DetailBalances> {
  const detail: Detail = new Map()
  const result = await context.db.client.execute({
    sql: `SELECT l.account_code, l.store, SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE -l.amount_minor END) AS movement
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
      WHERE v.company_id = ? AND v.status = 'posted' AND v.period >= ? AND v.period <= ? AND ${CLOSING_VOUCHER}
      GROUP BY l.account_code, l.store`,
    args: [companyId, from, to],
  })
  for (const row of result.rows) addDetail(detail, String(row.account_code), String(row.store), toBigInt(row.movement))
  return detail
}

/** Lines of posted vouchers in from..to that touch a cash account, grouped by voucher. */
export async function cashVoucherLines(context: LedgerContext, companyId: number, from: string, to: string, cashAccounts: ReadonlyArray<string>): Promise<CashVoucherLine[][]> {
  const cashCondition = cashAccounts.map(() => '(c.account_code = ? OR c.account_code LIKE ?)').join(' OR ')
  const cashArgs: InValue[] = cashAccounts.flatMap((code) => [code, `${code}.%`])
  const result = await context.db.client.execute({
    sql: `SELECT l.voucher_id, l.account_code, l.side, l.amount_minor FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
      WHERE v.company_id = ? AND v.status = 'posted' AND v.period >= ? AND v.period <= ?
        AND l.voucher_id IN (SELECT c.voucher_id FROM voucher_lines c WHERE c.company_id = ? AND c.period >= ? AND c.period <= ? AND (${cashCondition}))
      ORDER BY l.voucher_id, l.line_no`,
    args: [companyId, from, to, companyId, from, to, ...cashArgs],
  })
  const byVoucher = new Map<number, CashVoucherLine[]>()
  for (const row of result.rows) {
    const id = Number(row.voucher_id)
    const lines = byVoucher.get(id) ?? []
    lines.push({ account: String(row.account_code), side: String(row.side) === 'credit' ? 'credit' : 'debit', amount: toBigInt(row.amount_minor) })
    byVoucher.set(id, lines)
  }
  return [...byVoucher.values()]
}

/** True when a 结转损益 voucher was posted in the period. */
export async function hasClosingVoucher(context: LedgerContext, companyId: number, period: string): Promise<boolean> {
  const result = await context.db.client.execute({ sql: "SELECT COUNT(*) AS n FROM vouchers v WHERE v.company_id = ? AND v.period = ? AND v.status = 'posted' AND v.source_kind = 'closing'", args: [companyId, period] })
  return Number(result.rows[0]?.n ?? 0) > 0
}

export function sumDetail(detail: DetailBalances, accept: (code: string) => boolean): bigint {
  let total = 0n
  for (const [code, stores] of detail) {
    if (!accept(code)) continue
    for (const amount of stores.values()) total += amount
  }
  return total
}

// ---- readers of the management reports and the bank journal (SQL moved here unchanged)

/** 凭证汇总表: debit/credit per account of the period's posted vouchers, and the voucher number ranges per word. */
export async function voucherRegisterRows(context: LedgerContext, companyId: number, period: string): Promise<{ lines: ResultSet; vouchers: ResultSet }> {
  const lines = await context.db.client.execute({
    sql: `SELECT l.account_code, SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE 0 END) AS debit, SUM(CASE WHEN l.side = 'credit' THEN l.amount_minor ELSE 0 END) AS credit
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.period = ? AND v.status = 'posted' GROUP BY l.account_code`,
    args: [companyId, period],
  })
  const vouchers = await context.db.client.execute({
    sql: "SELECT word, COUNT(*) AS n, MIN(number) AS first, MAX(number) AS last FROM vouchers WHERE company_id = ? AND period = ? AND status = 'posted' GROUP BY word ORDER BY word",
    args: [companyId, period],
  })
  return { lines, vouchers }
}

/** 应收账龄: receivable movements per store and date through `asOf` (posted vouchers). */
export async function receivableEntries(context: LedgerContext, companyId: number, asOf: string, receivable: string, store: string | undefined): Promise<ResultSet> {
  const conditions = ['v.company_id = ?', "v.status = 'posted'", 'v.date <= ?', '(l.account_code = ? OR l.account_code LIKE ?)']
  const args: InValue[] = [companyId, asOf, receivable, `${receivable}.%`]
  if (store !== undefined) {
    conditions.push('l.store = ?')
    args.push(store)
  }
  return context.db.client.execute({
    sql: `SELECT l.store, v.date, SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE -l.amount_minor END) AS amount
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE ${conditions.join(' AND ')}
      GROUP BY l.store, v.date, l.side, l.voucher_id ORDER BY l.store, v.date, l.voucher_id`,
    args,
  })
}

/** Store code, name and channel of every registry row. */
export async function storeRows(context: LedgerContext, companyId: number): Promise<Array<{ code: string; name: string; channel: string }>> {
  return context.db.orm.select({ code: stores.code, name: stores.name, channel: stores.channel }).from(stores).where(eq(stores.companyId, companyId))
}

/** 明细账: the period's posted lines on an account and its children. */
export async function accountLines(context: LedgerContext, companyId: number, period: string, code: string, store: string | undefined): Promise<ResultSet> {
  const conditions = ['v.company_id = ?', 'v.period = ?', "v.status = 'posted'", '(l.account_code = ? OR l.account_code LIKE ?)']
  const args: InValue[] = [companyId, period, code, `${code}.%`]
  if (store !== undefined) {
    conditions.push('l.store = ?')
    args.push(store)
  }
  return context.db.client.execute({
    sql: `SELECT v.date, v.word, v.number, l.summary, l.account_code, l.store, l.side, l.amount_minor, l.currency, l.original_minor, l.rate FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
      WHERE ${conditions.join(' AND ')} ORDER BY v.date, v.word, v.number, l.line_no`,
    args,
  })
}

/** 银行日记账: the period's posted lines on one bank leaf with their counter-accounts. */
export async function bankJournalLines(context: LedgerContext, companyId: number, account: string, period: string): Promise<ResultSet> {
  return context.db.client.execute({
    sql: `SELECT v.id, v.date, v.word, v.number, l.summary, l.side, l.amount_minor, l.currency, l.original_minor, l.rate,
          (SELECT GROUP_CONCAT(DISTINCT o.account_code) FROM voucher_lines o WHERE o.voucher_id = v.id AND o.account_code != l.account_code) AS counter
        FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id
        WHERE l.company_id = ? AND l.account_code = ? AND v.period = ? AND v.status = 'posted' ORDER BY v.date, v.word, v.number, l.line_no`,
    args: [companyId, account, period],
  })
}

// ---- SKU profit (sku-profit.ts)

/** Sources (order, orderLine, orderLine.return) of the period's posted vouchers. */
export async function postedSaleSourceRows(context: LedgerContext, companyId: number, period: string): Promise<ResultSet> {
  return context.db.client.execute({
    sql: `SELECT s.source_kind, s.source_id FROM voucher_sources s JOIN vouchers v ON v.id = s.voucher_id
      WHERE s.company_id = ? AND v.status = 'posted' AND v.period = ? AND s.source_kind IN ('order', 'orderLine', 'orderLine.return')`,
    args: [companyId, period],
  })
}

/** Fixed costs of issues and returns, by move key. */
export async function issueReturnCostRows(context: LedgerContext, companyId: number): Promise<ResultSet> {
  return context.db.client.execute({ sql: "SELECT kind, move_key, cost_minor FROM inventory_moves WHERE company_id = ? AND kind IN ('issue', 'return')", args: [companyId] })
}

export async function productNameRows(context: LedgerContext, companyId: number): Promise<ResultSet> {
  return context.db.client.execute({ sql: 'SELECT sku, name FROM products WHERE company_id = ?', args: [companyId] })
}
