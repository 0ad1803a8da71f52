import type { Client, ResultSet, Row, Transaction } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type CandidateFit, type SummaryEntry, type SummaryRow, ageInDays, keyProbe, parseMatchingSettings, rankCandidates, summarize } from '../../shared/matching/index.ts'
import { type Minor, formatAmount, isCurrency, parseAmount } from '../../shared/money.ts'
import { getCompany } from '../ledger/company.ts'
import { type LedgerContext, isoNow } from '../ledger/context.ts'
import type { SummaryRowDto } from '../../shared/api/match.ts'

/**
 * Read side of matching: counts, lists, one exception with its history, and the reconciliation summary;
 * and the imported records the engine reads (load.ts). The write side's SQL is writes.ts.
 */
export interface Scope {
  readonly period?: string
  readonly store?: string
}

function scopeSql(scope: Scope, alias = ''): { sql: string; args: string[] } {
  const parts: string[] = []
  const args: string[] = []
  if (scope.period !== undefined) {
    parts.push(`${alias}period = ?`)
    args.push(scope.period)
  }
  if (scope.store !== undefined) {
    parts.push(`${alias}store = ?`)
    args.push(scope.store)
  }
  return { sql: parts.map((part) => ` AND ${part}`).join(''), args }
}

export interface MatchCounts {
  matches: Record<string, number>
  matchesByRule: Record<string, number>
  exceptions: Record<string, number>
  openByType: Record<string, number>
}

export async function matchCounts(context: LedgerContext, companyId: number, scope: Scope = {}): Promise<MatchCounts> {
  const where = scopeSql(scope)
  const matchRows = await context.db.client.execute({ sql: `SELECT status, rule, COUNT(*) AS n FROM matches WHERE company_id = ?${where.sql} GROUP BY status, rule ORDER BY status, rule`, args: [companyId, ...where.args] })
  const exceptionRows = await context.db.client.execute({ sql: `SELECT status, type, COUNT(*) AS n FROM exceptions WHERE company_id = ? AND (live = 1 OR decided_by IS NOT NULL)${where.sql} GROUP BY status, type ORDER BY status, type`, args: [companyId, ...where.args] })
  const counts: MatchCounts = { matches: { suggested: 0, confirmed: 0, unmatched: 0 }, matchesByRule: {}, exceptions: { open: 0, resolved: 0, ignored: 0 }, openByType: {} }
  for (const row of matchRows.rows) {
    const status = String(row.status)
    counts.matches[status] = (counts.matches[status] ?? 0) + Number(row.n)
    if (status !== 'unmatched') counts.matchesByRule[String(row.rule)] = (counts.matchesByRule[String(row.rule)] ?? 0) + Number(row.n)
  }
  for (const row of exceptionRows.rows) {
    const status = String(row.status)
    counts.exceptions[status] = (counts.exceptions[status] ?? 0) + Number(row.n)
    if (status === 'open') counts.openByType[String(row.type)] = Number(row.n)
  }
  return counts
}

export interface ExceptionView {
  id: number
  type: string
  status: string
  level: string
  rule: string
  why: string
  channel: string
  store: string
  currency: string
  period: string
  date: string
  ageDays: number
  orderKey: string | null
  amount: string
  difference: string
  /** the difference a person accepted when resolving; null while open, ignored, or resolved by the system */
  acceptedDifference: string | null
  /** the account a person chose for the accepted difference (resolve), else null */
  acceptedAccount: string | null
  requiredRole: string | null
  decidedBy: number | null
  decidedAt: string | null
  decisionReason: string | null
  live: boolean
}

