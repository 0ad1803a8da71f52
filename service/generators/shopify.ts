import { minor } from '../../shared/money.ts'
import type { OrderLine } from '../../shared/records.ts'
import { type FormatSpec, type GeneratedRow, PENDING_SOURCE, type RowContext, clock, money, neg, orderRecord, settlement } from './core.ts'

/**
 * Shopify exports: orders (one row per line item), Shopify Payments
 * transactions and the payouts summary (parsers: service/imports/parsers/shopify.ts).
 */

// ---------------------------------------------------------------------------
// Shopify orders (one row per line item; order money on the first row only)
// ---------------------------------------------------------------------------

const SHOPIFY_ORDER_HEADER = ['Name', 'Email', 'Financial Status', 'Paid at', 'Fulfillment Status', 'Fulfilled at', 'Currency', 'Subtotal', 'Shipping', 'Taxes', 'Total', 'Discount Amount', 'Created at', 'Lineitem quantity', 'Lineitem name', 'Lineitem price', 'Lineitem sku', 'Lineitem discount', 'Refunded Amount', 'Payment ID', 'Notes']

export function shopifyOrder(context: RowContext): GeneratedRow[] {
  const { rng, index } = context
  const name = `#${1001 + index}`
  const lines = rng.int(1, 4)
  const [created, iso] = clock(index * 17, '-04:00', 'shopify')
  const rows: GeneratedRow[] = []
  let subtotal = 0n
  const shipping = rng.minor(0, 1_500)
  const items: OrderLine[] = []
  for (let line = 0; line < lines; line += 1) {
    const price = rng.minor(500, 20_000)
    const qty = rng.int(1, 2)
    const sku = `SB-${rng.int(10, 99)}`
    subtotal += price * BigInt(qty)
    items.push({ channel: 'shopify', store: context.store, orderNo: name, subOrderNo: `${name}-${line + 1}`, sku, title: `Snowboard, "${sku}"`, quantity: qty, unitPrice: price, discount: minor(0n), amount: minor(price * BigInt(qty)), refunded: minor(0n), status: 'paid', statusRaw: 'paid unfulfilled', currency: 'EUR', source: PENDING_SOURCE })
  }
  const total = minor(subtotal + shipping)
  const paymentId = `r${rng.digits(12)}`
  const order = orderRecord({ channel: 'shopify', store: context.store, orderNo: name, status: 'paid', statusRaw: 'paid unfulfilled', createdAt: iso, paidAt: iso, currency: 'EUR', gross: total, discount: minor(0n), shipping, tax: minor(0n), refunded: minor(0n), paymentRef: paymentId, buyerRef: `buyer${index}@example.com` })
  items.forEach((item, line) => {
    const first = line === 0
    rows.push({
      cells: [name, first ? `buyer${index}@example.com` : '', first ? 'paid' : '', first ? created : '', first ? 'unfulfilled' : '', '', first ? 'EUR' : '', first ? money(subtotal) : '', first ? money(shipping) : '', first ? '0.00' : '', first ? money(total) : '', first ? '0.00' : '', created,
        String(item.quantity), item.title, money(item.unitPrice), item.sku, '0.00', first ? '0.00' : '', first ? paymentId : '', first && index % 5 === 0 ? 'gift wrap,\nplease' : ''],
      records: first ? [{ kind: 'order', record: order }, { kind: 'orderLine', record: item }] : [{ kind: 'orderLine', record: item }],
    })
  })
  return rows
}

export const shopifyOrders: FormatSpec = {
  parser: 'shopify-orders', container: 'csv', encoding: 'utf8', header: SHOPIFY_ORDER_HEADER, grouped: true, group: shopifyOrder,
  row: () => {
    throw new Error('grouped format: use group()')
  },
}

// ---------------------------------------------------------------------------
// Shopify Payments transactions (Amount - Fee = Net)
// ---------------------------------------------------------------------------

export const shopifyTransactions: FormatSpec = {
  parser: 'shopify-payments-transactions',
  container: 'csv',
  encoding: 'utf8',
  header: ['Transaction Date', 'Type', 'Order', 'Card Brand', 'Card Source', 'Payout Status', 'Payout Date', 'Available On', 'Amount', 'Fee', 'Net', 'Checkout', 'Payment Method Name', 'Presentment Amount', 'Presentment Currency', 'Currency'],
  row(context) {
    const { rng, index } = context
    const [time, iso] = clock(index * 4, index % 2 === 0 ? '-04:00' : '-05:00', 'shopify')
    const refund = rng.chance(0.1)
    const amount = refund ? neg(rng.minor(500, 20_000)) : rng.minor(500, 20_000)
    const fee = refund ? minor(0n) : minor((amount * 29n) / 1000n + 30n)
    const order = `#${40000 + index}`
    const checkout = `#${rng.digits(14)}`
    const payoutDate = iso.slice(0, 10)
    const type = refund ? 'refund' : 'charge'
    const externalId = `${order}|${iso}|${type}|${money(amount, 'USD')}`
    const common = { externalId, currency: 'USD', occurredAt: iso, orderRef: order, tradeNo: checkout, payoutRef: payoutDate }
    const records = [settlement(context, 'shopify', { ...common, kind: refund ? 'refund' : 'payment', amount, description: `${type} / online / card` })]
    if (fee !== 0n) records.push(settlement(context, 'shopify', { ...common, kind: 'fee', amount: neg(fee), description: `fee ${type}` }))
    return { cells: [time, type, order, 'visa', 'online', 'paid', payoutDate, payoutDate, money(amount), money(fee), money(amount - fee), checkout, 'card', money(refund ? -amount : amount), 'USD', 'USD'], records }
  },
}

// ---------------------------------------------------------------------------
// Shopify payouts summary (Total = sum of the parts)
// ---------------------------------------------------------------------------

export const shopifyPayouts: FormatSpec = {
  parser: 'shopify-payouts-summary',
  container: 'csv',
  encoding: 'utf8',
  header: ['Payout Date', 'Status', 'Charges', 'Refunds', 'Adjustments', 'Reserved Funds', 'Fees', 'Retried Amount', 'Total', 'Currency', 'Bank Reference'],
  row(context) {
    const { rng, index } = context
    const [, iso] = clock(index * 1440, '+00:00')
    const date = iso.slice(0, 10)
    const charges = rng.minor(10_000, 900_000)
    const refunds = neg(rng.minor(0, 5_000))
    const fees = neg(minor(charges / 33n))
    const total = minor(charges + refunds + fees)
    const reference = `P${rng.digits(10)}`
    return {
      cells: [date, 'paid', money(charges, 'USD'), money(refunds, 'USD'), '0.00', '0.00', money(fees, 'USD'), '0.00', money(total, 'USD'), 'USD', reference],
      records: [settlement(context, 'shopify', { externalId: `payout|${date}|${reference}`, kind: 'payout', amount: neg(total), currency: 'USD', occurredAt: `${date}T00:00:00+00:00`, payoutRef: reference, description: 'payout paid' })],
    }
  },
}
