import type { InValue, Transaction } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import {
  type ExceptionResult, type GroupResult, type MatchOutput, type MatchResult, contentHash, figuresOf, groupItems, groupKey, matchRecords, membersHash,
  parseMatchingSettings,
} from '../../shared/matching/index.ts'
import { formatAmount, isCurrency } from '../../shared/money.ts'
import { appendAudit } from '../ledger/audit.ts'
import { getCompany } from '../ledger/company.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { loadCompanyRecords } from './load.ts'
import { clearExceptionRow, insertExceptionEvent, insertExceptionRow, insertMatchRow, liveMatchRows, pinnedItemRefs, postedMatchIds, rejectedMatchItemRows, reopenExceptionRow, replaceItems, retireExceptionRow, storedExceptionRows, supersedeMatch, updateExceptionRow, updateMatchRow } from './writes.ts'

export { postedMatchIds }

/**
 * Runs the engine over all of a company's records and writes the difference to
 * `matches` / `exceptions` in one write transaction. Idempotent: a group whose
 * content hash is unchanged is not touched. A person's decisions are inputs:
 * manual, approved, person-confirmed and posted matches are pinned (their records
 * are left alone), person-unmatched pairs are never re-matched, and a resolved or
 * ignored exception keeps its status when the run produces it again.
 */
export interface RunCounts {
  matches: { inserted: number; updated: number; unchanged: number; unmatched: number }
  exceptions: { raised: number; updated: number; unchanged: number; cleared: number; reopened: number }
  pending: number
  skipped: number
}

export interface RunOptions {
  /** Today for ages (YYYY-MM-DD); default the context clock. */
  readonly asOf?: string
}

interface LiveMatch { id: number; key: string; pinned: boolean; contentHash: string }
interface StoredException {
  id: number; key: string; status: string; live: number; decidedBy: number | null; contentHash: string
  /** the stored difference, and the one a person accepted when resolving (null: not resolved by a person, or resolved before it was stored) */
  difference: bigint; accepted: bigint | null
}

export async function runMatching(context: LedgerContext, actor: Actor, companyId: number, options: RunOptions = {}): Promise<RunCounts> {
  const company = await getCompany(context, companyId)
  const settings = parseMatchingSettings(company.settings.matching)
  const asOf = options.asOf ?? isoNow(context).slice(0, 10)
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const records = await loadCompanyRecords(tx, companyId)
    const state = await loadDecisionState(tx, companyId)
    const output = matchRecords({ ...records, asOf, settings, decisions: { pinnedRefs: state.pinnedRefs, pinnedOrderKeys: state.pinnedOrderKeys, rejectedPairs: state.rejectedPairs } })
    const counts = await persist(tx, companyId, output, state, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'match.run', entity: 'company', entityId: String(companyId), payload: { asOf, ...counts } }])
    return counts
  })
}

export interface DecisionState {
  readonly live: Map<string, LiveMatch>
  readonly pinnedRefs: Set<string>
  readonly pinnedOrderKeys: Set<string>
  readonly rejectedPairs: Set<string>
  readonly exceptions: Map<string, StoredException>
}

async function loadDecisionState(tx: Transaction, companyId: number): Promise<DecisionState> {
  const posted = await postedMatchIds(tx, companyId)
  const rows = await liveMatchRows(tx, companyId)
  const live = new Map<string, LiveMatch>()
  const pinnedIds: number[] = []
  const pinnedOrderKeys = new Set<string>()
  for (const row of rows.rows) {
    const id = Number(row.id)
    const pinned = String(row.origin) !== 'auto' || row.decided_by !== null || posted.has(id)
    live.set(String(row.key), { id, key: String(row.key), pinned, contentHash: String(row.content_hash) })
    if (pinned) {
      pinnedIds.push(id)
      if (String(row.level) === 'order' && row.order_key !== null) pinnedOrderKeys.add(String(row.order_key))
    }
  }
  const pinnedRefs = new Set<string>()
  if (pinnedIds.length > 0) {
    const items = await pinnedItemRefs(tx, companyId, pinnedIds)
    for (const row of items.rows) pinnedRefs.add(String(row.item_ref))
  }
  const rejectedPairs = new Set<string>()
  const unmatched = await rejectedMatchItemRows(tx, companyId)
  const byMatch = new Map<number, Array<{ level: string; orderKey: string | null; kind: string; ref: string; role: string }>>()
  for (const row of unmatched.rows) {
    const list = byMatch.get(Number(row.id)) ?? []
    list.push({ level: String(row.level), orderKey: row.order_key === null ? null : String(row.order_key), kind: String(row.item_kind), ref: String(row.item_ref), role: String(row.role) })
    byMatch.set(Number(row.id), list)
  }
  for (const items of byMatch.values()) {
    const first = items[0]
    if (!first) continue
    if (first.level === 'order' && first.orderKey !== null) {
      for (const item of items) if (item.kind === 'settlementTxn') rejectedPairs.add(`${first.orderKey}\u0000${item.ref}`)
    } else if (first.level === 'payout') {
      for (const bank of items.filter((item) => item.kind === 'bankTxn')) for (const payout of items.filter((item) => item.kind === 'settlementTxn')) rejectedPairs.add(`${bank.ref}\u0000${payout.ref}`)
    }
  }
  const stored = await storedExceptionRows(tx, companyId)
  const exceptions = new Map<string, StoredException>()
  for (const row of stored.rows) {
    exceptions.set(String(row.key), {
      id: Number(row.id), key: String(row.key), status: String(row.status), live: Number(row.live), decidedBy: row.decided_by === null ? null : Number(row.decided_by), contentHash: String(row.content_hash),
      difference: BigInt(row.difference_minor as number), accepted: row.accepted_difference_minor === null ? null : BigInt(row.accepted_difference_minor as number),
    })
  }
  return { live, pinnedRefs, pinnedOrderKeys, rejectedPairs, exceptions }
}

