import type { Client, InValue, ResultSet, Transaction } from '@libsql/client'
import { asc, eq } from 'drizzle-orm'
import { multiRowInsert } from '../db/connection.ts'
import type { Database } from '../db/connection.ts'
import { exchangeRates, products, taxRates } from '../db/schema/index.ts'

/**
 * The posting area's data access (docs/decisions.d/h-data.md, data access
 * rule): simple reads of one table through drizzle's query builder; grouped
 * sums, EXISTS/CASE aggregates and multi-row inserts as raw SQL, here and
 * nowhere else in service/posting. Functions return the driver's rows; the
 * callers map them. SQL text is as it was at the call sites (moved, not changed).
 */
type Runner = Pick<Client, 'execute'> | Transaction

// ---- exchange rates (rates.ts)

export async function upsertRates(tx: Transaction, values: InValue[][]): Promise<void> {
  for (const statement of multiRowInsert('INSERT INTO exchange_rates (company_id, date, currency, base_currency, rate, source) VALUES', 6, values, ' ON CONFLICT (company_id, currency, base_currency, date) DO UPDATE SET rate = excluded.rate, source = excluded.source')) await tx.execute(statement)
}

export async function selectRates(db: Database, companyId: number): Promise<Array<{ date: string; currency: string; rate: string; source: string }>> {
  return db.orm.select({ date: exchangeRates.date, currency: exchangeRates.currency, rate: exchangeRates.rate, source: exchangeRates.source })
    .from(exchangeRates).where(eq(exchangeRates.companyId, companyId)).orderBy(asc(exchangeRates.currency), asc(exchangeRates.date))
}

// ---- inventory (inventory.ts)

export async function insertProducts(tx: Transaction, values: InValue[][]): Promise<void> {
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO products (company_id, sku, name) VALUES', 3, values)) await tx.execute(statement)
}

export async function receiptCount(tx: Runner, companyId: number): Promise<number> {
  const result = await tx.execute({ sql: "SELECT COUNT(*) AS n FROM inventory_moves WHERE company_id = ? AND kind = 'receipt'", args: [companyId] })
  return Number(result.rows[0]?.n ?? 0)
}

export async function insertMoves(tx: Transaction, values: InValue[][]): Promise<void> {
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO inventory_moves (company_id, sku, kind, move_key, date, quantity, cost_minor, reference, created_at) VALUES', 9, values)) await tx.execute(statement)
}

export async function selectMoves(db: Database, companyId: number): Promise<ResultSet> {
  return db.client.execute({ sql: 'SELECT sku, kind, move_key, date, quantity, cost_minor FROM inventory_moves WHERE company_id = ?', args: [companyId] })
}

export async function productSkus(db: Database, companyId: number): Promise<string[]> {
  return (await db.orm.select({ sku: products.sku }).from(products).where(eq(products.companyId, companyId))).map((row) => row.sku)
}

// ---- tax rates (settings.ts)

export async function selectTaxRates(db: Database): Promise<Array<{ code: string; rate: string; taxpayerType: string; validFrom: string; validTo: string | null; note: string }>> {
  return db.orm.select({ code: taxRates.code, rate: taxRates.rate, taxpayerType: taxRates.taxpayerType, validFrom: taxRates.validFrom, validTo: taxRates.validTo, note: taxRates.note })
    .from(taxRates).orderBy(asc(taxRates.code), asc(taxRates.validFrom))
}

// ---- imported records for posting (records.ts)

export async function selectPostingRecords(db: Database, companyId: number, store: string | undefined): Promise<[ResultSet, ResultSet, ResultSet]> {
  const where = store ? 'company_id = ? AND store = ?' : 'company_id = ?'
  const args = store ? [companyId, store] : [companyId]
  return Promise.all([
    db.client.execute({ sql: `SELECT * FROM orders WHERE ${where} ORDER BY id`, args }),
    db.client.execute({ sql: `SELECT * FROM order_lines WHERE ${where} ORDER BY id`, args }),
    db.client.execute({ sql: `SELECT * FROM settlement_txns WHERE ${where} ORDER BY id`, args }),
  ])
}