function toView(row: Row, today: string): ExceptionView {
  const currency = String(row.currency)
  return {
    id: Number(row.id), type: String(row.type), status: String(row.status), level: String(row.level), rule: String(row.rule), why: String(row.why), channel: String(row.channel),
    store: String(row.store), currency, period: String(row.period), date: String(row.date), ageDays: ageInDays(String(row.date), today), orderKey: row.order_key === null ? null : String(row.order_key),
    amount: formatAmount(BigInt(row.amount_minor as number), currency), difference: formatAmount(BigInt(row.difference_minor as number), currency),
    acceptedDifference: row.accepted_difference_minor === null || row.accepted_difference_minor === undefined ? null : formatAmount(BigInt(row.accepted_difference_minor as number), currency),
    acceptedAccount: row.accepted_account === null || row.accepted_account === undefined ? null : String(row.accepted_account),
    requiredRole: row.required_role === null ? null : String(row.required_role), decidedBy: row.decided_by === null ? null : Number(row.decided_by),
    decidedAt: row.decided_at === null ? null : String(row.decided_at), decisionReason: row.decision_reason === null ? null : String(row.decision_reason), live: Number(row.live) === 1,
  }
}

export interface ExceptionQuery extends Scope {
  readonly status?: string
  readonly type?: string
  readonly limit?: number
}

/** Exceptions the latest run produced, plus decided ones; newest first. */
export async function listExceptions(context: LedgerContext, companyId: number, query: ExceptionQuery = {}): Promise<ExceptionView[]> {
  const where = scopeSql(query)
  const parts = [where.sql]
  const args: Array<string | number> = [companyId, ...where.args]
  if (query.status !== undefined) {
    parts.push(' AND status = ?')
    args.push(query.status)
  }
  if (query.type !== undefined) {
    parts.push(' AND type = ?')
    args.push(query.type)
  }
  args.push(query.limit ?? 1000)
  const result = await context.db.client.execute({ sql: `SELECT * FROM exceptions WHERE company_id = ? AND (live = 1 OR decided_by IS NOT NULL)${parts.join('')} ORDER BY date DESC, id DESC LIMIT ?`, args })
  const today = isoNow(context).slice(0, 10)
  return result.rows.map((row) => toView(row, today))
}

export interface ExceptionItemView { kind: string; ref: string; role: string; amount: string }

/** A record offered for a manual match of an exception (see exceptionCandidates). */
export interface CandidateView {
  /** `settlementTxn` for an order's exception, `order` for money without an order. */
  kind: 'order' | 'settlementTxn'
  /** Natural key: what `match manual` takes for a txn (`alipay|2088…|payment`). */
  ref: string
  /** The txn kind (payment, refund, fee …) or `order`. */
  role: string
  /** An order's number: what `match manual <order>` takes. Null for a txn. */
  orderNo: string | null
  /** The order reference a txn carries (as imported), null when none. Null for an order. */
  orderRef: string | null
  channel: string
  store: string
  date: string
  /** A txn's amount, or the money an order expects (gross - refunded; 0 when cancelled or closed). */
  amount: string
  /** What fits: `key` (related order numbers), `amount` (the missing money within the company tolerance). */
  fits: CandidateFit[]
  /** How far the amount is from the missing money. */
  off: string
  /** Days from the exception's date to the candidate's. */
  days: number
}

export async function getException(context: LedgerContext, companyId: number, id: number): Promise<ExceptionView & { items: ExceptionItemView[]; events: Array<{ at: string; actorId: number | null; action: string; from: string | null; to: string; reason: string }>; candidates: CandidateView[] }> {
  const row = (await context.db.client.execute({ sql: 'SELECT * FROM exceptions WHERE company_id = ? AND id = ?', args: [companyId, id] })).rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no exception #${id}`)
  const items = await context.db.client.execute({ sql: 'SELECT item_kind, item_ref, role, amount_minor, currency FROM exception_items WHERE exception_id = ? ORDER BY item_ref', args: [id] })
  const events = await context.db.client.execute({ sql: 'SELECT at, actor_id, action, from_status, to_status, reason FROM exception_events WHERE exception_id = ? ORDER BY id', args: [id] })
  const view = toView(row, isoNow(context).slice(0, 10))
  const itemViews = items.rows.map((item) => ({ kind: String(item.item_kind), ref: String(item.item_ref), role: String(item.role), amount: formatAmount(BigInt(item.amount_minor as number), String(item.currency)) }))
  return {
    ...view,
    items: itemViews,
    events: events.rows.map((event) => ({ at: String(event.at), actorId: event.actor_id === null ? null : Number(event.actor_id), action: String(event.action), from: event.from_status === null ? null : String(event.from_status), to: String(event.to_status), reason: String(event.reason) })),
    candidates: await exceptionCandidates(context, companyId, row, itemViews),
  }
}

