import { formatAmount, type Minor } from '../../../shared/money.ts'
import type { CanonicalRecord, SettlementKind } from '../../../shared/records.ts'
import { decimalToMinor, negate, readMoneyText, readTimestamp, required } from '../clean.ts'
import type { Check, FileParser, MappedRow, ParseContext, RowOutcome } from '../types.ts'
import { joinParts, records, txn } from './common.ts'

/**
 * Amazon settlement reports, flat file (one column per amount type) and V2
 * (one `amount` column). Row 2 is the summary (total-amount, currency); it
 * becomes the payout. External id: settlement id + row + component, because the
 * report has no line ids and a settlement never spans files.
 */

function amazonMoney(column: string, cell: string, currency: string): Minor | null {
  // EU V2 files use comma decimals (12,34).
  const text = /^-?\d+,\d{1,2}$/.test(cell) ? cell.replace(',', '.') : cell
  const parsed = readMoneyText(column, text)
  return parsed === null ? null : decimalToMinor(column, parsed.value, currency)
}

function componentKind(transactionType: string, component: string, label: string): SettlementKind {
  const type = transactionType.toLowerCase()
  const text = `${component}|${label}`.toLowerCase()
  if (/commission/.test(text)) return 'commission'
  if (/promotion|promo/.test(text)) return 'promotion'
  if (/principal|itemprice|price-amount|shipping$|^tax|producttax/.test(text) || component === 'price-amount') return type === 'refund' ? 'refund' : 'payment'
  if (/fee/.test(text) || /fee/.test(type)) return 'fee'
  if (type === 'order') return 'payment'
  if (type === 'refund') return 'refund'
  return 'adjustment'
}

interface SettlementState {
  settlementId: string
  currency: string
  total: Minor | null
  sum: bigint
  components: number
  endDate: string
}

function summaryRow(context: ParseContext, row: MappedRow, state: SettlementState): RowOutcome {
  state.settlementId = required('settlement-id', row.get('settlement-id'))
  state.currency = context.currency ?? (row.get('currency') || 'USD').toUpperCase()
  state.total = amazonMoney('total-amount', row.get('total-amount'), state.currency)
  state.endDate = row.get('settlement-end-date')
  const depositDate = row.get('deposit-date') || state.endDate
  if (state.total === null) return { type: 'reject', column: 'total-amount', reason: 'settlement summary without total-amount' }
  return records(txn(context, row, 'amazon', {
    externalId: `${state.settlementId}:payout`, kind: 'payout', amount: negate(state.total), currency: state.currency,
    occurredAt: readTimestamp('deposit-date', depositDate, '+00:00'), payoutRef: state.settlementId, description: 'settlement deposit',
  }))
}

function totalCheck(state: SettlementState): Check[] {
  if (state.total === null) return [{ level: 'warning', code: 'SUMMARY_MISSING', message: 'no settlement summary row (total-amount)' }]
  if (state.sum === BigInt(state.total)) return [{ level: 'info', code: 'SETTLEMENT_TOTAL_OK', message: `${state.components} amounts sum to total-amount ${formatAmount(state.total, state.currency)}` }]
  return [{ level: 'error', blocking: true, code: 'SETTLEMENT_TOTAL_MISMATCH', message: `amounts sum to ${formatAmount(state.sum, state.currency)} but total-amount is ${formatAmount(state.total, state.currency)}` }]
}

const FLAT_COMPONENTS: ReadonlyArray<{ amount: string; label: string }> = [
  { amount: 'price-amount', label: 'price-type' },
  { amount: 'item-related-fee-amount', label: 'item-related-fee-type' },
  { amount: 'shipment-fee-amount', label: 'shipment-fee-type' },
  { amount: 'order-fee-amount', label: 'order-fee-type' },
  { amount: 'misc-fee-amount', label: '' },
  { amount: 'other-fee-amount', label: 'other-fee-reason-description' },
  { amount: 'promotion-amount', label: 'promotion-type' },
  { amount: 'direct-payment-amount', label: 'direct-payment-type' },
  { amount: 'other-amount', label: '' },
]

function newState(): SettlementState {
  return { settlementId: '', currency: 'USD', total: null, sum: 0n, components: 0, endDate: '' }
}

function componentRecord(context: ParseContext, row: MappedRow, state: SettlementState, component: string, label: string, amount: Minor): CanonicalRecord {
  const transactionType = row.get('transaction-type')
  state.sum += amount
  state.components += 1
  const posted = row.get('posted-date-time') || row.get('posted-date') || state.endDate
  return txn(context, row, 'amazon', {
    externalId: `${state.settlementId || row.get('settlement-id')}:${row.rowNumber}:${component}`,
    kind: componentKind(transactionType, component, label), amount, currency: state.currency,
    occurredAt: readTimestamp('posted-date', posted, '+00:00'), orderRef: row.get('order-id'), tradeNo: row.get('shipment-id') || row.get('adjustment-id'),
    payoutRef: state.settlementId || row.get('settlement-id'), description: joinParts(transactionType, label || component, row.get('sku')),
  })
}

export const amazonSettlementFlat: FileParser = {
  id: 'amazon-settlement-flat',
  family: 'amazon-settlement',
  channel: 'amazon',
  label: 'Amazon settlement flat file',
  containers: ['csv', 'xlsx'],
  required: ['settlement-id', 'total-amount', 'transaction-type', 'order-id', 'price-type', 'price-amount', 'item-related-fee-type', 'item-related-fee-amount'],
  optional: ['settlement-start-date', 'settlement-end-date', 'deposit-date', 'currency', 'posted-date', 'sku', 'quantity-purchased', 'shipment-fee-amount', 'order-fee-amount', 'misc-fee-amount', 'other-fee-amount', 'promotion-amount', 'direct-payment-amount', 'other-amount'],
  start(context) {
    const state = newState()
    return {
      row(row) {
        if (row.get('total-amount') !== '' && row.get('transaction-type') === '') return summaryRow(context, row, state)
        const items: CanonicalRecord[] = []
        for (const { amount: column, label } of FLAT_COMPONENTS) {
          const amount = amazonMoney(column, row.get(column), state.currency)
          if (amount !== null) items.push(componentRecord(context, row, state, column, label === '' ? column : row.get(label), amount))
        }
        if (items.length === 0) return { type: 'skip', reason: 'no amount in any *-amount column' }
        return records(...items)
      },
      finish: () => totalCheck(state),
    }
  },
}

export const amazonSettlementV2: FileParser = {
  id: 'amazon-settlement-v2',
  family: 'amazon-settlement',
  channel: 'amazon',
  label: 'Amazon settlement flat file V2',
  containers: ['csv', 'xlsx'],
  required: ['settlement-id', 'total-amount', 'transaction-type', 'amount-type', 'amount-description', 'amount'],
  optional: ['settlement-start-date', 'settlement-end-date', 'deposit-date', 'currency', 'order-id', 'posted-date', 'posted-date-time', 'sku', 'quantity-purchased', 'shipment-id'],
  start(context) {
    const state = newState()
    return {
      row(row) {
        if (row.get('total-amount') !== '' && row.get('transaction-type') === '') return summaryRow(context, row, state)
        const amount = amazonMoney('amount', row.get('amount'), state.currency)
        if (amount === null) return { type: 'skip', reason: 'no amount' }
        const label = `${row.get('amount-type')}/${row.get('amount-description')}`
        return records(componentRecord(context, row, state, row.get('amount-type') || 'amount', label, amount))
      },
      finish: () => totalCheck(state),
    }
  },
}

export const AMAZON_PARSERS = [amazonSettlementFlat, amazonSettlementV2]