export async function hasImportedRecords(db: Database, companyId: number): Promise<boolean> {
  const imported = await db.client.execute({ sql: 'SELECT EXISTS (SELECT 1 FROM orders WHERE company_id = ?1) OR EXISTS (SELECT 1 FROM settlement_txns WHERE company_id = ?1) AS any', args: [companyId] })
  return Number(imported.rows[0]?.any ?? 0) !== 0
}

// ---- matching results read by posting (matches.ts, close-check.ts, reconcile.ts)

export async function matchingTablesExist(db: Database): Promise<boolean> {
  const tables = await db.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('matches', 'exceptions')")
  return tables.rows.length >= 2
}

export async function selectVerdictRows(db: Database, companyId: number): Promise<[ResultSet, ResultSet]> {
  return Promise.all([
    db.client.execute({ sql: "SELECT m.id, m.status, m.level, m.key, m.rule, m.origin, m.currency, m.difference_minor, m.difference_account, i.item_kind, i.item_ref FROM matches m JOIN match_items i ON i.match_id = m.id WHERE m.company_id = ? AND m.status IN ('suggested', 'confirmed')", args: [companyId] }),
    db.client.execute({ sql: "SELECT e.id, e.type, e.status, e.level, e.why, e.currency, e.difference_minor, e.accepted_difference_minor, e.accepted_account, e.required_role, e.decision_reason, i.item_kind, i.item_ref FROM exceptions e JOIN exception_items i ON i.exception_id = e.id WHERE e.company_id = ? AND e.live = 1 AND e.status IN ('open', 'ignored', 'resolved')", args: [companyId] }),
  ])
}

export async function openExceptionRows(db: Database, companyId: number, period: string, limit: number): Promise<[ResultSet, ResultSet]> {
  return Promise.all([
    db.client.execute({ sql: "SELECT type, COUNT(*) AS n FROM exceptions WHERE company_id = ? AND period = ? AND live = 1 AND status = 'open' GROUP BY type ORDER BY type", args: [companyId, period] }),
    db.client.execute({ sql: "SELECT id, type, store, date, order_key, currency, amount_minor, difference_minor FROM exceptions WHERE company_id = ? AND period = ? AND live = 1 AND status = 'open' ORDER BY date, id LIMIT ?", args: [companyId, period, limit] }),
  ])
}

/** A store filter appended to the reconciliation queries (`AND store = ?` or nothing). */
export interface StoreFilter {
  readonly sql: string
  readonly args: InValue[]
}

export async function reconcileMoney(db: Client, companyId: number, period: string, only: StoreFilter, paidOut: StoreFilter): Promise<{ money: ResultSet; banked: ResultSet; differences: Array<{ table: 'matches' | 'exceptions'; result: ResultSet }>; open: ResultSet }> {
  const money = await db.execute({ sql: `SELECT store, currency, channel, kind, SUM(amount_minor) AS total FROM settlement_txns WHERE company_id = ? AND substr(occurred_at, 1, 7) = ?${only.sql} GROUP BY store, currency, channel, kind`, args: [companyId, period, ...only.args] })
  const banked = await db.execute({
    sql: `SELECT t.store, t.currency, SUM(t.amount_minor) AS total FROM settlement_txns t
      WHERE t.company_id = ? AND t.kind = 'payout' AND substr(t.occurred_at, 1, 7) = ?${paidOut.sql}
      AND EXISTS (SELECT 1 FROM match_items i JOIN matches m ON m.id = i.match_id WHERE i.company_id = t.company_id AND i.item_kind = 'settlementTxn'
        AND i.item_ref = t.channel || '|' || t.external_id || '|payout' AND m.level = 'payout' AND m.status <> 'unmatched')
      GROUP BY t.store, t.currency`,
    args: [companyId, period, ...only.args],
  })
  const differences: Array<{ table: 'matches' | 'exceptions'; result: ResultSet }> = []
  for (const table of ['matches', 'exceptions'] as const) {
    const live = table === 'matches' ? "status <> 'unmatched'" : 'live = 1'
    differences.push({ table, result: await db.execute({ sql: `SELECT store, currency, channel, SUM(measured_minor) AS measured FROM ${table} WHERE company_id = ? AND period = ? AND ${live}${only.sql} GROUP BY store, currency, channel`, args: [companyId, period, ...only.args] }) })
  }
  const open = await db.execute({ sql: `SELECT store, currency, type, COUNT(*) AS n FROM exceptions WHERE company_id = ? AND period = ? AND live = 1 AND status = 'open'${only.sql} GROUP BY store, currency, type ORDER BY type`, args: [companyId, period, ...only.args] })
  return { money, banked, differences, open }
}

