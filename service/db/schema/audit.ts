import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** Append-only, hash-chained: hash = sha256(prev_hash + canonical entry). */
export const auditLog = sqliteTable('audit_log', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: text('at').notNull(),
  companyId: integer('company_id'),
  actorId: integer('actor_id'),
  action: text('action').notNull(),
  entity: text('entity').notNull(),
  entityId: text('entity_id').notNull(),
  payloadJson: text('payload_json').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
})
