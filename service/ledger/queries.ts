import type { Client, InValue, ResultSet, Transaction } from '@libsql/client'
import { and, asc, eq } from 'drizzle-orm'
import { type Database, multiRowInsert } from '../db/connection.ts'
import { stores, taxRates } from '../db/schema/index.ts'

/**
 * The ledger area's SQL outside the voucher write path and the balances table
 * (those keep their designated modules: ledger/vouchers/*, ledger/balances.ts,
 * ledger/audit.ts). Moved here unchanged (data access rule,
 * docs/decisions.d/h-data.md); callers map the rows. One-table reads outside
 * a transaction use drizzle's query builder (tax codes, suppliers).
 */
type Runner = Pick<Client, 'execute'> | Transaction

// ---- company settings (companies.settings_json)

export async function companySettingsRow(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT settings_json FROM companies WHERE id = ?', args: [companyId] })
}

export async function setCompanySettingsJson(tx: Transaction, companyId: number, settingsJson: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE companies SET settings_json = ? WHERE id = ?', args: [settingsJson, companyId] })
}

// ---- companies and the chart (company.ts)

export async function companyIdByCode(tx: Runner, code: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT id FROM companies WHERE code = ?', args: [code] })
}

export async function insertCompany(tx: Transaction, values: { code: string; name: string; baseCurrency: string; taxpayerType: string; chartTemplate: string; createdAt: string }): Promise<number> {
  const inserted = await tx.execute({
    sql: 'INSERT INTO companies (code, name, base_currency, taxpayer_type, chart_template, settings_json, created_at) VALUES (?,?,?,?,?,?,?) RETURNING id',
    args: [values.code, values.name, values.baseCurrency, values.taxpayerType, values.chartTemplate, '{}', values.createdAt],
  })
  return Number(inserted.rows[0]?.id)
}

export async function insertAccounts(tx: Transaction, rows: InValue[][]): Promise<void> {
  for (const statement of multiRowInsert('INSERT INTO accounts (company_id, code, name, name_en, type, normal_side, parent_code, is_leaf) VALUES', 8, rows)) await tx.execute(statement)
}

export async function companyRow(db: Runner, idOrCode: number | string): Promise<ResultSet> {
  return typeof idOrCode === 'number'
    ? db.execute({ sql: 'SELECT * FROM companies WHERE id = ?', args: [idOrCode] })
    : db.execute({ sql: 'SELECT * FROM companies WHERE code = ?', args: [idOrCode] })
}

export async function companyRows(db: Runner): Promise<ResultSet> {
  return db.execute('SELECT * FROM companies ORDER BY code')
}

export async function chartVersionRow(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT chart_version FROM companies WHERE id = ?', args: [companyId] })
}

/** The active chart and the company's chart_version in one read (a company without accounts gives one row with code NULL). */
export async function chartRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT c.chart_version, a.code, a.name, a.name_en, a.type, a.normal_side, a.parent_code, a.is_leaf
      FROM companies c LEFT JOIN accounts a ON a.company_id = c.id AND a.active = 1 WHERE c.id = ? ORDER BY a.code`,
    args: [companyId],
  })
}

/** Codes of the company's suppliers (stores of channel 'supplier'), for the supplier check's cache (company.ts loadSupplierCodes). */
export async function supplierCodeRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT code FROM stores WHERE company_id = ? AND channel = ? ORDER BY code', args: [companyId, 'supplier'] })
}

// ---- the store registry (stores.ts)

const STORE_COLUMNS = 'code, name, channel, vat_rate, bank_account, overrides_json, created_at'

/** Stores of a company (suppliers share the registry and are left out), by code. */
export async function storeRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: `SELECT ${STORE_COLUMNS} FROM stores WHERE company_id = ? AND channel != 'supplier' ORDER BY code`, args: [companyId] })
}

export async function storeRow(db: Runner, companyId: number, code: string): Promise<ResultSet> {
  return db.execute({ sql: `SELECT ${STORE_COLUMNS} FROM stores WHERE company_id = ? AND code = ?`, args: [companyId, code] })
}

export async function taxCodes(db: Database): Promise<string[]> {
  return (await db.orm.selectDistinct({ code: taxRates.code }).from(taxRates).orderBy(asc(taxRates.code))).map((row) => row.code)
}

export async function storeNameChannel(tx: Transaction, companyId: number, code: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT name, channel FROM stores WHERE company_id = ? AND code = ?', args: [companyId, code] })
}

export async function insertStore(tx: Transaction, companyId: number, store: { code: string; name: string; channel: string; taxCode: string | null; bankAccount: string | null; overridesJson: string; createdAt: string }): Promise<void> {
  await tx.execute({
    sql: `INSERT INTO stores (company_id, ${STORE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [companyId, store.code, store.name, store.channel, store.taxCode, store.bankAccount, store.overridesJson, store.createdAt],
  })
}

