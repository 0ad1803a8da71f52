import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { companies } from './company.ts'

/**
 * Posting support data (issue 6): products and moving-average inventory,
 * exchange rates, and the history of period-end FX revaluations. Money is
 * INTEGER minor units of the company's base currency.
 */

/** 商品: one row per SKU with its moving-average state (quantity and value on hand). */
export const products = sqliteTable('products', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  sku: text('sku').notNull(),
  name: text('name').notNull().default(''),
}, (table) => [primaryKey({ columns: [table.companyId, table.sku] })])

export const INVENTORY_MOVE_KINDS = ['receipt', 'issue', 'return'] as const

/**
 * 出入库: purchase receipts (CSV import), issues for sold order lines and returns.
 * `cost_minor` is the total cost of the move; issues and returns fix it once
 * and never change, so COGS stays stable across runs.
 */
export const inventoryMoves = sqliteTable('inventory_moves', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  sku: text('sku').notNull(),
  kind: text('kind', { enum: INVENTORY_MOVE_KINDS }).notNull(),
  moveKey: text('move_key').notNull(),
  date: text('date').notNull(),
  quantity: integer('quantity').notNull(),
  costMinor: integer('cost_minor'),
  reference: text('reference').notNull().default(''),
  createdAt: text('created_at').notNull(),
}, (table) => [uniqueIndex('inventory_moves_key').on(table.companyId, table.kind, table.moveKey), index('inventory_moves_sku').on(table.companyId, table.sku, table.date)])

/** 汇率: decimal strings (up to 10 places) per date and pair, with their source. */
export const exchangeRates = sqliteTable('exchange_rates', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  date: text('date').notNull(),
  currency: text('currency').notNull(),
  baseCurrency: text('base_currency').notNull(),
  rate: text('rate').notNull(),
  source: text('source').notNull().default(''),
}, (table) => [primaryKey({ columns: [table.companyId, table.currency, table.baseCurrency, table.date] })])

/** Base-currency adjustments posted by period-end revaluation, per account x store x currency. */
export const fxRevaluations = sqliteTable('fx_revaluations', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  period: text('period').notNull(),
  accountCode: text('account_code').notNull(),
  store: text('store').notNull(),
  currency: text('currency').notNull(),
  rate: text('rate').notNull(),
  adjustmentMinor: integer('adjustment_minor').notNull(),
  voucherId: integer('voucher_id').notNull(),
}, (table) => [primaryKey({ columns: [table.companyId, table.period, table.accountCode, table.store, table.currency] })])
