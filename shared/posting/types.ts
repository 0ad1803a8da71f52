import type { AccountRole } from '../accounts.ts'
import type { Minor } from '../money.ts'
import type { Channel } from '../records.ts'
import type { Side } from '../voucher.ts'

/**
 * Posting vocabulary. Templates turn canonical records into *entries*: one
 * business event (a sale, a settlement, a refund, ...) with lines that balance
 * in base currency by construction. Granularity then groups entries into
 * vouchers (per order, per store-day, per payout). Pure: no I/O.
 */

/** Accounts a store posts to, resolved from company defaults and store overrides. */
export interface PostingAccounts {
  readonly receivable: string
  readonly revenue: string
  readonly outputVat: string
  readonly wallet: string
  readonly commission: string
  readonly paymentFee: string
  readonly promotion: string
  readonly shipping: string
  readonly otherPlatformCharge: string
  readonly bank: string
  readonly inventory: string
  readonly cost: string
  readonly exchangeGainLoss: string
  /** difference within tolerance: money short (debit) */
  readonly differenceLoss: string
  /** difference within tolerance: money over (credit) */
  readonly differenceGain: string
}

export type PostingRole = keyof PostingAccounts

export const POSTING_ROLES = [
  'receivable', 'revenue', 'outputVat', 'wallet', 'commission', 'paymentFee', 'promotion', 'shipping', 'otherPlatformCharge',
  'bank', 'inventory', 'cost', 'exchangeGainLoss', 'differenceLoss', 'differenceGain',
] as const satisfies ReadonlyArray<PostingRole>

/** Which chart role supplies each posting role's default (wallet: per channel). */
export const DEFAULT_ROLE_SOURCE: Readonly<Record<Exclude<PostingRole, 'wallet'>, AccountRole>> = {
  receivable: 'receivable', revenue: 'revenue', outputVat: 'outputVat', commission: 'commission', paymentFee: 'paymentFee',
  promotion: 'promotion', shipping: 'shipping', otherPlatformCharge: 'otherPlatformCharge', bank: 'bank', inventory: 'inventory',
  cost: 'cost', exchangeGainLoss: 'exchangeGainLoss', differenceLoss: 'nonOperatingExpense', differenceGain: 'nonOperatingIncome',
}

/** When a sale is recognised: 确认收货 (buyer confirms receipt) or shipment. */
export type Recognition = 'completed' | 'shipped'
export const GRANULARITIES = ['order', 'day', 'payout'] as const
export type Granularity = (typeof GRANULARITIES)[number]

/** One store as posting sees it. `vatRate` is the decimal rate valid on the event date. */
export interface StoreProfile {
  readonly code: string
  readonly name: string
  readonly channel: Channel
  readonly accounts: PostingAccounts
  /** VAT rate lookup by business date (from the dated tax-rate table). */
  readonly vatRateOn: (date: string) => string
}

/**
 * When a payout (提现) posts: 'bank' — once matching links it to the bank receipt,
 * on the receipt's date, into the receipt's bank account; 'channel' — on the
 * platform's payout date into the store's bank account, bank or not.
 */
export const PAYOUT_TIMINGS = ['bank', 'channel'] as const
export type PayoutTiming = (typeof PAYOUT_TIMINGS)[number]

export interface PostingPolicy {
  readonly baseCurrency: string
  readonly recognition: Recognition
  /** absolute tolerance in base minor units for settlement differences matching has not decided on (default 0) */
  readonly tolerance: Minor
  /** exchange rate to base currency on a date; undefined when no rate is known */
  readonly rateOn: (currency: string, date: string) => string | undefined
  /** default 'channel' */
  readonly payouts?: PayoutTiming
}

/**
 * A settlement difference a person or a tolerance rule accepted in matching
 * (resolved AMOUNT_MISMATCH, tolerance match, manual or approved match). Posting
 * books exactly this difference, and no other, without its own tolerance check.
 */
export interface AcceptedDifference {
  /** money moved − money expected, as matching measured it (order currency, minor units) */
  readonly difference: Minor
  /** account the difference posts to; undefined: the store's differenceLoss / differenceGain */
  readonly account?: string
  /** who accepted it, for messages: `match #12 (rule tolerance)`, `exception #7 resolved` */
  readonly by: string
}

/** The bank receipt(s) matching linked a payout to ('bank' payout timing). */
export interface PayoutLink {
  /** the receipt's value date: the voucher date; undefined: the payout's own date (accepted without a receipt) */
  readonly date?: string
  /**
   * Bank accounts the money landed in: the ledger account (undefined: the store's
   * bank account) and, when one payout is split over several receipts, each part.
   */
  readonly receipts: ReadonlyArray<{ readonly bankAccount: string; readonly account?: string; readonly amount?: Minor }>
  /** natural keys of the bank lines, linked to the voucher as sources */
  readonly bankTxns: ReadonlyArray<string>
}

/** Matching's verdict on an item that must wait, with the words shown to the accountant. */
export interface HoldVerdict {
  readonly reason: Held['reason']
  readonly message: string
}

export const ENTRY_KINDS = ['sale', 'settlement', 'refund', 'charge', 'payout', 'cogs', 'return', 'revaluation', 'transfer'] as const
export type EntryKind = (typeof ENTRY_KINDS)[number]

export interface EntryLine {
  readonly account: string
  readonly store: string
  readonly side: Side
  readonly currency: string
  /** amount in `currency`, minor units, > 0 */
  readonly original: Minor
  /** rate to base for foreign lines, null for base-currency lines */
  readonly rate: string | null
  /** base-currency amount = convert(original, rate) (or original) */
  readonly base: Minor
  /** label used when lines are summarised (收入, 销项税额, 佣金, ...) */
  readonly label: string
}

export interface SourceItem {
  readonly kind: string
  readonly id: string
}

export interface Entry {
  readonly kind: EntryKind
  readonly store: string
  readonly date: string
  /** stable id of the event: the per-order voucher's idempotency key */
  readonly key: string
  readonly summary: string
  readonly lines: ReadonlyArray<EntryLine>
  readonly sources: ReadonlyArray<SourceItem>
  /** payout / settlement this money movement was paid out in (payout granularity) */
  readonly payoutRef?: string
  /**
   * A payout not in the bank yet ('bank' timing): planned only so the payout check
   * can compare it with its items; `holdUnbankedPayouts` takes it out with this message.
   */
  readonly awaitingBank?: string
}

/** Why a record produced no entry this run (reported, never silent). */
export interface Held {
  readonly source: SourceItem
  readonly store: string
  readonly reason: 'NEEDS_APPROVAL' | 'NOT_MATCHED' | 'AMOUNT_MISMATCH' | 'NOT_IN_BANK' | 'IGNORED' | 'NO_RATE' | 'NO_COST' | 'UNKNOWN_STORE' | 'NOT_RECOGNISED'
  readonly message: string
}
