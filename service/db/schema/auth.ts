import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { ROLES } from '../../auth/permissions.ts'
import { companies } from './company.ts'

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  username: text('username').notNull(),
  displayName: text('display_name').notNull().default(''),
  passwordHash: text('password_hash').notNull(),
  disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
  createdAt: text('created_at').notNull(),
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
}, (table) => [uniqueIndex('tokens_hash_unique').on(table.tokenHash), index('tokens_user').on(table.userId)])
