import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ROLES } from '../../../shared/roles.ts'
import { companies } from './company.ts'

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull(),
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull(),
  /** Wrong passwords since the last successful sign-in; the account locks at LOCK_AFTER_FAILURES. */
  failedLogins: integer('failed_logins').notNull().default(0),
  /** Set when locked after repeated failures; cleared by an admin (user unlock). */
  lockedAt: text('locked_at'),
}, (table) => [uniqueIndex('users_username_unique').on(table.username)])

export const memberships = sqliteTable('memberships', {
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'cascade' }),
  role: text('role', { enum: ROLES }).notNull(),
}, (table) => [primaryKey({ columns: [table.userId, table.companyId] })])

/** Bearer tokens, stored as SHA-256 of the secret. */
export const tokens = sqliteTable('tokens', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull(),
  kind: text('kind', { enum: ['session', 'api'] }).notNull(),
  name: text('name').notNull().default(''),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  revokedAt: text('revoked_at'),
  /** When the token last signed a request in (kept to the minute: written at most once per LAST_USED_EVERY_MS). */
  lastUsedAt: text('last_used_at'),
}, (table) => [uniqueIndex('tokens_hash_unique').on(table.tokenHash), index('tokens_user').on(table.userId)])

/**
 * An admin's invitation of a username into a company with a role: the user
 * gets the membership only by accepting it (issue #18: no one is added to a
 * company without consent). Stored by username whether or not such a user
 * exists, so inviting answers the same for both.
 */
export const invitations = sqliteTable('invitations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  companyId: integer('company_id').notNull().references(() => companies.id, { onDelete: 'cascade' }),
  username: text('username').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  invitedBy: integer('invited_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: text('created_at').notNull(),
  expiresAt: text('expires_at').notNull(),
  /** accepted | declined | withdrawn, or null while pending. */
  outcome: text('outcome', { enum: ['accepted', 'declined', 'withdrawn'] }),
  decidedAt: text('decided_at'),
}, (table) => [index('invitations_username').on(table.username), index('invitations_company').on(table.companyId)])
