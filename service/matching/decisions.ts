import { LedgerError } from '../../shared/errors.ts'
import { type MatchResult, type MatchingSettings, figuresOf, groupKey, matchRecords, membersHash, normalizeKey, parseMatchingSettings } from '../../shared/matching/index.ts'
import type { Minor } from '../../shared/money.ts'
import { type Order, type OrderLine, type SettlementTxn, naturalKey } from '../../shared/records.ts'
import type { Role } from '../auth/permissions.ts'
import { appendAudit } from '../ledger/audit.ts'
import { getCompany, loadChart } from '../ledger/company.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { reverseVoucher } from '../ledger/vouchers.ts'
import { loadCompanyRecords } from './load.ts'
import { type RunCounts, addEvent, insertMatch, postedMatchIds, runMatching } from './run.ts'
import { decideExceptionRow, decideMatchRow, exceptionItemRows, exceptionRow, liveHoldersOf, matchStatusRow, postedVouchersOfMatch, supersedeByManual } from './writes.ts'

/**
 * A person's decisions: manual match, unmatch, confirm; resolve / ignore / approve
 * an exception. Each is audited (hash-chained audit log + exception_events) and
 * is an input to every later run, so a re-run never undoes it. Each re-runs
 * matching afterwards so the rest of the picture follows.
 */

function requireReason(reason: string | undefined): string {
  const text = (reason ?? '').trim()
  if (text === '') throw new LedgerError('VALIDATION', 'a reason is required (--reason)')
  return text.slice(0, 2000)
}

export interface ManualMatchInput {
  /** Order number as the user sees it (normalised like the engine does). */
  readonly order: string
  /** Settlement txns: natural key (`alipay|2088…|payment`) or external id (all kinds with that id). */
  readonly txns: ReadonlyArray<string>
  readonly reason?: string
  readonly asOf?: string
}

export async function manualMatch(context: LedgerContext, actor: Actor, companyId: number, input: ManualMatchInput): Promise<{ matchId: number; run: RunCounts }> {
  const reason = requireReason(input.reason ?? 'manual match')
  if (input.txns.length === 0) throw new LedgerError('VALIDATION', 'name at least one settlement txn')
  const at = isoNow(context)
  const records = await loadCompanyRecords(context.db.client, companyId)
  const key = normalizeKey(input.order)
  const orders = records.orders.filter((order) => normalizeKey(order.orderNo) === key)
  if (orders.length === 0) throw new LedgerError('NOT_FOUND', `no order ${input.order}`)
  if (orders.length > 1) throw new LedgerError('VALIDATION', `order number ${input.order} is ambiguous (${orders.length} orders); resolve the DUPLICATE_ORDER first`)
  const order = orders[0] as Order
  const txns: SettlementTxn[] = []
  for (const wanted of input.txns) {
    const found = records.settlements.filter((txn) => naturalKey({ kind: 'settlementTxn', record: txn }) === wanted || txn.externalId === wanted)
    if (found.length === 0) throw new LedgerError('NOT_FOUND', `no settlement txn ${wanted}`)
    for (const txn of found) if (!txns.includes(txn)) txns.push(txn)
  }
  const refs = [naturalKey({ kind: 'order', record: order }), ...txns.map((txn) => naturalKey({ kind: 'settlementTxn', record: txn }))]
  const matchId = await context.db.write(async (tx) => {
    const posted = await postedMatchIds(tx, companyId)
    const holders = await liveHoldersOf(tx, companyId, refs)
    for (const row of holders.rows) {
      const id = Number(row.id)
      if (String(row.origin) !== 'auto' || row.decided_by !== null || posted.has(id)) throw new LedgerError('INVALID_STATE', `a record is already in match #${id}, which a person decided or which is posted; unmatch it first`)
    }
    let paid = 0n
    for (const txn of txns) if (txn.kind === 'payment' || txn.kind === 'refund') paid += txn.amount
    const expected = order.status === 'cancelled' || order.status === 'closed' ? 0n : order.gross - order.refunded
    const group: MatchResult = {
      outcome: 'match', level: 'order', anchor: key, orders: [order], settlements: txns, bank: [], channel: order.channel, store: order.store, currency: order.currency,
      date: order.createdAt.slice(0, 10), difference: (paid - expected) as Minor, rule: 'manual', why: reason, confidence: 100, status: 'confirmed',
    }
    await supersedeByManual(tx, companyId, `order:${key}`, at)
    const id = await insertMatch(tx, companyId, group, 'manual', at, { actorId: actor.userId, reason })
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'match.manual', entity: 'match', entityId: String(id), payload: { order: refs[0], txns: refs.slice(1), reason, figures: figuresOf(group) } }])
    return id
  })
  return { matchId, run: await runMatching(context, actor, companyId, { asOf: input.asOf }) }
}