const CANDIDATE_TYPES: ReadonlySet<string> = new Set(['MISSING_PAYMENT', 'ORPHAN_PAYMENT', 'AMOUNT_MISMATCH'])
/** Days a counterpart may lie on the "wrong" side of the exception's date (money a little before its order, an order a little after its money). */
const SLACK_DAYS = 3
/** Rows read per exception at most (nearest dates first) before ranking. */
const CANDIDATE_SCAN = 2000
const MAX_CANDIDATES = 10

function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

/** Not an item of a live (suggested or confirmed) match: records a match already explains are not offered. */
const NOT_MATCHED = (kind: 'order' | 'settlementTxn', ref: string) =>
  `NOT EXISTS (SELECT 1 FROM match_items i JOIN matches m ON m.id = i.match_id WHERE i.company_id = ? AND i.item_kind = '${kind}' AND i.item_ref = ${ref} AND m.status <> 'unmatched')`

/**
 * Counterparts for a manual match of an open order-level MISSING_PAYMENT,
 * ORPHAN_PAYMENT or AMOUNT_MISMATCH exception, best first, at most 10
 * (shared/matching/candidates.ts ranks them): for an exception with an order,
 * settlement txns (not payouts) carrying the missing money (-difference) or a
 * related order reference; for money without an order, orders expecting that
 * money (+difference) or with a related number. Same store and currency, not in
 * a live match, not already in the exception; dated from 3 days before to
 * `missingPaymentDays` after the order (txns), or from `missingPaymentDays`
 * before to 3 days after the money (orders). Other exceptions: none.
 */