function orderKeyOf(result: GroupResult): string | null {
  if (result.level !== 'order') return null
  const plus = result.anchor.indexOf('+')
  if (result.anchor.startsWith('#')) return null
  if (result.anchor.startsWith('~')) return result.anchor.slice(1)
  return plus > 0 ? result.anchor.slice(0, plus) : result.anchor
}

function figureValues(result: GroupResult): InValue[] {
  const f = figuresOf(result)
  return [f.ordersCount, f.ordersGross, f.expected, f.paid, f.refunded, f.fees, f.payouts, f.bankReceived, f.measured]
}

async function writeItems(tx: Transaction, table: 'match_items' | 'exception_items', ownerId: number, companyId: number, result: GroupResult): Promise<void> {
  await replaceItems(tx, table, ownerId, groupItems(result).map((item) => [ownerId, companyId, item.kind, item.ref, item.role, item.amount, item.currency]))
}

/** Inserts a match row and its items; returns the id. */
export async function insertMatch(tx: Transaction, companyId: number, result: MatchResult, origin: 'auto' | 'manual' | 'approved', at: string, decision?: { actorId: number | null; reason: string }): Promise<number> {
  const id = await insertMatchRow(tx, companyId, [groupKey(result), result.level, result.rule, result.why, result.confidence, result.status, origin, result.channel, result.store, result.currency, result.date.slice(0, 7), result.date,
    orderKeyOf(result), result.difference, result.differenceAccount ?? null, contentHash(result), membersHash(result), ...figureValues(result),
    decision?.actorId ?? null, decision ? at : null, decision?.reason ?? null, at, at])
  await writeItems(tx, 'match_items', id, companyId, result)
  return id
}

async function updateMatch(tx: Transaction, id: number, companyId: number, result: MatchResult, at: string): Promise<void> {
  await updateMatchRow(tx, id, [result.rule, result.why, result.confidence, result.status, result.channel, result.store, result.currency, result.date.slice(0, 7), result.date, orderKeyOf(result), result.difference,
    result.differenceAccount ?? null, contentHash(result), membersHash(result), ...figureValues(result)], at)
  await writeItems(tx, 'match_items', id, companyId, result)
}

export async function addEvent(tx: Transaction, companyId: number, exceptionId: number, at: string, actorId: number | null, action: string, fromStatus: string | null, toStatus: string, reason: string, payload: unknown = {}): Promise<void> {
  await insertExceptionEvent(tx, { exceptionId, companyId, at, actorId, action, fromStatus, toStatus, reason, payloadJson: JSON.stringify(payload, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)) })
}

function exceptionValues(result: ExceptionResult): InValue[] {
  return [result.type, result.level, result.rule, result.why, result.channel, result.store, result.currency, result.date.slice(0, 7), result.date, orderKeyOf(result), result.amount, result.difference,
    result.requiredRole ?? null, contentHash(result), membersHash(result), ...figureValues(result)]
}

