import { type Minor, ZERO, allocate, convert, formatAmount, vatOfGross } from '../money.ts'
import { type Order, type OrderLine, type SettlementTxn, naturalKey, normalizeOrderRef } from '../records.ts'
import { lineBuilder } from './lines.ts'
import type { AcceptedDifference, Entry, EntryLine, Held, HoldVerdict, PayoutLink, PostingPolicy, SourceItem, StoreProfile } from './types.ts'

/**
 * Posting templates (accounting.md, "Posting templates"): canonical records ->
 * entries, one per business event, each balanced in base currency.
 *
 * | event                       | debit                                   | credit            |
 * |-----------------------------|-----------------------------------------|-------------------|
 * | sale (确认收货 or shipped)   | receivable G                            | revenue G-VAT; VAT|
 * | settlement (first payment)  | wallet P-C-F; commission C; fee F; diff | receivable G-R0   |
 * | refund before settlement R0 | revenue; VAT (cumulative pro rata)      | receivable R0     |
 * | refund after settlement R   | revenue; VAT (cumulative pro rata)      | wallet R          |
 * | commission / fee / promotion| expense                                 | wallet            |
 * | payout ('bank': on the receipt) | bank account of the receipt         | wallet            |
 * | COGS                        | cost                                    | inventory         |
 * | return into stock           | inventory                               | cost              |
 *
 * Refund VAT splits are cumulative: refund k takes allocate(R1+..+Rk, [net, VAT])
 * minus allocate(R1+..+R(k-1), [net, VAT]), so any number of partial refunds
 * adds up exactly to the sale's net and VAT when the order is fully refunded.
 */
export interface PostingInput {
  readonly orders: ReadonlyArray<Order>
  readonly orderLines?: ReadonlyArray<OrderLine>
  readonly txns: ReadonlyArray<SettlementTxn>
  /** inventory costs in base minor units, by order-line natural key */
  readonly issueCosts?: ReadonlyMap<string, Minor>
  readonly returnCosts?: ReadonlyMap<string, { readonly date: string; readonly cost: Minor }>
}

export interface PlanOptions {
  readonly policy: PostingPolicy
  readonly stores: ReadonlyMap<string, StoreProfile>
  /** true for source items already on a voucher (voucher_sources) */
  readonly isPosted?: (source: SourceItem) => boolean
  /** total refund amount of an order (natural key) already posted in earlier runs */
  readonly refundedBefore?: (orderKey: string) => Minor
  /** matching's verdict: a reason (with words) to hold the item back, or undefined */
  readonly hold?: (source: SourceItem) => Held['reason'] | HoldVerdict | undefined
  /** a settlement difference matching accepted for this payment (resolved AMOUNT_MISMATCH, tolerance match) */
  readonly accepted?: (source: SourceItem) => AcceptedDifference | undefined
  /** the bank receipt a payout (natural key) was matched to; used with policy.payouts 'bank' */
  readonly payoutLink?: (payoutKey: string) => PayoutLink | undefined
  /** the order a txn belongs to (confirmed match); default: orderRef / tradeNo within the store */
  readonly orderOfTxn?: (txn: SettlementTxn) => Order | undefined
}

export interface Plan {
  readonly entries: Entry[]
  readonly held: Held[]
}

export const orderKeyOf = (order: Order): string => naturalKey({ kind: 'order', record: order })
export const txnKeyOf = (txn: SettlementTxn): string => naturalKey({ kind: 'settlementTxn', record: txn })
export const lineKeyOf = (line: OrderLine): string => naturalKey({ kind: 'orderLine', record: line })
const dateOf = (timestamp: string): string => timestamp.slice(0, 10)

/** The business date a sale is recognised on, or undefined while it is not. */
export function recognitionDate(order: Order, recognition: PostingPolicy['recognition']): string | undefined {
  if (order.status === 'cancelled' || order.status === 'closed' || order.status === 'pending') return undefined
  const at = recognition === 'completed' ? order.completedAt : (order.shippedAt ?? order.completedAt)
  return at === undefined ? undefined : dateOf(at)
}

