import type { Minor } from '../money.ts'
import { type BankTxn, type Order, type SettlementTxn, naturalKey } from '../records.ts'
import { platformOfLine, platformPays } from './platforms.ts'
import { normalizeBuyer, normalizeKey } from './keys.ts'
import { ageInDays } from './rules.ts'
import { expectedMoney } from './summary.ts'
import { BUILTIN_RULES, type BuiltinRule, type ExceptionType, type Group, type GroupResult, type MatchResult } from './types.ts'
import { RunState } from './engine-state.ts'
import type { MatchInput, MatchOutput } from './io.ts'
import { type Rank, type OrderGroup, RANK_RULES, WHY, Slots, NO_BANK, expectedNet, expectsPayment, paymentDue, latestTxnDates, dayNumber, bankDate, byRef, txnRef, ordersByRef, differenceOf, matchOf, earliest, placeTradeCharges, components, findSubset, money } from './engine-parts.ts'

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


class Run extends RunState {
  // -------------------------------------------------------------------------
  // Level 1: orders <-> settlement txns
  // -------------------------------------------------------------------------

  orderLevel(): void {
    const { slots, paymentIndex, subIndex } = this.indexOrders()
    const loose: LooseTxns = { orphans: new Map(), charges: [], tradeCharges: null }
    this.assignTxns(slots, paymentIndex, subIndex, loose)
    const lonely = this.classifySlots(slots)
    if (loose.tradeCharges !== null) placeTradeCharges(loose.tradeCharges, loose.orphans, loose.charges)
    this.ownStoreAndLeftovers(lonely, loose.orphans)
    for (const txn of loose.charges) {
      const group = this.txnGroup('charge', txnRef(txn), [txn])
      this.emit(this.match(group, 'platform-charge', WHY['platform-charge']))
    }
  }

  private pinnedOrders(): ReadonlySet<string> | null {
    return this.decisions.pinnedOrderKeys !== undefined && this.decisions.pinnedOrderKeys.size > 0 ? this.decisions.pinnedOrderKeys : null
  }

  /**
   * Each settlement txn to its order's slot: by order ref, a sub-order's parent
   * (rank 1) or the order's payment ref / trade no (rank 2); a pinned order key
   * gets a follow-up slot. Payouts go to this.payouts, the rest to `loose`.
   */
  private assignTxns(slots: Slots, paymentIndex: ReadonlyMap<string, string>, subIndex: ReadonlyMap<string, string>, loose: LooseTxns): void {
    const index = slots.index
    const pinnedOrders = this.pinnedOrders()
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
        loose.charges.push(txn)
        continue
      }
      const refKey = index.normalize(txn.orderRef)
      let slot = -1
      let rank: Rank = 0
      if (refKey !== '') {
        slot = index.get(refKey)
        if (slot < 0) {
          if (pinnedOrders !== null && pinnedOrders.has(refKey)) slot = slots.addFollowUp(refKey)
          else if (hasSubs) {
            const parent = subIndex.get(refKey)
            if (parent !== undefined) {
              slot = index.get(parent)
              if (slot < 0 && pinnedOrders !== null && pinnedOrders.has(parent)) slot = slots.addFollowUp(parent)
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
      if (slot < 0) addLoose(txn, refKey, loose)
      else addToSlot(slots, slot, rank, txn)
    }
  }

  /** Classifies the order slots (orders without txns are returned), duplicate order numbers, and pinned follow-ups. */
  private classifySlots(slots: Slots): Order[] {
    const lonely: Order[] = []
    const orders = this.input.orders
    const { index, state, keys, txns: slotTxns, ranks: slotRanks } = slots
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
    const pinnedOrders = this.pinnedOrders()
    if (pinnedOrders !== null) {
      for (const key of pinnedOrders) {
        const slot = index.get(key)
        if (slot < slots.orderCount) continue
        const txns = slotTxns[slot]
        if (txns === null || txns === undefined) continue
        this.emit(this.classifyFollowUp({ key, orders: [], txns, rank: (slotRanks[slot] ?? 0) as Rank, followUp: true }))
      }
    }
    return lonely
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

}

export { findSubset, paymentDue, sortOutput } from './engine-parts.ts'

/** Settlement txns of no order slot: orphans by order key (or trade no), store-level charges, and charges with a trade no placed later. */
interface LooseTxns {
  readonly orphans: Map<string, SettlementTxn[]>
  readonly charges: SettlementTxn[]
  tradeCharges: SettlementTxn[] | null
}

function addLoose(txn: SettlementTxn, refKey: string, loose: LooseTxns): void {
  if (refKey === '' && txn.kind !== 'payment' && txn.kind !== 'refund') {
    // No order reference: a store-level charge (直通车, 技术服务费 …), even with a trade number (业务流水号),
    // unless that trade number is one of unknown-order money (placed after the loop).
    if (txn.tradeNo !== undefined && txn.tradeNo !== '') (loose.tradeCharges ??= []).push(txn)
    else loose.charges.push(txn)
    return
  }
  const orphanKey = refKey !== '' ? refKey : normalizeKey(txn.tradeNo)
  if (orphanKey !== '') {
    const list = loose.orphans.get(orphanKey)
    if (list) list.push(txn)
    else loose.orphans.set(orphanKey, [txn])
  } else loose.orphans.set(`#${txnRef(txn)}`, [txn])
}

function addToSlot(slots: Slots, slot: number, rank: Rank, txn: SettlementTxn): void {
  const slotTxns = slots.txns
  const list = slotTxns[slot]
  if (list === null || list === undefined) {
    slotTxns[slot] = [txn]
    if (rank !== 0) slots.ranks[slot] = rank
    return
  }
  // exact-size arrays for the usual few txns of an order (push would reserve 17 slots per group for the output)
  const length = list.length
  if (length === 1) slotTxns[slot] = [list[0] as SettlementTxn, txn]
  else if (length === 2) slotTxns[slot] = [list[0] as SettlementTxn, list[1] as SettlementTxn, txn]
  else if (length === 3) slotTxns[slot] = [list[0] as SettlementTxn, list[1] as SettlementTxn, list[2] as SettlementTxn, txn]
  else list.push(txn)
  if (rank > (slots.ranks[slot] as number)) slots.ranks[slot] = rank
}
