import { toExcelNumber } from '../../shared/money.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { type InvoiceFigures, invoiceFigures, invoicedOf, uninvoicedOf } from '../invoices/report.ts'
import { badValue, notAvailable } from './arguments.ts'
import type { CellValue } from './contract.ts'
import { type Membership, orderRows, rateRows, reconciliationCountRows } from './load.ts'
import type { Plan } from './plan.ts'

/**
 * Functions over tables beside the ledger: orders (imports), matches and
 * exceptions (matching), exchange rates. Each table is read at most once per
 * batch and company, for exactly the keys the batch's calls name.
 */
type ExtraPlan = Extract<Plan, { fn: 'MATCHRATE' | 'UNMATCHED' | 'ORDER' | 'FX' | 'INVOICED' | 'UNINVOICED' }>

interface ReconciliationCounts {
  /** suggested + confirmed match groups */
  matched: number
  /** open exceptions by type */
  open: Map<string, number>
}

interface OrderRow {
  readonly channel: string
  readonly fields: ReadonlyMap<string, CellValue>
}

export interface Extras {
  readonly reconciliation: ReadonlyMap<string, ReconciliationCounts>
  readonly orders: ReadonlyMap<string, OrderRow[]>
  /** currency -> [date, rate] ascending */
  readonly rates: ReadonlyMap<string, Array<readonly [date: string, rate: string]>>
  readonly baseCurrency: string
  /** 开票与收入对账 figures of the months INVOICED / UNINVOICED name */
  readonly invoices: InvoiceFigures
}

const ORDER_FIELDS = ['status', 'store', 'channel', 'currency', 'date', 'created', 'paid', 'shipped', 'completed', 'cancelled', 'gross', 'total', 'discount', 'shipping', 'tax', 'refunded', 'payment_ref'] as const

export async function loadExtras(context: LedgerContext, membership: Membership, plans: ReadonlyArray<Plan>): Promise<Extras> {
  const extra = plans.filter((plan): plan is ExtraPlan => plan.fn === 'MATCHRATE' || plan.fn === 'UNMATCHED' || plan.fn === 'ORDER' || plan.fn === 'FX' || plan.fn === 'INVOICED' || plan.fn === 'UNINVOICED')
  const stores = new Set<string>()
  const orderNumbers = new Set<string>()
  const currencies = new Set<string>()
  let lastDate = ''
  const invoiceMonths = new Set<string>()
  for (const plan of extra) {
    if (plan.fn === 'INVOICED' || plan.fn === 'UNINVOICED') invoiceMonths.add(plan.period)
    else if (plan.fn === 'MATCHRATE' || plan.fn === 'UNMATCHED') stores.add(plan.store)
    else if (plan.fn === 'ORDER') orderNumbers.add(plan.orderNo)
    else if (plan.fn === 'FX' && plan.currency !== membership.baseCurrency) {
      currencies.add(plan.currency)
      if (plan.date > lastDate) lastDate = plan.date
    }
  }
  const [reconciliation, orders, rates] = await Promise.all([
    stores.size ? loadReconciliation(context, membership.companyId, stores) : new Map<string, ReconciliationCounts>(),
    orderNumbers.size ? loadOrders(context, membership.companyId, orderNumbers) : new Map<string, OrderRow[]>(),
    currencies.size ? loadRates(context, membership, currencies, lastDate) : new Map<string, Array<readonly [string, string]>>(),
  ])
  const invoices: InvoiceFigures = new Map()
  for (const month of invoiceMonths) {
    const loaded = await invoiceFigures(context, membership.companyId, month, month)
    for (const [key, value] of loaded.figures) invoices.set(key, value)
  }
  return { reconciliation, orders, rates, baseCurrency: membership.baseCurrency, invoices }
}

async function loadReconciliation(context: LedgerContext, companyId: number, stores: ReadonlySet<string>): Promise<Map<string, ReconciliationCounts>> {
  const [matchRows, exceptionRows] = await reconciliationCountRows(context, companyId, stores)
  const counts = new Map<string, ReconciliationCounts>()
  const entry = (store: unknown, period: unknown) => {
    const key = `${String(store)}\u0000${String(period)}`
    const found = counts.get(key) ?? { matched: 0, open: new Map<string, number>() }
    counts.set(key, found)
    return found
  }
  for (const row of matchRows.rows) entry(row.store, row.period).matched += Number(row.n)
  for (const row of exceptionRows.rows) entry(row.store, row.period).open.set(String(row.type), Number(row.n))
  return counts
}