/** Reopens a person-resolved exception whose difference a run found changed: open again, decision cleared, audited as the system's. */
async function reopenResolved(tx: Transaction, companyId: number, id: number, result: ExceptionResult, accepted: bigint, at: string): Promise<void> {
  const why = `difference changed from ${moneyText(accepted, result.currency)} to ${moneyText(result.difference, result.currency)} after it was resolved`
  await reopenExceptionRow(tx, id, exceptionValues(result), at)
  await writeItems(tx, 'exception_items', id, companyId, result)
  await addEvent(tx, companyId, id, at, null, 'reopened', 'resolved', 'open', why, { type: result.type, accepted, difference: result.difference })
  await appendAudit(tx, [{ at, companyId, actorId: null, action: 'exception.reopen', entity: 'exception', entityId: String(id), payload: { from: 'resolved', to: 'open', reason: why, type: result.type, accepted, difference: result.difference } }])
}

function moneyText(value: bigint, currency: string): string {
  return isCurrency(currency) ? `${formatAmount(value, currency)} ${currency}` : `${value} (minor units)`
}

async function persist(tx: Transaction, companyId: number, output: MatchOutput, state: DecisionState, at: string): Promise<RunCounts> {
  const counts: RunCounts = { matches: { inserted: 0, updated: 0, unchanged: 0, unmatched: 0 }, exceptions: { raised: 0, updated: 0, unchanged: 0, cleared: 0, reopened: 0 }, pending: output.pending.length, skipped: output.skipped.length }
  const producedMatches = new Set<string>()
  for (const result of output.matches) {
    const key = groupKey(result)
    producedMatches.add(key)
    const existing = state.live.get(key)
    if (existing === undefined) {
      await insertMatch(tx, companyId, result, 'auto', at)
      counts.matches.inserted += 1
    } else if (existing.pinned) {
      throw new LedgerError('INTERNAL', `matching produced ${key}, which a person decided; pinned records leaked into the engine`)
    } else if (existing.contentHash === contentHash(result)) counts.matches.unchanged += 1
    else {
      await updateMatch(tx, existing.id, companyId, result, at)
      counts.matches.updated += 1
    }
  }
  for (const existing of state.live.values()) {
    if (existing.pinned || producedMatches.has(existing.key)) continue
    await supersedeMatch(tx, existing.id, at)
    counts.matches.unmatched += 1
  }
  const producedExceptions = new Set<string>()
  for (const result of output.exceptions) {
    const key = groupKey(result)
    producedExceptions.add(key)
    const existing = state.exceptions.get(key)
    const hash = contentHash(result)
    if (existing === undefined) {
      const id = await insertExceptionRow(tx, companyId, key, result.status, exceptionValues(result), at)
      await writeItems(tx, 'exception_items', id, companyId, result)
      await addEvent(tx, companyId, id, at, null, 'raised', null, result.status, result.why, { type: result.type, rule: result.rule, difference: result.difference })
      counts.exceptions.raised += 1
      continue
    }
    if (existing.contentHash === hash && existing.live === 1) {
      counts.exceptions.unchanged += 1
      continue
    }
    const personDecided = existing.decidedBy !== null
    // A person resolved it at one difference; money that changes it reopens it (the system decides, with both figures) instead of keeping the old decision.
    const accepted = personDecided && existing.status === 'resolved' ? (existing.accepted ?? existing.difference) : null
    if (accepted !== null && accepted !== result.difference) {
      await reopenResolved(tx, companyId, existing.id, result, accepted, at)
      counts.exceptions.reopened += 1
      continue
    }
    const status = personDecided ? existing.status : result.status
    await updateExceptionRow(tx, existing.id, status, exceptionValues(result), at)
    await writeItems(tx, 'exception_items', existing.id, companyId, result)
    const reopened = existing.live === 0 && !personDecided && existing.status !== status
    await addEvent(tx, companyId, existing.id, at, null, reopened ? 'reopened' : 'updated', existing.status, status, personDecided ? `${result.why} (the person's decision stands)` : result.why, { type: result.type, difference: result.difference })
    if (reopened) counts.exceptions.reopened += 1
    else counts.exceptions.updated += 1
  }
  for (const existing of state.exceptions.values()) {
    if (existing.live === 0 || producedExceptions.has(existing.key)) continue
    if (existing.decidedBy === null && existing.status !== 'resolved') {
      await clearExceptionRow(tx, existing.id, at)
      await addEvent(tx, companyId, existing.id, at, null, 'cleared', existing.status, 'resolved', 'no longer applies after re-match')
    } else {
      await retireExceptionRow(tx, existing.id, at)
      await addEvent(tx, companyId, existing.id, at, null, 'superseded', existing.status, existing.status, 'the records now form another group; the decision is kept')
    }
    counts.exceptions.cleared += 1
  }
  return counts
}
