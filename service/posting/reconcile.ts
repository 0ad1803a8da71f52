import type { InValue } from '@libsql/client'
import { isLedgerError } from '../../shared/errors.ts'
import { expectedMoney, normalizeKey } from '../../shared/matching/index.ts'
import { formatAmount, isCurrency } from '../../shared/money.ts'
import { assertPeriod } from '../../shared/period.ts'
import type { Order } from '../../shared/records.ts'
import { getCompany } from '../ledger/company.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { loadRecords } from './records.ts'
import { planPosting } from './run.ts'
import { loadStoreProfiles } from './settings.ts'
import { storeCurrencyMovement } from '../ledger/balances.ts'
import type { ReconciliationRowDto } from '../../shared/api/match.ts'
import { reconcileMoney } from './queries.ts'

/**
 * 对账汇总 per store (A2X's settlement summary, 好业财's daily report): for a period, one row
 * per store x currency with what the accountant opens first. Money columns are positive
 * amounts in the row's currency (minor units here, decimal strings on the API):
 *
 * | figure        | what it is                                                                  | drill (existing list routes)                               |
 * |---------------|------------------------------------------------------------------------------|------------------------------------------------------------|
 * | orders        | orders created in the period                                                 | GET /orders?store=S&period=P                               |
 * | expected      | their gross minus refunds known from either side (export or bill)            | same orders; refunds: GET /txns?store=S&kind=refund        |
 * | received      | payments dated in the period                                                 | GET /txns?store=S&period=P&kind=payment                    |
 * | fees          | commission + fee + promotion + adjustment dated in the period (net, outflow +)| GET /txns?store=S&period=P&kind=commission (fee, promotion, adjustment) |
 * | refunds       | refunds dated in the period                                                  | GET /txns?store=S&period=P&kind=refund                     |
 * | payouts       | payouts (提现) dated in the period                                           | GET /txns?store=S&period=P&kind=payout                     |
 * | foundInBank   | those payouts in a live payout↔bank match                                    | GET /match/matches?store=S&period=P (level payout)         |
 * | difference    | money moved − money expected of the period's groups (as /match/summary)      | GET /match/summary?store=S&period=P, GET /exceptions?…     |
 * | walletMovement| the ledger: Σ debit − credit of the store's wallet account in the period     | GET /reports/trial-balance?period=P&store=S                |
 * | openExceptions| live open exceptions of the period by type                                   | GET /exceptions?store=S&period=P&status=open&type=T        |
 * | held          | what a posting run for the period holds back for the store                   | POST /posting/preview {period, store}                      |
 *
 * When everything of the period is posted, walletMovement = received − fees − refunds − payouts
 * (`walletExpected`); `walletDifference` is what is not posted yet (held items, a payout that
 * reaches the bank next month in `bank` payout timing).
 */
export interface StoreReconciliation {
  readonly store: string
  readonly channel: string
  readonly currency: string
  readonly orders: number
  readonly expected: bigint
  readonly received: bigint
  readonly fees: bigint
  readonly refunds: bigint
  readonly payouts: bigint
  readonly foundInBank: bigint
  readonly difference: bigint
  /** Null when the store has no posting profile (no wallet account). */
  readonly walletMovement: bigint | null
  readonly walletExpected: bigint
  readonly walletDifference: bigint | null
  readonly openExceptions: Record<string, number>
  /** Null when posting cannot plan (broken account mapping). */
  readonly held: number | null
}

export interface ReconcileResult {
  readonly period: string
  readonly stores: StoreReconciliation[]
}

type Mutable = { -readonly [K in keyof StoreReconciliation]: StoreReconciliation[K] }

const FEE_KINDS = new Set(['commission', 'fee', 'promotion', 'adjustment'])

function storeFilter(store: string | undefined, column = 'store'): { sql: string; args: InValue[] } {
  return store === undefined ? { sql: '', args: [] } : { sql: ` AND ${column} = ?`, args: [store] }
}

/** Refunds of the bill per order, linked by order number or trade number (as posting links money to orders). */
function billRefunds(orders: ReadonlyArray<Order>, refunds: ReadonlyArray<{ store: string; orderRef?: string; tradeNo?: string; amount: bigint }>): Map<Order, bigint> {
  const byKey = new Map<string, Order>()
  for (const order of orders) {
    byKey.set(`${order.store}\u0000${normalizeKey(order.orderNo)}`, order)
    if (order.paymentRef) byKey.set(`${order.store}\u0000${normalizeKey(order.paymentRef)}`, order)
  }
  const totals = new Map<Order, bigint>()
  for (const refund of refunds) {
    for (const reference of [refund.orderRef, refund.tradeNo]) {
      const key = normalizeKey(reference)
      if (key === '') continue
      const order = byKey.get(`${refund.store}\u0000${key}`)
      if (order === undefined) continue
      totals.set(order, (totals.get(order) ?? 0n) - refund.amount)
      break
    }
  }
  return totals
}

/**
 * The per-store reconciliation summary of a period (see the table above).
 * @example (await storeReconciliation(context, company.id, { period: '2026-10', store: 'tmall-main' })).stores[0].received
 */
