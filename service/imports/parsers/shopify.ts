import { formatAmount, minor } from '../../../shared/money.ts'
import type { Order, OrderLine, OrderStatus, SettlementKind } from '../../../shared/records.ts'
import { freeText, moneyOrZero, negate, optionalText, quantity, readTimestamp, required, timestampOrUndefined } from '../clean.ts'
import type { Check, FileParser } from '../types.ts'
import { OrderAssembler, joinParts, orderItems, records, sourceOf, txn } from './common.ts'

/** Shopify: Orders export (one row per line item), Payments transactions export, payouts summary. */

function financialStatus(financial: string, fulfillment: string, cancelled: boolean): OrderStatus {
  if (cancelled || financial === 'voided') return 'cancelled'
  if (financial === 'refunded') return 'refunded'
  if (financial === 'partially_refunded') return 'partially_refunded'
  if (financial === 'pending' || financial === 'authorized' || financial === 'expired') return 'pending'
  if (financial === 'paid' || financial === 'partially_paid') return fulfillment === 'fulfilled' ? 'shipped' : 'paid'
  return 'unknown'
}

export const shopifyOrders: FileParser = {
  id: 'shopify-orders',
  family: 'shopify-orders',
  channel: 'shopify',
  label: 'Shopify orders export',
  containers: ['csv', 'xlsx'],
  required: ['name', 'financialstatus', 'createdat', 'lineitemquantity', 'lineitemname', 'lineitemprice', 'currency', 'total'],
  optional: ['email', 'paidat', 'fulfillmentstatus', 'fulfilledat', 'subtotal', 'shipping', 'taxes', 'discountamount', 'lineitemsku', 'lineitemdiscount', 'refundedamount', 'cancelledat', 'id', 'paymentreference', 'paymentid', 'paymentreferences'],
  amountColumns: ['total', 'discountamount', 'shipping', 'taxes', 'refundedamount', 'lineitemprice', 'lineitemdiscount', 'subtotal'],
  start(context) {
    const assembler = new OrderAssembler()
    let currency = context.currency ?? 'USD'
    let orderStatus: { status: OrderStatus; statusRaw: string } = { status: 'unknown', statusRaw: '' }
    return {
      row(row) {
        const orderNo = required('Name', row.get('name'))
        const continuation = assembler.nextLineIndex(orderNo) > 1
        if (!continuation) currency = context.currency ?? required('Currency', row.get('currency')).toUpperCase()
        const cancelledAt = timestampOrUndefined('Cancelled at', row.get('cancelledat'), '+00:00')
        const statusRaw = `${row.get('financialstatus')} ${row.get('fulfillmentstatus')}`.trim()
        const order: Order = {
          channel: 'shopify', store: context.store, orderNo, status: financialStatus(row.get('financialstatus'), row.get('fulfillmentstatus'), cancelledAt !== undefined),
          statusRaw: freeText(statusRaw), createdAt: readTimestamp('Created at', row.get('createdat'), '+00:00'), currency,
          gross: moneyOrZero('Total', row.get('total'), currency), discount: moneyOrZero('Discount Amount', row.get('discountamount'), currency),
          shipping: moneyOrZero('Shipping', row.get('shipping'), currency), tax: moneyOrZero('Taxes', row.get('taxes'), currency),
          refunded: moneyOrZero('Refunded Amount', row.get('refundedamount'), currency), source: sourceOf(context, row),
        }
        const paidAt = timestampOrUndefined('Paid at', row.get('paidat'), '+00:00')
        if (paidAt) order.paidAt = paidAt
        // Continuation rows leave the order columns blank: lines take the order's status.
        if (!continuation) orderStatus = { status: order.status, statusRaw: order.statusRaw }
        const shippedAt = timestampOrUndefined('Fulfilled at', row.get('fulfilledat'), '+00:00')
        if (shippedAt) order.shippedAt = shippedAt
        if (cancelledAt) order.cancelledAt = cancelledAt
        const paymentRef = optionalText(row.get('paymentid') || row.get('paymentreference'))
        if (paymentRef) order.paymentRef = paymentRef
        const buyer = optionalText(row.get('email'))
        if (buyer) order.buyerRef = buyer
        const qty = quantity('Lineitem quantity', row.get('lineitemquantity'))
        const unitPrice = moneyOrZero('Lineitem price', row.get('lineitemprice'), currency)
        const discount = moneyOrZero('Lineitem discount', row.get('lineitemdiscount'), currency)
        const line: OrderLine = {
          channel: 'shopify', store: context.store, orderNo, subOrderNo: `${orderNo}-${assembler.nextLineIndex(orderNo)}`,
          sku: freeText(row.get('lineitemsku')), title: freeText(row.get('lineitemname')), quantity: qty, unitPrice, discount,
          amount: minor(unitPrice * BigInt(qty) - discount), refunded: minor(0n), ...orderStatus, currency, source: sourceOf(context, row),
        }
        // Order-level money is on the first row of each order only; continuation rows are blank there.
        return { type: 'records', records: orderItems(assembler.add(order, line, false), line) }
      },
      flush: () => assembler.flush().map((record) => ({ kind: 'order' as const, record })),
      finish: () => [],
    }
  },
}