/** Net and VAT of an order's gross at the store's rate on the recognition date (or order date). */
export function orderSplit(order: Order, store: StoreProfile, policy: PostingPolicy): { net: Minor; vat: Minor } {
  const date = recognitionDate(order, policy.recognition) ?? dateOf(order.createdAt)
  return vatOfGross(order.gross, store.vatRateOn(date), order.currency)
}

/** The part of a refund that reverses net and VAT, cumulative so partial refunds sum exactly. */
export function refundSplit(split: { net: Minor; vat: Minor }, refundedBefore: Minor | bigint, amount: Minor | bigint): { net: Minor; vat: Minor } {
  const weights = [split.net < 0n ? 0n : split.net, split.vat < 0n ? 0n : split.vat]
  const [netBefore = ZERO, vatBefore = ZERO] = allocate(refundedBefore, weights)
  const [netAfter = ZERO, vatAfter = ZERO] = allocate(BigInt(refundedBefore) + BigInt(amount), weights)
  return { net: (netAfter - netBefore) as Minor, vat: (vatAfter - vatBefore) as Minor }
}

interface Scope {
  readonly input: PostingInput
  readonly options: PlanOptions
  readonly entries: Entry[]
  readonly held: Held[]
  readonly isPosted: (source: SourceItem) => boolean
  /** running refund total per order within this plan (after what earlier runs posted) */
  readonly refundTotals: Map<string, bigint>
  /** bank lines already linked to a payout entry of this plan (one voucher source each) */
  readonly bankLinked: Set<string>
}

function rateFor(scope: Scope, currency: string, date: string, source: SourceItem, store: string): string | null | undefined {
  if (currency === scope.options.policy.baseCurrency) return null
  const rate = scope.options.policy.rateOn(currency, date)
  if (rate === undefined) scope.held.push({ source, store, reason: 'NO_RATE', message: `no ${currency}/${scope.options.policy.baseCurrency} rate on or before ${date}` })
  return rate
}

function builderFor(scope: Scope, store: StoreProfile, currency: string, rate: string | null) {
  return lineBuilder({ store: store.code, currency, baseCurrency: scope.options.policy.baseCurrency, rate, roundingAccount: store.accounts.exchangeGainLoss })
}

function heldBack(scope: Scope, source: SourceItem, store: string): boolean {
  const verdict = scope.options.hold?.(source)
  if (!verdict) return false
  if (typeof verdict !== 'string') scope.held.push({ source, store, reason: verdict.reason, message: verdict.message })
  else scope.held.push({ source, store, reason: verdict, message: verdict === 'NEEDS_APPROVAL' ? 'waits for an approver (NEEDS_APPROVAL)' : `held: ${verdict}` })
  return true
}

function acceptedFor(scope: Scope, sources: ReadonlyArray<SourceItem>): AcceptedDifference | undefined {
  const accepted = scope.options.accepted
  if (!accepted) return undefined
  for (const source of sources) {
    const found = accepted(source)
    if (found) return found
  }
  return undefined
}

/**
 * The account a settlement difference posts to, or a reason to hold: matching's
 * accepted difference must be the one posting finds (`short` = expected − paid).
 */
function differenceAccount(scope: Scope, money: OrderMoney, short: bigint, rate: string | null, accepted: AcceptedDifference | undefined): { account: string; label: string } | { problem: string } {
  const { order, store } = money
  const fallback = short > 0n ? store.accounts.differenceLoss : store.accounts.differenceGain
  if (accepted) {
    if (accepted.difference !== -short) return { problem: `order ${order.orderNo}: posting finds a difference of ${formatAmount(-short, order.currency)}, not the ${formatAmount(accepted.difference, order.currency)} accepted by ${accepted.by}; match again` }
    return { account: accepted.account ?? fallback, label: '结算差额(已确认)' }
  }
  const absolute = (short < 0n ? -short : short) as Minor
  const inBase = rate === null ? absolute : convert(absolute, order.currency, scope.options.policy.baseCurrency, rate)
  if (inBase > scope.options.policy.tolerance) return { problem: `difference ${formatAmount(-short, order.currency)} exceeds tolerance` }
  return { account: fallback, label: '结算差额(容差内)' }
}

