import { sql } from 'drizzle-orm'
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { companies } from './company.ts'

/**
 * Reconciliation results (issue 5). One row per match group / exception group;
 * `key` (level:anchor) is stable across runs, so re-running changes nothing and a
 * new import touches only the groups it changes. Money is INTEGER minor units of
 * `currency`. Items are records by natural key (shared/records.ts naturalKey),
 * which survive re-import.
 *
 * For posting: live matches are `status IN ('suggested','confirmed')`; post
 * confirmed ones. A voucher made from a match links it in voucher_sources as
 * (source_kind 'match', source_id = String(matches.id)); unmatching reverses it.
 * `unmatched` rows are history (a person or a re-run took the match apart).
 */
export const MATCH_ROW_STATUSES = ['suggested', 'confirmed', 'unmatched'] as const
export const MATCH_ORIGINS = ['auto', 'manual', 'approved'] as const
export const EXCEPTION_ROW_STATUSES = ['open', 'resolved', 'ignored'] as const
export const ITEM_KINDS = ['order', 'settlementTxn', 'bankTxn'] as const

const figures = {
  ordersCount: integer('orders_count').notNull().default(0),
  ordersGrossMinor: integer('orders_gross_minor').notNull().default(0),
  expectedMinor: integer('expected_minor').notNull().default(0),
  paidMinor: integer('paid_minor').notNull().default(0),
  refundedMinor: integer('refunded_minor').notNull().default(0),
  feesMinor: integer('fees_minor').notNull().default(0),
  payoutsMinor: integer('payouts_minor').notNull().default(0),
  bankReceivedMinor: integer('bank_received_minor').notNull().default(0),
  measuredMinor: integer('measured_minor').notNull().default(0),
}

export const matches = sqliteTable('matches', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  key: text('key').notNull(),
  level: text('level').notNull(),
  /** rule that made the match: built-in name, `custom:<id>`, `manual` or `approved` */
  rule: text('rule').notNull(),
  why: text('why').notNull(),
  confidence: integer('confidence').notNull(),
  status: text('status', { enum: MATCH_ROW_STATUSES }).notNull(),
  origin: text('origin', { enum: MATCH_ORIGINS }).notNull(),
  channel: text('channel').notNull(),
  store: text('store').notNull(),
  currency: text('currency').notNull(),
  period: text('period').notNull(),
  date: text('date').notNull(),
  orderKey: text('order_key'),
  differenceMinor: integer('difference_minor').notNull(),
  differenceAccount: text('difference_account'),
  contentHash: text('content_hash').notNull(),
  membersHash: text('members_hash').notNull(),
  ...figures,
  decidedBy: integer('decided_by'),
  decidedAt: text('decided_at'),
  decisionReason: text('decision_reason'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}, (table) => [
  uniqueIndex('matches_live_key').on(table.companyId, table.key).where(sql`status <> 'unmatched'`),
  index('matches_company_status').on(table.companyId, table.status, table.period),
])

export const matchItems = sqliteTable('match_items', {
  matchId: integer('match_id').notNull().references(() => matches.id, { onDelete: 'cascade' }),
  companyId: integer('company_id').notNull(),
  itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
  itemRef: text('item_ref').notNull(),
  role: text('role').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
}, (table) => [index('match_items_match').on(table.matchId), index('match_items_ref').on(table.companyId, table.itemKind, table.itemRef)])

export const exceptions = sqliteTable('exceptions', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'restrict' }),
  key: text('key').notNull(),
  type: text('type').notNull(),
  status: text('status', { enum: EXCEPTION_ROW_STATUSES }).notNull(),
  /** 1 while the latest run still produces this exception */
  live: integer('live').notNull().default(1),
  level: text('level').notNull(),
  rule: text('rule').notNull(),
  why: text('why').notNull(),
  channel: text('channel').notNull(),
  store: text('store').notNull(),
  currency: text('currency').notNull(),
  period: text('period').notNull(),
  date: text('date').notNull(),
  orderKey: text('order_key'),
  amountMinor: integer('amount_minor').notNull(),
  differenceMinor: integer('difference_minor').notNull(),
  /** the difference a person accepted when resolving (or approving); posting accepts only this figure, and a re-run that finds another reopens the exception */
  acceptedDifferenceMinor: integer('accepted_difference_minor'),
  /** the leaf account the person chose for the accepted difference when resolving; null = the store's differenceLoss/differenceGain */
  acceptedAccount: text('accepted_account'),
  requiredRole: text('required_role'),
  contentHash: text('content_hash').notNull(),
  membersHash: text('members_hash').notNull(),
  ...figures,
  decidedBy: integer('decided_by'),
  decidedAt: text('decided_at'),
  decisionReason: text('decision_reason'),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
}, (table) => [
  uniqueIndex('exceptions_key').on(table.companyId, table.key),
  index('exceptions_company_status').on(table.companyId, table.status, table.type),
])

export const exceptionItems = sqliteTable('exception_items', {
  exceptionId: integer('exception_id').notNull().references(() => exceptions.id, { onDelete: 'cascade' }),
  companyId: integer('company_id').notNull(),
  itemKind: text('item_kind', { enum: ITEM_KINDS }).notNull(),
  itemRef: text('item_ref').notNull(),
  role: text('role').notNull(),
  amountMinor: integer('amount_minor').notNull(),
  currency: text('currency').notNull(),
}, (table) => [index('exception_items_exception').on(table.exceptionId), index('exception_items_ref').on(table.companyId, table.itemKind, table.itemRef)])

/** Who/when/why of every change of an exception (raised, updated, cleared, resolved, ignored, approved, reopened). Append-only. */
export const exceptionEvents = sqliteTable('exception_events', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  exceptionId: integer('exception_id').notNull().references(() => exceptions.id, { onDelete: 'restrict' }),
  companyId: integer('company_id').notNull(),
  at: text('at').notNull(),
  actorId: integer('actor_id'),
  action: text('action').notNull(),
  fromStatus: text('from_status'),
  toStatus: text('to_status').notNull(),
  reason: text('reason').notNull().default(''),
  payloadJson: text('payload_json').notNull().default('{}'),
}, (table) => [index('exception_events_exception').on(table.exceptionId, table.id)])