// ---- posted sources and reversed keys (run.ts)

export async function postedSourceRows(db: Database, companyId: number): Promise<ResultSet> {
  return db.client.execute({ sql: "SELECT source_kind, source_id FROM voucher_sources WHERE company_id = ? AND source_kind IN ('order','settlementTxn','orderLine','orderLine.return','orderRefund','bankTxn','match')", args: [companyId] })
}

export async function reversedKeyRows(db: Database, companyId: number): Promise<ResultSet> {
  return db.client.execute({ sql: 'SELECT idempotency_key FROM vouchers WHERE company_id = ? AND reversed_by IS NOT NULL AND idempotency_key IS NOT NULL', args: [companyId] })
}

// ---- foreign currency: carried pools and revaluations (realised.ts, revaluation.ts)

export async function foreignLinePools(db: Database, companyId: number, baseCurrency: string, within: { sql: string; args: InValue[] }): Promise<ResultSet> {
  return db.client.execute({
    sql: `SELECT account_code, store, currency,
        SUM(CASE WHEN side = 'debit' THEN original_minor ELSE -original_minor END) AS original,
        SUM(CASE WHEN side = 'debit' THEN amount_minor ELSE -amount_minor END) AS base
      FROM voucher_lines WHERE company_id = ? AND currency != ? AND ${within.sql} GROUP BY account_code, store, currency`,
    args: [companyId, baseCurrency, ...within.args],
  })
}

/** Revaluation adjustments per account x store x currency, all periods or through `period`. */
export async function revaluationTotals(tx: Runner, companyId: number, through?: string): Promise<ResultSet> {
  if (through === undefined) return tx.execute({ sql: 'SELECT account_code, store, currency, SUM(adjustment_minor) AS total FROM fx_revaluations WHERE company_id = ? GROUP BY account_code, store, currency', args: [companyId] })
  return tx.execute({ sql: 'SELECT account_code, store, currency, SUM(adjustment_minor) AS total FROM fx_revaluations WHERE company_id = ? AND period <= ? GROUP BY account_code, store, currency', args: [companyId, through] })
}

export async function revaluationRounds(tx: Transaction, companyId: number, period: string): Promise<number> {
  const earlier = await tx.execute({ sql: "SELECT COUNT(*) AS n FROM vouchers WHERE company_id = ? AND (idempotency_key = ? OR idempotency_key LIKE ?)", args: [companyId, `fx-revaluation:${period}`, `fx-revaluation:${period}#%`] })
  return Number(earlier.rows[0]?.n ?? 0)
}

