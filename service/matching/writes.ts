import type { InValue, ResultSet, Transaction } from '@libsql/client'
import { multiRowInsert } from '../db/connection.ts'

/**
 * The matching area's write-side SQL (the run's persist step and the
 * decisions), moved here unchanged from run.ts and decisions.ts (data access
 * rule, docs/decisions.d/h-data.md); the read side is queries.ts. The callers
 * build the values (figures, hashes, keys); the column lists live here.
 */

export const FIGURE_COLUMNS = 'orders_count, orders_gross_minor, expected_minor, paid_minor, refunded_minor, fees_minor, payouts_minor, bank_received_minor, measured_minor'
const FIGURE_SET = FIGURE_COLUMNS.split(', ').map((column) => `${column} = ?`).join(', ')
/** Columns of exceptionValues() in run.ts, in its order. */
export const EXCEPTION_COLUMNS = `type, level, rule, why, channel, store, currency, period, date, order_key, amount_minor, difference_minor, required_role, content_hash, members_hash, ${FIGURE_COLUMNS}`

// ---- decision state (run.ts loadDecisionState)

/** Matches that carry posted money: linked as a match, or through one of their txn / bank items. */
export async function postedMatchIds(tx: Transaction, companyId: number): Promise<Set<number>> {
  const result = await tx.execute({
    sql: `SELECT DISTINCT i.match_id AS id FROM match_items i JOIN voucher_sources v ON v.company_id = i.company_id AND v.source_id = i.item_ref
          JOIN matches m ON m.id = i.match_id WHERE i.company_id = ? AND i.item_kind <> 'order' AND m.status <> 'unmatched'
          UNION SELECT CAST(source_id AS INTEGER) FROM voucher_sources WHERE company_id = ? AND source_kind = 'match'`,
    args: [companyId, companyId],
  })
  return new Set(result.rows.map((row) => Number(row.id)))
}

export async function liveMatchRows(tx: Transaction, companyId: number): Promise<ResultSet> {
  return tx.execute({ sql: "SELECT id, key, origin, decided_by, content_hash, level, order_key FROM matches WHERE company_id = ? AND status <> 'unmatched'", args: [companyId] })
}

export async function pinnedItemRefs(tx: Transaction, companyId: number, pinnedIds: ReadonlyArray<number>): Promise<ResultSet> {
  return tx.execute({ sql: `SELECT i.item_ref FROM match_items i JOIN matches m ON m.id = i.match_id WHERE m.company_id = ? AND m.status <> 'unmatched' AND (m.origin <> 'auto' OR m.decided_by IS NOT NULL OR m.id IN (${pinnedIds.map(() => '?').join(',')}))`, args: [companyId, ...pinnedIds] })
}

export async function rejectedMatchItemRows(tx: Transaction, companyId: number): Promise<ResultSet> {
  return tx.execute({ sql: "SELECT m.id, m.level, m.order_key, i.item_kind, i.item_ref, i.role FROM matches m JOIN match_items i ON i.match_id = m.id WHERE m.company_id = ? AND m.status = 'unmatched' AND m.decided_by IS NOT NULL AND m.origin = 'auto' ORDER BY m.id", args: [companyId] })
}

export async function storedExceptionRows(tx: Transaction, companyId: number): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT id, key, status, live, decided_by, content_hash, difference_minor, accepted_difference_minor FROM exceptions WHERE company_id = ?', args: [companyId] })
}

// ---- persisting a run (run.ts)

/** Replaces the items of a match or exception with `rows` (owner id, company, kind, ref, role, amount, currency). */
export async function replaceItems(tx: Transaction, table: 'match_items' | 'exception_items', ownerId: number, rows: InValue[][]): Promise<void> {
  const owner = table === 'match_items' ? 'match_id' : 'exception_id'
  await tx.execute({ sql: `DELETE FROM ${table} WHERE ${owner} = ?`, args: [ownerId] })
  for (const statement of multiRowInsert(`INSERT INTO ${table} (${owner}, company_id, item_kind, item_ref, role, amount_minor, currency) VALUES`, 7, rows)) await tx.execute(statement)
}

/** `values`: the 32 columns after company_id, in the statement's order. */
export async function insertMatchRow(tx: Transaction, companyId: number, values: InValue[]): Promise<number> {
  const inserted = await tx.execute({
    sql: `INSERT INTO matches (company_id, key, level, rule, why, confidence, status, origin, channel, store, currency, period, date, order_key, difference_minor, difference_account, content_hash, members_hash, ${FIGURE_COLUMNS}, decided_by, decided_at, decision_reason, created_at, updated_at)
          VALUES (${new Array(18 + 9 + 5).fill('?').join(',')}) RETURNING id`,
    args: [companyId, ...values],
  })
  return Number(inserted.rows[0]?.id)
}

/** `values`: rule … members_hash and the figures, in the statement's order. */
export async function updateMatchRow(tx: Transaction, id: number, values: InValue[], at: string): Promise<void> {
  await tx.execute({
    sql: `UPDATE matches SET rule = ?, why = ?, confidence = ?, status = ?, channel = ?, store = ?, currency = ?, period = ?, date = ?, order_key = ?, difference_minor = ?, difference_account = ?, content_hash = ?, members_hash = ?, ${FIGURE_SET}, updated_at = ? WHERE id = ?`,
    args: [...values, at, id],
  })
}

export async function insertExceptionEvent(tx: Transaction, values: { exceptionId: number; companyId: number; at: string; actorId: number | null; action: string; fromStatus: string | null; toStatus: string; reason: string; payloadJson: string }): Promise<void> {
  await tx.execute({
    sql: 'INSERT INTO exception_events (exception_id, company_id, at, actor_id, action, from_status, to_status, reason, payload_json) VALUES (?,?,?,?,?,?,?,?,?)',
    args: [values.exceptionId, values.companyId, values.at, values.actorId, values.action, values.fromStatus, values.toStatus, values.reason, values.payloadJson],
  })
}

