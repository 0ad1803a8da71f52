import type { Database } from '../db/connection.ts'

/** Everything ledger operations need: the database and a clock (injectable in tests). */
export interface LedgerContext {
  readonly db: Database
  readonly now: () => Date
}

/** Who acts. `userId` null is the system (migrations, demo seeding). */
export interface Actor {
  readonly userId: number | null
  readonly username?: string
}

export const SYSTEM: Actor = { userId: null, username: 'system' }

export function createContext(db: Database, now: () => Date = () => new Date()): LedgerContext {
  return { db, now }
}

export function isoNow(context: LedgerContext): string {
  return context.now().toISOString()
}