export async function updateStoreRow(tx: Transaction, companyId: number, code: string, store: { name: string; channel: string; taxCode: string | null; bankAccount: string | null; overridesJson: string }): Promise<void> {
  await tx.execute({
    sql: 'UPDATE stores SET name = ?, channel = ?, vat_rate = ?, bank_account = ?, overrides_json = ? WHERE company_id = ? AND code = ?',
    args: [store.name, store.channel, store.taxCode, store.bankAccount, store.overridesJson, companyId, code],
  })
}

/** An import's store on first use: no tax code, bank account or overrides. */
export async function insertImportStore(tx: Transaction, companyId: number, store: { code: string; name: string; channel: string }, at: string): Promise<void> {
  await tx.execute({ sql: `INSERT INTO stores (company_id, ${STORE_COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL, '{}', ?)`, args: [companyId, store.code, store.name, store.channel, at] })
}

/** Sets the given columns (`channel = ?`, `name = ?`) of a store. */
export async function patchStore(tx: Transaction, companyId: number, code: string, sets: ReadonlyArray<string>, args: ReadonlyArray<InValue>): Promise<void> {
  await tx.execute({ sql: `UPDATE stores SET ${sets.join(', ')} WHERE company_id = ? AND code = ?`, args: [...args, companyId, code] })
}

// ---- periods (periods.ts)

export async function periodRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT p.period, p.status, p.closed_at,
      (SELECT COUNT(*) FROM vouchers v WHERE v.company_id = p.company_id AND v.period = p.period) AS vouchers,
      (SELECT COUNT(*) FROM vouchers v WHERE v.company_id = p.company_id AND v.period = p.period AND v.status != 'posted') AS drafts
      FROM periods p WHERE p.company_id = ? ORDER BY p.period`,
    args: [companyId],
  })
}

export async function setPeriodStatus(tx: Transaction, companyId: number, period: string, status: 'open' | 'closed', closedBy: number | null, closedAt: string | null): Promise<void> {
  await tx.execute({ sql: 'INSERT OR IGNORE INTO periods (company_id, period, status) VALUES (?, ?, ?)', args: [companyId, period, 'open'] })
  await tx.execute({ sql: 'UPDATE periods SET status = ?, closed_by = ?, closed_at = ? WHERE company_id = ? AND period = ?', args: [status, closedBy, closedAt, companyId, period] })
}

export async function periodStatusRow(db: Runner, companyId: number, period: string): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT status FROM periods WHERE company_id = ? AND period = ?', args: [companyId, period] })
}

/** Unposted vouchers of the period outside `periodEndKinds` (an SQL list), the first `limit` with the total count. */
export async function draftRows(db: Runner, companyId: number, period: string, periodEndKinds: string, limit: number): Promise<ResultSet> {
  const where = `company_id = ? AND period = ? AND status != 'posted' AND source_kind NOT IN ${periodEndKinds}`
  return db.execute({
    sql: `SELECT id, date, word, status, summary, (SELECT COUNT(*) FROM vouchers WHERE ${where}) AS n FROM vouchers WHERE ${where} ORDER BY id LIMIT ?`,
    args: [companyId, period, companyId, period, limit],
  })
}

export async function pendingPeriodEndRows(db: Runner, companyId: number, period: string, periodEndKinds: string): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT v.id, v.date, v.word, v.status, v.source_kind, v.summary, v.total_minor, v.maker_id, u.username FROM vouchers v LEFT JOIN users u ON u.id = v.maker_id
      WHERE v.company_id = ? AND v.period = ? AND v.status != 'posted' AND v.source_kind IN ${periodEndKinds} ORDER BY v.id`,
    args: [companyId, period],
  })
}

export async function isCompanyAdmin(db: Runner, companyId: number, userId: number): Promise<boolean> {
  const result = await db.execute({ sql: "SELECT 1 FROM memberships WHERE company_id = ? AND user_id = ? AND role = 'admin'", args: [companyId, userId] })
  return result.rows.length > 0
}