async function exceptionCandidates(context: LedgerContext, companyId: number, row: Row, items: ReadonlyArray<ExceptionItemView>): Promise<CandidateView[]> {
  if (String(row.status) !== 'open' || String(row.level) !== 'order' || !CANDIDATE_TYPES.has(String(row.type))) return []
  const settings = parseMatchingSettings((await getCompany(context, companyId)).settings.matching)
  const currency = String(row.currency)
  const tolerance = isCurrency(currency) ? parseAmount(settings.tolerance.amount, currency) as bigint : 0n
  const difference = BigInt(row.difference_minor as number)
  const date = String(row.date)
  const key = row.order_key === null ? '' : String(row.order_key)
  const probe = keyProbe(key)
  const wantsOrders = !items.some((item) => item.kind === 'order')
  const target = { key, amount: wantsOrders ? difference : -difference, tolerance, date }
  const own = new Set(items.map((item) => item.ref))
  const window = settings.missingPaymentDays
  const common = [companyId, String(row.store), currency]
  const amountArgs = [target.amount - tolerance, target.amount + tolerance, probe, probe]
  if (wantsOrders) {
    const expected = "(CASE WHEN o.status IN ('cancelled', 'closed') THEN 0 ELSE o.gross_minor - o.refunded_minor END)"
    const ref = "o.channel || '|' || o.order_no || '|order'"
    const rows = await context.db.client.execute({
      sql: `SELECT o.channel, o.store, o.order_no, o.created_at, o.currency, ${expected} AS expected_minor FROM orders o
        WHERE o.company_id = ? AND o.store = ? AND o.currency = ? AND o.created_at >= ? AND o.created_at < ?
          AND (${expected} BETWEEN ? AND ? OR (? <> '' AND instr(o.order_no, ?) > 0)) AND ${NOT_MATCHED('order', ref)}
        ORDER BY abs(julianday(substr(o.created_at, 1, 10)) - julianday(?)), o.id LIMIT ${CANDIDATE_SCAN}`,
      args: [...common, shiftDate(date, -window), shiftDate(date, SLACK_DAYS + 1), ...amountArgs, companyId, date.slice(0, 10)],
    })
    const inputs = rows.rows.map((order) => ({ item: order, ref: `${String(order.channel)}|${String(order.order_no)}|order`, key: String(order.order_no), amount: BigInt(order.expected_minor as number), date: String(order.created_at) }))
    return rankCandidates(target, inputs.filter((input) => !own.has(input.ref)), MAX_CANDIDATES).map(({ item, ref, fits, off, days }) => ({
      kind: 'order', ref, role: 'order', orderNo: String(item.order_no), orderRef: null, channel: String(item.channel), store: String(item.store), date: String(item.created_at).slice(0, 10),
      amount: formatAmount(BigInt(item.expected_minor as number), currency), fits, off: formatAmount(off, currency), days,
    }))
  }
  const reference = "coalesce(nullif(t.order_ref, ''), t.trade_no, '')"
  const ref = "t.channel || '|' || t.external_id || '|' || t.kind"
  const rows = await context.db.client.execute({
    sql: `SELECT t.channel, t.store, t.external_id, t.kind, t.occurred_at, t.amount_minor, t.order_ref, ${reference} AS reference FROM settlement_txns t
      WHERE t.company_id = ? AND t.store = ? AND t.currency = ? AND t.occurred_at >= ? AND t.occurred_at < ? AND t.kind <> 'payout'
        AND (t.amount_minor BETWEEN ? AND ? OR (? <> '' AND instr(${reference}, ?) > 0)) AND ${NOT_MATCHED('settlementTxn', ref)}
      ORDER BY abs(julianday(substr(t.occurred_at, 1, 10)) - julianday(?)), t.id LIMIT ${CANDIDATE_SCAN}`,
    args: [...common, shiftDate(date, -SLACK_DAYS), shiftDate(date, window + 1), ...amountArgs, companyId, date.slice(0, 10)],
  })
  const inputs = rows.rows.map((txn) => ({ item: txn, ref: `${String(txn.channel)}|${String(txn.external_id)}|${String(txn.kind)}`, key: String(txn.reference), amount: BigInt(txn.amount_minor as number), date: String(txn.occurred_at) }))
  return rankCandidates(target, inputs.filter((input) => !own.has(input.ref)), MAX_CANDIDATES).map(({ item, ref, fits, off, days }) => ({
    kind: 'settlementTxn', ref, role: String(item.kind), orderNo: null, orderRef: item.order_ref === null ? null : String(item.order_ref), channel: String(item.channel), store: String(item.store),
    date: String(item.occurred_at).slice(0, 10), amount: formatAmount(BigInt(item.amount_minor as number), currency), fits, off: formatAmount(off, currency), days,
  }))
}

export interface MatchView {
  id: number
  key: string
  level: string
  rule: string
  why: string
  status: string
  origin: string
  confidence: number
  store: string
  period: string
  currency: string
  difference: string
  differenceAccount: string | null
  items: Array<{ kind: string; ref: string; role: string; amount: string }>
}

export async function listMatches(context: LedgerContext, companyId: number, query: Scope & { status?: string; limit?: number } = {}): Promise<MatchView[]> {
  const where = scopeSql(query)
  const args: Array<string | number> = [companyId, ...where.args]
  let status = " AND status <> 'unmatched'"
  if (query.status !== undefined) {
    status = ' AND status = ?'
    args.push(query.status)
  }
  args.push(query.limit ?? 1000)
  const rows = await context.db.client.execute({ sql: `SELECT * FROM matches WHERE company_id = ?${where.sql}${status} ORDER BY id LIMIT ?`, args })
  const ids = rows.rows.map((row) => Number(row.id))
  const items = ids.length === 0 ? { rows: [] } : await context.db.client.execute({ sql: `SELECT match_id, item_kind, item_ref, role, amount_minor, currency FROM match_items WHERE match_id IN (${ids.map(() => '?').join(',')}) ORDER BY item_ref`, args: ids })
  const byMatch = new Map<number, MatchView['items']>()
  for (const item of items.rows) {
    const list = byMatch.get(Number(item.match_id)) ?? []
    list.push({ kind: String(item.item_kind), ref: String(item.item_ref), role: String(item.role), amount: formatAmount(BigInt(item.amount_minor as number), String(item.currency)) })
    byMatch.set(Number(item.match_id), list)
  }
  return rows.rows.map((row) => ({
    id: Number(row.id), key: String(row.key), level: String(row.level), rule: String(row.rule), why: String(row.why), status: String(row.status), origin: String(row.origin), confidence: Number(row.confidence),
    store: String(row.store), period: String(row.period), currency: String(row.currency), difference: formatAmount(BigInt(row.difference_minor as number), String(row.currency)),
    differenceAccount: row.difference_account === null ? null : String(row.difference_account), items: byMatch.get(Number(row.id)) ?? [],
  }))
}

