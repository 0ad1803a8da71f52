import type { LedgerContext } from '../../service/ledger/context.ts'
import type { Company } from '../../service/ledger/company.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import type { Role } from '../../service/functions/visibility.ts'
import { aSale, aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * The ledger every functions test reads (company ACME, CNY):
 *   2026-10-05 sale tmall-main   1122 D 113.00 / 5001 C 100.00 / 2221.01.02 C 13.00
 *   2026-10-06 commission        5601.01 D 5.00 / 1012.01 C 5.00 (tmall-main)
 *   2026-10-07 promotion         5601.02 D 20.00 / 1002 C 20.00
 *   2026-10-08 Shopify payout    1012.06 D USD 10.00 @7.1 = 71.00 / 1122 C 71.00
 *   2026-11-03 sale jd-flagship  1122 D 113.00 / 5001 C 100.00 / 2221.01.02 C 13.00
 */
export async function functionsLedger(): Promise<{ context: LedgerContext; company: Company; url: string; users: Record<'accountant' | 'sales' | 'outsider', number> }> {
  const { context, company, url } = await ledgerWithCompany('ACME')
  await writeVouchers(context, { userId: null }, company.id, [
    { input: aSale('2026-10-05', 'tmall-main').build() },
    { input: aVoucher('2026-10-06').debit('5601.01', '5.00', { store: 'tmall-main' }).credit('1012.01', '5.00', { store: 'tmall-main' }).build() },
    { input: aVoucher('2026-10-07').debit('5601.02', '20.00').credit('1002', '20.00').build() },
    { input: aVoucher('2026-10-08').debit('1012.06', '10.00', { currency: 'USD', rate: '7.1' }).credit('1122', '71.00').build() },
    { input: aSale('2026-11-03', 'jd-flagship').build() },
  ], { mode: 'post' })
  const other = await createCompany(context, SYSTEM, { code: 'OTHER', name: 'OTHER 有限公司' })
  const accountant = await addUser(context, 'wang.kuaiji', [[company.id, 'accountant']])
  const sales = await addUser(context, 'li.xiaoshou', [[company.id, 'sales']])
  const outsider = await addUser(context, 'zhao.other', [[other.id, 'accountant']])
  return { context, company, url, users: { accountant, sales, outsider } }
}

/** Inserts a user with memberships straight into the auth tables (no password flow needed here). */
export async function addUser(context: LedgerContext, username: string, roles: ReadonlyArray<readonly [companyId: number, role: Role]>): Promise<number> {
  const inserted = await context.db.client.execute({
    sql: "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, 'x', '2026-10-01T00:00:00Z') RETURNING id",
    args: [username, username],
  })
  const id = Number(inserted.rows[0]?.id)
  for (const [companyId, role] of roles) {
    await context.db.client.execute({ sql: 'INSERT INTO memberships (user_id, company_id, role) VALUES (?, ?, ?)', args: [id, companyId, role] })
  }
  return id
}

/**
 * Inserts a row, filling every other NOT NULL column without a default with a
 * neutral value (0 or ''), so tests state only the columns they mean.
 */
export async function insertRow(context: LedgerContext, table: string, values: Record<string, string | number | null>): Promise<number> {
  const columns = await context.db.client.execute(`PRAGMA table_info(${table})`)
  const row: Record<string, string | number | null> = {}
  for (const column of columns.rows) {
    const name = String(column.name)
    if (Number(column.notnull) === 1 && column.dflt_value === null && Number(column.pk) === 0) row[name] = String(column.type).toUpperCase() === 'INTEGER' ? 0 : ''
  }
  Object.assign(row, values)
  const names = Object.keys(row)
  const inserted = await context.db.client.execute({ sql: `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) RETURNING rowid AS id`, args: names.map((name) => row[name] ?? null) })
  return Number(inserted.rows[0]?.id)
}
