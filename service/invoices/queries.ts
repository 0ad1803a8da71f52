import type { Client, InValue, ResultSet, Transaction } from '@libsql/client'
import { and, asc, eq } from 'drizzle-orm'
import { type Database, multiRowInsert } from '../db/connection.ts'
import { invoiceAttachments, invoiceRequests } from '../db/schema/index.ts'
import { invoiceCounts } from './status-updates.ts'

/**
 * The invoices area's SQL, moved here unchanged (data access rule,
 * docs/decisions.d/h-data.md): invoice lists and figures, attachments,
 * voucher links, invoice-order matching and its exceptions. The import's
 * status staging stays in status-updates.ts (part of the import write path).
 * One-table reads outside a transaction use drizzle's query builder
 * (attachment list, invoice requests).
 */
type Runner = Pick<Client, 'execute'> | Transaction

// ---- invoices (query.ts, settings.ts, fees.ts, input-vat.ts, report.ts)

/** `clauses` over `invoices` (company_id first); `args` end with limit and offset. */
export async function invoiceRows(db: Runner, clauses: ReadonlyArray<string>, args: InValue[]): Promise<ResultSet> {
  return db.execute({ sql: `SELECT * FROM invoices WHERE ${clauses.join(' AND ')} ORDER BY issued_at, invoice_no LIMIT ? OFFSET ?`, args })
}

/** The tax id on most of the company's invoices (as seller or buyer). */
export async function commonestTaxId(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT tax_id, count(*) AS n FROM (SELECT seller_tax_id AS tax_id FROM invoices WHERE company_id = ? UNION ALL SELECT buyer_tax_id FROM invoices WHERE company_id = ?)
          WHERE tax_id <> '' GROUP BY tax_id ORDER BY n DESC, tax_id LIMIT 1`,
    args: [companyId, companyId],
  })
}

/** Counting blue invoices the company received, of one month or all. */
export async function receivedInvoiceRows(db: Runner, companyId: number, taxId: string, period: string | undefined): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT i.invoice_no, i.seller_name, i.issued_at, i.total_minor, i.tax_minor, i.tax_rate, i.remark, i.items_json FROM invoices i
          WHERE i.company_id = ? AND i.buyer_tax_id = ? AND i.is_red = 0 AND ${invoiceCounts('i')}${period ? ' AND substr(i.issued_at, 1, 7) = ?' : ''} ORDER BY i.issued_at, i.invoice_no`,
    args: period ? [companyId, taxId, period] : [companyId, taxId],
  })
}

/** Channel fees per store, month and kind (positive), with the line count. */
export async function channelFeeRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT channel, store, substr(occurred_at, 1, 7) AS month, kind, -sum(amount_minor) AS fee, count(*) AS n FROM settlement_txns
          WHERE company_id = ? AND kind IN ('commission', 'promotion', 'fee') GROUP BY channel, store, month, kind`,
    args: [companyId],
  })
}

/** Received invoices with input VAT through `period` not yet on a voucher. */
export async function unpostedInputVatRows(db: Runner, companyId: number, taxId: string, period: string): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT i.invoice_no, i.seller_name, i.tax_minor, i.remark, i.items_json, i.certification FROM invoices i
          WHERE i.company_id = ? AND i.buyer_tax_id = ? AND ${invoiceCounts('i')} AND i.tax_minor <> 0 AND substr(i.issued_at, 1, 7) <= ?
            AND NOT EXISTS (SELECT 1 FROM voucher_sources s WHERE s.company_id = i.company_id AND s.source_kind = 'invoice' AND s.source_id = i.invoice_no)
          ORDER BY i.issued_at, i.invoice_no`,
    args: [companyId, taxId, period],
  })
}

/** Counting invoices the company issued in from..to (months). */
export async function issuedInvoiceRows(db: Runner, companyId: number, taxId: string, from: string, to: string): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT substr(issued_at, 1, 7) AS month, invoice_type, tax_rate, currency, amount_minor, tax_minor, items_json FROM invoices
            WHERE company_id = ? AND seller_tax_id = ? AND ${invoiceCounts('invoices')} AND substr(issued_at, 1, 7) >= ? AND substr(issued_at, 1, 7) <= ?`,
    args: [companyId, taxId, from, to],
  })
}

/** Received invoices per certification state (勾选 / 认证), of one month or all. */
export async function certificationRows(db: Runner, companyId: number, taxId: string, period: string | undefined): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT coalesce(certification, 'unknown') AS certification, count(*) AS n, sum(amount_minor) AS amount, sum(tax_minor) AS tax FROM invoices
          WHERE company_id = ? AND buyer_tax_id = ? AND ${invoiceCounts('invoices')}${period ? ' AND substr(issued_at, 1, 7) = ?' : ''} GROUP BY 1 ORDER BY 1`,
    args: period ? [companyId, taxId, period] : [companyId, taxId],
  })
}

// ---- attachments and voucher links (attachments.ts, voucher-attachments.ts)