export async function latestClosingVoucherId(db: Runner, companyId: number, period: string): Promise<number | null> {
  const result = await db.execute({ sql: "SELECT MAX(id) AS id FROM vouchers WHERE company_id = ? AND period = ? AND source_kind = 'closing' AND status = 'posted'", args: [companyId, period] })
  const id = result.rows[0]?.id
  return id === null || id === undefined ? null : Number(id)
}

// ---- bank accounts (banks.ts): sub-accounts of 1002 银行存款

export async function bankParentRow(tx: Transaction, companyId: number): Promise<ResultSet> {
  return tx.execute({ sql: "SELECT is_leaf FROM accounts WHERE company_id = ? AND code = '1002'", args: [companyId] })
}

export async function bankParentPostings(tx: Transaction, companyId: number): Promise<number> {
  const used = await tx.execute({ sql: "SELECT COUNT(*) AS n FROM voucher_lines WHERE company_id = ? AND account_code = '1002'", args: [companyId] })
  return Number(used.rows[0]?.n ?? 0)
}

export async function makeBankParentGroup(tx: Transaction, companyId: number): Promise<void> {
  await tx.execute({ sql: "UPDATE accounts SET is_leaf = 0 WHERE company_id = ? AND code = '1002'", args: [companyId] })
}

export async function bankSubAccountCodes(tx: Transaction, companyId: number): Promise<string[]> {
  const existing = await tx.execute({ sql: "SELECT code FROM accounts WHERE company_id = ? AND code LIKE '1002.__'", args: [companyId] })
  return existing.rows.map((row) => String(row.code))
}

export async function insertBankAccount(tx: Transaction, companyId: number, code: string, name: string): Promise<void> {
  await tx.execute({ sql: "INSERT INTO accounts (company_id, code, name, name_en, type, normal_side, parent_code, is_leaf, active) VALUES (?, ?, ?, ?, 'asset', 'debit', '1002', 1, 1)", args: [companyId, code, name, name] })
}

// ---- suppliers (suppliers.ts): rows of the store registry with the supplier channel

export async function supplierRows(db: Database, companyId: number, supplierChannel: string): Promise<Array<{ code: string; name: string }>> {
  return db.orm.select({ code: stores.code, name: stores.name }).from(stores).where(and(eq(stores.companyId, companyId), eq(stores.channel, supplierChannel))).orderBy(asc(stores.code))
}

export async function storeChannelRow(tx: Transaction, companyId: number, code: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT channel FROM stores WHERE company_id = ? AND code = ?', args: [companyId, code] })
}

export async function insertSupplier(tx: Transaction, companyId: number, code: string, name: string, supplierChannel: string, at: string): Promise<void> {
  await tx.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, overrides_json, created_at) VALUES (?, ?, ?, ?, '{}', ?)", args: [companyId, code, name, supplierChannel, at] })
}

// ---- voucher sources (sources.ts), journal export (export.ts), approvers (approval.ts)

export async function voucherOriginRow(db: Runner, companyId: number, voucherId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT period, source_kind, reversal_of FROM vouchers WHERE id = ? AND company_id = ?', args: [voucherId, companyId] })
}

export async function voucherSourceRows(db: Runner, companyId: number, voucherId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT source_kind, source_id FROM voucher_sources WHERE voucher_id = ? AND company_id = ? ORDER BY rowid', args: [voucherId, companyId] })
}

export async function voucherRevaluationRows(db: Runner, companyId: number, voucherId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT account_code, store, currency, rate FROM fx_revaluations WHERE voucher_id = ? AND company_id = ? ORDER BY account_code, store, currency', args: [voucherId, companyId] })
}

/** Posted vouchers after `afterId` (2000 a page), of one period or all. */
export async function postedVoucherPage(db: Runner, companyId: number, afterId: number, period: string | undefined): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT id, date, word, number, summary FROM vouchers WHERE company_id = ? AND status = 'posted' AND id > ? ${period ? 'AND period = ?' : ''} ORDER BY id LIMIT 2000`,
    args: period ? [companyId, afterId, period] : [companyId, afterId],
  })
}

export async function voucherLinesBetween(db: Runner, companyId: number, first: number, last: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT voucher_id, account_code, store, currency, side, amount_minor, original_minor, rate, summary FROM voucher_lines WHERE voucher_id BETWEEN ? AND ? AND company_id = ? ORDER BY voucher_id, line_no', args: [first, last, companyId] })
}

export async function memberRowsWithRoles(db: Runner, companyId: number, roles: ReadonlyArray<string>): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT u.id, u.username, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.company_id = ? AND m.role IN (${roles.map(() => '?').join(', ')}) ORDER BY u.id`,
    args: [companyId, ...roles],
  })
}

