import type { LedgerContext } from '../ledger/context.ts'
import { voucherInvoiceRows } from './queries.ts'
import { formatAmount, minor } from '../../shared/money.ts'

/**
 * A voucher's 附件数 (issue #17): the attachments stored on the voucher itself
 * (`vouchers.attachments`, counted by whoever keyed it) plus the invoices that
 * back it — linked by hand (`voucher_invoices`, `cledger invoice link-voucher`)
 * or written with it as its source (input-VAT vouchers carry source
 * (invoice, no)). Read-only: nothing here writes a voucher, so writeVouchers
 * stays the one write path and the stored column is never touched.
 */

export interface VoucherInvoice {
  readonly invoiceNo: string
  /** `linked`: voucher_invoices; `source`: the voucher was written from the invoice */
  readonly via: 'linked' | 'source'
  readonly invoiceType: string
  readonly issuedAt: string
  readonly sellerName: string
  readonly buyerName: string
  /** 价税合计 as a decimal string (negative for 红字) */
  readonly total: string
  readonly taxRate: string
  readonly status: string
}

export interface VoucherAttachments {
  /** attachments counted on the voucher when it was written */
  readonly stored: number
  readonly invoices: VoucherInvoice[]
  /** 附件数 = stored + invoices */
  readonly count: number
}

export async function voucherAttachments(context: LedgerContext, companyId: number, voucher: { id: number; attachments: number }): Promise<VoucherAttachments> {
  const result = await voucherInvoiceRows(context.db.client, companyId, voucher.id)
  const invoices = result.rows.map((row): VoucherInvoice => ({
    invoiceNo: String(row.invoice_no), via: row.via === 'source' ? 'source' : 'linked',
    invoiceType: String(row.invoice_type ?? ''), issuedAt: String(row.issued_at ?? '').slice(0, 10), sellerName: String(row.seller_name ?? ''), buyerName: String(row.buyer_name ?? ''),
    total: row.total_minor === null ? '' : formatAmount(minor(BigInt(String(row.total_minor))), String(row.currency ?? 'CNY')),
    taxRate: String(row.tax_rate ?? ''), status: String(row.status ?? ''),
  }))
  return { stored: voucher.attachments, invoices, count: voucher.attachments + invoices.length }
}

/** One line per invoice for `cledger voucher show`. */
export function describeVoucherInvoices(attachments: VoucherAttachments): string[] {
  return attachments.invoices.map((each) => `  发票 invoice ${each.invoiceNo} ${each.issuedAt} ${each.sellerName} -> ${each.buyerName} ${each.total}${each.status && each.status !== 'normal' ? ` [${each.status}]` : ''}${each.via === 'source' ? ' (source)' : ''}`)
}
