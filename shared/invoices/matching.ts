import { type Minor, allocate, formatAmount, minor } from '../money.ts'

/** fen as yuan for the messages (the invoices are CNY) */
const yuan = (value: bigint): string => formatAmount(minor(value), 'CNY')

/**
 * Output invoices (销项发票) <-> orders. Pure: the service loads, this decides.
 *
 * Rules, in order (first that fires wins for an invoice):
 * 1. `manual`: links a person made are kept as they are.
 * 2. `remark`: every order number written in 备注 (`订单号：A、B`) that is a known
 *    order links the invoice to it (one invoice, several orders). The invoice's
 *    total is allotted to them by what each order is due (largest remainder).
 * 3. `buyer-amount`: an invoice with no order in its remark goes to the
 *    not-yet-invoiced order(s) of the same buyer (invoice title or tax id of the
 *    order's invoice request, or the order's buyer) created up to `windowDays`
 *    before the invoice: first one order due exactly the invoice's total
 *    (oldest first), else all such orders of that buyer whose dues add up to it.
 * 4. A red invoice (红字) follows its blue one: it is linked to the blue one's
 *    orders with the negated allotment, so the two cancel. A red invoice whose
 *    blue one is not imported is an INVOICE_WITHOUT_ORDER.
 *
 * Cancelled (作废) invoices take no part, nor do blue invoices shown 已红冲 whose red
 * invoice is not imported (a later export updated their status). Invoices issued in a later month than the
 * sale match the same way (the window counts from the order's creation).
 *
 * Exceptions:
 * - INVOICE_WITHOUT_ORDER: a live invoice no rule linked.
 * - INVOICE_AMOUNT_MISMATCH: an order whose net invoiced amount is neither 0 nor what it is due.
 * - ORDER_NOT_INVOICED: an order whose buyer asked for an invoice (an invoice request:
 *   order flag or 企业 buyer) that is due money and has no net invoiced amount.
 */

export interface MatchOrder {
  readonly channel: string
  readonly orderNo: string
  readonly store: string
  readonly buyerRef?: string
  /** ISO timestamp */
  readonly createdAt: string
  /** what the buyer owes after refunds (gross - refunded), fen */
  readonly due: Minor
  readonly status: string
}

export interface MatchInvoice {
  readonly invoiceNo: string
  readonly issuedAt: string
  readonly buyerName: string
  readonly buyerTaxId: string
  readonly total: Minor
  readonly isRed: boolean
  readonly originalInvoiceNo?: string
  readonly status: string
  readonly remark: string
}

export interface InvoiceRequest {
  readonly channel: string
  readonly orderNo: string
  readonly title: string
  readonly buyerTaxId?: string
}

export interface InvoiceLink {
  readonly invoiceNo: string
  readonly channel: string
  readonly orderNo: string
  readonly amount: Minor
  readonly rule: 'remark' | 'buyer-amount' | 'red' | 'manual'
  readonly why: string
}

export const INVOICE_EXCEPTION_TYPES = ['INVOICE_WITHOUT_ORDER', 'ORDER_NOT_INVOICED', 'INVOICE_AMOUNT_MISMATCH'] as const
export type InvoiceExceptionType = (typeof INVOICE_EXCEPTION_TYPES)[number]

export interface InvoiceException {
  readonly key: string
  readonly type: InvoiceExceptionType
  readonly period: string
  readonly invoiceNo?: string
  readonly channel?: string
  readonly orderNo?: string
  readonly expected: Minor
  readonly invoiced: Minor
  readonly why: string
}

export interface InvoiceMatchResult {
  readonly links: InvoiceLink[]
  readonly exceptions: InvoiceException[]
}

const orderKey = (channel: string, orderNo: string): string => `${channel}/${orderNo}`
const DAY = 86_400_000

/** Tokens of a remark that could be order numbers (digits, letters, dashes; 6-40 long). */
export function remarkTokens(remark: string): string[] {
  return remark.match(/[A-Za-z0-9][A-Za-z0-9-]{5,39}/g) ?? []
}