/** Opens a resolved exception again with new values (EXCEPTION_COLUMNS) and clears its decision. */
export async function reopenExceptionRow(tx: Transaction, id: number, values: InValue[], at: string): Promise<void> {
  await tx.execute({
    sql: `UPDATE exceptions SET status = 'open', live = 1, ${EXCEPTION_COLUMNS.split(', ').map((column) => `${column} = ?`).join(', ')}, decided_by = NULL, decided_at = NULL, decision_reason = NULL, accepted_difference_minor = NULL, accepted_account = NULL, updated_at = ? WHERE id = ?`,
    args: [...values, at, id],
  })
}

export async function supersedeMatch(tx: Transaction, id: number, at: string): Promise<void> {
  await tx.execute({ sql: "UPDATE matches SET status = 'unmatched', decision_reason = 'superseded by a re-run', updated_at = ? WHERE id = ?", args: [at, id] })
}

export async function insertExceptionRow(tx: Transaction, companyId: number, key: string, status: string, values: InValue[], at: string): Promise<number> {
  const inserted = await tx.execute({ sql: `INSERT INTO exceptions (company_id, key, status, live, ${EXCEPTION_COLUMNS}, created_at, updated_at) VALUES (${new Array(4 + 15 + 9 + 2).fill('?').join(',')}) RETURNING id`, args: [companyId, key, status, 1, ...values, at, at] })
  return Number(inserted.rows[0]?.id)
}

export async function updateExceptionRow(tx: Transaction, id: number, status: string, values: InValue[], at: string): Promise<void> {
  await tx.execute({ sql: `UPDATE exceptions SET status = ?, live = 1, ${EXCEPTION_COLUMNS.split(', ').map((column) => `${column} = ?`).join(', ')}, updated_at = ? WHERE id = ?`, args: [status, ...values, at, id] })
}

export async function clearExceptionRow(tx: Transaction, id: number, at: string): Promise<void> {
  await tx.execute({ sql: "UPDATE exceptions SET live = 0, status = 'resolved', decision_reason = 'cleared: no longer applies after re-match', decided_at = ?, updated_at = ? WHERE id = ?", args: [at, at, id] })
}

export async function retireExceptionRow(tx: Transaction, id: number, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE exceptions SET live = 0, updated_at = ? WHERE id = ?', args: [at, id] })
}

// ---- decisions (decisions.ts)

export async function liveHoldersOf(tx: Transaction, companyId: number, refs: ReadonlyArray<string>): Promise<ResultSet> {
  return tx.execute({ sql: `SELECT DISTINCT m.id, m.origin, m.decided_by FROM match_items i JOIN matches m ON m.id = i.match_id WHERE m.company_id = ? AND m.status <> 'unmatched' AND i.item_ref IN (${refs.map(() => '?').join(',')})`, args: [companyId, ...refs] })
}

export async function supersedeByManual(tx: Transaction, companyId: number, matchKey: string, at: string): Promise<void> {
  await tx.execute({ sql: "UPDATE matches SET status = 'unmatched', decision_reason = 'superseded by a manual match', updated_at = ? WHERE company_id = ? AND key = ? AND status <> 'unmatched'", args: [at, companyId, matchKey] })
}

export async function matchStatusRow(db: Pick<Transaction, 'execute'>, companyId: number, matchId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT id, status FROM matches WHERE company_id = ? AND id = ?', args: [companyId, matchId] })
}

/** Posted, unreversed vouchers of a match: linked as the match or through its txn / bank items. */
export async function postedVouchersOfMatch(db: Pick<Transaction, 'execute'>, companyId: number, matchId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT DISTINCT v.id FROM vouchers v JOIN voucher_sources s ON s.voucher_id = v.id WHERE v.company_id = ? AND v.status = 'posted' AND v.reversed_by IS NULL AND v.reversal_of IS NULL
          AND ((s.source_kind = 'match' AND s.source_id = ?) OR s.source_id IN (SELECT item_ref FROM match_items WHERE match_id = ? AND item_kind <> 'order')) ORDER BY v.id`,
    args: [companyId, String(matchId), matchId],
  })
}

export async function decideMatchRow(tx: Transaction, matchId: number, status: 'unmatched' | 'confirmed', actorId: number, reason: string, at: string): Promise<void> {
  if (status === 'unmatched') await tx.execute({ sql: "UPDATE matches SET status = 'unmatched', decided_by = ?, decided_at = ?, decision_reason = ?, updated_at = ? WHERE id = ?", args: [actorId, at, reason, at, matchId] })
  else await tx.execute({ sql: "UPDATE matches SET status = 'confirmed', decided_by = ?, decided_at = ?, decision_reason = ?, updated_at = ? WHERE id = ?", args: [actorId, at, reason, at, matchId] })
}

export async function exceptionRow(tx: Transaction, companyId: number, exceptionId: number): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT * FROM exceptions WHERE company_id = ? AND id = ?', args: [companyId, exceptionId] })
}

export async function decideExceptionRow(tx: Transaction, exceptionId: number, values: { status: string; actorId: number; reason: string; accepted: bigint | null; account: string | null }, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE exceptions SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, accepted_difference_minor = ?, accepted_account = ?, updated_at = ? WHERE id = ?', args: [values.status, values.actorId, at, values.reason, values.accepted, values.account, at, exceptionId] })
}

export async function exceptionItemRows(tx: Transaction, exceptionId: number): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT item_kind, item_ref FROM exception_items WHERE exception_id = ?', args: [exceptionId] })
}
