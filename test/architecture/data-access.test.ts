import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The data access rule (issue #19 item 5; docs/decisions.md "Data access
 * rule", per-area table in docs/decisions.d/h-data.md): raw SQL runs only in
 * the modules named here, one (or a read/write pair) per area; everything else
 * calls them, or drizzle's query builder inside them. A new `.execute(` or
 * `.batch(` elsewhere in service/ fails this test: move the statement into the
 * area's module, or add the file here with the reason it must hold SQL itself.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))

const SQL_MODULES: Readonly<Record<string, string>> = {
  // infrastructure
  'service/db/connection.ts': 'opens, migrates and encrypts the database, the write queue, health ping and VACUUM INTO backup',
  // per area
  'service/auth/queries.ts': 'auth: users, memberships, invitations, tokens',
  'service/functions/load.ts': 'functions: the batch loader (memberships, ledger version, packed balances) and the extra tables of extras.ts',
  'service/imports/query.ts': 'imports: reads of imported records, batches and rejects',
  'service/imports/batch-sql.ts': 'imports: the import write path (multi-row inserts, order staging/upsert, batch rows); hot path',
  'service/posting/queries.ts': 'posting: rates, inventory, records, verdicts, reconciliation sums, revaluations, VAT month-end',
  'service/reports/data.ts': 'reports: the report readers (closing vouchers, cash lines, management reports, bank journal, SKU profit)',
  'service/matching/queries.ts': 'matching: the read side (counts, lists, summary) and the records the engine reads',
  'service/matching/writes.ts': 'matching: the write side (a run\'s persist step, manual matches and decisions)',
  'service/ledger/balances.ts': 'ledger: the one reader and writer of the balances table (designated last round)',
  'service/ledger/vouchers.ts': 'ledger: voucher write transaction (writeVouchers / writeInTransaction), designated write path',
  'service/ledger/vouchers/actions.ts': 'ledger: approve/post/reverse/delete statements of the voucher write path',
  'service/ledger/vouchers/checks.ts': 'ledger: write-path checks (period open, accounts, duplicates) in the write transaction',
  'service/ledger/vouchers/deltas.ts': 'ledger: balance deltas applied in the voucher write transaction',
  'service/ledger/vouchers/insert.ts': 'ledger: multi-row voucher and line inserts (hot path)',
  'service/ledger/vouchers/read.ts': 'ledger: voucher reads (get/list/search)',
  'service/invoices/queries.ts': 'invoices: lists and figures, attachments, voucher links, invoice-order matching',
  'service/invoices/status-updates.ts': 'invoices: the import\'s invoice status staging (temp table), called from the import write path',
  'service/ledger/audit.ts': 'ledger: the append-only, hash-chained audit log (its only writer)',
  'service/ledger/queries.ts': 'ledger: companies, chart, stores, suppliers, banks, periods, sources and drill-down, export, approvers',
  'service/ledger/verify.ts': 'ledger: `cledger verify`, whose invariant checks are SQL queries themselves (read-only)',
  'service/ledger/voucher-coalesce.ts': 'ledger: SAVEPOINT control of coalesced voucher writes (the write path)',
}

/** A statement run through the libSQL client or a transaction: `.execute(` / `.batch(`. */
const RUNS_SQL = /\.(execute|batch)\(/

function sourceFiles(dir: string): string[] {
  const files: string[] = []
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`
    if (entry.isDirectory()) {
      if (path !== 'service/db/schema' && entry.name !== 'migrations') files.push(...sourceFiles(path))
    } else if (/\.tsx?$/.test(entry.name)) files.push(path)
  }
  return files
}

describe('architecture: data access rule', () => {
  const withSql = sourceFiles('service').filter((path) => RUNS_SQL.test(readFileSync(join(root, path), 'utf8'))).sort()

  it('raw SQL runs only in the allowed module of each area (service/)', () => {
    expect(withSql.filter((path) => !(path in SQL_MODULES))).toEqual([])
  })

  it('drizzle queries (`db.orm`) are built only in the same modules: callers see neither SQL nor the query builder', () => {
    const builders = sourceFiles('service').filter((path) => /\.orm\b/.test(readFileSync(join(root, path), 'utf8')))
    expect(builders.length).toBeGreaterThan(0)
    expect(builders.filter((path) => !(path in SQL_MODULES))).toEqual([])
  })

  it('every allowlist entry still runs SQL and gives a reason (moved files leave the list)', () => {
    expect(Object.keys(SQL_MODULES).filter((path) => !withSql.includes(path))).toEqual([])
    for (const reason of Object.values(SQL_MODULES)) expect(reason.length).toBeGreaterThan(10)
  })

  it('catches a statement outside the allowed modules (the check itself works)', () => {
    expect(RUNS_SQL.test("await context.db.client.execute({ sql: 'SELECT 1' })")).toBe(true)
    expect(RUNS_SQL.test('await tx.batch([first, second])')).toBe(true)
    expect(RUNS_SQL.test('await q.userRowById(context.db.client, id)')).toBe(false)
    expect(sourceFiles('service')).toContain('service/posting/run.ts')
  })
})
