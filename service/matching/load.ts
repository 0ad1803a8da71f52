import type { Client, Row, Transaction } from '@libsql/client'
import type { Minor } from '../../shared/money.ts'
import type { BankTxn, Channel, Order, OrderLine, OrderStatus, SettlementKind, SettlementTxn, Source } from '../../shared/records.ts'
import { companyRecordRows } from './queries.ts'

/** Reads the imported records of a company (service/db/schema/imports.ts) back into canonical form. */
export interface CompanyRecords {
  readonly orders: Order[]
  readonly orderLines: OrderLine[]
  readonly settlements: SettlementTxn[]
  readonly bank: BankTxn[]
}

const money = (value: unknown): Minor => BigInt(value as number | bigint | string) as Minor
const optional = (value: unknown): string | undefined => (value === null || value === undefined || value === '' ? undefined : String(value))
const optionalMoney = (value: unknown): Minor | undefined => (value === null || value === undefined ? undefined : money(value))

function sourceOf(row: Row): Source {
  const sheet = optional(row.source_sheet)
  return sheet === undefined ? { fileHash: String(row.source_hash), rowNumber: Number(row.source_row) } : { fileHash: String(row.source_hash), sheet, rowNumber: Number(row.source_row) }
}

function strip<T extends object>(record: T): T {
  for (const key of Object.keys(record) as Array<keyof T>) if (record[key] === undefined) delete record[key]
  return record
}

export async function loadCompanyRecords(db: Client | Transaction, companyId: number): Promise<CompanyRecords> {
  const [orders, lines, txns, bank] = await companyRecordRows(db, companyId)
  return {
    orders: orders.rows.map((row) => strip<Order>({
      channel: String(row.channel) as Channel, store: String(row.store), orderNo: String(row.order_no), status: String(row.status) as OrderStatus, statusRaw: String(row.status_raw),
      buyerRef: optional(row.buyer_ref), createdAt: String(row.created_at), paidAt: optional(row.paid_at), shippedAt: optional(row.shipped_at), completedAt: optional(row.completed_at),
      cancelledAt: optional(row.cancelled_at), currency: String(row.currency), gross: money(row.gross_minor), discount: money(row.discount_minor), shipping: money(row.shipping_minor),
      tax: money(row.tax_minor), refunded: money(row.refunded_minor), paymentRef: optional(row.payment_ref), source: sourceOf(row),
    })),
    orderLines: lines.rows.map((row) => ({
      channel: String(row.channel) as Channel, store: String(row.store), orderNo: String(row.order_no), subOrderNo: String(row.sub_order_no), sku: '', title: '', quantity: 0,
      unitPrice: money(0), discount: money(0), amount: money(row.amount_minor), refunded: money(0), status: String(row.status) as OrderStatus, statusRaw: String(row.status_raw),
      currency: String(row.currency), source: sourceOf(row),
    })),
    settlements: txns.rows.map((row) => strip<SettlementTxn>({
      channel: String(row.channel) as Channel, store: String(row.store), externalId: String(row.external_id), kind: String(row.kind) as SettlementKind, amount: money(row.amount_minor),
      currency: String(row.currency), occurredAt: String(row.occurred_at), orderRef: optional(row.order_ref), tradeNo: optional(row.trade_no), payoutRef: optional(row.payout_ref),
      counterparty: optional(row.counterparty), balanceAfter: optionalMoney(row.balance_after_minor), ...(row.counter_account ? { counterAccount: String(row.counter_account) } : {}), description: String(row.description), source: sourceOf(row),
    })),
    bank: bank.rows.map((row) => strip<BankTxn>({
      account: String(row.account), externalId: String(row.external_id), occurredAt: String(row.occurred_at), valueDate: optional(row.value_date), amount: money(row.amount_minor),
      currency: String(row.currency), balanceAfter: optionalMoney(row.balance_after_minor), counterparty: optional(row.counterparty), counterpartyAccount: optional(row.counterparty_account),
      reference: optional(row.reference), memo: String(row.memo), source: sourceOf(row),
    })),
  }
}
