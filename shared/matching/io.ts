import type { BankTxn, Order, OrderLine, SettlementTxn } from '../records.ts'
import type { MatchingSettings } from './rules.ts'
import type { Decisions, ExceptionResult, MatchResult } from './types.ts'

/** What the matching engine takes and gives (types.ts holds the result shapes; rules.ts the settings). */
export interface MatchInput {
  readonly orders: ReadonlyArray<Order>
  readonly orderLines?: ReadonlyArray<OrderLine>
  /** All settlement txns, payouts included (kind 'payout'). */
  readonly settlements: ReadonlyArray<SettlementTxn>
  readonly bank: ReadonlyArray<BankTxn>
  /** Today (YYYY-MM-DD): ages and "after N days" are measured to it. */
  readonly asOf: string
  readonly settings: MatchingSettings
  readonly decisions?: Decisions
}

export interface MatchOutput {
  readonly matches: MatchResult[]
  readonly exceptions: ExceptionResult[]
  /** Payouts still inside the bank window: neither matched nor overdue yet. */
  readonly pending: SettlementTxn[]
  /** Outgoing bank lines: not channel money, outside matching. */
  readonly skipped: BankTxn[]
}