/** Takes a live match apart. A posted match has its vouchers reversed (红字冲销) first. */
export async function unmatch(context: LedgerContext, actor: Actor, companyId: number, matchId: number, reasonText: string | undefined, options: { asOf?: string } = {}): Promise<{ reversedVouchers: number[]; run: RunCounts }> {
  const reason = requireReason(reasonText)
  const row = (await matchStatusRow(context.db.client, companyId, matchId)).rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no match #${matchId}`)
  if (String(row.status) === 'unmatched') throw new LedgerError('INVALID_STATE', `match #${matchId} is already unmatched`)
  const vouchers = await postedVouchersOfMatch(context.db.client, companyId, matchId)
  const reversedVouchers: number[] = []
  for (const voucher of vouchers.rows) {
    const result = await reverseVoucher(context, actor, companyId, Number(voucher.id))
    reversedVouchers.push(result.id)
  }
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    await decideMatchRow(tx, matchId, 'unmatched', actor.userId ?? 0, reason, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'match.unmatch', entity: 'match', entityId: String(matchId), payload: { reason, reversedVouchers } }])
  })
  return { reversedVouchers, run: await runMatching(context, actor, companyId, options) }
}

/** Confirms a suggested match: from now on it is pinned. */
export async function confirmMatch(context: LedgerContext, actor: Actor, companyId: number, matchId: number, reasonText?: string): Promise<void> {
  const reason = (reasonText ?? '').trim() || 'confirmed'
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    const row = (await matchStatusRow(tx, companyId, matchId)).rows[0]
    if (!row) throw new LedgerError('NOT_FOUND', `no match #${matchId}`)
    if (String(row.status) === 'unmatched') throw new LedgerError('INVALID_STATE', `match #${matchId} is unmatched`)
    await decideMatchRow(tx, matchId, 'confirmed', actor.userId ?? 0, reason, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'match.confirm', entity: 'match', entityId: String(matchId), payload: { reason } }])
  })
}

export type ExceptionDecision = 'resolve' | 'ignore' | 'approve'
const TARGET: Record<ExceptionDecision, 'resolved' | 'ignored'> = { resolve: 'resolved', ignore: 'ignored', approve: 'resolved' }

/**
 * resolve / ignore an open exception, or approve a NEEDS_APPROVAL one (the role the
 * rule named, or admin). Approval turns the held group into a confirmed match.
 */
