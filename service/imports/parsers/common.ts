import type { Minor } from '../../../shared/money.ts'
import type { CanonicalRecord, Channel, SettlementKind, SettlementTxn, Source } from '../../../shared/records.ts'
import { freeText, optionalText, required } from '../clean.ts'
import type { Check, MappedRow, ParseContext, RowOutcome } from '../types.ts'

export function sourceOf(context: ParseContext, row: MappedRow): Source {
  return row.sheet === undefined ? { fileHash: context.fileHash, rowNumber: row.rowNumber } : { fileHash: context.fileHash, sheet: row.sheet, rowNumber: row.rowNumber }
}

export function records(...items: CanonicalRecord[]): RowOutcome {
  return { type: 'records', records: items }
}

export function skip(reason: string): RowOutcome {
  return { type: 'skip', reason }
}

/** Builds a settlement txn with the common fields filled from context and row. */
export function txn(context: ParseContext, row: MappedRow, channel: Channel, fields: {
  externalId: string; kind: SettlementKind; amount: Minor; currency: string; occurredAt: string; description: string
  orderRef?: string; tradeNo?: string; payoutRef?: string; counterparty?: string; balanceAfter?: Minor
}): CanonicalRecord {
  const record: SettlementTxn = {
    channel,
    store: context.store,
    externalId: required('external id', fields.externalId),
    kind: fields.kind,
    amount: fields.amount,
    currency: fields.currency,
    occurredAt: fields.occurredAt,
    description: freeText(fields.description),
    source: sourceOf(context, row),
  }
  const orderRef = optionalText(fields.orderRef ?? '')
  if (orderRef !== undefined) record.orderRef = orderRef
  const tradeNo = optionalText(fields.tradeNo ?? '')
  if (tradeNo !== undefined) record.tradeNo = tradeNo
  const payoutRef = optionalText(fields.payoutRef ?? '')
  if (payoutRef !== undefined) record.payoutRef = payoutRef
  const counterparty = optionalText(fields.counterparty ?? '')
  if (counterparty !== undefined) record.counterparty = counterparty
  if (fields.balanceAfter !== undefined) record.balanceAfter = fields.balanceAfter
  return { kind: 'settlementTxn', record }
}

/** Counts skipped rows by reason and reports them once at the end. */
export function skipCounter(): { skip(reason: string): RowOutcome; checks(): Check[] } {
  const counts = new Map<string, number>()
  return {
    skip(reason) {
      counts.set(reason, (counts.get(reason) ?? 0) + 1)
      return { type: 'skip', reason }
    },
    checks() {
      return [...counts].map(([reason, count]) => ({ level: 'info' as const, code: 'SKIPPED', message: `${count} row(s) skipped: ${reason}` }))
    },
  }
}

/** Sum of minor amounts in a running total, for self-checks. */
export class Tally {
  count = 0
  total = 0n
  add(amount: bigint): void {
    this.count += 1
    this.total += amount
  }
}
