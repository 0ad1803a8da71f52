import type { Minor } from '../money.ts'
import type { Order } from '../records.ts'
import type { Group, GroupResult } from './types.ts'

/**
 * Reconciliation summary per store x period x currency: orders, paid, refunded,
 * fees, payouts, bank received, and the difference between money moved and money
 * expected, which must be fully explained by match tolerances and exceptions.
 *
 * A group's measured difference is (payments + refunds - expected net of its
 * orders) at order level and (bank received - payouts) at payout level; fees
 * and platform charges are reported but do not count. Every match and exception
 * records its own `difference`; `unexplained` = measured - Σ recorded, and is 0
 * when the engine is honest. Groups count in the period of their anchor date
 * (an order's creation date), so an October order paid in November counts in October.
 */
export interface GroupFigures {
  readonly ordersCount: number
  readonly ordersGross: Minor
  readonly expected: Minor
  readonly paid: Minor
  readonly refunded: Minor
  readonly fees: Minor
  readonly payouts: Minor
  readonly bankReceived: Minor
  /** Measured difference (see above). */
  readonly measured: Minor
}

export function expectedNetOf(order: Order): bigint {
  return order.status === 'cancelled' || order.status === 'closed' ? 0n : order.gross - order.refunded
}

/**
 * Money a group's orders lead one to expect, refunds known from either side taken into
 * account: gross of the orders still in force minus the larger of the refunds the export
 * states and the refunds the bill shows (capped at that gross). A refund in the bill that
 * the export never shows (售后退款 after 交易成功) is a refund event of the order, not a
 * difference. Cancelled and closed orders expect nothing.
 * `billRefunded` is the positive total of the group's refund txns (-Σ refund amounts).
 * @example expectedMoney([order100], 30n) === 70n  // export shows no refund, the bill refunds 30
 */
export function expectedMoney(orders: ReadonlyArray<Order>, billRefunded: bigint): bigint {
  let gross = 0n
  let exportRefunded = 0n
  let inForce = false
  for (const order of orders) {
    if (order.status === 'cancelled' || order.status === 'closed') continue
    inForce = true
    gross += order.gross
    exportRefunded += order.refunded
  }
  if (!inForce) return 0n
  const bill = billRefunded < 0n ? 0n : billRefunded > gross ? gross : billRefunded
  return gross - (exportRefunded > bill ? exportRefunded : bill)
}

/** Money figures of one group, from its records. */
export function figuresOf(group: Pick<Group, 'level' | 'orders' | 'settlements' | 'bank'>): GroupFigures {
  let ordersGross = 0n
  let expected = 0n
  let paid = 0n
  let refunded = 0n
  let fees = 0n
  let payouts = 0n
  let bankReceived = 0n
  for (const order of group.orders) ordersGross += order.gross
  for (const txn of group.settlements) {
    if (txn.kind === 'payment') paid += txn.amount
    else if (txn.kind === 'refund') refunded += txn.amount
    else if (txn.kind === 'payout') payouts += txn.amount < 0n ? -txn.amount : txn.amount
    else fees += txn.amount
  }
  if (group.orders.length > 0) expected = expectedMoney(group.orders, -refunded)
  for (const line of group.bank) bankReceived += line.amount
  const measured = group.level === 'payout' ? bankReceived - payouts : group.level === 'order' ? paid + refunded - expected : 0n
  return {
    ordersCount: group.orders.length, ordersGross: ordersGross as Minor, expected: expected as Minor, paid: paid as Minor, refunded: refunded as Minor,
    fees: fees as Minor, payouts: payouts as Minor, bankReceived: bankReceived as Minor, measured: measured as Minor,
  }
}

/** One stored result, as the summary needs it (engine results convert with `summaryEntryOf`). */
export interface SummaryEntry {
  readonly outcome: 'match' | 'exception'
  /** match: suggested|confirmed; exception: open|resolved|ignored */
  readonly status: string
  readonly store: string
  readonly period: string
  readonly currency: string
  readonly recordedDifference: bigint
  readonly figures: GroupFigures
}

export function summaryEntryOf(result: GroupResult, status: string = result.status): SummaryEntry {
  return { outcome: result.outcome, status, store: result.store, period: result.date.slice(0, 7), currency: result.currency, recordedDifference: result.difference, figures: figuresOf(result) }
}

export interface SummaryRow {
  readonly store: string
  readonly period: string
  readonly currency: string
  readonly orders: number
  readonly ordersGross: Minor
  readonly paid: Minor
  readonly refunded: Minor
  readonly fees: Minor
  readonly payouts: Minor
  readonly bankReceived: Minor
  /** Money moved - money expected (orders) + bank received - payouts. */
  readonly difference: Minor
  /** Tolerated by matches (posts to the tolerance account). */
  readonly explainedByTolerance: Minor
  readonly explainedByOpenExceptions: Minor
  /** Differences a person resolved or ignored, or a rule auto-ignored. */
  readonly acceptedByDecision: Minor
  /** Must be 0. */
  readonly unexplained: Minor
  readonly openExceptions: number
}

/**
 * Aggregates entries into rows sorted by store, period, currency.
 * @example summarize(entries, { period: '2026-10' })[0].unexplained === 0n
 */
export function summarize(entries: Iterable<SummaryEntry>, filter: { period?: string; store?: string } = {}): SummaryRow[] {
  const rows = new Map<string, { -readonly [K in keyof SummaryRow]: SummaryRow[K] }>()
  for (const entry of entries) {
    if (filter.period !== undefined && entry.period !== filter.period) continue
    if (filter.store !== undefined && entry.store !== filter.store) continue
    const key = `${entry.store}\u0000${entry.period}\u0000${entry.currency}`
    let row = rows.get(key)
    if (!row) {
      const zero = 0n as Minor
      row = { store: entry.store, period: entry.period, currency: entry.currency, orders: 0, ordersGross: zero, paid: zero, refunded: zero, fees: zero, payouts: zero, bankReceived: zero, difference: zero, explainedByTolerance: zero, explainedByOpenExceptions: zero, acceptedByDecision: zero, unexplained: zero, openExceptions: 0 }
      rows.set(key, row)
    }
    const f = entry.figures
    row.orders += f.ordersCount
    row.ordersGross = (row.ordersGross + f.ordersGross) as Minor
    row.paid = (row.paid + f.paid) as Minor
    row.refunded = (row.refunded + f.refunded) as Minor
    row.fees = (row.fees + f.fees) as Minor
    row.payouts = (row.payouts + f.payouts) as Minor
    row.bankReceived = (row.bankReceived + f.bankReceived) as Minor
    row.difference = (row.difference + f.measured) as Minor
    if (entry.outcome === 'match') row.explainedByTolerance = (row.explainedByTolerance + entry.recordedDifference) as Minor
    else if (entry.status === 'open') {
      row.explainedByOpenExceptions = (row.explainedByOpenExceptions + entry.recordedDifference) as Minor
      row.openExceptions += 1
    } else row.acceptedByDecision = (row.acceptedByDecision + entry.recordedDifference) as Minor
    row.unexplained = (row.difference - row.explainedByTolerance - row.explainedByOpenExceptions - row.acceptedByDecision) as Minor
  }
  return [...rows.values()].sort((a, b) => (a.store + a.period + a.currency < b.store + b.period + b.currency ? -1 : 1))
}
