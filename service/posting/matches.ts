import type { Held, SourceItem } from '../../shared/posting/index.ts'
import type { LedgerContext } from '../ledger/context.ts'

/**
 * Matching's verdicts for posting (service/db/schema/matching.ts): items in an
 * open exception or a merely suggested match wait; settlement items of a
 * confirmed match post, and the first voucher that posts them links the match
 * as source ('match', id) so unmatching can reverse it. Orders wait only for
 * NEEDS_APPROVAL or DUPLICATE_ORDER (a sale is recognised whether or not the
 * money has come in). Items matching never saw post as before.
 */
export interface MatchingVerdicts {
  readonly hold: (source: SourceItem) => Held['reason'] | undefined
  readonly confirmedMatchOf: (source: SourceItem) => number | undefined
}

const ORDER_BLOCKING = new Set(['NEEDS_APPROVAL', 'DUPLICATE_ORDER'])

function reasonOf(type: string): Held['reason'] {
  if (type === 'NEEDS_APPROVAL') return 'NEEDS_APPROVAL'
  if (type === 'AMOUNT_MISMATCH' || type === 'OVER_REFUND') return 'AMOUNT_MISMATCH'
  return 'NOT_MATCHED'
}

export async function matchingVerdicts(context: LedgerContext, companyId: number): Promise<MatchingVerdicts> {
  const tables = await context.db.client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('matches', 'exceptions')")
  if (tables.rows.length < 2) return { hold: () => undefined, confirmedMatchOf: () => undefined }
  const [matchRows, exceptionRows] = await Promise.all([
    context.db.client.execute({ sql: "SELECT m.id, m.status, i.item_kind, i.item_ref FROM matches m JOIN match_items i ON i.match_id = m.id WHERE m.company_id = ? AND m.status IN ('suggested', 'confirmed')", args: [companyId] }),
    context.db.client.execute({ sql: "SELECT e.type, i.item_kind, i.item_ref FROM exceptions e JOIN exception_items i ON i.exception_id = e.id WHERE e.company_id = ? AND e.status = 'open' AND e.live = 1", args: [companyId] }),
  ])
  const held = new Map<string, Held['reason']>()
  const confirmed = new Map<string, number>()
  for (const row of matchRows.rows) {
    const key = `${String(row.item_kind)}\u0000${String(row.item_ref)}`
    if (row.status === 'confirmed') confirmed.set(key, Number(row.id))
    else if (row.item_kind !== 'order') held.set(key, 'NOT_MATCHED')
  }
  for (const row of exceptionRows.rows) {
    const type = String(row.type)
    if (row.item_kind === 'order' && !ORDER_BLOCKING.has(type)) continue
    const key = `${String(row.item_kind)}\u0000${String(row.item_ref)}`
    const current = held.get(key)
    if (current !== 'NEEDS_APPROVAL') held.set(key, reasonOf(type))
  }
  return {
    hold: (source) => held.get(`${source.kind}\u0000${source.id}`),
    confirmedMatchOf: (source) => (source.kind === 'settlementTxn' ? confirmed.get(`${source.kind}\u0000${source.id}`) : undefined),
  }
}