export async function upsertRevaluations(tx: Transaction, rows: InValue[][]): Promise<void> {
  // one row per account x store x currency and period holds the period's total adjustment, the latest rate and voucher
  const upsert = 'ON CONFLICT (company_id, period, account_code, store, currency) DO UPDATE SET adjustment_minor = adjustment_minor + excluded.adjustment_minor, rate = excluded.rate, voucher_id = excluded.voucher_id'
  for (const statement of multiRowInsert('INSERT INTO fx_revaluations (company_id, period, account_code, store, currency, rate, adjustment_minor, voucher_id) VALUES', 8, rows, ` ${upsert}`)) await tx.execute(statement)
}

export async function staleRevaluations(tx: Transaction, companyId: number, period: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT account_code, store, currency FROM fx_revaluations f WHERE company_id = ? AND period = ? AND NOT EXISTS (SELECT 1 FROM vouchers v WHERE v.id = f.voucher_id)', args: [companyId, period] })
}

export async function revaluationLines(tx: Transaction, companyId: number, period: string, account: string, store: string): Promise<ResultSet> {
  return tx.execute({
    sql: "SELECT l.voucher_id, l.side, l.amount_minor, l.summary FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.company_id = ? AND v.period = ? AND v.source_kind = 'revaluation' AND l.account_code = ? AND l.store = ? ORDER BY l.voucher_id",
    args: [companyId, period, account, store],
  })
}

export async function deleteRevaluation(tx: Transaction, companyId: number, period: string, account: string, store: string, currency: string): Promise<void> {
  await tx.execute({ sql: 'DELETE FROM fx_revaluations WHERE company_id = ? AND period = ? AND account_code = ? AND store = ? AND currency = ?', args: [companyId, period, account, store, currency] })
}

export async function setRevaluation(tx: Transaction, companyId: number, period: string, account: string, store: string, currency: string, adjustment: bigint, voucherId: number): Promise<void> {
  await tx.execute({ sql: 'UPDATE fx_revaluations SET adjustment_minor = ?, voucher_id = ? WHERE company_id = ? AND period = ? AND account_code = ? AND store = ? AND currency = ?', args: [adjustment, voucherId, companyId, period, account, store, currency] })
}

// ---- VAT month-end (vat-month-end.ts)

export async function storeVatRates(db: Database, companyId: number): Promise<ResultSet> {
  return db.client.execute({ sql: 'SELECT code, vat_rate FROM stores WHERE company_id = ?', args: [companyId] })
}

/** Debit-positive sum of voucher lines (every status) on accounts at or below `roots`, with an extra condition on `v`/`l`. */
export async function voucherLineSum(db: Database, companyId: number, roots: ReadonlyArray<string>, where: string, args: ReadonlyArray<string | number>): Promise<bigint> {
  const accounts = roots.map(() => '(l.account_code = ? OR l.account_code LIKE ?)').join(' OR ')
  const result = await db.client.execute({
    sql: `SELECT COALESCE(SUM(CASE WHEN l.side = 'debit' THEN l.amount_minor ELSE -l.amount_minor END), 0) AS net
      FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE l.company_id = ? AND (${accounts}) AND ${where}`,
    args: [companyId, ...roots.flatMap((root) => [root, `${root}.%`]), ...args],
  })
  return BigInt(Number(result.rows[0]?.net ?? 0))
}

export async function accountIsLeaf(tx: Transaction, companyId: number, code: string): Promise<boolean | null> {
  const parent = await tx.execute({ sql: 'SELECT is_leaf FROM accounts WHERE company_id = ? AND code = ?', args: [companyId, code] })
  return parent.rows.length === 0 ? null : Number(parent.rows[0]?.is_leaf) === 1
}

export async function insertAccountIfMissing(tx: Transaction, companyId: number, account: { code: string; name: string; nameEn: string; type: string; normalSide: string; parent: string | null }): Promise<void> {
  await tx.execute({ sql: 'INSERT OR IGNORE INTO accounts (company_id, code, name, name_en, type, normal_side, parent_code, is_leaf, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)', args: [companyId, account.code, account.name, account.nameEn, account.type, account.normalSide, account.parent] })
}