export interface InvoiceMatchInput {
  orders: ReadonlyArray<MatchOrder>
  invoices: ReadonlyArray<MatchInvoice>
  requests: ReadonlyArray<InvoiceRequest>
  manual: ReadonlyArray<InvoiceLink>
  windowDays: number
}

export function matchInvoices(input: InvoiceMatchInput): InvoiceMatchResult {
  const matcher = new InvoiceMatcher(input)
  // 作废 takes no part; a blue invoice a later export shows 已红冲 takes no part either when its
  // red invoice is not imported (the red one, when present, cancels it below)
  const redOf = new Set(input.invoices.filter((invoice) => invoice.isRed && invoice.status !== 'cancelled' && invoice.originalInvoiceNo).map((invoice) => invoice.originalInvoiceNo))
  const live = input.invoices.filter((invoice) => invoice.status !== 'cancelled' && !(invoice.status === 'reversed' && !invoice.isRed && !redOf.has(invoice.invoiceNo)))
  const blue = live.filter((invoice) => !invoice.isRed).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.invoiceNo.localeCompare(b.invoiceNo))
  const red = live.filter((invoice) => invoice.isRed)
  const pending = matcher.byRemark(blue)
  matcher.byBuyerAndAmount(pending)
  matcher.redFollowBlue(red)
  matcher.invoicesWithoutOrder(live)
  matcher.amountMismatches()
  matcher.ordersNotInvoiced()
  return { links: matcher.links, exceptions: matcher.exceptions }
}

/** The links and exceptions of one matching run: manual links first, then rules 2-4, then what is left as exceptions. */
class InvoiceMatcher {
  private readonly ordersByNo = new Map<string, MatchOrder[]>()
  private readonly orderByKey = new Map<string, MatchOrder>()
  private readonly requestByKey: Map<string, InvoiceRequest>
  readonly links: InvoiceLink[]
  readonly exceptions: InvoiceException[] = []
  private readonly linkedInvoices: Set<string>
  /** Amount invoiced per order key. */
  private readonly invoiced = new Map<string, bigint>()

  constructor(private readonly input: InvoiceMatchInput) {
    for (const order of input.orders) {
      const list = this.ordersByNo.get(order.orderNo) ?? []
      list.push(order)
      this.ordersByNo.set(order.orderNo, list)
      this.orderByKey.set(orderKey(order.channel, order.orderNo), order)
    }
    this.requestByKey = new Map(input.requests.map((request) => [orderKey(request.channel, request.orderNo), request]))
    this.links = [...input.manual]
    this.linkedInvoices = new Set(input.manual.map((link) => link.invoiceNo))
    for (const link of input.manual) this.addInvoiced(orderKey(link.channel, link.orderNo), link.amount)
  }

  private addInvoiced(key: string, amount: bigint): void {
    this.invoiced.set(key, (this.invoiced.get(key) ?? 0n) + amount)
  }

  /** Links an invoice to orders, its total split by what each is due (evenly when none is). */
  private link(invoice: MatchInvoice, orders: ReadonlyArray<MatchOrder>, rule: InvoiceLink['rule'], why: string): void {
    const weights = orders.map((order) => (order.due > 0n ? order.due : 0n))
    const parts = weights.some((weight) => weight > 0n) ? allocate(invoice.total, weights) : allocate(invoice.total, orders.map(() => 1n))
    orders.forEach((order, index) => {
      const amount = parts[index] ?? minor(0n)
      this.links.push({ invoiceNo: invoice.invoiceNo, channel: order.channel, orderNo: order.orderNo, amount, rule, why })
      this.addInvoiced(orderKey(order.channel, order.orderNo), amount)
    })
    this.linkedInvoices.add(invoice.invoiceNo)
  }