export async function insertAttachment(tx: Transaction, values: { companyId: number; invoiceNo: string; fileName: string; mediaType: string; sha256: string; size: number; contentBase64: string; createdAt: string }): Promise<boolean> {
  const inserted = await tx.execute({
    sql: 'INSERT INTO invoice_attachments (company_id, invoice_no, file_name, media_type, sha256, size, content_base64, created_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING RETURNING id',
    args: [values.companyId, values.invoiceNo, values.fileName, values.mediaType, values.sha256, values.size, values.contentBase64, values.createdAt],
  })
  return inserted.rows.length > 0
}

export async function attachmentIdRow(tx: Transaction, companyId: number, invoiceNo: string, sha256: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT id FROM invoice_attachments WHERE company_id = ? AND invoice_no = ? AND sha256 = ?', args: [companyId, invoiceNo, sha256] })
}

export async function attachmentRows(db: Database, companyId: number, invoiceNo: string): Promise<Array<{ id: number; fileName: string; mediaType: string; sha256: string; size: number }>> {
  const a = invoiceAttachments
  return db.orm.select({ id: a.id, fileName: a.fileName, mediaType: a.mediaType, sha256: a.sha256, size: a.size }).from(a).where(and(eq(a.companyId, companyId), eq(a.invoiceNo, invoiceNo))).orderBy(asc(a.id))
}

export async function attachmentContentRow(db: Runner, companyId: number, id: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT file_name, media_type, content_base64 FROM invoice_attachments WHERE company_id = ? AND id = ?', args: [companyId, id] })
}

/** Links an invoice to a voucher; the number of rows inserted (0: linked already). */
export async function insertVoucherInvoice(tx: Transaction, companyId: number, voucherId: number, invoiceNo: string, at: string): Promise<number> {
  return (await tx.execute({ sql: 'INSERT INTO voucher_invoices (company_id, voucher_id, invoice_no, created_at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING', args: [companyId, voucherId, invoiceNo, at] })).rowsAffected
}

export async function voucherInvoiceNos(db: Runner, companyId: number, voucherId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT invoice_no FROM voucher_invoices WHERE company_id = ? AND voucher_id = ?
          UNION SELECT source_id FROM voucher_sources WHERE company_id = ? AND voucher_id = ? AND source_kind = 'invoice' ORDER BY 1`,
    args: [companyId, voucherId, companyId, voucherId],
  })
}

/** A voucher's invoices (linked by hand or as its sources) with their details. */
export async function voucherInvoiceRows(db: Runner, companyId: number, voucherId: number): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT l.invoice_no, MIN(l.via) AS via, i.invoice_type, i.issued_at, i.seller_name, i.buyer_name, i.total_minor, i.tax_rate, i.status, i.currency FROM (
            SELECT invoice_no, 'linked' AS via FROM voucher_invoices WHERE company_id = ? AND voucher_id = ?
            UNION ALL SELECT source_id, 'source' FROM voucher_sources WHERE company_id = ? AND voucher_id = ? AND source_kind = 'invoice'
          ) l LEFT JOIN invoices i ON i.company_id = ? AND i.invoice_no = l.invoice_no
          GROUP BY l.invoice_no ORDER BY l.invoice_no`,
    args: [companyId, voucherId, companyId, voucherId, companyId],
  })
}

// ---- invoice-order matching (match.ts)

export async function sellerInvoiceRows(db: Runner, companyId: number, taxId: string): Promise<ResultSet> {
  return db.execute({
    sql: 'SELECT invoice_no, issued_at, buyer_name, buyer_tax_id, total_minor, is_red, original_invoice_no, status, remark FROM invoices WHERE company_id = ? AND seller_tax_id = ?',
    args: [companyId, taxId],
  })
}

export async function orderDueRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT channel, order_no, store, buyer_ref, created_at, gross_minor, refunded_minor, status FROM orders WHERE company_id = ?', args: [companyId] })
}

export async function invoiceRequestRows(db: Database, companyId: number): Promise<Array<{ channel: string; orderNo: string; title: string; buyerTaxId: string | null }>> {
  const r = invoiceRequests
  return db.orm.select({ channel: r.channel, orderNo: r.orderNo, title: r.title, buyerTaxId: r.buyerTaxId }).from(r).where(eq(r.companyId, companyId))
}

export async function manualLinkRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: "SELECT invoice_no, channel, order_no, amount_minor, why FROM invoice_orders WHERE company_id = ? AND rule = 'manual'", args: [companyId] })
}

/** Replaces the automatic links (manual ones stay) with `rows`. */
export async function replaceAutomaticLinks(tx: Transaction, companyId: number, rows: InValue[][]): Promise<void> {
  await tx.execute({ sql: "DELETE FROM invoice_orders WHERE company_id = ? AND rule <> 'manual'", args: [companyId] })
  for (const statement of multiRowInsert('INSERT INTO invoice_orders (company_id, invoice_no, channel, order_no, amount_minor, rule, why, created_at) VALUES', 8, rows, ' ON CONFLICT DO NOTHING')) await tx.execute(statement)
}