export async function storeReconciliation(context: LedgerContext, companyId: number, scope: { period: string; store?: string }): Promise<ReconcileResult> {
  const { period, store } = scope
  assertPeriod(period)
  const company = await getCompany(context, companyId)
  const db = context.db.client
  const rows = new Map<string, Mutable>()
  const row = (storeCode: string, currency: string, channel = ''): Mutable => {
    const key = `${storeCode}\u0000${currency}`
    let found = rows.get(key)
    if (!found) {
      found = {
        store: storeCode, channel, currency, orders: 0, expected: 0n, received: 0n, fees: 0n, refunds: 0n, payouts: 0n, foundInBank: 0n, difference: 0n,
        walletMovement: null, walletExpected: 0n, walletDifference: null, openExceptions: {}, held: null,
      }
      rows.set(key, found)
    } else if (found.channel === '' && channel !== '') found.channel = channel
    return found
  }
  const only = storeFilter(store)

  // orders and what they lead one to expect
  const records = await loadRecords(context, companyId, store === undefined ? {} : { store })
  const periodOrders = records.orders.filter((order) => order.createdAt.startsWith(period))
  const refundsOf = billRefunds(periodOrders, records.txns.filter((txn) => txn.kind === 'refund'))
  for (const order of periodOrders) {
    const target = row(order.store, order.currency, order.channel)
    target.orders += 1
    target.expected += expectedMoney([order], refundsOf.get(order) ?? 0n)
  }

  // money dated in the period
  const { money, banked, differences, open } = await reconcileMoney(db, companyId, period, only, storeFilter(store, 't.store'))
  for (const item of money.rows) {
    const target = row(String(item.store), String(item.currency), String(item.channel))
    const total = BigInt(Number(item.total))
    const kind = String(item.kind)
    if (kind === 'payment') target.received += total
    else if (kind === 'refund') target.refunds -= total
    else if (kind === 'payout') target.payouts -= total
    else if (FEE_KINDS.has(kind)) target.fees -= total
  }
  for (const item of banked.rows) row(String(item.store), String(item.currency)).foundInBank -= BigInt(Number(item.total))

  // difference and open exceptions of the period's groups
  for (const { result } of differences) {
    for (const item of result.rows) row(String(item.store), String(item.currency), String(item.channel) === 'bank' ? '' : String(item.channel)).difference += BigInt(Number(item.measured))
  }
  for (const item of open.rows) row(String(item.store), String(item.currency)).openExceptions[String(item.type)] = Number(item.n)

  // the ledger side: wallet movement per store, and what posting holds
  const { profiles } = await loadStoreProfiles(context, company)
  for (const target of rows.values()) {
    target.walletExpected = target.received - target.fees - target.refunds - target.payouts
    const profile = profiles.get(target.store)
    if (profile === undefined) continue
    if (target.channel === '') target.channel = profile.channel
    const base = target.currency === company.baseCurrency
    target.walletMovement = await storeCurrencyMovement(db, { companyId, account: profile.accounts.wallet, period, store: target.store, currency: target.currency }, base ? 'base' : 'original')
    target.walletDifference = target.walletMovement - target.walletExpected
  }
  try {
    const plan = await planPosting(context, company, { period, dryRun: true, ...(store === undefined ? {} : { store }) })
    const heldByStore = new Map<string, number>()
    for (const item of plan.held) heldByStore.set(item.store, (heldByStore.get(item.store) ?? 0) + 1)
    for (const target of rows.values()) target.held = heldByStore.get(target.store) ?? 0
  } catch (error) {
    if (!isLedgerError(error) || (error.code !== 'UNKNOWN_ACCOUNT' && error.code !== 'NON_LEAF_ACCOUNT')) throw error
  }
  const stores = [...rows.values()].sort((a, b) => (a.store === b.store ? (a.currency < b.currency ? -1 : 1) : a.store < b.store ? -1 : 1))
  return { period, stores }
}

/** A row with amounts as decimal strings in its currency (the API and CLI form). */
export function reconciliationJson(row: StoreReconciliation): ReconciliationRowDto {
  const f = (value: bigint | null) => (value === null ? null : isCurrency(row.currency) ? formatAmount(value, row.currency) : value.toString())
  return {
    store: row.store, channel: row.channel, currency: row.currency, orders: row.orders, expected: f(row.expected), received: f(row.received), fees: f(row.fees),
    refunds: f(row.refunds), payouts: f(row.payouts), foundInBank: f(row.foundInBank), difference: f(row.difference), walletMovement: f(row.walletMovement),
    walletExpected: f(row.walletExpected), walletDifference: f(row.walletDifference), openExceptions: row.openExceptions, held: row.held,
  }
}

/** Where each figure's rows are (paths under /api/v1, for the pane's drill-down). */
export function drillPaths(company: string, period: string, store: string): Record<string, string[]> {
  const s = encodeURIComponent(store)
  const base = `/companies/${encodeURIComponent(company)}`
  const txns = (kind: string) => `${base}/txns?store=${s}&period=${period}&kind=${kind}`
  return {
    orders: [`${base}/orders?store=${s}&period=${period}`], expected: [`${base}/orders?store=${s}&period=${period}`, `${base}/txns?store=${s}&kind=refund`],
    received: [txns('payment')], fees: ['commission', 'fee', 'promotion', 'adjustment'].map(txns), refunds: [txns('refund')], payouts: [txns('payout')],
    foundInBank: [`${base}/match/matches?store=${s}&period=${period}`], difference: [`${base}/match/summary?store=${s}&period=${period}`, `${base}/exceptions?store=${s}&period=${period}`],
    walletMovement: [`${base}/reports/trial-balance?period=${period}&store=${s}`], openExceptions: [`${base}/exceptions?store=${s}&period=${period}&status=open`],
    held: [`POST ${base}/posting/preview {"period":"${period}","store":"${store}"}`],
  }
}