/** Plans the sale; returns true when it waits (held or no rate), so its cost of goods waits with it. */
function saleEntry(scope: Scope, order: Order, store: StoreProfile): boolean {
  const source = { kind: 'order', id: orderKeyOf(order) }
  if (scope.isPosted(source) || order.gross === 0n) return false
  const date = recognitionDate(order, scope.options.policy.recognition)
  if (date === undefined) {
    scope.held.push({ source, store: store.code, reason: 'NOT_RECOGNISED', message: `order ${order.orderNo} is ${order.status}; no sale until ${scope.options.policy.recognition === 'completed' ? '确认收货' : 'shipment'}` })
    return false
  }
  if (heldBack(scope, source, store.code)) return true
  const rate = rateFor(scope, order.currency, date, source, store.code)
  if (rate === undefined) return true
  const { net, vat } = orderSplit(order, store, scope.options.policy)
  const lines = builderFor(scope, store, order.currency, rate)
    .add(store.accounts.receivable, 'debit', order.gross, '应收货款')
    .add(store.accounts.revenue, 'credit', net, '主营业务收入')
    .add(store.accounts.outputVat, 'credit', vat, '销项税额')
    .build()
  scope.entries.push({ kind: 'sale', store: store.code, date, key: `sale:${source.id}`, summary: `${store.name} 销售 订单 ${order.orderNo}`, lines, sources: [source] })
  return false
}

const CHARGE_LABELS: Record<string, string> = { commission: '平台佣金', fee: '手续费', promotion: '推广费', adjustment: '其他平台费用' }

function chargeAccount(store: StoreProfile, txn: SettlementTxn, linked: boolean): string {
  switch (txn.kind) {
    case 'commission': return store.accounts.commission
    case 'fee': return linked ? store.accounts.paymentFee : store.accounts.otherPlatformCharge
    case 'promotion': return store.accounts.promotion
    default: return txn.amount > 0n ? store.accounts.differenceGain : store.accounts.otherPlatformCharge
  }
}

interface OrderMoney {
  readonly order: Order
  readonly store: StoreProfile
  readonly txns: SettlementTxn[]
}