async function loadOrders(context: LedgerContext, companyId: number, orderNumbers: ReadonlySet<string>): Promise<Map<string, OrderRow[]>> {
  const result = await orderRows(context, companyId, orderNumbers)
  const orders = new Map<string, OrderRow[]>()
  for (const row of result.rows) {
    const currency = String(row.currency)
    const money = (value: unknown) => toExcelNumber(BigInt(Number(value)), currency)
    const text = (value: unknown) => (value === null ? '' : String(value))
    const fields = new Map<string, CellValue>([
      ['status', text(row.status)], ['store', text(row.store)], ['channel', text(row.channel)], ['currency', currency],
      ['date', text(row.created_at)], ['created', text(row.created_at)], ['paid', text(row.paid_at)], ['shipped', text(row.shipped_at)],
      ['completed', text(row.completed_at)], ['cancelled', text(row.cancelled_at)],
      ['gross', money(row.gross_minor)], ['total', money(row.gross_minor)], ['discount', money(row.discount_minor)], ['shipping', money(row.shipping_minor)],
      ['tax', money(row.tax_minor)], ['refunded', money(row.refunded_minor)], ['payment_ref', text(row.payment_ref)],
    ])
    const list = orders.get(String(row.order_no)) ?? []
    list.push({ channel: String(row.channel), fields })
    orders.set(String(row.order_no), list)
  }
  return orders
}

async function loadRates(context: LedgerContext, membership: Membership, currencies: ReadonlySet<string>, lastDate: string): Promise<Map<string, Array<readonly [string, string]>>> {
  const result = await rateRows(context, membership, currencies, lastDate)
  const rates = new Map<string, Array<readonly [string, string]>>()
  for (const row of result.rows) {
    const list = rates.get(String(row.currency)) ?? []
    list.push([String(row.date), String(row.rate)])
    rates.set(String(row.currency), list)
  }
  return rates
}

export function evaluateExtra(extras: Extras, plan: ExtraPlan): CellValue {
  switch (plan.fn) {
    case 'INVOICED': case 'UNINVOICED': {
      const month = extras.invoices.get(plan.period)
      let sum = 0n
      for (const [rate, figures] of month ?? []) {
        if (plan.rate !== null && rate !== plan.rate) continue
        sum += plan.fn === 'INVOICED' ? invoicedOf(figures) : uninvoicedOf(figures)
      }
      return toExcelNumber(sum, extras.baseCurrency)
    }
    case 'MATCHRATE': {
      const counts = extras.reconciliation.get(`${plan.store}\u0000${plan.period}`)
      const open = counts ? [...counts.open.values()].reduce((sum, n) => sum + n, 0) : 0
      const total = (counts?.matched ?? 0) + open
      if (total === 0) throw notAvailable(`nothing matched or open for store ${plan.store} in ${plan.period}`)
      return (counts?.matched ?? 0) / total
    }
    case 'UNMATCHED': {
      const open = extras.reconciliation.get(`${plan.store}\u0000${plan.period}`)?.open
      if (!open) return 0
      return plan.type === null ? [...open.values()].reduce((sum, n) => sum + n, 0) : (open.get(plan.type) ?? 0)
    }
    case 'ORDER': {
      if (!(ORDER_FIELDS as ReadonlyArray<string>).includes(plan.field)) throw badValue(`field "${plan.field}" is not one of ${ORDER_FIELDS.join(', ')}`)
      const found = extras.orders.get(plan.orderNo) ?? []
      if (found.length === 0) throw notAvailable(`no order ${plan.orderNo}`)
      if (found.length > 1) throw notAvailable(`order ${plan.orderNo} exists in several channels (${found.map((order) => order.channel).join(', ')})`)
      return found[0]?.fields.get(plan.field) ?? ''
    }
    case 'FX': {
      if (plan.currency === extras.baseCurrency) return 1
      const list = extras.rates.get(plan.currency) ?? []
      let rate: string | null = null
      for (const [date, value] of list) if (date <= plan.date) rate = value
      if (rate === null) throw notAvailable(`no ${plan.currency} rate on or before ${plan.date}`)
      // A rate is not money: its decimal string becomes the cell's number here, at the edge.
      return Number(rate)
    }
  }
}