  /** Rule 2: order numbers in the remark. Returns the blue invoices still unlinked. */
  byRemark(blue: ReadonlyArray<MatchInvoice>): MatchInvoice[] {
    const pending: MatchInvoice[] = []
    for (const invoice of blue) {
      if (this.linkedInvoices.has(invoice.invoiceNo)) continue
      const found: MatchOrder[] = []
      const seen = new Set<string>()
      for (const token of remarkTokens(invoice.remark)) {
        for (const order of this.ordersByNo.get(token) ?? []) {
          const key = orderKey(order.channel, order.orderNo)
          if (seen.has(key)) continue
          seen.add(key)
          found.push(order)
        }
      }
      if (found.length > 0) this.link(invoice, found, 'remark', `备注中有订单号 ${found.map((order) => order.orderNo).join('、')} / order number${found.length > 1 ? 's' : ''} ${found.map((order) => order.orderNo).join(', ')} in 备注`)
      else pending.push(invoice)
    }
    return pending
  }

  private buyerKeys(order: MatchOrder): string[] {
    const request = this.requestByKey.get(orderKey(order.channel, order.orderNo))
    return [request?.buyerTaxId ? `id:${request.buyerTaxId}` : '', request?.title ? `name:${request.title}` : '', order.buyerRef ? `name:${order.buyerRef}` : ''].filter((key) => key !== '')
  }