export async function decideException(context: LedgerContext, actor: Actor & { role?: Role }, companyId: number, exceptionId: number, decision: ExceptionDecision, reasonText: string | undefined, options: { account?: string } = {}): Promise<{ status: string; matchId?: number; account?: string }> {
  const reason = requireReason(reasonText)
  // The account a resolved difference is booked to, when the person chose one: a leaf of the chart, resolve only.
  const account = options.account?.trim() || undefined
  if (account !== undefined) {
    if (decision !== 'resolve') throw new LedgerError('VALIDATION', 'an account is chosen only when resolving a difference')
    const chosen = (await loadChart(context, companyId)).get(account)
    if (!chosen) throw new LedgerError('UNKNOWN_ACCOUNT', `account ${account} is not in the chart`)
    if (!chosen.isLeaf) throw new LedgerError('NON_LEAF_ACCOUNT', `account ${account} has sub-accounts; choose a leaf account`)
  }
  const at = isoNow(context)
  const records = decision === 'approve' ? await loadCompanyRecords(context.db.client, companyId) : null
  const settings = decision === 'approve' ? parseMatchingSettings((await getCompany(context, companyId)).settings.matching) : null
  return context.db.write(async (tx) => {
    const row = (await exceptionRow(tx, companyId, exceptionId)).rows[0]
    if (!row) throw new LedgerError('NOT_FOUND', `no exception #${exceptionId}`)
    const from = String(row.status)
    if (from !== 'open') throw new LedgerError('INVALID_STATE', `exception #${exceptionId} is ${from}, not open`)
    let matchId: number | undefined
    if (decision === 'approve') {
      if (String(row.type) !== 'NEEDS_APPROVAL') throw new LedgerError('INVALID_STATE', `exception #${exceptionId} is ${String(row.type)}; only NEEDS_APPROVAL is approved (resolve or ignore the others)`)
      const required = row.required_role === null ? 'approver' : String(row.required_role)
      if (actor.role !== undefined && actor.role !== 'admin' && actor.role !== required) throw new LedgerError('FORBIDDEN', `this approval needs the ${required} role; you are ${actor.role}`)
      matchId = await approvedMatch(tx, companyId, row, records, settings, at, actor, reason)
    }
    const to = TARGET[decision]
    // A resolution accepts the difference as it is now: posting books only this figure, and a run that finds another reopens the exception.
    const accepted = to === 'resolved' ? BigInt(row.difference_minor as number) : null
    if (account !== undefined && String(row.type) !== 'AMOUNT_MISMATCH') throw new LedgerError('VALIDATION', `exception #${exceptionId} is ${String(row.type)}; an account is chosen only for an AMOUNT_MISMATCH`)
    await decideExceptionRow(tx, exceptionId, { status: to, actorId: actor.userId ?? 0, reason, accepted, account: account ?? null }, at)
    const payload = { ...(matchId === undefined ? {} : { matchId }), ...(accepted === null ? {} : { acceptedDifference: accepted }), ...(account === undefined ? {} : { account }) }
    await addEvent(tx, companyId, exceptionId, at, actor.userId, decision === 'approve' ? 'approved' : decision === 'resolve' ? 'resolved' : 'ignored', from, to, reason, payload)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: `exception.${decision}`, entity: 'exception', entityId: String(exceptionId), payload: { from, to, reason, type: String(row.type), matchId, ...(accepted === null ? {} : { acceptedDifference: accepted.toString() }), ...(account === undefined ? {} : { account }) } }])
    return { status: to, ...(matchId === undefined ? {} : { matchId }), ...(account === undefined ? {} : { account }) }
  })
}

/**
 * The account the held match named for its difference (the company tolerance's), as
 * the engine gives it for the approved group: only an order-level match carries one.
 */
function differenceAccountOf(group: MatchResult, orderLines: ReadonlyArray<OrderLine>, settings: MatchingSettings | null, asOf: string): string | undefined {
  if (settings === null || group.level !== 'order' || group.orders.length === 0 || group.anchor.includes('+')) return undefined
  const orderKeys = new Set(group.orders.map((order) => normalizeKey(order.orderNo)))
  const output = matchRecords({
    orders: group.orders, orderLines: orderLines.filter((line) => orderKeys.has(normalizeKey(line.orderNo))), settlements: group.settlements, bank: [], asOf, settings,
    decisions: { approvals: new Map([[groupKey(group), membersHash(group)]]) },
  })
  return output.matches.find((match) => groupKey(match) === groupKey(group))?.differenceAccount
}

async function approvedMatch(tx: import('@libsql/client').Transaction, companyId: number, row: Record<string, unknown>, records: Awaited<ReturnType<typeof loadCompanyRecords>> | null, settings: MatchingSettings | null, at: string, actor: Actor, reason: string): Promise<number> {
  const items = await exceptionItemRows(tx, Number(row.id))
  const refs = new Set(items.rows.map((item) => String(item.item_ref)))
  const all = records ?? { orders: [], orderLines: [], settlements: [], bank: [] }
  const orders = all.orders.filter((order) => refs.has(naturalKey({ kind: 'order', record: order })))
  const settlements = all.settlements.filter((txn) => refs.has(naturalKey({ kind: 'settlementTxn', record: txn })))
  const bank = all.bank.filter((line) => refs.has(naturalKey({ kind: 'bankTxn', record: line })))
  const key = String(row.key)
  const level = String(row.level)
  const group: MatchResult = {
    outcome: 'match', level: level === 'payout' ? 'payout' : level === 'charge' ? 'charge' : 'order', anchor: key.slice(key.indexOf(':') + 1), orders, settlements, bank,
    channel: String(row.channel) as MatchResult['channel'], store: String(row.store), currency: String(row.currency), date: String(row.date), difference: BigInt(row.difference_minor as number) as Minor,
    rule: 'approved', why: `approved: ${reason}`, confidence: 100, status: 'confirmed',
  }
  const differenceAccount = group.difference === 0n ? undefined : differenceAccountOf(group, all.orderLines, settings, at.slice(0, 10))
  return insertMatch(tx, companyId, differenceAccount === undefined ? group : { ...group, differenceAccount }, 'approved', at, { actorId: actor.userId ?? 0, reason })
}
