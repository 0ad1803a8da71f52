import type { Minor } from '../money.ts'
import type { BankTxn, Channel, Order, SettlementTxn } from '../records.ts'

export const EXCEPTION_TYPES = [
  'AMOUNT_MISMATCH', 'MISSING_PAYMENT', 'ORPHAN_PAYMENT', 'DUPLICATE_ORDER', 'DUPLICATE_PAYMENT', 'REFUND_WITHOUT_ORDER',
  'OVER_REFUND', 'PAYMENT_FAILED', 'CLOSED_ORDER_WITH_PAYMENT', 'CURRENCY_MISMATCH', 'NEEDS_APPROVAL',
] as const
export type ExceptionType = (typeof EXCEPTION_TYPES)[number]

export const EXCEPTION_STATUSES = ['open', 'resolved', 'ignored'] as const
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number]

export const MATCH_STATUSES = ['suggested', 'confirmed'] as const
export type MatchStatus = (typeof MATCH_STATUSES)[number]

/** order: order <-> settlement txns; payout: payouts <-> bank lines; charge: a store-level platform charge that needs no counterpart. */
export const MATCH_LEVELS = ['order', 'payout', 'charge'] as const
export type MatchLevel = (typeof MATCH_LEVELS)[number]

/** Built-in rules in default order, with the confidence each gives. */
export const BUILTIN_RULES = {
  'order-key': 100,
  'sub-order': 100,
  'trade-no': 95,
  'platform-charge': 100,
  'payout-amount-date': 90,
  'payout-sum': 80,
  'payout-split': 80,
  'own-store': 70,
  tolerance: 100,
  approved: 100,
  unmatched: 0,
} as const
export type BuiltinRule = keyof typeof BUILTIN_RULES

/** A group of records the engine decided about: exactly one result (match or exception) per group. */
export interface Group {
  readonly level: MatchLevel
  /** Stable within the company: normalised order key, or the natural key of the first txn / bank line. */
  readonly anchor: string
  readonly orders: ReadonlyArray<Order>
  readonly settlements: ReadonlyArray<SettlementTxn>
  readonly bank: ReadonlyArray<BankTxn>
  readonly channel: Channel
  readonly store: string
  readonly currency: string
  /** Local business date (YYYY-MM-DD) the group is anchored at: the order's creation, else the earliest item. */
  readonly date: string
  /** Contribution to (money actually moved - money expected); see summary.ts. */
  readonly difference: Minor
}

export interface MatchResult extends Group {
  readonly outcome: 'match'
  /** Rule that made (or last shaped) the match: built-in name or `custom:<id>`. */
  readonly rule: string
  readonly why: string
  readonly confidence: number
  readonly status: MatchStatus
  /** Where a tolerated difference posts (account code), if any. */
  readonly differenceAccount?: string
}

export interface ExceptionResult extends Group {
  readonly outcome: 'exception'
  readonly type: ExceptionType
  /** 'open', or 'ignored' when an auto-ignore rule fired. */
  readonly status: 'open' | 'ignored'
  readonly rule: string
  readonly why: string
  /** Absolute money the exception is about (largest item). */
  readonly amount: Minor
  readonly ageDays: number
  /** NEEDS_APPROVAL: role that must approve. */
  readonly requiredRole?: string
}

export type GroupResult = MatchResult | ExceptionResult

/** A person's decisions the engine must respect (from the database). */
export interface Decisions {
  /** Natural keys of records in pinned groups (manual, person-confirmed or posted matches): the engine leaves them alone. */
  readonly pinnedRefs?: ReadonlySet<string>
  /** Normalised order keys of pinned order groups: later txns for them form follow-up groups. */
  readonly pinnedOrderKeys?: ReadonlySet<string>
  /** Pairs a person unmatched: `${left}\u0000${right}` of natural keys / order keys; never re-matched. */
  readonly rejectedPairs?: ReadonlySet<string>
  /** NEEDS_APPROVAL group keys approved, with the content hash approved. */
  readonly approvals?: ReadonlyMap<string, string>
}
