import { minor } from '../../shared/money.ts'
import type { SettlementKind } from '../../shared/records.ts'
import { DAY, type FormatSpec, type GeneratedRow, PENDING_SOURCE, clock, money, neg, settlement, weighted } from './core.ts'

/**
 * Amazon settlement flat files: the classic layout (tab-separated, summary row 2)
 * and V2 (one `amount` column; US and EU styles) (parsers: service/imports/parsers/amazon.ts).
 */

// ---------------------------------------------------------------------------
// Amazon settlement flat file (tab-separated, summary row 2, sum = total)
// ---------------------------------------------------------------------------

const AMAZON_HEADER = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id', 'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'shipment-fee-type', 'shipment-fee-amount', 'order-fee-type', 'order-fee-amount', 'fulfillment-id', 'posted-date', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'price-type', 'price-amount', 'item-related-fee-type', 'item-related-fee-amount', 'misc-fee-amount', 'other-fee-amount', 'other-fee-reason-description', 'direct-payment-type', 'direct-payment-amount', 'other-amount']

/** Row 2 of an Amazon settlement: the settlement's total (= sum of all amounts), imported as the payout. */
export function amazonSummaryRow(header: ReadonlyArray<string>, rows: ReadonlyArray<GeneratedRow>, store: string, fields: { id: string; currency: string; start: string; end: string; deposit: string; depositIso: string; amount?: (total: bigint) => string }): GeneratedRow {
  const total = rows.flatMap((row) => row.records).reduce((sum, item) => (item.kind === 'settlementTxn' ? sum + item.record.amount : sum), 0n)
  const values: Record<string, string> = { 'settlement-id': fields.id, 'settlement-start-date': fields.start, 'settlement-end-date': fields.end, 'deposit-date': fields.deposit, 'total-amount': fields.amount ? fields.amount(total) : money(total, fields.currency), currency: fields.currency }
  return {
    cells: header.map((name) => values[name] ?? ''),
    records: [{ kind: 'settlementTxn', record: { channel: 'amazon', store, externalId: `${fields.id}:payout`, kind: 'payout', amount: minor(-total), currency: fields.currency, occurredAt: fields.depositIso, payoutRef: fields.id, description: 'settlement deposit', source: PENDING_SOURCE } }],
  }
}

export const amazonSettlement: FormatSpec = {
  parser: 'amazon-settlement-flat',
  container: 'csv',
  encoding: 'utf8',
  delimiter: '\t',
  header: AMAZON_HEADER,
  headRow: (rows, store) => amazonSummaryRow(AMAZON_HEADER, rows, store, { id: '24288684721', currency: 'CAD', start: '2024-03-01T00:00:00+00:00', end: '2024-03-31T00:00:00+00:00', deposit: '2024-04-02T00:00:00+00:00', depositIso: '2024-04-02T00:00:00+00:00' }),
  row(context) {
    const { rng, index } = context
    const [, iso] = clock(index * 30, '+00:00', 'iso')
    const refund = rng.chance(0.1)
    const orderId = `70${rng.int(1, 9)}-${rng.digits(7)}-${rng.digits(7)}`
    const component = rng.pick(['Principal', 'Commission', 'FBAPerUnitFulfillmentFee'] as const)
    const principal = component === 'Principal'
    const amount = principal ? (refund ? neg(rng.minor(500, 9_000)) : rng.minor(500, 9_000)) : neg(rng.minor(50, 900))
    const column = principal ? 'price-amount' : 'item-related-fee-amount'
    const kind: SettlementKind = principal ? (refund ? 'refund' : 'payment') : component === 'Commission' ? 'commission' : 'fee'
    const transactionType = refund ? 'Refund' : 'Order'
    const cells = AMAZON_HEADER.map((name) => {
      switch (name) {
        case 'settlement-id': return '24288684721'
        case 'transaction-type': return transactionType
        case 'order-id': case 'merchant-order-id': return orderId
        case 'shipment-id': return 'B730ntc0C'
        case 'marketplace-name': return 'Amazon.ca'
        case 'posted-date': return iso
        case 'sku': return 'SALTT30-ALLT'
        case 'quantity-purchased': return '1'
        case 'price-type': return principal ? 'Principal' : ''
        case 'price-amount': return principal ? money(amount, 'CAD') : ''
        case 'item-related-fee-type': return principal ? '' : component
        case 'item-related-fee-amount': return principal ? '' : money(amount, 'CAD')
        default: return ''
      }
    })
    // Row numbers: header is line 1, summary line 2, data from line 3 (set by the generator).
    return {
      cells,
      records: [settlement(context, 'amazon', {
        externalId: `24288684721:{ROW}:${column}`, kind, amount, currency: 'CAD', occurredAt: iso, orderRef: orderId, tradeNo: 'B730ntc0C', payoutRef: '24288684721',
        description: [transactionType, component, 'SALTT30-ALLT'].join(' / '),
      })],
    }
  },
}

// ---------------------------------------------------------------------------
// Amazon settlement flat file V2 (one `amount` column; US and EU styles)
// ---------------------------------------------------------------------------

const AMAZON_V2_HEADER = ['settlement-id', 'settlement-start-date', 'settlement-end-date', 'deposit-date', 'total-amount', 'currency', 'transaction-type', 'order-id', 'merchant-order-id', 'adjustment-id', 'shipment-id', 'marketplace-name', 'amount-type', 'amount-description', 'amount', 'fulfillment-id', 'posted-date', 'posted-date-time', 'order-item-code', 'merchant-order-item-id', 'merchant-adjustment-item-id', 'sku', 'quantity-purchased', 'promotion-id']

