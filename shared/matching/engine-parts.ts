import type { Minor } from '../money.ts'
import { type BankTxn, type Order, type SettlementTxn, naturalKey } from '../records.ts'
import { groupKey } from './fingerprint.ts'
import { KeyIndex, normalizeKey } from './keys.ts'
import { expectedMoney } from './summary.ts'
import { formatAmount, isCurrency } from '../money.ts'
import { type BuiltinRule, type ExceptionResult, type ExceptionType, type Group, type MatchResult, type MatchStatus } from './types.ts'
import type { MatchOutput } from './io.ts'

/** Building blocks of the matching engine (engine.ts): ranks, slots, orderings, result constructors, subset search, canonical output order. */
export type Rank = 0 | 1 | 2
export const RANK_RULES: ReadonlyArray<BuiltinRule> = ['order-key', 'sub-order', 'trade-no']
export const WHY: Record<BuiltinRule, string> = {
  'order-key': 'order number equal after normalisation',
  'sub-order': 'sub-order number maps to the order',
  'trade-no': 'payment/trade number equals the order\'s 支付单号',
  'platform-charge': 'store-level platform charge without an order',
  'payout-amount-date': 'payout amount equals the bank line within the date window',
  'payout-sum': 'several payouts add up to one bank line within the date window',
  'payout-split': 'one payout split over several bank lines within the date window',
  'own-store': 'own-store order: same amount and buyer within the time window, the only candidate',
  tolerance: 'difference within the company tolerance',
  approved: 'approved by a person',
  unmatched: 'unmatched by a person',
}
export const FAILED = /失败|failed|declined|被拒|拒绝/i

export interface OrderGroup {
  readonly key: string
  orders: Order[]
  readonly txns: SettlementTxn[]
  rank: Rank
  followUp: boolean
}

/**
 * The order side of the join, stored by column: slot = the order's row in the input
 * (a pinned order's row stays unused), slots from `orders.length` on are follow-up
 * slots of pinned orders (no order). The key index holds slot numbers (no object per
 * order); the probe side appends to a slot with one index lookup; each slot becomes
 * one result.
 */
export class Slots {
  readonly index: KeyIndex
  /** Normalised key of each slot (the index's). */
  readonly keys: string[]
  readonly orderCount: number
  /** Txns of each slot, null until the first arrives. Filled with null up front: appending follow-up slots keeps the array dense. */
  readonly txns: Array<SettlementTxn[] | null>
  /** Best rank of each slot's txns. */
  ranks: Uint8Array
  /** 0: no order (pinned row, follow-up slot), 1: an order, 2: an order whose key another order shares. */
  readonly state: Uint8Array
  /** Keys shared by two or more orders -> those orders (row order), in the order the keys first appear. */
  readonly duplicates = new Map<string, Order[]>()
  private next: number

  constructor(orderCount: number) {
    this.index = new KeyIndex(orderCount)
    this.keys = this.index.keys
    this.orderCount = orderCount
    this.txns = new Array<SettlementTxn[] | null>(orderCount).fill(null)
    this.ranks = new Uint8Array(orderCount)
    this.state = new Uint8Array(orderCount)
    this.next = orderCount
  }

  /** A follow-up slot for a pinned order's key that no order in the input has. */
  addFollowUp(key: string): number {
    const slot = this.next
    this.next += 1
    this.index.add(key, slot)
    this.txns.push(null)
    if (slot >= this.ranks.length) {
      const ranks = new Uint8Array(Math.max(16, this.ranks.length * 2))
      ranks.set(this.ranks)
      this.ranks = ranks
    }
    return slot
  }
}

export const NO_ORDERS: ReadonlyArray<Order> = Object.freeze([])
export const NO_TXNS: ReadonlyArray<SettlementTxn> = Object.freeze([])
export const NO_BANK: ReadonlyArray<BankTxn> = Object.freeze([])
export const DAY_MS = 86_400_000

export function expectedNet(order: Order): bigint {
  if (order.status === 'cancelled' || order.status === 'closed') return 0n
  return order.refunded === 0n ? order.gross : order.gross - order.refunded
}

export function expectsPayment(order: Order): boolean {
  return order.status !== 'cancelled' && order.status !== 'closed' && order.status !== 'pending' && order.status !== 'unknown'
}

/**
 * When a channel's money for an order is due in the imported bill, by its status:
 * - Shopify (and other checkout gateways) charge when the order is paid: paid, shipped
 *   (fulfilled), completed or partially refunded orders, from `paidAt`;
 * - Amazon charges at shipment: shipped, completed or partially refunded, from `shippedAt`;
 * - escrow channels (Taobao/Tmall via Alipay, JD, PDD, Douyin, WeChat shops …) pay out on
 *   确认收货: completed orders (and partially refunded ones that were completed), from `completedAt`.
 * Checkout and shipment channels count only where the store's transactions are imported
 * up to that day (`needsCoverage`): a gateway whose bill is not imported raises nothing.
 */
