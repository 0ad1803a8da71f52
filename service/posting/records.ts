import type { Minor } from '../../shared/money.ts'
import type { Order, OrderLine, SettlementTxn } from '../../shared/records.ts'
import type { PostingInput } from '../../shared/posting/index.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { selectPostingRecords } from './queries.ts'

/**
 * Loads imported canonical records (service/db/schema/imports.ts) for posting.
 * Read-only; the imports engineer owns the tables.
 */
const money = (value: unknown): Minor => BigInt(Number(value ?? 0)) as Minor
const optional = (value: unknown): string | undefined => (value === null || value === undefined || value === '' ? undefined : String(value))
const source = (row: Record<string, unknown>) => ({ fileHash: String(row.source_hash), ...(row.source_sheet ? { sheet: String(row.source_sheet) } : {}), rowNumber: Number(row.source_row) })

export async function loadRecords(context: LedgerContext, companyId: number, filter: { store?: string } = {}): Promise<PostingInput> {
  const [orders, lines, txns] = await selectPostingRecords(context.db, companyId, filter.store)
  return {
    orders: orders.rows.map((r) => {
      const row = r as Record<string, unknown>
      return {
        channel: String(row.channel), store: String(row.store), orderNo: String(row.order_no), status: String(row.status), statusRaw: String(row.status_raw),
        buyerRef: optional(row.buyer_ref), createdAt: String(row.created_at), paidAt: optional(row.paid_at), shippedAt: optional(row.shipped_at),
        completedAt: optional(row.completed_at), cancelledAt: optional(row.cancelled_at), currency: String(row.currency), gross: money(row.gross_minor),
        discount: money(row.discount_minor), shipping: money(row.shipping_minor), tax: money(row.tax_minor), refunded: money(row.refunded_minor),
        paymentRef: optional(row.payment_ref), source: source(row),
      } as Order
    }),
    orderLines: lines.rows.map((r) => {
      const row = r as Record<string, unknown>
      return {
        channel: String(row.channel), store: String(row.store), orderNo: String(row.order_no), subOrderNo: String(row.sub_order_no), sku: String(row.sku),
        title: String(row.title), quantity: Number(row.quantity), unitPrice: money(row.unit_price_minor), discount: money(row.discount_minor), amount: money(row.amount_minor),
        refunded: money(row.refunded_minor), status: String(row.status), statusRaw: String(row.status_raw), currency: String(row.currency), source: source(row),
      } as OrderLine
    }),
    txns: txns.rows.map((r) => {
      const row = r as Record<string, unknown>
      return {
        channel: String(row.channel), store: String(row.store), externalId: String(row.external_id), kind: String(row.kind), amount: money(row.amount_minor),
        currency: String(row.currency), occurredAt: String(row.occurred_at), orderRef: optional(row.order_ref), tradeNo: optional(row.trade_no),
        payoutRef: optional(row.payout_ref), counterparty: optional(row.counterparty), counterAccount: optional(row.counter_account), description: String(row.description), source: source(row),
      } as SettlementTxn
    }),
  }
}