function entryOf(row: Row, outcome: 'match' | 'exception'): SummaryEntry {
  const m = (column: string) => BigInt(row[column] as number) as Minor
  return {
    outcome, status: String(row.status), store: String(row.store), period: String(row.period), currency: String(row.currency), recordedDifference: m('difference_minor'),
    figures: { ordersCount: Number(row.orders_count), ordersGross: m('orders_gross_minor'), expected: m('expected_minor'), paid: m('paid_minor'), refunded: m('refunded_minor'), fees: m('fees_minor'), payouts: m('payouts_minor'), bankReceived: m('bank_received_minor'), measured: m('measured_minor') },
  }
}

/**
 * Reconciliation summary per store x period x currency from the stored results
 * (for reports): orders, paid, refunded, fees, payouts, bank received, the
 * difference and what explains it. `unexplained` is 0 unless something is wrong.
 * @example const rows = await reconciliationSummary(context, company.id, { period: '2026-10' })
 */
export async function reconciliationSummary(context: LedgerContext, companyId: number, scope: Scope = {}): Promise<SummaryRow[]> {
  const where = scopeSql(scope)
  const columns = 'status, store, period, currency, difference_minor, orders_count, orders_gross_minor, expected_minor, paid_minor, refunded_minor, fees_minor, payouts_minor, bank_received_minor, measured_minor'
  const matchRows = await context.db.client.execute({ sql: `SELECT ${columns} FROM matches WHERE company_id = ? AND status <> 'unmatched'${where.sql}`, args: [companyId, ...where.args] })
  const exceptionRows = await context.db.client.execute({ sql: `SELECT ${columns} FROM exceptions WHERE company_id = ? AND live = 1${where.sql}`, args: [companyId, ...where.args] })
  return summarize([...matchRows.rows.map((row) => entryOf(row, 'match')), ...exceptionRows.rows.map((row) => entryOf(row, 'exception'))])
}

/** Decimal-string form of a summary row for JSON / CSV. */
export function summaryRowJson(row: SummaryRow): SummaryRowDto {
  const f = (value: bigint) => formatAmount(value, row.currency)
  return {
    store: row.store, period: row.period, currency: row.currency, orders: row.orders, ordersGross: f(row.ordersGross), paid: f(row.paid), refunded: f(row.refunded), fees: f(row.fees),
    payouts: f(row.payouts), bankReceived: f(row.bankReceived), difference: f(row.difference), explainedByTolerance: f(row.explainedByTolerance),
    explainedByOpenExceptions: f(row.explainedByOpenExceptions), acceptedByDecision: f(row.acceptedByDecision), unexplained: f(row.unexplained), openExceptions: row.openExceptions,
  }
}

/** The company's imported orders, order lines, settlement and bank txns, for the engine (load.ts maps them). */
export async function companyRecordRows(db: Client | Transaction, companyId: number): Promise<[ResultSet, ResultSet, ResultSet, ResultSet]> {
  return Promise.all([
    db.execute({ sql: 'SELECT * FROM orders WHERE company_id = ?', args: [companyId] }),
    db.execute({ sql: 'SELECT order_no, sub_order_no, channel, store, currency, status, status_raw, amount_minor, source_hash, source_sheet, source_row FROM order_lines WHERE company_id = ?', args: [companyId] }),
    db.execute({ sql: 'SELECT * FROM settlement_txns WHERE company_id = ?', args: [companyId] }),
    db.execute({ sql: 'SELECT * FROM bank_txns WHERE company_id = ?', args: [companyId] }),
  ])
}
