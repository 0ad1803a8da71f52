import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { companies } from './company.ts'

/**
 * Imported channel data (issue 4). Money is INTEGER minor units of `currency`.
 * Every row carries its batch and source (file hash, sheet, row). Natural-key
 * unique indexes make re-imports add nothing (INSERT … ON CONFLICT DO NOTHING).
 */

export const IMPORT_STATUSES = ['committed'] as const

/** One import of one file (or one connector pull). Written in the same transaction as its rows. */
export const importBatches = sqliteTable('import_batches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  actorId: integer('actor_id'),
  actorName: text('actor_name').notNull().default(''),
  fileName: text('file_name').notNull(),
  fileHash: text('file_hash').notNull(),
  fileSize: integer('file_size').notNull(),
  parser: text('parser').notNull(),
  store: text('store').notNull().default(''),
  status: text('status', { enum: IMPORT_STATUSES }).notNull(),
  readCount: integer('read_count').notNull(),
  importedCount: integer('imported_count').notNull(),
  duplicateCount: integer('duplicate_count').notNull(),
  rejectedCount: integer('rejected_count').notNull(),
  skippedCount: integer('skipped_count').notNull(),
  /** Orders and order lines already stored whose status this import moved forward (see order_updates). */
  updatedCount: integer('updated_count').notNull().default(0),
  countsJson: text('counts_json').notNull().default('{}'),
  checksJson: text('checks_json').notNull().default('[]'),
  startedAt: text('started_at').notNull(),
  finishedAt: text('finished_at').notNull(),
}, (table) => [index('import_batches_company').on(table.companyId, table.id), index('import_batches_hash').on(table.companyId, table.fileHash)])

export const orders = sqliteTable('orders', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  channel: text('channel').notNull(),
  store: text('store').notNull(),
  orderNo: text('order_no').notNull(),
  status: text('status').notNull(),
  statusRaw: text('status_raw').notNull(),
  buyerRef: text('buyer_ref'),
  createdAt: text('created_at').notNull(),
  paidAt: text('paid_at'),
  shippedAt: text('shipped_at'),
  completedAt: text('completed_at'),
  cancelledAt: text('cancelled_at'),
  currency: text('currency').notNull(),
  grossMinor: integer('gross_minor').notNull(),
  discountMinor: integer('discount_minor').notNull(),
  shippingMinor: integer('shipping_minor').notNull(),
  taxMinor: integer('tax_minor').notNull(),
  refundedMinor: integer('refunded_minor').notNull(),
  paymentRef: text('payment_ref'),
  sourceHash: text('source_hash').notNull(),
  sourceSheet: text('source_sheet'),
  sourceRow: integer('source_row').notNull(),
}, (table) => [
  uniqueIndex('orders_natural_key').on(table.companyId, table.channel, table.orderNo),
  index('orders_store_created').on(table.companyId, table.store, table.createdAt),
  index('orders_payment_ref').on(table.companyId, table.paymentRef),
])

export const orderLines = sqliteTable('order_lines', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  channel: text('channel').notNull(),
  store: text('store').notNull(),
  orderNo: text('order_no').notNull(),
  subOrderNo: text('sub_order_no').notNull(),
  sku: text('sku').notNull(),
  title: text('title').notNull(),
  quantity: integer('quantity').notNull(),
  unitPriceMinor: integer('unit_price_minor').notNull(),
  discountMinor: integer('discount_minor').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  refundedMinor: integer('refunded_minor').notNull(),
  status: text('status').notNull(),
  statusRaw: text('status_raw').notNull(),
  currency: text('currency').notNull(),
  sourceHash: text('source_hash').notNull(),
  sourceSheet: text('source_sheet'),
  sourceRow: integer('source_row').notNull(),
}, (table) => [uniqueIndex('order_lines_natural_key').on(table.companyId, table.channel, table.orderNo, table.subOrderNo)])

export const settlementTxns = sqliteTable('settlement_txns', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  channel: text('channel').notNull(),
  store: text('store').notNull(),
  externalId: text('external_id').notNull(),
  kind: text('kind').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  occurredAt: text('occurred_at').notNull(),
  orderRef: text('order_ref'),
  tradeNo: text('trade_no'),
  payoutRef: text('payout_ref'),
  counterparty: text('counterparty'),
  balanceAfterMinor: integer('balance_after_minor'),
  /** Transfers: the owner's other account (`wallet:余额宝`, `bank:…`); see shared/records.ts. */
  counterAccount: text('counter_account'),
  description: text('description').notNull(),
  sourceHash: text('source_hash').notNull(),
  sourceSheet: text('source_sheet'),
  sourceRow: integer('source_row').notNull(),
}, (table) => [
  uniqueIndex('settlement_txns_natural_key').on(table.companyId, table.channel, table.externalId, table.kind),
  index('settlement_txns_order_ref').on(table.companyId, table.orderRef),
  index('settlement_txns_store_time').on(table.companyId, table.store, table.occurredAt),
])

export const bankTxns = sqliteTable('bank_txns', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  account: text('account').notNull(),
  externalId: text('external_id').notNull(),
  occurredAt: text('occurred_at').notNull(),
  valueDate: text('value_date'),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
  balanceAfterMinor: integer('balance_after_minor'),
  counterparty: text('counterparty'),
  counterpartyAccount: text('counterparty_account'),
  reference: text('reference'),
  memo: text('memo').notNull(),
  sourceHash: text('source_hash').notNull(),
  sourceSheet: text('source_sheet'),
  sourceRow: integer('source_row').notNull(),
}, (table) => [
  uniqueIndex('bank_txns_natural_key').on(table.companyId, table.account, table.externalId),
  index('bank_txns_time').on(table.companyId, table.occurredAt),
])

/** Rows that could not be imported, with row number, column and reason. */
export const importRejects = sqliteTable('import_rejects', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'cascade' }),
  rowNumber: integer('row_number').notNull(),
  sheet: text('sheet'),
  column: text('column').notNull(),
  reason: text('reason').notNull(),
  raw: text('raw').notNull(),
}, (table) => [index('import_rejects_batch').on(table.batchId, table.rowNumber)])

/**
 * Audit of order status changes made by re-imports (issue 4, item 5): a later
 * export of an order moves its stored status forward (paid -> shipped ->
 * completed, refunds) and each change is kept here with the batch that made it.
 * `sub_order_no` is '' for the order itself, the line's id for an order line.
 */
export const orderUpdates = sqliteTable('order_updates', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  batchId: integer('batch_id').notNull().references(() => importBatches.id, { onDelete: 'restrict' }),
  channel: text('channel').notNull(),
  orderNo: text('order_no').notNull(),
  subOrderNo: text('sub_order_no').notNull(),
  oldStatus: text('old_status').notNull(),
  newStatus: text('new_status').notNull(),
  oldStatusRaw: text('old_status_raw').notNull(),
  newStatusRaw: text('new_status_raw').notNull(),
  oldRefundedMinor: integer('old_refunded_minor').notNull(),
  newRefundedMinor: integer('new_refunded_minor').notNull(),
  sourceHash: text('source_hash').notNull(),
  sourceRow: integer('source_row').notNull(),
}, (table) => [index('order_updates_order').on(table.companyId, table.channel, table.orderNo), index('order_updates_batch').on(table.batchId)])