export async function invoiceExceptionStates(tx: Transaction, companyId: number): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT key, live, decided_by FROM invoice_exceptions WHERE company_id = ?', args: [companyId] })
}

/** Upserts the run's exceptions: a person's decision (decided_by) keeps its status. */
export async function upsertInvoiceExceptions(tx: Transaction, rows: InValue[][]): Promise<void> {
  for (const statement of multiRowInsert('INSERT INTO invoice_exceptions (company_id, key, type, status, live, period, invoice_no, channel, order_no, expected_minor, invoiced_minor, why, created_at, updated_at) VALUES', 14, rows,
    " ON CONFLICT (company_id, key) DO UPDATE SET live = 1, period = excluded.period, expected_minor = excluded.expected_minor, invoiced_minor = excluded.invoiced_minor, why = excluded.why, updated_at = excluded.updated_at, status = CASE WHEN invoice_exceptions.decided_by IS NULL THEN 'open' ELSE invoice_exceptions.status END")) {
    await tx.execute(statement)
  }
}

/** An exception the run no longer produces: not live; resolved as cleared unless a person decided it. */
export async function clearInvoiceException(tx: Transaction, companyId: number, key: string, decided: boolean, at: string): Promise<void> {
  await tx.execute({
    sql: `UPDATE invoice_exceptions SET live = 0, ${decided ? '' : "status = 'resolved', decision_reason = 'cleared: no longer applies after re-match', decided_at = ?, "}updated_at = ? WHERE company_id = ? AND key = ?`,
    args: decided ? [at, companyId, key] : [at, at, companyId, key],
  })
}

export async function upsertInvoiceRequest(tx: Transaction, companyId: number, request: { channel: string; orderNo: string; title: string; buyerTaxId: string | null }, at: string): Promise<void> {
  await tx.execute({
    sql: 'INSERT INTO invoice_requests (company_id, channel, order_no, title, buyer_tax_id, created_at) VALUES (?,?,?,?,?,?) ON CONFLICT (company_id, channel, order_no) DO UPDATE SET title = excluded.title, buyer_tax_id = excluded.buyer_tax_id',
    args: [companyId, request.channel, request.orderNo, request.title, request.buyerTaxId, at],
  })
}

/** `clauses` over invoice_exceptions (company_id and live first). */
export async function invoiceExceptionRows(db: Runner, clauses: ReadonlyArray<string>, args: InValue[]): Promise<ResultSet> {
  return db.execute({ sql: `SELECT * FROM invoice_exceptions WHERE ${clauses.join(' AND ')} ORDER BY period, type, key`, args })
}

/** `clauses` over invoice_orders (company_id first). */
export async function invoiceLinkRows(db: Runner, clauses: ReadonlyArray<string>, args: InValue[]): Promise<ResultSet> {
  return db.execute({ sql: `SELECT invoice_no, channel, order_no, amount_minor, rule, why FROM invoice_orders WHERE ${clauses.join(' AND ')} ORDER BY invoice_no, channel, order_no`, args })
}

export async function decideInvoiceExceptionRow(tx: Transaction, companyId: number, id: number, status: string, actorId: number | null, reason: string, at: string): Promise<number> {
  return (await tx.execute({ sql: 'UPDATE invoice_exceptions SET status = ?, decided_by = ?, decided_at = ?, decision_reason = ?, updated_at = ? WHERE company_id = ? AND id = ?', args: [status, actorId, at, reason, at, companyId, id] })).rowsAffected
}

export async function invoiceExists(tx: Transaction, companyId: number, invoiceNo: string): Promise<boolean> {
  return (await tx.execute({ sql: 'SELECT 1 FROM invoices WHERE company_id = ? AND invoice_no = ?', args: [companyId, invoiceNo] })).rows[0] !== undefined
}

export async function orderExists(tx: Transaction, companyId: number, channel: string, orderNo: string): Promise<boolean> {
  return (await tx.execute({ sql: 'SELECT 1 FROM orders WHERE company_id = ? AND channel = ? AND order_no = ?', args: [companyId, channel, orderNo] })).rows[0] !== undefined
}

export async function upsertManualLink(tx: Transaction, companyId: number, link: { invoiceNo: string; channel: string; orderNo: string; amount: bigint; reason: string }, at: string): Promise<void> {
  await tx.execute({
    sql: "INSERT INTO invoice_orders (company_id, invoice_no, channel, order_no, amount_minor, rule, why, created_at) VALUES (?,?,?,?,?,'manual',?,?) ON CONFLICT (company_id, invoice_no, channel, order_no) DO UPDATE SET amount_minor = excluded.amount_minor, rule = 'manual', why = excluded.why",
    args: [companyId, link.invoiceNo, link.channel, link.orderNo, link.amount, link.reason, at],
  })
}
