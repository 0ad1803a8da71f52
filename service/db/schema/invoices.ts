import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { companies } from './company.ts'
import { importBatches } from './imports.ts'

/**
 * Invoices (发票, issue #17): 数电发票 imported from the 电子发票服务平台 list
 * export (XLSX/CSV) or its XML files. One row per invoice, unique per company
 * by invoice number (数电票号码, or `<发票代码>-<发票号码>` for the older
 * coded invoices). Money is INTEGER fen (signed: a red invoice is negative).
 * Direction (销项 output / 进项 input) is not stored: it follows from the
 * company's taxpayer id (settings `invoices.taxId`) as seller or buyer.
 */
export const invoices = sqliteTable('invoices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  invoiceNo: text('invoice_no').notNull(),
  invoiceCode: text('invoice_code'),
  invoiceType: text('invoice_type').notNull(),
  issuedAt: text('issued_at').notNull(),
  sellerTaxId: text('seller_tax_id').notNull(),
  sellerName: text('seller_name').notNull(),
  buyerTaxId: text('buyer_tax_id').notNull(),
  buyerName: text('buyer_name').notNull(),
  currency: text('currency').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  taxMinor: integer('tax_minor').notNull(),
  totalMinor: integer('total_minor').notNull(),
  /** decimal string ('0.13'), 'mixed' when the items carry several rates, 'exempt' for 免税 */
  taxRate: text('tax_rate').notNull(),
  /** normal | cancelled (作废) | reversed (已红冲) | partially_reversed (部分红冲) as the source states it */
  status: text('status').notNull(),
  statusRaw: text('status_raw').notNull(),
  isRed: integer('is_red', { mode: 'boolean' }).notNull(),
  originalInvoiceNo: text('original_invoice_no'),
  remark: text('remark').notNull(),
  /** input invoices: 未勾选 / 已勾选 / 已认证 (unchecked / selected / certified) */
  certification: text('certification'),
  /** items with money as decimal strings (XML and item-level exports); '[]' when the source has none */
  itemsJson: text('items_json').notNull(),
  sourceHash: text('source_hash').notNull(),
  sourceSheet: text('source_sheet'),
  sourceRow: integer('source_row').notNull(),
}, (table) => [
  uniqueIndex('invoices_natural').on(table.companyId, table.invoiceNo),
  index('invoices_issued').on(table.companyId, table.issuedAt),
  index('invoices_original').on(table.companyId, table.originalInvoiceNo),
])

/** Output invoice <-> order links (many-to-many), with the part of the invoice given to the order. */
export const invoiceOrders = sqliteTable('invoice_orders', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  invoiceNo: text('invoice_no').notNull(),
  channel: text('channel').notNull(),
  orderNo: text('order_no').notNull(),
  /** fen of the invoice's 价税合计 allotted to this order */
  amountMinor: integer('amount_minor').notNull(),
  /** remark | buyer-amount | manual */
  rule: text('rule').notNull(),
  why: text('why').notNull(),
  createdAt: text('created_at').notNull(),
}, (table) => [
  uniqueIndex('invoice_orders_pair').on(table.companyId, table.invoiceNo, table.channel, table.orderNo),
  index('invoice_orders_order').on(table.companyId, table.channel, table.orderNo),
])

/** Orders whose buyer asked for an invoice (an order flag; 企业 buyers count too). */
export const invoiceRequests = sqliteTable('invoice_requests', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  channel: text('channel').notNull(),
  orderNo: text('order_no').notNull(),
  title: text('title').notNull().default(''),
  buyerTaxId: text('buyer_tax_id'),
  createdAt: text('created_at').notNull(),
}, (table) => [uniqueIndex('invoice_requests_order').on(table.companyId, table.channel, table.orderNo)])

/** PDF/OFD (or XML) files kept with an invoice; no OCR. */
export const invoiceAttachments = sqliteTable('invoice_attachments', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  invoiceNo: text('invoice_no').notNull(),
  fileName: text('file_name').notNull(),
  mediaType: text('media_type').notNull(),
  sha256: text('sha256').notNull(),
  size: integer('size').notNull(),
  content: text('content_base64').notNull(),
  createdAt: text('created_at').notNull(),
}, (table) => [uniqueIndex('invoice_attachments_file').on(table.companyId, table.invoiceNo, table.sha256)])

/** Invoice <-> voucher links: a voucher shows its invoices as attachments (附件数). */
export const voucherInvoices = sqliteTable('voucher_invoices', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  voucherId: integer('voucher_id').notNull(),
  invoiceNo: text('invoice_no').notNull(),
  createdAt: text('created_at').notNull(),
}, (table) => [uniqueIndex('voucher_invoices_pair').on(table.companyId, table.voucherId, table.invoiceNo)])

/**
 * Invoice exceptions (INVOICE_WITHOUT_ORDER, ORDER_NOT_INVOICED, INVOICE_AMOUNT_MISMATCH).
 * Their own table: the matching run owns `exceptions` and clears every row it did not produce.
 * `key` is stable across runs (type:invoice or type:order); a re-run clears what no longer applies
 * and keeps a person's decision.
 */
export const invoiceExceptions = sqliteTable('invoice_exceptions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  key: text('key').notNull(),
  type: text('type').notNull(),
  /** open | resolved | ignored */
  status: text('status').notNull(),
  live: integer('live').notNull().default(1),
  period: text('period').notNull(),
  invoiceNo: text('invoice_no'),
  channel: text('channel'),
  orderNo: text('order_no'),
  expectedMinor: integer('expected_minor').notNull(),
  invoicedMinor: integer('invoiced_minor').notNull(),
  why: text('why').notNull(),
  decidedBy: integer('decided_by'),
  decidedAt: text('decided_at'),
  decisionReason: text('decision_reason'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}, (table) => [uniqueIndex('invoice_exceptions_key').on(table.companyId, table.key), index('invoice_exceptions_status').on(table.companyId, table.status, table.type)])
