import type { Database } from '../../service/db/connection.ts'
import type { BankTxn, Order, OrderLine, SettlementTxn } from '../../shared/records.ts'

/** Writes canonical records into the import tables the way an import does (ON CONFLICT DO NOTHING on natural keys). */
export async function insertRecords(db: Database, companyId: number, records: { orders?: Order[]; lines?: OrderLine[]; settlements?: SettlementTxn[]; bank?: BankTxn[] }): Promise<void> {
  await db.write(async (tx) => {
    const batch = await tx.execute({ sql: "INSERT INTO import_batches (company_id, file_name, file_hash, file_size, parser, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at) VALUES (?, 'test', ?, 0, 'test', 'committed', 0, 0, 0, 0, 0, '2026-10-31', '2026-10-31') RETURNING id", args: [companyId, 'f'.repeat(64)] })
    const batchId = Number(batch.rows[0]?.id)
    for (const o of records.orders ?? []) {
      await tx.execute({ sql: 'INSERT INTO orders (company_id, batch_id, channel, store, order_no, status, status_raw, buyer_ref, created_at, paid_at, completed_at, currency, gross_minor, discount_minor, shipping_minor, tax_minor, refunded_minor, payment_ref, source_hash, source_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING',
        args: [companyId, batchId, o.channel, o.store, o.orderNo, o.status, o.statusRaw, o.buyerRef ?? null, o.createdAt, o.paidAt ?? null, o.completedAt ?? null, o.currency, o.gross, o.discount, o.shipping, o.tax, o.refunded, o.paymentRef ?? null, o.source.fileHash, o.source.rowNumber] })
    }
    for (const l of records.lines ?? []) {
      await tx.execute({ sql: 'INSERT INTO order_lines (company_id, batch_id, channel, store, order_no, sub_order_no, sku, title, quantity, unit_price_minor, discount_minor, amount_minor, refunded_minor, status, status_raw, currency, source_hash, source_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING',
        args: [companyId, batchId, l.channel, l.store, l.orderNo, l.subOrderNo, l.sku, l.title, l.quantity, l.unitPrice, l.discount, l.amount, l.refunded, l.status, l.statusRaw, l.currency, l.source.fileHash, l.source.rowNumber] })
    }
    for (const t of records.settlements ?? []) {
      await tx.execute({ sql: 'INSERT INTO settlement_txns (company_id, batch_id, channel, store, external_id, kind, amount_minor, currency, occurred_at, order_ref, trade_no, payout_ref, counterparty, description, source_hash, source_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING',
        args: [companyId, batchId, t.channel, t.store, t.externalId, t.kind, t.amount, t.currency, t.occurredAt, t.orderRef ?? null, t.tradeNo ?? null, t.payoutRef ?? null, t.counterparty ?? null, t.description, t.source.fileHash, t.source.rowNumber] })
    }
    for (const b of records.bank ?? []) {
      await tx.execute({ sql: 'INSERT INTO bank_txns (company_id, batch_id, account, external_id, occurred_at, value_date, amount_minor, currency, counterparty, reference, memo, source_hash, source_row) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING',
        args: [companyId, batchId, b.account, b.externalId, b.occurredAt, b.valueDate ?? null, b.amount, b.currency, b.counterparty ?? null, b.reference ?? null, b.memo, b.source.fileHash, b.source.rowNumber] })
    }
  })
}