const AMAZON_V2_COMPONENTS: ReadonlyArray<{ transaction: string; type: string; description: string; kind: SettlementKind; sign: 1n | -1n; weight: number }> = [
  { transaction: 'Order', type: 'ItemPrice', description: 'Principal', kind: 'payment', sign: 1n, weight: 5 },
  { transaction: 'Order', type: 'ItemPrice', description: 'Shipping', kind: 'payment', sign: 1n, weight: 1 },
  { transaction: 'Order', type: 'ItemFees', description: 'Commission', kind: 'commission', sign: -1n, weight: 3 },
  { transaction: 'Order', type: 'ItemFees', description: 'FBAPerUnitFulfillmentFee', kind: 'fee', sign: -1n, weight: 2 },
  { transaction: 'Order', type: 'Promotion', description: 'Principal', kind: 'promotion', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemPrice', description: 'Principal', kind: 'refund', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemFees', description: 'RefundCommission', kind: 'commission', sign: -1n, weight: 1 },
  { transaction: 'Refund', type: 'ItemFees', description: 'Commission', kind: 'commission', sign: 1n, weight: 1 },
  { transaction: 'other-transaction', type: 'other-transaction', description: 'Storage Fee', kind: 'fee', sign: -1n, weight: 1 },
  { transaction: 'other-transaction', type: 'other-transaction', description: 'Previous Reserve Amount Balance', kind: 'adjustment', sign: 1n, weight: 1 },
]

interface AmazonStyle {
  id: string
  currency: string
  marketplace: string
  /** Date as written, and the ISO instant it reads as. */
  date(minutes: number, withTime: boolean): [string, string]
  amount(value: bigint): string
}

const usDate = (minutes: number, withTime: boolean): [string, string] => {
  const [text, iso] = clock(minutes, '+00:00')
  return [withTime ? `${text} UTC` : text.slice(0, 10), withTime ? iso : `${text.slice(0, 10)}T00:00:00+00:00`]
}
const euDate = (minutes: number, withTime: boolean): [string, string] => {
  const [text, iso] = usDate(minutes, withTime)
  const day = `${text.slice(8, 10)}.${text.slice(5, 7)}.${text.slice(0, 4)}`
  return [withTime ? `${day} ${text.slice(11)}` : day, iso]
}

const US: AmazonStyle = { id: '12983746501', currency: 'USD', marketplace: 'Amazon.com', date: usDate, amount: (value) => money(value, 'USD') }
// EU V2 files: dd.MM.yyyy HH:mm:ss UTC dates and comma decimals (formats.md §8.2; parser reads both).
const EU: AmazonStyle = { id: '13998877012', currency: 'EUR', marketplace: 'Amazon.de', date: euDate, amount: (value) => money(value, 'EUR').replace('.', ',') }

function amazonV2(style: AmazonStyle): FormatSpec {
  return {
    parser: 'amazon-settlement-v2',
    container: 'csv',
    encoding: 'utf8',
    delimiter: '\t',
    header: AMAZON_V2_HEADER,
    headRow(rows, store) {
      const [start] = style.date(0, true)
      const [end] = style.date(30 * DAY, true)
      const [deposit, depositIso] = style.date(32 * DAY, true)
      return amazonSummaryRow(AMAZON_V2_HEADER, rows, store, { id: style.id, currency: style.currency, start, end, deposit, depositIso, amount: style.amount })
    },
    row(context) {
      const { rng, index } = context
      const component = rng.pick(weighted(AMAZON_V2_COMPONENTS))
      const other = component.transaction === 'other-transaction'
      const magnitude = component.kind === 'payment' || component.kind === 'refund' ? rng.minor(500, 15_000) : rng.minor(10, 2_500)
      const amount = minor(component.sign * magnitude)
      const [posted] = style.date(index * 45, false)
      const [postedTime, iso] = style.date(index * 45, true)
      const orderId = other ? '' : `11${rng.int(1, 4)}-${rng.digits(7)}-${rng.digits(7)}`
      const refund = component.transaction === 'Refund'
      const shipment = !other && !refund ? `D${rng.digits(8)}` : ''
      const adjustment = refund ? rng.digits(14) : ''
      const sku = other ? '' : rng.pick(['MUG-BLUE-12', 'TEE-BLK-M', 'CABLE-USB-C'])
      const label = `${component.type}/${component.description}`
      const values: Record<string, string> = {
        'settlement-id': style.id, 'transaction-type': component.transaction, 'order-id': orderId, 'merchant-order-id': orderId, 'adjustment-id': adjustment, 'shipment-id': shipment,
        'marketplace-name': other ? '' : style.marketplace, 'amount-type': component.type, 'amount-description': component.description, amount: style.amount(amount),
        'fulfillment-id': other ? '' : 'AFN', 'posted-date': posted, 'posted-date-time': postedTime, 'order-item-code': other ? '' : rng.digits(14), sku, 'quantity-purchased': other || component.description !== 'Principal' ? '' : '1',
      }
      return {
        cells: AMAZON_V2_HEADER.map((name) => values[name] ?? ''),
        records: [settlement(context, 'amazon', {
          externalId: `${style.id}:{ROW}:${component.type}`, kind: component.kind, amount, currency: style.currency, occurredAt: iso, orderRef: orderId, tradeNo: shipment || adjustment, payoutRef: style.id,
          description: [component.transaction, label, sku].filter((part) => part !== '').join(' / '),
        })],
      }
    },
  }
}

export const amazonSettlementV2 = amazonV2(US)
export const amazonSettlementV2Eu = amazonV2(EU)
