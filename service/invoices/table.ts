import type { InValue } from '@libsql/client'
import { itemsToJsonText } from '../../shared/invoices/record.ts'
import type { CanonicalRecord } from '../../shared/records.ts'

/** How the import loader (service/imports/load.ts) writes canonical invoices: one row each, ON CONFLICT DO NOTHING on (company, invoice_no). */
export const INVOICE_TABLE = {
  table: 'invoices',
  columns: ['company_id', 'batch_id', 'invoice_no', 'invoice_code', 'invoice_type', 'issued_at', 'seller_tax_id', 'seller_name', 'buyer_tax_id', 'buyer_name', 'currency', 'amount_minor', 'tax_minor', 'total_minor', 'tax_rate', 'status', 'status_raw', 'is_red', 'original_invoice_no', 'remark', 'certification', 'items_json', 'source_hash', 'source_sheet', 'source_row'],
  push(out: InValue[], companyId: number, batchId: number, item: CanonicalRecord): void {
    if (item.kind !== 'invoice') return
    const r = item.record
    out.push(companyId, batchId, r.invoiceNo, r.invoiceCode ?? null, r.invoiceType, r.issuedAt, r.sellerTaxId, r.sellerName, r.buyerTaxId, r.buyerName, r.currency, r.amount, r.tax, r.total, r.taxRate, r.status, r.statusRaw, r.isRed ? 1 : 0, r.originalInvoiceNo ?? null, r.remark, r.certification ?? null, itemsToJsonText(r.items, r.currency), r.source.fileHash, r.source.sheet ?? null, r.source.rowNumber)
  },
}
