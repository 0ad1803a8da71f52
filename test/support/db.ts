import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { type Database, openDatabase } from '../../service/db/connection.ts'
import { type LedgerContext, SYSTEM, createContext } from '../../service/ledger/context.ts'
import { type Company, createCompany } from '../../service/ledger/company.ts'

const cleanups: Array<() => void> = []
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.()
})

/** A fresh, migrated libSQL file in a temp folder, removed after the test. */
export async function tempDatabase(): Promise<{ db: Database; dir: string; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'cledger-test-'))
  const url = `file:${join(dir, 'ledger.db')}`
  const db = await openDatabase(url)
  cleanups.push(() => {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { db, dir, url }
}

export async function ledgerWithCompany(code = 'ACME'): Promise<{ context: LedgerContext; company: Company; db: Database; dir: string; url: string }> {
  const { db, dir, url } = await tempDatabase()
  const context = createContext(db)
  const company = await createCompany(context, SYSTEM, { code, name: `${code} 电商有限公司` })
  return { context, company, db, dir, url }
}