function transactionKind(type: string): SettlementKind {
  const text = type.toLowerCase()
  if (text === 'charge') return 'payment'
  if (text === 'refund') return 'refund'
  if (text.includes('payout')) return 'payout'
  if (text.includes('shop_cash') && text.includes('credit')) return 'promotion'
  if (text.includes('fee') || text.includes('billing')) return 'fee'
  return 'adjustment'
}

export const shopifyTransactions: FileParser = {
  id: 'shopify-payments-transactions',
  family: 'shopify-payouts',
  channel: 'shopify',
  label: 'Shopify Payments transactions export',
  containers: ['csv', 'xlsx'],
  required: ['transactiondate', 'type', 'order', 'amount', 'fee', 'net'],
  optional: ['cardbrand', 'cardsource', 'payoutstatus', 'payoutdate', 'payoutid', 'availableon', 'checkout', 'paymentmethodname', 'presentmentamount', 'presentmentcurrency', 'currency', 'vat'],
  amountColumns: ['amount', 'fee', 'net'],
  start(context) {
    const mismatches: number[] = []
    let rows = 0
    return {
      row(row) {
        rows += 1
        const currency = context.currency ?? (row.get('currency') || 'USD').toUpperCase()
        const amount = moneyOrZero('Amount', required('Amount', row.get('amount')), currency)
        const fee = moneyOrZero('Fee', row.get('fee'), currency)
        const net = moneyOrZero('Net', row.get('net'), currency)
        if (amount - fee !== net) mismatches.push(row.rowNumber)
        const type = required('Type', row.get('type'))
        const occurredAt = readTimestamp('Transaction Date', row.get('transactiondate'), '+00:00')
        const order = row.get('order')
        // No transaction id in this export: order + time + type + amount identify a row.
        const externalId = `${order}|${occurredAt}|${type}|${formatAmount(amount, currency)}`
        const common = { externalId, currency, occurredAt, orderRef: order, tradeNo: row.get('checkout'), payoutRef: row.get('payoutid') || row.get('payoutdate') }
        const items = [txn(context, row, 'shopify', { ...common, kind: transactionKind(type), amount, description: joinParts(type, row.get('cardsource'), row.get('paymentmethodname')) })]
        if (fee !== 0n) items.push(txn(context, row, 'shopify', { ...common, kind: 'fee', amount: negate(fee), description: `fee ${type}` }))
        return records(...items)
      },
      finish(): Check[] {
        if (mismatches.length === 0) return [{ level: 'info', code: 'AMOUNT_FEE_NET_OK', message: `Amount - Fee = Net on all ${rows} rows` }]
        return [{ level: 'error', code: 'AMOUNT_FEE_NET_MISMATCH', message: `Amount - Fee != Net on ${mismatches.length} row(s): ${mismatches.slice(0, 10).join(', ')}` }]
      },
    }
  },
}

const PAYOUT_PARTS = ['charges', 'refunds', 'adjustments', 'reservedfunds', 'fees', 'retriedamount', 'marketplacesalestax', 'advances']

export const shopifyPayouts: FileParser = {
  id: 'shopify-payouts-summary',
  family: 'shopify-payouts',
  channel: 'shopify',
  label: 'Shopify payouts summary export',
  containers: ['csv', 'xlsx'],
  required: ['payoutdate', 'status', 'charges', 'refunds', 'fees', 'total', 'currency'],
  optional: ['adjustments', 'reservedfunds', 'retriedamount', 'marketplacesalestax', 'advances', 'bankreference'],
  amountColumns: ['total'],
  start(context) {
    const mismatches: number[] = []
    return {
      row(row) {
        const currency = context.currency ?? required('Currency', row.get('currency')).toUpperCase()
        const total = moneyOrZero('Total', required('Total', row.get('total')), currency)
        const parts = PAYOUT_PARTS.reduce((sum, part) => sum + moneyOrZero(part, row.get(part), currency), 0n)
        if (parts !== total) mismatches.push(row.rowNumber)
        const date = required('Payout Date', row.get('payoutdate'))
        return records(txn(context, row, 'shopify', {
          externalId: `payout|${date}|${row.get('bankreference') || formatAmount(total, currency)}`,
          kind: 'payout', amount: negate(total), currency, occurredAt: readTimestamp('Payout Date', date, '+00:00'),
          payoutRef: row.get('bankreference') || date, description: `payout ${row.get('status')}`,
        }))
      },
      finish(): Check[] {
        if (mismatches.length === 0) return [{ level: 'info', code: 'PAYOUT_TOTAL_OK', message: 'every payout Total equals the sum of its parts' }]
        return [{ level: 'error', blocking: true, code: 'PAYOUT_TOTAL_MISMATCH', message: `Total != Charges + Refunds + Adjustments + Reserved + Fees + Retried on row(s) ${mismatches.slice(0, 10).join(', ')}` }]
      },
    }
  },
}

export const SHOPIFY_PARSERS = [shopifyOrders, shopifyTransactions, shopifyPayouts]