export function paymentDue(order: Order): { from: string; what: string; needsCoverage: boolean } | undefined {
  const status = order.status
  if (order.channel === 'shopify') {
    if (status === 'paid' || status === 'shipped' || status === 'completed' || status === 'partially_refunded') {
      return { from: order.paidAt ?? order.createdAt, what: `paid ${status === 'shipped' ? 'and fulfilled ' : ''}order`, needsCoverage: true }
    }
    return undefined
  }
  if (order.channel === 'amazon') {
    if (status === 'shipped' || status === 'completed' || status === 'partially_refunded') return { from: order.shippedAt ?? order.createdAt, what: 'shipped order', needsCoverage: true }
    return undefined
  }
  if (status === 'completed') return { from: order.completedAt ?? order.createdAt, what: 'completed order', needsCoverage: false }
  if (status === 'partially_refunded' && order.completedAt !== undefined) return { from: order.completedAt, what: 'completed order', needsCoverage: false }
  return undefined
}

/** Latest business date of any settlement txn per store + currency. */
export function latestTxnDates(txns: ReadonlyArray<SettlementTxn>): Map<string, string> {
  const latest = new Map<string, string>()
  for (const txn of txns) {
    const key = `${txn.store}\u0000${txn.currency}`
    const date = txn.occurredAt.slice(0, 10)
    const seen = latest.get(key)
    if (seen === undefined || date > seen) latest.set(key, date)
  }
  return latest
}

export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS)
}

export function bankDate(line: BankTxn): string {
  return line.valueDate ?? line.occurredAt.slice(0, 10)
}

export function compareRef(a: { ref: string }, b: { ref: string }): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0
}

export function byRef<T>(items: Array<{ ref: string; item: T }>): T[] {
  items.sort(compareRef)
  const sorted: T[] = new Array<T>(items.length)
  for (let index = 0; index < items.length; index += 1) sorted[index] = (items[index] as { item: T }).item
  return sorted
}

export function txnRef(txn: SettlementTxn): string {
  return naturalKey({ kind: 'settlementTxn', record: txn })
}

export function txnsByRef(txns: ReadonlyArray<SettlementTxn>): SettlementTxn[] {
  return byRef(txns.map((item) => ({ ref: txnRef(item), item })))
}

export function ordersByRef(orders: ReadonlyArray<Order>): Order[] {
  return byRef(orders.map((item) => ({ ref: naturalKey({ kind: 'order', record: item }), item })))
}

/** Σ payments + Σ refunds - money the orders lead one to expect (refunds from either side): the group's contribution to the unexplained difference. */
export function differenceOf(txns: ReadonlyArray<SettlementTxn>, orders: ReadonlyArray<Order>): Minor {
  let total = 0n
  let refunds = 0n
  for (const txn of txns) {
    if (txn.kind === 'payment') total += txn.amount
    else if (txn.kind === 'refund') refunds += txn.amount
  }
  return (orders.length === 0 ? total + refunds : total + refunds - expectedMoney(orders, -refunds)) as Minor
}

/** Absolute money a group is about: its largest item (as `conditionAmount` without kinds). */
export function largestAmount(group: Group): bigint {
  let best = 0n
  let seen = false
  for (const txn of group.settlements) {
    const value = txn.amount < 0n ? -txn.amount : txn.amount
    if (!seen || value > best) { best = value; seen = true }
  }
  for (const line of group.bank) {
    const value = line.amount < 0n ? -line.amount : line.amount
    if (!seen || value > best) { best = value; seen = true }
  }
  for (const order of group.orders) {
    if (!seen || order.gross > best) { best = order.gross; seen = true }
  }
  return best
}

export function matchOf(group: Group, rule: string, why: string, confidence: number, status: MatchStatus, differenceAccount: string | undefined): MatchResult {
  if (differenceAccount === undefined) {
    return {
      level: group.level, anchor: group.anchor, orders: group.orders, settlements: group.settlements, bank: group.bank, channel: group.channel, store: group.store,
      currency: group.currency, date: group.date, difference: group.difference, outcome: 'match', rule, why, confidence, status,
    }
  }
  return {
    level: group.level, anchor: group.anchor, orders: group.orders, settlements: group.settlements, bank: group.bank, channel: group.channel, store: group.store,
    currency: group.currency, date: group.date, difference: group.difference, outcome: 'match', rule, why, confidence, status, differenceAccount,
  }
}

