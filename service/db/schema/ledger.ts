import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { companies } from './company.ts'

export const VOUCHER_STATUSES = ['draft', 'approved', 'posted'] as const

/** 记账凭证. `number` is assigned when posted, contiguous per company + period + word. */
export const vouchers = sqliteTable('vouchers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  period: text('period').notNull(),
  word: text('word').notNull(),
  number: integer('number'),
  date: text('date').notNull(),
  status: text('status', { enum: VOUCHER_STATUSES }).notNull(),
  summary: text('summary').notNull().default(''),
  totalMinor: integer('total_minor').notNull(),
  makerId: integer('maker_id').notNull(),
  approverId: integer('approver_id'),
  approvedAt: text('approved_at'),
  posterId: integer('poster_id'),
  postedAt: text('posted_at'),
  reversalOf: integer('reversal_of'),
  reversedBy: integer('reversed_by'),
  idempotencyKey: text('idempotency_key'),
  inputHash: text('input_hash').notNull(),
  sourceKind: text('source_kind').notNull().default('manual'),
  /** 附件数: number of source documents attached to the voucher (issue #16.6) */
  attachments: integer('attachments').notNull().default(0),
  createdAt: text('created_at').notNull(),
}, (table) => [
  uniqueIndex('vouchers_number_unique').on(table.companyId, table.period, table.word, table.number),
  uniqueIndex('vouchers_idempotency_unique').on(table.companyId, table.idempotencyKey),
  index('vouchers_company_status').on(table.companyId, table.status, table.period),
])

/** Voucher lines. `amount_minor` is base currency; `original_minor` the line currency. */
export const voucherLines = sqliteTable('voucher_lines', {
  voucherId: integer('voucher_id').notNull().references(() => vouchers.id, { onDelete: 'restrict' }),
  lineNo: integer('line_no').notNull(),
  companyId: integer('company_id').notNull(),
  period: text('period').notNull(),
  accountCode: text('account_code').notNull(),
  store: text('store').notNull().default(''),
  currency: text('currency').notNull(),
  side: text('side', { enum: ['debit', 'credit'] }).notNull(),
  amountMinor: integer('amount_minor').notNull(),
  originalMinor: integer('original_minor').notNull(),
  rate: text('rate'),
  summary: text('summary').notNull().default(''),
}, (table) => [
  primaryKey({ columns: [table.voucherId, table.lineNo] }),
  index('voucher_lines_account').on(table.companyId, table.accountCode, table.period),
])

/**
 * Materialized movements (发生额) per account x period x store x currency, of
 * posted vouchers only. Closing balance = Σ movements of periods <= p.
 */
export const balances = sqliteTable('balances', {
  companyId: integer('company_id').notNull(),
  accountCode: text('account_code').notNull(),
  period: text('period').notNull(),
  store: text('store').notNull(),
  currency: text('currency').notNull(),
  debitMinor: integer('debit_minor').notNull().default(0),
  creditMinor: integer('credit_minor').notNull().default(0),
  debitOriginalMinor: integer('debit_original_minor').notNull().default(0),
  creditOriginalMinor: integer('credit_original_minor').notNull().default(0),
}, (table) => [
  primaryKey({ columns: [table.companyId, table.accountCode, table.period, table.store, table.currency] }),
  index('balances_period').on(table.companyId, table.period),
])

/** Links a posted voucher to the source items it covers: each item posts once. */
export const voucherSources = sqliteTable('voucher_sources', {
  voucherId: integer('voucher_id').notNull().references(() => vouchers.id, { onDelete: 'restrict' }),
  companyId: integer('company_id').notNull(),
  sourceKind: text('source_kind').notNull(),
  sourceId: text('source_id').notNull(),
}, (table) => [uniqueIndex('voucher_sources_unique').on(table.companyId, table.sourceKind, table.sourceId), index('voucher_sources_voucher').on(table.voucherId)])
