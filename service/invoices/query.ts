import type { InValue, Row } from '@libsql/client'
import { LedgerError } from '../../shared/errors.ts'
import { type CertificationStatus, type Invoice, type InvoiceStatus, itemsFromJsonText } from '../../shared/invoices/record.ts'
import { type Minor, minor } from '../../shared/money.ts'
import type { Database } from '../db/connection.ts'
import { invoiceRows } from './queries.ts'

/** Reading invoices back as canonical records (money as Minor), filtered by period of issue, direction party, status. */

export interface InvoiceFilter {
  /** YYYY-MM of the issue date */
  period?: string
  /** only invoices where this tax id is the seller (output) */
  sellerTaxId?: string
  /** only invoices where this tax id is the buyer (input) */
  buyerTaxId?: string
  invoiceNo?: string
  limit?: number
  offset?: number
}

function text(row: Row, column: string): string {
  const value = row[column]
  return value === null || value === undefined ? '' : String(value)
}

function amount(row: Row, column: string): Minor {
  const value = row[column]
  return minor(typeof value === 'bigint' ? value : BigInt(String(value ?? 0)))
}

/** A stored invoice row as the canonical record. */
export function invoiceFromRow(row: Row): Invoice {
  const currency = text(row, 'currency')
  const record: Invoice = {
    invoiceNo: text(row, 'invoice_no'), invoiceType: text(row, 'invoice_type'), issuedAt: text(row, 'issued_at'),
    sellerTaxId: text(row, 'seller_tax_id'), sellerName: text(row, 'seller_name'), buyerTaxId: text(row, 'buyer_tax_id'), buyerName: text(row, 'buyer_name'),
    currency, amount: amount(row, 'amount_minor'), tax: amount(row, 'tax_minor'), total: amount(row, 'total_minor'), taxRate: text(row, 'tax_rate'),
    status: text(row, 'status') as InvoiceStatus, statusRaw: text(row, 'status_raw'), isRed: Number(row.is_red) === 1, remark: text(row, 'remark'),
    items: itemsFromJsonText(text(row, 'items_json') || '[]', currency),
    source: row.source_sheet === null || row.source_sheet === undefined
      ? { fileHash: text(row, 'source_hash'), rowNumber: Number(row.source_row) }
      : { fileHash: text(row, 'source_hash'), sheet: text(row, 'source_sheet'), rowNumber: Number(row.source_row) },
  }
  if (row.invoice_code !== null && row.invoice_code !== undefined) record.invoiceCode = text(row, 'invoice_code')
  if (row.original_invoice_no !== null && row.original_invoice_no !== undefined) record.originalInvoiceNo = text(row, 'original_invoice_no')
  if (row.certification !== null && row.certification !== undefined) record.certification = text(row, 'certification') as CertificationStatus
  return record
}

export async function listInvoices(db: Database, companyId: number, filter: InvoiceFilter = {}): Promise<Invoice[]> {
  const clauses = ['company_id = ?']
  const args: InValue[] = [companyId]
  if (filter.period !== undefined) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(filter.period)) throw new LedgerError('INVALID_PERIOD', `“${filter.period}”不是会计期间（YYYY-MM）/ "${filter.period}" is not a period (YYYY-MM)`)
    clauses.push('substr(issued_at, 1, 7) = ?')
    args.push(filter.period)
  }
  if (filter.sellerTaxId !== undefined) { clauses.push('seller_tax_id = ?'); args.push(filter.sellerTaxId) }
  if (filter.buyerTaxId !== undefined) { clauses.push('buyer_tax_id = ?'); args.push(filter.buyerTaxId) }
  if (filter.invoiceNo !== undefined) { clauses.push('invoice_no = ?'); args.push(filter.invoiceNo) }
  args.push(filter.limit ?? 1000, filter.offset ?? 0)
  const result = await invoiceRows(db.client, clauses, args)
  return result.rows.map(invoiceFromRow)
}

export async function getInvoice(db: Database, companyId: number, invoiceNo: string): Promise<Invoice> {
  const [invoice] = await listInvoices(db, companyId, { invoiceNo, limit: 1 })
  if (!invoice) throw new LedgerError('NOT_FOUND', `找不到发票 ${invoiceNo} / no invoice ${invoiceNo}`)
  return invoice
}