export function exceptionOf(group: Group, type: ExceptionType, status: 'open' | 'ignored', rule: string, why: string, amount: Minor, ageDays: number, requiredRole: string | undefined): ExceptionResult {
  if (requiredRole === undefined) {
    return {
      level: group.level, anchor: group.anchor, orders: group.orders, settlements: group.settlements, bank: group.bank, channel: group.channel, store: group.store,
      currency: group.currency, date: group.date, difference: group.difference, outcome: 'exception', type, status, rule, why, amount, ageDays,
    }
  }
  return {
    level: group.level, anchor: group.anchor, orders: group.orders, settlements: group.settlements, bank: group.bank, channel: group.channel, store: group.store,
    currency: group.currency, date: group.date, difference: group.difference, outcome: 'exception', type, status, rule, why, amount, ageDays, requiredRole,
  }
}

export function earliest(items: ReadonlyArray<{ occurredAt: string }>): string {
  let best = ''
  for (const item of items) {
    const date = item.occurredAt.slice(0, 10)
    if (best === '' || date < best) best = date
  }
  return best
}

/**
 * Charges without an order reference that carry a trade number: with the money of an
 * unknown order that has the same trade number (its fee waits with it), else store-level
 * charges. The group keyed by the trade number itself wins, else the smallest key, so
 * the choice does not depend on row order.
 */
export function placeTradeCharges(tradeCharges: ReadonlyArray<SettlementTxn>, orphans: Map<string, SettlementTxn[]>, charges: SettlementTxn[]): void {
  const owners = new Map<string, string>()
  for (const [orphanKey, txns] of orphans) {
    for (const txn of txns) {
      const trade = normalizeKey(txn.tradeNo)
      if (trade === '') continue
      const owner = owners.get(trade)
      if (owner === undefined || (owner !== trade && (orphanKey === trade || orphanKey < owner))) owners.set(trade, orphanKey)
    }
  }
  for (const txn of tradeCharges) {
    const owner = owners.size === 0 ? undefined : owners.get(normalizeKey(txn.tradeNo))
    const list = owner === undefined ? undefined : orphans.get(owner)
    if (list) list.push(txn)
    else charges.push(txn)
  }
}

/** Connected components of the order <-> txn candidate graph, each sorted for determinism. */
export function components<E extends { orderKey: string; orphanKey: string }>(edges: ReadonlyArray<E>): E[][] {
  const parent = new Map<string, string>()
  const find = (node: string): string => {
    let root = node
    while (parent.get(root) !== root) root = parent.get(root) ?? root
    parent.set(node, root)
    return root
  }
  for (const edge of edges) {
    const left = `o${edge.orderKey}`
    const right = `t${edge.orphanKey}`
    if (!parent.has(left)) parent.set(left, left)
    if (!parent.has(right)) parent.set(right, right)
    const a = find(left)
    const b = find(right)
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b)
  }
  const byRoot = new Map<string, E[]>()
  for (const edge of edges) {
    const root = find(`o${edge.orderKey}`)
    const list = byRoot.get(root)
    if (list) list.push(edge)
    else byRoot.set(root, [edge])
  }
  return [...byRoot.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, list]) => list)
}

/**
 * First subset (by index order, smaller subsets first) of `values` summing to `target`;
 * bounded search so a crowded window cannot stall a run. Null when none or too many candidates.
 */
export function findSubset(values: ReadonlyArray<bigint>, target: bigint): number[] | null {
  if (values.length < 2 || values.length > 16) return null
  let budget = 50_000
  for (let size = 2; size <= values.length; size += 1) {
    const chosen: number[] = []
    const search = (start: number, remaining: bigint): boolean => {
      if (chosen.length === size) return remaining === 0n
      for (let index = start; index < values.length; index += 1) {
        budget -= 1
        if (budget < 0) return false
        const value = values[index] ?? 0n
        chosen.push(index)
        if (search(index + 1, remaining - value)) return true
        chosen.pop()
      }
      return false
    }
    if (search(0, target)) return chosen
    if (budget < 0) return null
  }
  return null
}

/** Canonical order of an output: by group key. Use when comparing runs. Each key is made once (not per comparison). */
export function sortOutput(output: MatchOutput): MatchOutput {
  const byKey = <T extends Group>(list: T[]) => byRef(list.map((item) => ({ ref: groupKey(item), item })))
  return {
    matches: byKey(output.matches), exceptions: byKey(output.exceptions),
    pending: byRef(output.pending.map((item) => ({ ref: naturalKey({ kind: 'settlementTxn', record: item }), item }))),
    skipped: byRef(output.skipped.map((item) => ({ ref: naturalKey({ kind: 'bankTxn', record: item }), item }))),
  }
}


/** Amounts in exception explanations, as people read them ("131.77 CNY"). */
export function money(value: bigint, currency: string): string {
  return isCurrency(currency) ? `${formatAmount(value, currency)} ${currency}` : `${value} (minor units)`
}