/** Settlement of an order's first payment, with the refund made before it and any difference in tolerance. */
function settlementEntries(scope: Scope, money: OrderMoney): Set<SettlementTxn> {
  const { order, store } = money
  const used = new Set<SettlementTxn>()
  const payments = money.txns.filter((txn) => txn.kind === 'payment' && txn.amount > 0n)
  const fresh = payments.filter((txn) => !scope.isPosted({ kind: 'settlementTxn', id: txnKeyOf(txn) }))
  const first = fresh[0]
  if (!first) return used
  const anyPosted = fresh.length !== payments.length
  const charges = money.txns.filter((txn) => (txn.kind === 'commission' || txn.kind === 'fee') && !scope.isPosted({ kind: 'settlementTxn', id: txnKeyOf(txn) }))
  const included = [...fresh, ...charges]
  const sources = included.map((txn) => ({ kind: 'settlementTxn', id: txnKeyOf(txn) }))
  if (sources.some((source) => heldBack(scope, source, store.code))) return new Set(included)
  const date = dateOf(fresh.map((txn) => txn.occurredAt).sort().at(-1) ?? first.occurredAt)
  const rate = rateFor(scope, first.currency, date, sources[0] ?? { kind: 'settlementTxn', id: txnKeyOf(first) }, store.code)
  if (rate === undefined) return new Set(included)
  const paid = fresh.reduce((sum, txn) => sum + txn.amount, 0n)
  const commission = -charges.filter((txn) => txn.kind === 'commission').reduce((sum, txn) => sum + txn.amount, 0n)
  const fees = -charges.filter((txn) => txn.kind === 'fee').reduce((sum, txn) => sum + txn.amount, 0n)
  let cleared = paid
  if (!anyPosted) {
    const refundTxns = money.txns.filter((txn) => txn.kind === 'refund').reduce((sum, txn) => sum - txn.amount, 0n)
    const refundedEarly = minBig(maxBig(order.gross - paid, 0n), maxBig(order.refunded - refundTxns, 0n))
    const difference = order.gross - refundedEarly - paid
    const target = difference === 0n ? null : differenceAccount(scope, money, difference, rate, acceptedFor(scope, sources))
    if (target !== null && 'problem' in target) {
      scope.held.push({ source: sources[0] ?? { kind: 'order', id: orderKeyOf(order) }, store: store.code, reason: 'AMOUNT_MISMATCH', message: target.problem.startsWith('order ') ? target.problem : `order ${order.orderNo}: paid ${formatAmount(paid, order.currency)}, expected ${formatAmount(order.gross - refundedEarly, order.currency)}; ${target.problem}` })
      return new Set(included)
    }
    if (refundedEarly > 0n) refundEntry(scope, money, { amount: refundedEarly as Minor, date, key: `${orderKeyOf(order)}#before`, before: true, sources: [] })
    cleared = order.gross - refundedEarly
    const lines = builderFor(scope, store, order.currency, rate)
      .signed(store.accounts.wallet, paid - commission - fees, '平台钱包入账')
      .add(store.accounts.commission, 'debit', commission, '平台佣金')
      .add(store.accounts.paymentFee, 'debit', fees, '支付手续费')
      .signed(target?.account ?? store.accounts.differenceLoss, difference, target?.label ?? '结算差额')
      .add(store.accounts.receivable, 'credit', cleared, '核销应收')
      .build()
    scope.entries.push({ kind: 'settlement', store: store.code, date, key: `settle:${sources[0]?.id ?? orderKeyOf(order)}`, summary: `${store.name} 结算 订单 ${order.orderNo}`, lines, sources, payoutRef: first.payoutRef })
    return new Set(included)
  }
  const lines = builderFor(scope, store, order.currency, rate)
    .signed(store.accounts.wallet, paid - commission - fees, '平台钱包入账')
    .add(store.accounts.commission, 'debit', commission, '平台佣金')
    .add(store.accounts.paymentFee, 'debit', fees, '支付手续费')
    .add(store.accounts.receivable, 'credit', cleared, '核销应收')
    .build()
  scope.entries.push({ kind: 'settlement', store: store.code, date, key: `settle:${sources[0]?.id ?? orderKeyOf(order)}`, summary: `${store.name} 结算 订单 ${order.orderNo}`, lines, sources, payoutRef: first.payoutRef })
  return new Set(included)
}

const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b)
const maxBig = (a: bigint, b: bigint): bigint => (a > b ? a : b)

/**
 * The source item that records a refund's amount against its order, so later
 * runs continue the cumulative VAT split: id = JSON [orderKey, eventKey, amount].
 */
export function refundMarker(orderKey: string, eventKey: string, amount: bigint): SourceItem {
  return { kind: 'orderRefund', id: JSON.stringify([orderKey, eventKey, amount.toString()]) }
}

export function parseRefundMarker(id: string): { orderKey: string; amount: bigint } | null {
  const parsed: unknown = JSON.parse(id)
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[2] !== 'string') return null
  return { orderKey: parsed[0], amount: BigInt(parsed[2]) }
}

interface RefundEvent {
  readonly amount: Minor
  readonly date: string
  readonly key: string
  readonly before: boolean
  readonly sources: ReadonlyArray<SourceItem>
  readonly payoutRef?: string
}

function refundEntry(scope: Scope, money: OrderMoney, event: RefundEvent): void {
  const { order, store } = money
  const orderKey = orderKeyOf(order)
  const marker = refundMarker(orderKey, event.key, event.amount)
  const rate = rateFor(scope, order.currency, event.date, event.sources[0] ?? marker, store.code)
  if (rate === undefined) return
  const before = scope.refundTotals.get(orderKey) ?? BigInt(scope.options.refundedBefore?.(orderKey) ?? 0n)
  scope.refundTotals.set(orderKey, before + event.amount)
  const part = refundSplit(orderSplit(order, store, scope.options.policy), before, event.amount)
  const lines = builderFor(scope, store, order.currency, rate)
    .add(store.accounts.revenue, 'debit', part.net, '冲减收入')
    .add(store.accounts.outputVat, 'debit', part.vat, '冲减销项税额')
    .add(event.before ? store.accounts.receivable : store.accounts.wallet, 'credit', event.amount, event.before ? '冲减应收' : '平台钱包退款')
    .build()
  scope.entries.push({
    kind: 'refund', store: store.code, date: event.date, key: `refund:${event.key}`,
    summary: `${store.name} ${event.before ? '退款(结算前)' : '售后退款'} 订单 ${order.orderNo}`, lines, sources: [...event.sources, marker], payoutRef: event.payoutRef,
  })
}