  /** Rule 3: buyer + amount within the window (one order of exactly the total, or all of them adding up to it). */
  byBuyerAndAmount(pending: ReadonlyArray<MatchInvoice>): void {
    const ordersByBuyer = new Map<string, MatchOrder[]>()
    for (const order of [...this.input.orders].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.orderNo.localeCompare(b.orderNo))) {
      for (const key of this.buyerKeys(order)) {
        const list = ordersByBuyer.get(key) ?? []
        list.push(order)
        ordersByBuyer.set(key, list)
      }
    }
    for (const invoice of pending) {
      const candidates = this.buyerCandidates(invoice, ordersByBuyer)
      const exact = candidates.find((order) => order.due === invoice.total)
      if (exact) {
        this.link(invoice, [exact], 'buyer-amount', `购买方 ${invoice.buyerName} 与金额 ${yuan(invoice.total)} 对应订单 ${exact.orderNo} / buyer ${invoice.buyerName} and amount ${yuan(invoice.total)} match order ${exact.orderNo}`)
        continue
      }
      const sum = candidates.reduce((total, order) => total + order.due, 0n)
      if (candidates.length > 1 && sum === invoice.total) this.link(invoice, candidates, 'buyer-amount', `购买方 ${invoice.buyerName} 的 ${candidates.length} 笔订单合计等于发票金额 / buyer ${invoice.buyerName}: ${candidates.length} orders add up to the invoice`)
    }
  }

  /** The buyer's orders created from windowDays before the invoice to a day after it, due and not invoiced yet. */
  private buyerCandidates(invoice: MatchInvoice, ordersByBuyer: ReadonlyMap<string, MatchOrder[]>): MatchOrder[] {
    const keys = [invoice.buyerTaxId ? `id:${invoice.buyerTaxId}` : '', invoice.buyerName ? `name:${invoice.buyerName}` : ''].filter((key) => key !== '')
    const issued = Date.parse(invoice.issuedAt)
    const candidates: MatchOrder[] = []
    const seen = new Set<string>()
    for (const key of keys) {
      for (const order of ordersByBuyer.get(key) ?? []) {
        const id = orderKey(order.channel, order.orderNo)
        if (seen.has(id)) continue
        const created = Date.parse(order.createdAt)
        if (created > issued + DAY || issued - created > this.input.windowDays * DAY) continue
        if (order.due <= 0n || (this.invoiced.get(id) ?? 0n) !== 0n) continue
        seen.add(id)
        candidates.push(order)
      }
    }
    return candidates
  }

  /** Rule 4: red invoices follow their blue one. */
  redFollowBlue(red: ReadonlyArray<MatchInvoice>): void {
    const linksByInvoice = new Map<string, InvoiceLink[]>()
    for (const each of this.links) {
      const list = linksByInvoice.get(each.invoiceNo) ?? []
      list.push(each)
      linksByInvoice.set(each.invoiceNo, list)
    }
    for (const invoice of red) {
      if (this.linkedInvoices.has(invoice.invoiceNo)) continue
      const blueLinks = invoice.originalInvoiceNo ? linksByInvoice.get(invoice.originalInvoiceNo) ?? [] : []
      if (blueLinks.length === 0) continue
      const parts = allocate(invoice.total, blueLinks.map((each) => (each.amount < 0n ? -each.amount : each.amount)))
      blueLinks.forEach((each, index) => {
        const amount = parts[index] ?? minor(0n)
        this.links.push({ invoiceNo: invoice.invoiceNo, channel: each.channel, orderNo: each.orderNo, amount, rule: 'red', why: `红字发票冲销 ${invoice.originalInvoiceNo} / red invoice reversing ${invoice.originalInvoiceNo}` })
        this.addInvoiced(orderKey(each.channel, each.orderNo), amount)
      })
      this.linkedInvoices.add(invoice.invoiceNo)
    }
  }

  invoicesWithoutOrder(live: ReadonlyArray<MatchInvoice>): void {
    for (const invoice of live) {
      if (this.linkedInvoices.has(invoice.invoiceNo)) continue
      this.exceptions.push({
        key: `INVOICE_WITHOUT_ORDER:${invoice.invoiceNo}`, type: 'INVOICE_WITHOUT_ORDER', period: invoice.issuedAt.slice(0, 7), invoiceNo: invoice.invoiceNo,
        expected: minor(0n), invoiced: invoice.total,
        why: invoice.isRed
          ? `红字发票 ${invoice.invoiceNo} 对应的蓝字发票 ${invoice.originalInvoiceNo ?? '（未注明）'} 没有关联订单 / red invoice ${invoice.invoiceNo}: its blue invoice ${invoice.originalInvoiceNo ?? '(not named)'} is linked to no order`
          : `备注中没有订单号，购买方 ${invoice.buyerName || '（无）'} 也没有应开 ${yuan(invoice.total)} 的订单 / no order number in 备注 and no order of buyer ${invoice.buyerName || '(none)'} is due ${yuan(invoice.total)}`,
      })
    }
  }

  amountMismatches(): void {
    for (const [key, amount] of this.invoiced) {
      const order = this.orderByKey.get(key)
      if (!order || amount === 0n || amount === order.due) continue
      this.exceptions.push({
        key: `INVOICE_AMOUNT_MISMATCH:${key}`, type: 'INVOICE_AMOUNT_MISMATCH', period: order.createdAt.slice(0, 7), channel: order.channel, orderNo: order.orderNo,
        expected: order.due, invoiced: minor(amount), why: `订单 ${order.orderNo} 应开 ${yuan(order.due)}，已开 ${yuan(amount)} / order ${order.orderNo} is due ${yuan(order.due)}, invoiced ${yuan(amount)}`,
      })
    }
  }

  ordersNotInvoiced(): void {
    for (const request of this.input.requests) {
      const key = orderKey(request.channel, request.orderNo)
      const order = this.orderByKey.get(key)
      if (!order || order.due <= 0n || ['cancelled', 'closed', 'refunded', 'pending'].includes(order.status)) continue
      if ((this.invoiced.get(key) ?? 0n) !== 0n) continue
      this.exceptions.push({
        key: `ORDER_NOT_INVOICED:${key}`, type: 'ORDER_NOT_INVOICED', period: order.createdAt.slice(0, 7), channel: order.channel, orderNo: order.orderNo,
        expected: order.due, invoiced: minor(0n), why: `买家已申请开票${request.title ? `（抬头：${request.title}）` : ''}，应开 ${yuan(order.due)}，尚未开具 / the buyer asked for an invoice${request.title ? ` (${request.title})` : ''}; none issued for ${yuan(order.due)}`,
      })
    }
  }
}
