import type { Command } from 'commander'
import { LedgerError } from '../../shared/errors.ts'
import { type Permission, can } from '../auth/permissions.ts'
import { findUser, membershipsOf } from '../auth/users.ts'
import { companyAdminRow } from '../auth/queries.ts'
import { DEFAULT_DB_URL, type Database, openDatabase } from '../db/connection.ts'
import { readEnv } from '../env.ts'
import { type Company, getCompany, listCompanies } from '../ledger/company.ts'
import { type Actor, type LedgerContext, createContext } from '../ledger/context.ts'

/**
 * What every command group of the CLI is handed: global options, opening the
 * database / company / acting user, and output. service/cli.ts builds it; the
 * groups in service/cli/*.ts import only this file (no cycle through cli.ts).
 */
export interface GlobalOptions {
  db?: string
  company?: string
  user?: string
  json?: boolean
}

export interface Opened {
  readonly db: Database
  readonly context: LedgerContext
  readonly company: Company
  readonly actor: Actor
}

export interface CliRuntime {
  options(): GlobalOptions
  /** Opens the database only (for init, restore, user admin); `encryptionKey` overrides LEDGER_DB_KEY. */
  openDb(options?: { encryptionKey?: string | null }): Promise<{ db: Database; context: LedgerContext }>
  /** Opens the database, the company (--company or the only one) and the acting user, checking `permission`. */
  open(permission: Permission): Promise<Opened>
  /** Prints data: JSON with --json, else the text rendering. */
  print(data: unknown, text: () => string): void
  stdout(text: string): void
  stderr(text: string): void
  /** Asks the person at the terminal (interactive commands); undefined when stdin is not a terminal. */
  readonly ask?: (question: string) => Promise<string>
}

/** What the CLI talks to: the terminal, or a test. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
  ask?(question: string): Promise<string>
}

/** A question on the terminal (readline), for interactive commands; undefined without a TTY. */
function terminalAsk(): ((question: string) => Promise<string>) | undefined {
  if (!process.stdin.isTTY) return undefined
  return async (question) => {
    const { createInterface } = await import('node:readline/promises')
    const reader = createInterface({ input: process.stdin, output: process.stderr })
    try {
      return await reader.question(question)
    } finally {
      reader.close()
    }
  }
}

export function createRuntime(program: Command, io: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), ask: terminalAsk() }): CliRuntime & { closeAll(): void } {
  const env = readEnv()
  const opened: Database[] = []
  const options = () => program.opts<GlobalOptions>()
  const openDb = async (open: { encryptionKey?: string | null } = {}) => {
    const db = await openDatabase(options().db ?? env.LEDGER_DB_URL ?? DEFAULT_DB_URL, { authToken: env.LEDGER_DB_AUTH_TOKEN, ...open })
    opened.push(db)
    return { db, context: createContext(db) }
  }
  const runtime: CliRuntime & { closeAll(): void } = {
    options,
    openDb,
    async open(permission) {
      const { db, context } = await openDb()
      const companies = await listCompanies(context)
      const code = options().company ?? env.LEDGER_COMPANY
      if (companies.length === 0) throw new LedgerError('NOT_FOUND', 'no company yet: run `cledger init` first')
      if (!code && companies.length > 1) throw new LedgerError('VALIDATION', `several companies (${companies.map((c) => c.code).join(', ')}): pass --company CODE`)
      const company = code ? await getCompany(context, code) : (companies[0] as Company)
      const actor = await resolveActor(context, company, options().user ?? env.LEDGER_USER, permission)
      return { db, context, company, actor }
    },
    print(data, text) {
      io.stdout(options().json ? `${JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n` : `${text()}\n`)
    },
    stdout: io.stdout,
    stderr: io.stderr,
    ...(io.ask ? { ask: io.ask.bind(io) } : {}),
    closeAll() {
      for (const db of opened) db.close()
    },
  }
  return runtime
}

/** The acting user: --user, else the company's first admin. Their role must allow `permission`. */
async function resolveActor(context: LedgerContext, company: Company, username: string | undefined, permission: Permission): Promise<Actor> {
  let userId: number
  let name: string
  if (username) {
    const user = await findUser(context, username)
    userId = user.id
    name = user.username
  } else {
    const admin = await companyAdminRow(context.db.client, company.id)
    const row = admin.rows[0]
    if (!row) throw new LedgerError('NOT_FOUND', `company ${company.code} has no admin user; pass --user`)
    userId = Number(row.id)
    name = String(row.username)
  }
  const membership = (await membershipsOf(context, userId)).find((m) => m.companyId === company.id)
  if (!membership) throw new LedgerError('FORBIDDEN', `user ${name} has no role in ${company.code}`)
  if (!can(membership.role, permission)) throw new LedgerError('FORBIDDEN', `user ${name} (${membership.role}) may not do this (${permission})`)
  return { userId, username: name }
}