function chargeEntry(scope: Scope, txn: SettlementTxn, store: StoreProfile, order: Order | undefined): void {
  const source = { kind: 'settlementTxn', id: txnKeyOf(txn) }
  if (heldBack(scope, source, store.code)) return
  const date = dateOf(txn.occurredAt)
  const rate = rateFor(scope, txn.currency, date, source, store.code)
  if (rate === undefined) return
  const label = CHARGE_LABELS[txn.kind] ?? txn.description
  const lines = builderFor(scope, store, txn.currency, rate)
    .signed(chargeAccount(store, txn, order !== undefined), -txn.amount, label)
    .signed(store.accounts.wallet, txn.amount, txn.amount < 0n ? '平台钱包扣款' : '平台钱包入账')
    .build()
  scope.entries.push({ kind: 'charge', store: store.code, date, key: `charge:${source.id}`, summary: `${store.name} ${txn.description || label}${order ? ` 订单 ${order.orderNo}` : ''}`, lines, sources: [source], payoutRef: txn.payoutRef })
}

/**
 * 提现: Dr bank / Cr wallet. With 'bank' timing the payout posts on the date of
 * the bank receipt matching linked it to, into that receipt's bank account; a
 * payout without one is planned `awaitingBank` (for the payout check) and held.
 */
function payoutEntry(scope: Scope, txn: SettlementTxn, store: StoreProfile): void {
  const source = { kind: 'settlementTxn', id: txnKeyOf(txn) }
  if (heldBack(scope, source, store.code)) return
  const bankTiming = scope.options.policy.payouts === 'bank'
  const link = bankTiming ? scope.options.payoutLink?.(source.id) : undefined
  const date = link?.date ?? dateOf(txn.occurredAt)
  const rate = rateFor(scope, txn.currency, date, source, store.code)
  if (rate === undefined) return
  const receipts = link?.receipts ?? []
  const split = receipts.length > 1 && receipts.reduce((sum, receipt) => sum + (receipt.amount ?? 0n), 0n) === -txn.amount
  const lines = builderFor(scope, store, txn.currency, rate)
  if (split) for (const receipt of receipts) lines.add(receipt.account ?? store.accounts.bank, 'debit', receipt.amount ?? 0n, `提现到银行 ${receipt.bankAccount}`)
  else lines.signed(receipts[0]?.account ?? store.accounts.bank, -txn.amount, receipts[0] ? `提现到银行 ${receipts[0].bankAccount}` : '提现到银行')
  lines.signed(store.accounts.wallet, txn.amount, '平台钱包提现')
  const bankSources: SourceItem[] = []
  for (const bank of link?.bankTxns ?? []) {
    const bankSource = { kind: 'bankTxn', id: bank }
    if (scope.bankLinked.has(bank) || scope.isPosted(bankSource)) continue
    scope.bankLinked.add(bank)
    bankSources.push(bankSource)
  }
  const payoutRef = txn.payoutRef ?? txn.externalId
  const awaiting = bankTiming && link === undefined
    ? `payout not in bank yet: ${formatAmount(-txn.amount, txn.currency)} paid out on ${dateOf(txn.occurredAt)} (${payoutRef}) has no bank receipt matched to it; run matching after importing the bank statement`
    : undefined
  scope.entries.push({
    kind: 'payout', store: store.code, date, key: `payout:${source.id}`, summary: `${store.name} 提现 ${payoutRef}`, lines: lines.build(), sources: [source, ...bankSources], payoutRef,
    ...(awaiting === undefined ? {} : { awaitingBank: awaiting }),
  })
}