// ---- source records and search (source-records.ts): read-only drill-down

const ORDER_SQL = 'SELECT id, order_no, created_at, store, channel, gross_minor, currency, status_raw FROM orders'
const TXN_SQL = 'SELECT id, external_id, kind, occurred_at, store, channel, amount_minor, currency, order_ref, description FROM settlement_txns'
const BANK_SQL = 'SELECT id, external_id, account, occurred_at, amount_minor, currency, counterparty, memo, reference FROM bank_txns'
const VOUCHER_SQL = 'SELECT v.id, v.word, v.number, v.date, v.status, v.summary, v.total_minor AS total FROM vouchers v'

type Row = Record<string, unknown>

async function rows(db: Runner, sql: string, args: ReadonlyArray<string | number | bigint>): Promise<Row[]> {
  return (await db.execute({ sql, args: [...args] })).rows as unknown as Row[]
}

export async function orderRowsByNo(db: Runner, companyId: number, channel: string, orderNo: string): Promise<Row[]> {
  return rows(db, `${ORDER_SQL} WHERE company_id = ? AND channel = ? AND order_no = ?`, [companyId, channel, orderNo])
}

export async function settlementTxnRowsByKey(db: Runner, companyId: number, channel: string, externalId: string, kind: string): Promise<Row[]> {
  return rows(db, `${TXN_SQL} WHERE company_id = ? AND channel = ? AND external_id = ? AND kind = ?`, [companyId, channel, externalId, kind])
}

export async function bankTxnRowsByKey(db: Runner, companyId: number, account: string, externalId: string): Promise<Row[]> {
  return rows(db, `${BANK_SQL} WHERE company_id = ? AND account = ? AND external_id = ?`, [companyId, account, externalId])
}

export async function voucherRowById(db: Runner, companyId: number, voucherId: number): Promise<Row[]> {
  return rows(db, `${VOUCHER_SQL} WHERE v.company_id = ? AND v.id = ?`, [companyId, voucherId])
}

/**
 * Search: `op` is `= ?` or a LIKE with escape, `like` its argument, `amount` an
 * amount in minor units or null; `refLike` the LIKE pattern over voucher source ids.
 */
export async function searchRows(db: Runner, companyId: number, search: { op: string; like: string; refLike: string; amount: bigint | null; limit: number }): Promise<{ orders: Row[]; txns: Row[]; bank: Row[]; vouchers: Row[] }> {
  const { op, like, refLike, amount, limit } = search
  const orders = await rows(db, `${ORDER_SQL} WHERE company_id = ? AND (order_no ${op} OR payment_ref ${op}${amount === null ? '' : ' OR gross_minor = ?'}) ORDER BY created_at LIMIT ?`, [companyId, like, like, ...(amount === null ? [] : [amount]), limit])
  const txns = await rows(db, `${TXN_SQL} WHERE company_id = ? AND (order_ref ${op} OR trade_no ${op} OR external_id ${op}${amount === null ? '' : ' OR amount_minor IN (?, ?)'}) ORDER BY occurred_at LIMIT ?`, [companyId, like, like, like, ...(amount === null ? [] : [amount, -amount]), limit])
  const bank = await rows(db, `${BANK_SQL} WHERE company_id = ? AND (reference ${op} OR external_id ${op}${amount === null ? '' : ' OR amount_minor IN (?, ?)'}) ORDER BY occurred_at LIMIT ?`, [companyId, like, like, ...(amount === null ? [] : [amount, -amount]), limit])
  const vouchers = await rows(db, `${VOUCHER_SQL} WHERE v.company_id = ? AND (v.id IN (SELECT voucher_id FROM voucher_sources WHERE company_id = ? AND source_id LIKE ? ESCAPE '\\')${amount === null ? '' : ' OR v.total_minor = ?'}) ORDER BY v.date, v.id LIMIT ?`, [companyId, companyId, refLike, ...(amount === null ? [] : [amount]), limit])
  return { orders, txns, bank, vouchers }
}
