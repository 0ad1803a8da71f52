import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libsql/client'
import { drizzle } from 'drizzle-orm/libsql'
import { migrate } from 'drizzle-orm/libsql/migrator'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../../service/db/connection.ts'
import { createContext } from '../../service/ledger/context.ts'
import { getCompany } from '../../service/ledger/company.ts'
import { loadStoreProfiles } from '../../service/posting/settings.ts'

/**
 * The store-profiles migration on a database made before it: stores get a
 * creation time, later inserts without one get it from the trigger, and an
 * existing company gets 1012.99 so a store without a channel ('other', as
 * `writeVouchers` registers them) has a wallet and posting no longer fails.
 */
const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../service/db/migrations')
const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() ?? '', { recursive: true, force: true })
})

interface Journal { entries: Array<{ idx: number; tag: string }> }

describe('store profiles migration', () => {
  it('back-fills created_at, fills it on later inserts, registers stores that records were imported into, and gives old companies the 1012.99 wallet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cledger-migration-'))
    dirs.push(dir)
    const before = join(dir, 'migrations')
    cpSync(MIGRATIONS, before, { recursive: true })
    const journal = JSON.parse(readFileSync(join(before, 'meta/_journal.json'), 'utf8')) as Journal
    const mine = journal.entries.findIndex((entry) => entry.tag.endsWith('_store_profiles'))
    expect(mine).toBeGreaterThan(0)
    writeFileSync(join(before, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.slice(0, mine) }))
    const url = `file:${join(dir, 'old.db')}`
    const client = createClient({ url })
    await migrate(drizzle(client), { migrationsFolder: before })
    await client.execute("INSERT INTO companies (code, name, created_at) VALUES ('OLD', '老公司', '2025-01-02T03:04:05.000Z')")
    for (const [code, name, parent, leaf] of [['1012', '其他货币资金', null, 0], ['1012.07', 'Amazon', '1012', 1]] as const) {
      await client.execute({ sql: "INSERT INTO accounts (company_id, code, name, type, normal_side, parent_code, is_leaf) VALUES (1, ?, ?, 'asset', 'debit', ?, ?)", args: [code, name, parent, leaf] })
    }
    await client.execute("INSERT INTO stores (company_id, code, name, channel) VALUES (1, 'legacy', 'legacy', '')")
    // Records imported with --store before imports registered stores (the issue: 0 vouchers, UNKNOWN_STORE).
    await client.execute("INSERT INTO import_batches (company_id, file_name, file_hash, file_size, parser, store, status, read_count, imported_count, duplicate_count, rejected_count, skipped_count, started_at, finished_at) VALUES (1, 'a.csv', 'h', 1, 'alipay-merchant-account', 'tmall-main', 'committed', 2, 2, 0, 0, 0, '2025-01-02', '2025-01-02')")
    for (const [store, channel, id] of [['tmall-main', 'alipay', 'a1'], ['tmall-main', 'taobao', 'a2'], ['legacy', 'jd', 'a3'], ['', 'wechat', 'a4']] as const) {
      await client.execute({ sql: "INSERT INTO settlement_txns (company_id, batch_id, channel, store, external_id, kind, amount_minor, currency, occurred_at, description, source_hash, source_row) VALUES (1, 1, ?, ?, ?, 'payment', 100, 'CNY', '2025-01-02T00:00:00Z', '', 'h', 2)", args: [channel, store, id] })
    }
    client.close()

    const db = await openDatabase(url)
    try {
      const stores = await db.client.execute('SELECT code, channel, created_at, overrides_json, bank_account FROM stores ORDER BY code')
      expect(stores.rows.map((row) => ({ ...row, created_at: row.code === 'legacy' ? row.created_at : 'now' }))).toEqual([
        { code: 'legacy', channel: 'jd', created_at: '2025-01-02T03:04:05.000Z', overrides_json: '{}', bank_account: null },
        { code: 'tmall-main', channel: 'alipay', created_at: 'now', overrides_json: '{}', bank_account: null },
      ])
      expect(String(stores.rows[1]?.created_at)).toMatch(/^\d{4}-\d\d-\d\dT/)
      const wallet = await db.client.execute("SELECT name, parent_code, is_leaf FROM accounts WHERE company_id = 1 AND code = '1012.99'")
      expect(wallet.rows.map((row) => ({ ...row }))).toEqual([{ name: '其他平台', parent_code: '1012', is_leaf: 1 }])
      await db.client.execute("INSERT INTO stores (company_id, code, name) VALUES (1, 'later', 'later')")
      const later = await db.client.execute("SELECT created_at FROM stores WHERE code = 'later'")
      expect(String(later.rows[0]?.created_at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      const context = createContext(db)
      const company = await getCompany(context, 1)
      const { profiles } = await loadStoreProfiles(context, company)
      expect(profiles.get('legacy')?.accounts.wallet).toBe('1012.03')
      expect(profiles.get('tmall-main')?.accounts.wallet).toBe('1012.01')
      await db.client.execute("INSERT INTO stores (company_id, code, name) VALUES (1, 'voucher-only', 'voucher-only')")
      expect((await loadStoreProfiles(context, company)).profiles.get('voucher-only')?.accounts.wallet).toBe('1012.99')
    } finally {
      db.close()
    }
  })
})