/**
 * Stock is one company pool per SKU (issue #16.3): the inventory line carries no
 * store, so purchases keyed without a store and issues of every store meet in
 * one 1405 balance; the store stays on the cost line (5401/6401).
 */
function companyStock(lines: ReadonlyArray<EntryLine>, store: StoreProfile): EntryLine[] {
  return lines.map((line) => (line.account === store.accounts.inventory ? { ...line, store: '' } : line))
}

function inventoryEntries(scope: Scope, order: Order, store: StoreProfile, lines: ReadonlyArray<OrderLine>, saleWaits: boolean): void {
  const saleDate = saleWaits ? undefined : recognitionDate(order, scope.options.policy.recognition)
  const base = scope.options.policy.baseCurrency
  for (const line of lines) {
    const key = lineKeyOf(line)
    const issue = scope.input.issueCosts?.get(key)
    const source = { kind: 'orderLine', id: key }
    if (saleDate !== undefined && issue !== undefined && issue > 0n && !scope.isPosted(source)) {
      const entryLines = lineBuilder({ store: store.code, currency: base, baseCurrency: base, rate: null, roundingAccount: store.accounts.exchangeGainLoss })
        .add(store.accounts.cost, 'debit', issue, '主营业务成本').add(store.accounts.inventory, 'credit', issue, '库存商品出库').build()
      scope.entries.push({ kind: 'cogs', store: store.code, date: saleDate, key: `cogs:${key}`, summary: `${store.name} 结转成本 ${line.sku} x${line.quantity} 订单 ${order.orderNo}`, lines: companyStock(entryLines, store), sources: [source] })
    }
    const back = scope.input.returnCosts?.get(key)
    const returnSource = { kind: 'orderLine.return', id: key }
    if (back !== undefined && back.cost > 0n && !scope.isPosted(returnSource)) {
      const entryLines = lineBuilder({ store: store.code, currency: base, baseCurrency: base, rate: null, roundingAccount: store.accounts.exchangeGainLoss })
        .add(store.accounts.inventory, 'debit', back.cost, '退货入库').add(store.accounts.cost, 'credit', back.cost, '冲减主营业务成本').build()
      scope.entries.push({ kind: 'return', store: store.code, date: back.date, key: `return:${key}`, summary: `${store.name} 退货入库 ${line.sku} 订单 ${order.orderNo}`, lines: companyStock(entryLines, store), sources: [returnSource] })
    }
  }
}

function indexOrders(orders: ReadonlyArray<Order>): (txn: SettlementTxn) => Order | undefined {
  const byStoreRef = new Map<string, Order>()
  for (const order of orders) {
    byStoreRef.set(`${order.store}\u0000${order.orderNo}`, order)
    if (order.paymentRef) byStoreRef.set(`${order.store}\u0000${order.paymentRef}`, order)
  }
  return (txn) => {
    const references = [txn.orderRef, txn.tradeNo].filter((value): value is string => value !== undefined && value !== '')
    for (const reference of references) {
      const found = byStoreRef.get(`${txn.store}\u0000${normalizeOrderRef(reference)}`)
      if (found) return found
    }
    return undefined
  }
}

/** A recognised order refunded in full before any money reached the seller: reverse the whole sale. */
function fullRefundWithoutPayment(scope: Scope, order: Order, money: OrderMoney | undefined): void {
  const store = scope.options.stores.get(order.store)
  const date = recognitionDate(order, scope.options.policy.recognition)
  if (!store || date === undefined || order.gross === 0n) return
  const txns = money?.txns ?? []
  if (txns.some((txn) => txn.kind === 'payment')) return
  const refundTxns = txns.filter((txn) => txn.kind === 'refund').reduce((sum, txn) => sum - txn.amount, 0n)
  if (order.refunded - refundTxns < order.gross) return
  const key = `${orderKeyOf(order)}#before`
  if (scope.isPosted(refundMarker(orderKeyOf(order), key, order.gross))) return
  refundEntry(scope, { order, store, txns }, { amount: order.gross, date, key, before: true, sources: [] })
}

