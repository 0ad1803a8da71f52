import type { Minor } from '../money.ts'
import { type BankTxn, type Order, type SettlementTxn, naturalKey } from '../records.ts'
import { platformOfLine, platformPays } from './platforms.ts'
import { groupKey, membersHash } from './fingerprint.ts'
import { KeyIndex, normalizeBuyer, normalizeKey } from './keys.ts'
import { type MatchingSettings, actionApplies, ageInDays, ruleHolds } from './rules.ts'
import { expectedMoney } from './summary.ts'
import { formatAmount, isCurrency, parseAmount } from '../money.ts'
import {
  BUILTIN_RULES, type BuiltinRule, type Decisions, type ExceptionResult, type ExceptionType, type Group, type GroupResult,
  type MatchResult, type MatchStatus,
} from './types.ts'
import type { MatchInput, MatchOutput } from './io.ts'

/**
 * The pure matching engine. Groups canonical records, classifies each group into
 * exactly one result (a match or an exception), then lets the company's ordered
 * custom rules have their say. No I/O.
 *
 * Determinism: every decision is a function of the *set* of input records. Hash
 * grouping is order-free; the few greedy steps (payouts, own-store) sort their
 * candidates by date and natural key first. Output arrays follow input order for
 * speed; `sortOutput()` gives the canonical order.
 *
 * @example
 * const { matches, exceptions } = matchRecords({ orders, settlements, bank: [], asOf: '2026-10-31', settings: parseMatchingSettings({}) })
 */
export function matchRecords(input: MatchInput): MatchOutput {
  const run = new Run(input)
  run.orderLevel()
  run.payoutLevel()
  return run.output
}

