import { sql } from 'drizzle-orm'
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

export const PERIOD_STATUSES = ['open', 'closed'] as const

/** 账套 */
export const companies = sqliteTable('companies', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull(),
  name: text('name').notNull(),
  baseCurrency: text('base_currency').notNull().default('CNY'),
  taxpayerType: text('taxpayer_type', { enum: ['general', 'smallScale'] }).notNull().default('general'),
  chartTemplate: text('chart_template', { enum: ['small-enterprise', 'enterprise'] }).notNull().default('small-enterprise'),
  settingsJson: text('settings_json').notNull().default('{}'),
  /** Bumped by triggers on every change to the company's accounts: the key of the in-process chart cache (service/ledger/company.ts loadChart). */
  chartVersion: integer('chart_version').notNull().default(0),
  createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
}, (table) => [uniqueIndex('companies_code_unique').on(table.code)])

/** 会计期间 */
export const periods = sqliteTable('periods', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'cascade' }),
  period: text('period').notNull(),
  status: text('status', { enum: PERIOD_STATUSES }).notNull().default('open'),
  closedBy: integer('closed_by'),
  closedAt: text('closed_at'),
}, (table) => [primaryKey({ columns: [table.companyId, table.period] })])

/** 科目表 per company */
export const accounts = sqliteTable('accounts', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'cascade' }),
  code: text('code').notNull(),
  name: text('name').notNull(),
  nameEn: text('name_en').notNull().default(''),
  type: text('type', { enum: ['asset', 'liability', 'equity', 'cost', 'profitLoss'] }).notNull(),
  normalSide: text('normal_side', { enum: ['debit', 'credit'] }).notNull(),
  parentCode: text('parent_code'),
  isLeaf: integer('is_leaf', { mode: 'boolean' }).notNull(),
  active: integer('active', { mode: 'boolean' }).notNull().default(true),
}, (table) => [primaryKey({ columns: [table.companyId, table.code] })])

/**
 * 辅助核算: stores (店铺) with their channel and posting profile. `vat_rate`
 * holds the store's tax code (GENERAL_13, ZERO, ...; a bare decimal rate from
 * older rows still works); `overrides_json` maps posting roles to account codes;
 * `bank_account` is the ledger account its payouts land in. Registered by the
 * first import (channel of the detected format), `cledger store add` or the API.
 */
export const stores = sqliteTable('stores', {
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'cascade' }),
  code: text('code').notNull(),
  name: text('name').notNull(),
  channel: text('channel').notNull().default(''),
  vatRate: text('vat_rate'),
  bankAccount: text('bank_account'),
  overridesJson: text('overrides_json').notNull().default('{}'),
  createdAt: text('created_at'),
}, (table) => [primaryKey({ columns: [table.companyId, table.code] })])

/** Dated VAT rates (增值税), never constants in code. */
export const taxRates = sqliteTable('tax_rates', {
  code: text('code').notNull(),
  rate: text('rate').notNull(),
  taxpayerType: text('taxpayer_type', { enum: ['general', 'smallScale'] }).notNull(),
  validFrom: text('valid_from').notNull(),
  validTo: text('valid_to'),
  note: text('note').notNull().default(''),
}, (table) => [primaryKey({ columns: [table.code, table.validFrom] })])