const compareTxns = (a: SettlementTxn, b: SettlementTxn): number => (a.occurredAt === b.occurredAt ? (txnKeyOf(a) < txnKeyOf(b) ? -1 : 1) : a.occurredAt < b.occurredAt ? -1 : 1)

/**
 * Plans every entry the records call for that is not posted yet, and says why
 * the rest wait. Deterministic: same records and posted set, same entries.
 * @example planEntries({ orders, txns }, { policy, stores }).entries[0].kind === 'sale'
 */
export function planEntries(input: PostingInput, options: PlanOptions): Plan {
  const scope: Scope = { input, options, entries: [], held: [], isPosted: options.isPosted ?? (() => false), refundTotals: new Map(), bankLinked: new Set() }
  const orderOf = options.orderOfTxn ?? indexOrders(input.orders)
  const linesByOrder = new Map<string, OrderLine[]>()
  for (const line of input.orderLines ?? []) {
    const key = `${line.channel}|${line.orderNo}|order`
    linesByOrder.set(key, [...(linesByOrder.get(key) ?? []), line])
  }
  const money = new Map<string, OrderMoney>()
  const loose: SettlementTxn[] = []
  for (const txn of [...input.txns].sort(compareTxns)) {
    const order = txn.kind === 'payout' || txn.kind === 'promotion' ? undefined : orderOf(txn)
    const store = order ? options.stores.get(order.store) : undefined
    if (!order || !store) {
      loose.push(txn)
      continue
    }
    const key = orderKeyOf(order)
    const entry = money.get(key) ?? { order, store, txns: [] }
    entry.txns.push(txn)
    money.set(key, entry)
  }
  for (const order of input.orders) {
    const store = options.stores.get(order.store)
    if (!store) {
      scope.held.push({ source: { kind: 'order', id: orderKeyOf(order) }, store: order.store, reason: 'UNKNOWN_STORE', message: order.store === '' ? `order ${order.orderNo} was imported without a store` : `store "${order.store}" has no posting profile` })
      continue
    }
    const saleWaits = saleEntry(scope, order, store)
    inventoryEntries(scope, order, store, linesByOrder.get(orderKeyOf(order)) ?? [], saleWaits)
  }
  for (const order of input.orders) fullRefundWithoutPayment(scope, order, money.get(orderKeyOf(order)))
  for (const group of money.values()) {
    const used = settlementEntries(scope, group)
    for (const txn of group.txns) {
      const source = { kind: 'settlementTxn', id: txnKeyOf(txn) }
      if (used.has(txn) || scope.isPosted(source)) continue
      if (txn.kind === 'refund' && txn.amount < 0n) {
        if (heldBack(scope, source, group.store.code)) continue
        refundEntry(scope, group, { amount: -txn.amount as Minor, date: dateOf(txn.occurredAt), key: source.id, before: false, sources: [source], payoutRef: txn.payoutRef })
      } else if (txn.kind === 'payment') {
        scope.held.push({ source, store: group.store.code, reason: 'AMOUNT_MISMATCH', message: `payment ${txn.externalId} of order ${group.order.orderNo} is not positive` })
      } else chargeEntry(scope, txn, group.store, group.order)
    }
  }
  for (const txn of loose) {
    const source = { kind: 'settlementTxn', id: txnKeyOf(txn) }
    if (scope.isPosted(source)) continue
    const store = options.stores.get(txn.store)
    if (!store) {
      scope.held.push({ source, store: txn.store, reason: 'UNKNOWN_STORE', message: txn.store === '' ? `${txn.kind} ${txn.externalId} was imported without a store` : `store "${txn.store}" has no posting profile` })
      continue
    }
    if (txn.kind === 'payout') payoutEntry(scope, txn, store)
    else if (txn.kind === 'payment' || txn.kind === 'refund') scope.held.push({ source, store: store.code, reason: 'NOT_MATCHED', message: `${txn.kind} ${txn.externalId} has no order (${txn.orderRef ?? txn.tradeNo ?? 'no reference'})` })
    else chargeEntry(scope, txn, store, undefined)
  }
  return { entries: scope.entries, held: scope.held }
}