type Rank = 0 | 1 | 2
const RANK_RULES: ReadonlyArray<BuiltinRule> = ['order-key', 'sub-order', 'trade-no']
const WHY: Record<BuiltinRule, string> = {
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
const FAILED = /失败|failed|declined|被拒|拒绝/i

interface OrderGroup {
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
class Slots {
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

const NO_ORDERS: ReadonlyArray<Order> = Object.freeze([])
const NO_TXNS: ReadonlyArray<SettlementTxn> = Object.freeze([])
const NO_BANK: ReadonlyArray<BankTxn> = Object.freeze([])
const DAY_MS = 86_400_000

function expectedNet(order: Order): bigint {
  if (order.status === 'cancelled' || order.status === 'closed') return 0n
  return order.refunded === 0n ? order.gross : order.gross - order.refunded
}

function expectsPayment(order: Order): boolean {
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
function latestTxnDates(txns: ReadonlyArray<SettlementTxn>): Map<string, string> {
  const latest = new Map<string, string>()
  for (const txn of txns) {
    const key = `${txn.store}\u0000${txn.currency}`
    const date = txn.occurredAt.slice(0, 10)
    const seen = latest.get(key)
    if (seen === undefined || date > seen) latest.set(key, date)
  }
  return latest
}

function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS)
}

function bankDate(line: BankTxn): string {
  return line.valueDate ?? line.occurredAt.slice(0, 10)
}

function compareRef(a: { ref: string }, b: { ref: string }): number {
  return a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0
}

function byRef<T>(items: Array<{ ref: string; item: T }>): T[] {
  items.sort(compareRef)
  const sorted: T[] = new Array<T>(items.length)
  for (let index = 0; index < items.length; index += 1) sorted[index] = (items[index] as { item: T }).item
  return sorted
}

function txnRef(txn: SettlementTxn): string {
  return naturalKey({ kind: 'settlementTxn', record: txn })
}

function txnsByRef(txns: ReadonlyArray<SettlementTxn>): SettlementTxn[] {
  return byRef(txns.map((item) => ({ ref: txnRef(item), item })))
}

function ordersByRef(orders: ReadonlyArray<Order>): Order[] {
  return byRef(orders.map((item) => ({ ref: naturalKey({ kind: 'order', record: item }), item })))
}

/** Σ payments + Σ refunds - money the orders lead one to expect (refunds from either side): the group's contribution to the unexplained difference. */
function differenceOf(txns: ReadonlyArray<SettlementTxn>, orders: ReadonlyArray<Order>): Minor {
  let total = 0n
  let refunds = 0n
  for (const txn of txns) {
    if (txn.kind === 'payment') total += txn.amount
    else if (txn.kind === 'refund') refunds += txn.amount
  }
  return (orders.length === 0 ? total + refunds : total + refunds - expectedMoney(orders, -refunds)) as Minor
}

/** Absolute money a group is about: its largest item (as `conditionAmount` without kinds). */
function largestAmount(group: Group): bigint {
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

class Run {
  readonly output: MatchOutput = { matches: [], exceptions: [], pending: [], skipped: [] }
  private readonly settings: MatchingSettings
  private readonly asOf: string
  private readonly asOfDay: number
  private readonly decisions: Decisions
  private readonly pinned: ReadonlySet<string> | null
  private readonly rejected: ReadonlySet<string> | null
  private readonly payouts: SettlementTxn[] = []
  private readonly tolerance: Map<string, bigint> = new Map()
  private readonly noRules: boolean
  /** Status of an automatic match per built-in rule (confidence vs autoConfirmConfidence). */
  private readonly statusOf: (rule: BuiltinRule) => MatchResult['status']
  private lastDescription = ''
  private lastFailed = false
  private lastDate = ''

  constructor(private readonly input: MatchInput) {
    this.settings = input.settings
    this.asOf = input.asOf
    this.asOfDay = dayNumber(input.asOf)
    this.decisions = input.decisions ?? {}
    this.pinned = this.decisions.pinnedRefs && this.decisions.pinnedRefs.size > 0 ? this.decisions.pinnedRefs : null
    this.rejected = this.decisions.rejectedPairs && this.decisions.rejectedPairs.size > 0 ? this.decisions.rejectedPairs : null
    this.noRules = this.settings.rules.length === 0
    const threshold = this.settings.autoConfirmConfidence
    this.statusOf = (rule) => (BUILTIN_RULES[rule] >= threshold ? 'confirmed' : 'suggested')
  }

  /** Same as ageInDays(date, asOf), with asOf parsed once. */
  private age(date: string): number {
    const days = this.asOfDay - dayNumber(date)
    return days > 0 ? days : 0
  }

  /** createdAt.slice(0, 10), reusing the previous string while rows stay on the same day. */
  private dateOf(createdAt: string): string {
    const last = this.lastDate
    if (last.length === 10 && createdAt.startsWith(last)) return last
    const date = createdAt.slice(0, 10)
    this.lastDate = date
    return date
  }

  /** FAILED.test with a one-entry cache: payment descriptions repeat from row to row. */
  private failedText(description: string): boolean {
    if (description !== this.lastDescription) {
      this.lastDescription = description
      this.lastFailed = FAILED.test(description)
    }
    return this.lastFailed
  }

  // -------------------------------------------------------------------------
  // Level 1: orders <-> settlement txns
  // -------------------------------------------------------------------------

  orderLevel(): void {
    const { slots, paymentIndex, subIndex } = this.indexOrders()
    const index = slots.index
    const slotTxns = slots.txns
    let slotRanks = slots.ranks
    const orphans = new Map<string, SettlementTxn[]>()
    const charges: SettlementTxn[] = []
    let tradeCharges: SettlementTxn[] | null = null
    const pinnedOrders = this.decisions.pinnedOrderKeys !== undefined && this.decisions.pinnedOrderKeys.size > 0 ? this.decisions.pinnedOrderKeys : null
    const pinned = this.pinned
    const rejected = this.rejected
    const hasSubs = subIndex.size > 0
    const hasPaymentRefs = paymentIndex.size > 0
    const settlements = this.input.settlements
    for (let row = 0; row < settlements.length; row += 1) {
      const txn = settlements[row] as SettlementTxn
      if (pinned !== null && pinned.has(txnRef(txn))) continue
      if (txn.kind === 'payout') {
        this.payouts.push(txn)
        continue
      }
      if (txn.kind === 'transfer') {
        // Between the owner's own accounts (余额宝, 零钱通, a bank card): no order, whatever its 商户单号 says.
        charges.push(txn)
        continue
      }
      const refKey = index.normalize(txn.orderRef)
      let slot = -1
      let rank: Rank = 0
      if (refKey !== '') {
        slot = index.get(refKey)
        if (slot < 0) {
          if (pinnedOrders !== null && pinnedOrders.has(refKey)) {
            slot = slots.addFollowUp(refKey)
            slotRanks = slots.ranks
          } else if (hasSubs) {
            const parent = subIndex.get(refKey)
            if (parent !== undefined) {
              slot = index.get(parent)
              if (slot < 0 && pinnedOrders !== null && pinnedOrders.has(parent)) {
                slot = slots.addFollowUp(parent)
                slotRanks = slots.ranks
              }
              rank = 1
            }
          }
        }
      }
      if (slot < 0 && hasPaymentRefs) {
        const tradeKey = refKey !== '' && paymentIndex.has(refKey) ? refKey : normalizeKey(txn.tradeNo)
        const viaTrade = tradeKey !== '' ? paymentIndex.get(tradeKey) : undefined
        if (viaTrade !== undefined && viaTrade !== '') {
          slot = index.get(viaTrade)
          rank = 2
        }
      }
      if (slot >= 0 && rejected !== null && rejected.has(`${slots.keys[slot] ?? ''}\u0000${txnRef(txn)}`)) slot = -1
      if (slot < 0) {
        if (refKey === '' && txn.kind !== 'payment' && txn.kind !== 'refund') {
          // No order reference: a store-level charge (直通车, 技术服务费 …), even with a trade number (业务流水号),
          // unless that trade number is one of unknown-order money (placed after the loop).
          if (txn.tradeNo !== undefined && txn.tradeNo !== '') (tradeCharges ??= []).push(txn)
          else charges.push(txn)
          continue
        }
        const orphanKey = refKey !== '' ? refKey : normalizeKey(txn.tradeNo)
        if (orphanKey !== '') {
          const list = orphans.get(orphanKey)
          if (list) list.push(txn)
          else orphans.set(orphanKey, [txn])
        } else orphans.set(`#${txnRef(txn)}`, [txn])
        continue
      }
      const list = slotTxns[slot]
      if (list === null || list === undefined) {
        slotTxns[slot] = [txn]
        if (rank !== 0) slotRanks[slot] = rank
        continue
      }
      // exact-size arrays for the usual few txns of an order (push would reserve 17 slots per group for the output)
      const length = list.length
      if (length === 1) slotTxns[slot] = [list[0] as SettlementTxn, txn]
      else if (length === 2) slotTxns[slot] = [list[0] as SettlementTxn, list[1] as SettlementTxn, txn]
      else if (length === 3) slotTxns[slot] = [list[0] as SettlementTxn, list[1] as SettlementTxn, list[2] as SettlementTxn, txn]
      else list.push(txn)
      if (rank > (slotRanks[slot] as number)) slotRanks[slot] = rank
    }
    const lonely: Order[] = []
    const orders = this.input.orders
    const state = slots.state
    const keys = slots.keys
    for (let slot = 0; slot < slots.orderCount; slot += 1) {
      if (state[slot] !== 1) continue
      const order = orders[slot] as Order
      const txns = slotTxns[slot]
      if (txns === null || txns === undefined) lonely.push(order)
      else this.emit(this.classifyOrderGroup(keys[slot] as string, slotRanks[slot] as Rank, order, txns))
    }
    for (const [key, list] of slots.duplicates) {
      const slot = index.get(key)
      // sorted first, so the group's channel, store and date do not depend on row order
      const orders = ordersByRef(list)
      const group: OrderGroup = { key, orders, txns: slotTxns[slot] ?? [], rank: (slotRanks[slot] ?? 0) as Rank, followUp: false }
      this.emit(this.exception(this.orderGroup(group, orders[0] ?? null, differenceOf(group.txns, orders)), 'DUPLICATE_ORDER', 'order-key', `${orders.length} orders share the number ${key} after normalisation`))
    }
    if (pinnedOrders !== null) {
      for (const key of pinnedOrders) {
        const slot = index.get(key)
        if (slot < slots.orderCount) continue
        const txns = slotTxns[slot]
        if (txns === null || txns === undefined) continue
        this.emit(this.classifyFollowUp({ key, orders: [], txns, rank: (slotRanks[slot] ?? 0) as Rank, followUp: true }))
      }
    }
    if (tradeCharges !== null) placeTradeCharges(tradeCharges, orphans, charges)
    this.ownStoreAndLeftovers(lonely, orphans)
    for (const txn of charges) {
      const group = this.txnGroup('charge', txnRef(txn), [txn])
      this.emit(this.match(group, 'platform-charge', WHY['platform-charge']))
    }
  }

  private indexOrders() {
    const orders = this.input.orders
    const slots = new Slots(orders.length)
    const index = slots.index
    const state = slots.state
    const paymentIndex = new Map<string, string>()
    const subIndex = new Map<string, string>()
    const pinned = this.pinned
    let repeated: Set<string> | null = null
    for (let row = 0; row < orders.length; row += 1) {
      const order = orders[row] as Order
      if (pinned !== null && pinned.has(naturalKey({ kind: 'order', record: order }))) continue
      const key = index.normalize(order.orderNo)
      state[row] = 1
      // a key seen before keeps its first slot (rare; resolved below)
      if (index.add(key, row) >= 0) (repeated ??= new Set()).add(key)
      if (order.paymentRef !== undefined) {
        const paymentKey = normalizeKey(order.paymentRef)
        if (paymentKey !== '' && paymentKey !== key) {
          const existing = paymentIndex.get(paymentKey)
          paymentIndex.set(paymentKey, existing === undefined || existing === key ? key : '')
        }
      }
    }
    for (const line of this.input.orderLines ?? []) {
      const sub = normalizeKey(line.subOrderNo)
      const parent = normalizeKey(line.orderNo)
      if (sub !== '' && sub !== parent && !index.has(sub)) subIndex.set(sub, parent)
    }
    if (repeated !== null) {
      const keys = slots.keys
      for (let slot = 0; slot < orders.length; slot += 1) {
        if (state[slot] === 0) continue
        const key = keys[slot] as string
        if (!repeated.has(key)) continue
        state[slot] = 2
        const order = orders[slot] as Order
        const list = slots.duplicates.get(key)
        if (list) list.push(order)
        else slots.duplicates.set(key, [order])
      }
    }
    return { slots, paymentIndex, subIndex }
  }

  private orderGroup(group: OrderGroup, order: Order | null, difference: Minor): Group {
    const first = order ?? group.txns[0]
    // Items stay in arrival order here (sorting 1M small groups costs more than the join); groupItems() sorts for keys and hashes.
    const sortedTxns = group.followUp && group.txns.length > 1 ? txnsByRef(group.txns) : group.txns
    const orders = group.orders.length > 1 ? ordersByRef(group.orders) : group.orders
    return {
      level: 'order', anchor: group.followUp ? `${group.key}+${txnRef(sortedTxns[0] ?? (group.txns[0] as SettlementTxn))}` : group.key,
      orders, settlements: sortedTxns, bank: NO_BANK,
      channel: first?.channel ?? 'other', store: first?.store ?? '', currency: first?.currency ?? 'CNY',
      date: order ? order.createdAt.slice(0, 10) : earliest(group.txns), difference,
    }
  }

  /** The hot path: one order, its txns, one result object. */
  private classifyOrderGroup(key: string, slotRank: Rank, order: Order, txns: SettlementTxn[]): GroupResult {
    const currency = order.currency
    let paid = 0n
    let refunds = 0n
    let payments = 0
    let hasRefund = false
    let failed = false
    let currencyMismatch = false
    for (let index = 0; index < txns.length; index += 1) {
      const txn = txns[index] as SettlementTxn
      if (txn.currency !== currency) currencyMismatch = true
      const kind = txn.kind
      if (kind === 'payment') {
        const amount = txn.amount
        paid = payments === 0 ? amount : paid + amount
        payments += 1
        if (amount <= 0n || this.failedText(txn.description)) failed = true
      } else if (kind === 'refund') {
        refunds = hasRefund ? refunds + txn.amount : txn.amount
        hasRefund = true
      }
    }
    const moved = hasRefund ? paid + refunds : paid
    // a refund the bill shows but the export does not (售后退款 after 交易成功) is the order's refund event, not a difference
    const expected = hasRefund ? expectedMoney([order], -refunds) : expectedNet(order)
    const difference = (moved === expected ? 0n : moved - expected) as Minor
    const rule = RANK_RULES[slotRank] ?? 'order-key'
    const closed = order.status === 'cancelled' || order.status === 'closed'
    let type: ExceptionType | null = null
    let why = ''
    if (currencyMismatch) { type = 'CURRENCY_MISMATCH'; why = `a settlement txn is not in the order currency ${currency}` }
    else if (failed) { type = 'PAYMENT_FAILED'; why = 'a payment of the order failed or was returned' }
    else if (closed && moved > 0n) { type = 'CLOSED_ORDER_WITH_PAYMENT'; why = `order is ${order.status} but kept ${money(moved, currency)} of payment` }
    else if (-refunds > paid) { type = 'OVER_REFUND'; why = `refunds ${money(-refunds, currency)} exceed payments ${money(paid, currency)}` }
    else if (payments > 1 && paid > order.gross) { type = 'DUPLICATE_PAYMENT'; why = `${payments} payments total ${money(paid, currency)}, order gross ${money(order.gross, currency)}` }
    else if (difference !== 0n) {
      if (!this.withinTolerance(difference, currency)) { type = 'AMOUNT_MISMATCH'; why = `money ${money(moved, currency)} vs expected ${money(expected, currency)}` }
      else {
        const account = this.settings.tolerance.account
        const tolerated: MatchResult = {
          level: 'order', anchor: key, orders: [order], settlements: txns, bank: NO_BANK, channel: order.channel, store: order.store, currency,
          date: this.dateOf(order.createdAt), difference, outcome: 'match', rule: 'tolerance', why: `${WHY[rule]}; difference ${difference} within the company tolerance`,
          confidence: BUILTIN_RULES[rule], status: this.statusOf(rule), differenceAccount: account,
        }
        return tolerated
      }
    }
    if (type === null) {
      const matched: MatchResult = {
        level: 'order', anchor: key, orders: [order], settlements: txns, bank: NO_BANK, channel: order.channel, store: order.store, currency,
        date: this.dateOf(order.createdAt), difference, outcome: 'match', rule, why: WHY[rule], confidence: BUILTIN_RULES[rule], status: this.statusOf(rule),
      }
      return matched
    }
    const date = this.dateOf(order.createdAt)
    const group: Group = { level: 'order', anchor: key, orders: [order], settlements: txns, bank: NO_BANK, channel: order.channel, store: order.store, currency, date, difference }
    return this.exception(group, type, rule, why)
  }

  private classifyFollowUp(group: OrderGroup): GroupResult {
    const base = this.orderGroup(group, null, differenceOf(group.txns, []))
    const result = this.match(base, 'order-key', `follow-up to the person-decided match of order ${group.key}`)
    return matchOf(result, result.rule, result.why, 50, result.status, result.differenceAccount)
  }

  private withinTolerance(difference: bigint, currency: string): boolean {
    let limit = this.tolerance.get(currency)
    if (limit === undefined) {
      limit = parseAmount(this.settings.tolerance.amount, currency) as bigint
      this.tolerance.set(currency, limit)
    }
    return (difference < 0n ? -difference : difference) <= limit
  }

  private txnGroup(level: 'order' | 'charge', anchor: string, txns: ReadonlyArray<SettlementTxn>): Group {
    const sorted = txns.length > 1 ? txnsByRef(txns) : txns
    const first = sorted[0] as SettlementTxn
    return { level, anchor, orders: NO_ORDERS, settlements: sorted, bank: NO_BANK, channel: first.channel, store: first.store, currency: first.currency, date: earliest(sorted), difference: differenceOf(sorted, NO_ORDERS) }
  }

  // -------------------------------------------------------------------------
  // Own-store orders without a key, and what is left over
  // -------------------------------------------------------------------------

  private ownStoreAndLeftovers(lonely: ReadonlyArray<Order>, orphans: Map<string, SettlementTxn[]>): void {
    const own = this.settings.ownStore
    const eligible = lonely.filter((order) => expectsPayment(order) && (own.channels.includes(order.channel) || own.stores.includes(order.store)) && normalizeBuyer(order.buyerRef) !== '')
    const candidates = new Map<string, { orphanKey: string; txn: SettlementTxn }[]>()
    if (eligible.length > 0) {
      for (const [orphanKey, txns] of orphans) {
        if (txns.length !== 1) continue
        const txn = txns[0] as SettlementTxn
        const buyer = normalizeBuyer(txn.counterparty)
        if (txn.kind !== 'payment' || buyer === '') continue
        const index = `${txn.currency}|${txn.amount}|${buyer}`
        const list = candidates.get(index)
        if (list) list.push({ orphanKey, txn })
        else candidates.set(index, [{ orphanKey, txn }])
      }
    }
    const windowMs = own.windowHours * 3_600_000
    const edges: Array<{ order: Order; orderKey: string; orphanKey: string; txn: SettlementTxn }> = []
    for (const order of eligible) {
      const list = candidates.get(`${order.currency}|${order.gross}|${normalizeBuyer(order.buyerRef)}`)
      if (!list) continue
      const at = Date.parse(order.paidAt ?? order.createdAt)
      const orderKey = normalizeKey(order.orderNo)
      for (const candidate of list) {
        if (Math.abs(Date.parse(candidate.txn.occurredAt) - at) > windowMs) continue
        if (this.rejected !== null && this.rejected.has(`${orderKey}\u0000${naturalKey({ kind: 'settlementTxn', record: candidate.txn })}`)) continue
        edges.push({ order, orderKey, orphanKey: candidate.orphanKey, txn: candidate.txn })
      }
    }
    const taken = new Set<Order>()
    for (const component of components(edges)) {
      const orders = [...new Set(component.map((edge) => edge.order))]
      const txns = [...new Map(component.map((edge) => [edge.orphanKey, edge.txn])).entries()]
      for (const order of orders) taken.add(order)
      for (const [orphanKey] of txns) orphans.delete(orphanKey)
      const sortedOrders = byRef(orders.map((item) => ({ ref: naturalKey({ kind: 'order', record: item }), item })))
      const first = sortedOrders[0] as Order
      const group: OrderGroup = { key: normalizeKey(first.orderNo), orders: sortedOrders, txns: txns.map(([, txn]) => txn), rank: 0, followUp: false }
      const base = this.orderGroup(group, first, differenceOf(group.txns, sortedOrders))
      if (orders.length === 1 && txns.length === 1) this.emit(this.match(base, 'own-store', WHY['own-store']))
      else if (orders.length === 1) this.emit(this.exception(base, 'DUPLICATE_PAYMENT', 'own-store', `${txns.length} payments fit order ${group.key} (amount + buyer + time): not guessing`))
      else this.emit(this.exception(base, 'DUPLICATE_ORDER', 'own-store', `${orders.length} orders fit the same payment (amount + buyer + time): not guessing`))
    }
    const minimumAge = this.settings.missingPaymentDays
    let covered: Map<string, string> | null = null
    for (const order of lonely) {
      if (taken.has(order)) continue
      const due = paymentDue(order)
      if (due === undefined || expectedNet(order) <= 0n) continue
      if (ageInDays(due.from, this.asOf) < minimumAge) continue
      if (due.needsCoverage) {
        // only where the store's payment transactions are imported up to the day the money was due
        covered ??= latestTxnDates(this.input.settlements)
        const latest = covered.get(`${order.store}\u0000${order.currency}`)
        if (latest === undefined || latest < due.from.slice(0, 10)) continue
      }
      const group: OrderGroup = { key: normalizeKey(order.orderNo), orders: [order], txns: [], rank: 0, followUp: false }
      this.emit(this.exception(this.orderGroup(group, order, (-expectedNet(order)) as Minor), 'MISSING_PAYMENT', 'order-key', `${due.what} without money after ${minimumAge} days`))
    }
    for (const [orphanKey, txns] of orphans) {
      // '~': money for an order number not in the books; distinct from that order's own group key
      const group = this.txnGroup('order', orphanKey.startsWith('#') ? orphanKey : `~${orphanKey}`, txns)
      const hasPayment = txns.some((txn) => txn.kind === 'payment')
      const hasRefund = txns.some((txn) => txn.kind === 'refund')
      if (!hasPayment && hasRefund) this.emit(this.exception(group, 'REFUND_WITHOUT_ORDER', 'order-key', 'refund for an order that is not in the books'))
      else this.emit(this.exception(group, 'ORPHAN_PAYMENT', 'order-key', orphanKey.startsWith('#') ? 'payment without an order number, and no own-store order fits' : `money for order ${orphanKey}, which is not in the books`))
    }
  }

  // -------------------------------------------------------------------------
  // Level 2: payouts <-> bank lines
  // -------------------------------------------------------------------------

  payoutLevel(): void {
    const window = this.settings.payoutWindowDays
    const payouts = byRef(this.payouts.map((item) => ({ ref: naturalKey({ kind: 'settlementTxn', record: item }), item })))
      .map((txn) => ({ txn, ref: naturalKey({ kind: 'settlementTxn', record: txn }), out: txn.amount < 0n ? -txn.amount : txn.amount, day: dayNumber(txn.occurredAt), used: false }))
      .sort((a, b) => a.day - b.day)
    const lines: Array<{ line: BankTxn; ref: string; day: number; used: boolean; named: ReturnType<typeof platformOfLine> }> = []
    for (const line of this.input.bank) {
      const ref = naturalKey({ kind: 'bankTxn', record: line })
      if (this.pinned !== null && this.pinned.has(ref)) continue
      if (line.amount <= 0n) {
        this.output.skipped.push(line)
        continue
      }
      lines.push({ line, ref, day: dayNumber(bankDate(line)), used: false, named: platformOfLine(line) })
    }
    lines.sort((a, b) => a.day - b.day || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
    const fits = (payout: (typeof payouts)[number], line: (typeof lines)[number]) =>
      !payout.used && !line.used && payout.txn.currency === line.line.currency && line.day - payout.day >= -1 && line.day - payout.day <= window &&
      // A line whose 对方户名 names a platform only takes that platform's payouts (platforms.ts).
      (line.named === null || platformPays(line.named.platform, payout.txn.channel)) &&
      (this.rejected === null || !this.rejected.has(`${line.ref}\u0000${payout.ref}`))
    const why = (rule: BuiltinRule, line: (typeof lines)[number]) => (line.named === null ? WHY[rule] : `${WHY[rule]}; 对方户名 names ${line.named.label}`)
    const byAmount = new Map<string, Array<(typeof payouts)[number]>>()
    for (const payout of payouts) {
      const key = `${payout.txn.currency}|${payout.out}`
      const list = byAmount.get(key)
      if (list) list.push(payout)
      else byAmount.set(key, [payout])
    }
    for (const line of lines) {
      const list = byAmount.get(`${line.line.currency}|${line.line.amount}`) ?? []
      let best: (typeof payouts)[number] | undefined
      for (const payout of list) {
        if (!fits(payout, line)) continue
        if (best === undefined || Math.abs(line.day - payout.day) < Math.abs(line.day - best.day)) best = payout
      }
      if (best === undefined) continue
      best.used = true
      line.used = true
      this.emit(this.payoutMatch([best.txn], [line.line], 'payout-amount-date', why('payout-amount-date', line)))
    }
    for (const line of lines) {
      if (line.used) continue
      const pool = payouts.filter((payout) => fits(payout, line))
      const subset = findSubset(pool.map((payout) => payout.out), line.line.amount)
      if (subset === null || subset.length < 2) continue
      const chosen = subset.map((index) => pool[index]).filter((payout) => payout !== undefined)
      for (const payout of chosen) payout.used = true
      line.used = true
      this.emit(this.payoutMatch(chosen.map((payout) => payout.txn), [line.line], 'payout-sum', why('payout-sum', line)))
    }
    for (const payout of payouts) {
      if (payout.used) continue
      const pool = lines.filter((line) => fits(payout, line))
      const subset = findSubset(pool.map((line) => line.line.amount), payout.out)
      if (subset === null || subset.length < 2) continue
      const chosen = subset.map((index) => pool[index]).filter((line) => line !== undefined)
      for (const line of chosen) line.used = true
      payout.used = true
      this.emit(this.payoutMatch([payout.txn], chosen.map((line) => line.line), 'payout-split'))
    }
    for (const payout of payouts) {
      if (payout.used) continue
      if (ageInDays(payout.txn.occurredAt, this.asOf) <= window) {
        this.output.pending.push(payout.txn)
        continue
      }
      const group: Group = { level: 'payout', anchor: payout.ref, orders: [], settlements: [payout.txn], bank: [], channel: payout.txn.channel, store: payout.txn.store, currency: payout.txn.currency, date: payout.txn.occurredAt.slice(0, 10), difference: (-payout.out) as Minor }
      this.emit(this.exception(group, 'MISSING_PAYMENT', 'payout-amount-date', `payout not found in the bank within ${window} days`))
    }
    for (const line of lines) {
      if (line.used) continue
      const group: Group = { level: 'payout', anchor: line.ref, orders: [], settlements: [], bank: [line.line], channel: 'bank', store: '', currency: line.line.currency, date: bankDate(line.line), difference: line.line.amount }
      this.emit(this.exception(group, 'ORPHAN_PAYMENT', 'payout-amount-date', 'bank receipt that no payout explains'))
    }
  }

  private payoutMatch(payouts: ReadonlyArray<SettlementTxn>, lines: ReadonlyArray<BankTxn>, rule: BuiltinRule, why: string = WHY[rule]): GroupResult {
    const bank = byRef(lines.map((item) => ({ ref: naturalKey({ kind: 'bankTxn', record: item }), item })))
    const settlements = byRef(payouts.map((item) => ({ ref: naturalKey({ kind: 'settlementTxn', record: item }), item })))
    const first = settlements[0] as SettlementTxn
    let difference = 0n
    for (const line of bank) difference += line.amount
    for (const payout of settlements) difference -= payout.amount < 0n ? -payout.amount : payout.amount
    const anchor = naturalKey({ kind: 'bankTxn', record: bank[0] as BankTxn })
    const group: Group = { level: 'payout', anchor, orders: [], settlements, bank, channel: first.channel, store: first.store, currency: first.currency, date: earliest(settlements), difference: difference as Minor }
    return this.match(group, rule, why)
  }

  // -------------------------------------------------------------------------
  // Results and custom rules
  // -------------------------------------------------------------------------

  private match(group: Group, rule: BuiltinRule, why: string, differenceAccount?: string): MatchResult {
    return matchOf(group, differenceAccount === undefined ? rule : 'tolerance', why, BUILTIN_RULES[rule], this.statusOf(rule), differenceAccount)
  }

  private exception(group: Group, type: ExceptionType, rule: string, why: string): ExceptionResult {
    return exceptionOf(group, type, 'open', rule, why, largestAmount(group) as Minor, this.age(group.date), undefined)
  }

  private emit(result: GroupResult): void {
    const final = this.noRules ? result : this.applyRules(result)
    if (final.outcome === 'match') this.output.matches.push(final)
    else this.output.exceptions.push(final)
  }

  private applyRules(result: GroupResult): GroupResult {
    for (const rule of this.settings.rules) {
      if (!actionApplies(rule.then, result) || !ruleHolds(rule, result, this.asOf)) continue
      const fired = `custom:${rule.id}`
      const action = rule.then
      switch (action.action) {
        case 'raise':
          return this.exception(result, action.type, fired, `rule ${rule.id} raised ${action.type} (${result.outcome === 'match' ? `was a match by ${result.rule}` : `was ${result.type}`})`)
        case 'ignore':
          if (result.outcome !== 'exception') continue
          return exceptionOf(result, result.type, 'ignored', fired, `rule ${rule.id} auto-ignores this (${result.why})`, result.amount, result.ageDays, result.requiredRole)
        case 'tolerance': {
          const limit = parseAmount(action.maxDifference, result.currency) as bigint
          const difference = result.difference < 0n ? -result.difference : result.difference
          if (difference > limit) continue
          return matchOf(result, fired, `rule ${rule.id}: difference ${result.difference} within ${action.maxDifference}, posts to ${action.account}`, BUILTIN_RULES.tolerance, this.statusOf('tolerance'), action.account)
        }
        case 'requireApproval': {
          if (result.outcome !== 'match') continue
          const approvedHash = this.decisions.approvals?.get(groupKey(result))
          if (approvedHash !== undefined && approvedHash === membersHash(result)) {
            return matchOf(result, 'approved', `approved (rule ${rule.id} requires ${action.role}); ${result.why}`, result.confidence, 'confirmed', result.differenceAccount)
          }
          const needs = this.exception(result, 'NEEDS_APPROVAL', fired, `rule ${rule.id}: needs approval by ${action.role} before posting (${result.why})`)
          return exceptionOf(needs, needs.type, needs.status, needs.rule, needs.why, needs.amount, needs.ageDays, action.role)
        }
      }
    }
    return result
  }
}

/** A match over a group's own fields (a result re-classified by a rule must not carry the old outcome's fields). One object, no spreads. */
function matchOf(group: Group, rule: string, why: string, confidence: number, status: MatchStatus, differenceAccount: string | undefined): MatchResult {
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

function exceptionOf(group: Group, type: ExceptionType, status: 'open' | 'ignored', rule: string, why: string, amount: Minor, ageDays: number, requiredRole: string | undefined): ExceptionResult {
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

function earliest(items: ReadonlyArray<{ occurredAt: string }>): string {
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
function placeTradeCharges(tradeCharges: ReadonlyArray<SettlementTxn>, orphans: Map<string, SettlementTxn[]>, charges: SettlementTxn[]): void {
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
function components<E extends { orderKey: string; orphanKey: string }>(edges: ReadonlyArray<E>): E[][] {
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
function money(value: bigint, currency: string): string {
  return isCurrency(currency) ? `${formatAmount(value, currency)} ${currency}` : `${value} (minor units)`
}
