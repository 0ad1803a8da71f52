import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { isPlainSqlite, openDatabase } from '../../service/db/connection.ts'
import { LedgerError } from '../../shared/errors.ts'
import { tempDatabase } from '../support/db.ts'

const BIN = join(import.meta.dirname, '../../bin/cledger.mjs')

/** Runs the CLI in-process with LEDGER_DB_KEY set to `key` (or unset). */
async function cledger(key: string | undefined, url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const saved = process.env.LEDGER_DB_KEY
  if (key === undefined) delete process.env.LEDGER_DB_KEY
  else process.env.LEDGER_DB_KEY = key
  let stdout = ''
  let stderr = ''
  try {
    const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
    return { code, stdout, stderr }
  } finally {
    if (saved === undefined) delete process.env.LEDGER_DB_KEY
    else process.env.LEDGER_DB_KEY = saved
  }
}

const savedKey = process.env.LEDGER_DB_KEY
afterEach(() => {
  if (savedKey === undefined) delete process.env.LEDGER_DB_KEY
  else process.env.LEDGER_DB_KEY = savedKey
})

/** Every file of the database (main, -wal, -shm) holds none of `texts`. */
function assertNoPlaintext(dir: string, prefix: string, texts: string[]): void {
  const files = readdirSync(dir).filter((name) => name.startsWith(prefix))
  expect(files.length).toBeGreaterThan(0)
  for (const name of files) {
    const bytes = readFileSync(join(dir, name))
    for (const text of texts) expect(bytes.includes(Buffer.from(text, 'utf8')), `${name} contains ${text}`).toBe(false)
  }
}

async function refusal(work: () => Promise<unknown>): Promise<LedgerError> {
  try {
    await work()
  } catch (error) {
    if (error instanceof LedgerError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

const sale = { date: '2026-10-05', word: '记', lines: [{ account: '1122', store: 'tmall-main', debit: '113.00', summary: '天猫订单甲乙丙' }, { account: '5001', credit: '100.00' }, { account: '2221.01.02', credit: '13.00' }] }

describe('encryption at rest (libSQL encryptionKey)', () => {
  it('init --encrypt makes a file with no SQLite header and no plaintext; it opens only with its key', { timeout: 120_000 }, async () => {
    const { dir, db } = await tempDatabase()
    db.close()
    const url = `file:${join(dir, 'secret.db')}`
    const init = await cledger(undefined, url, '--json', 'init', '--company', 'ACME', '--name', '绝密电商有限公司', '--encrypt')
    expect(init.code, init.stderr).toBe(0)
    const key = (JSON.parse(init.stdout) as { encryptionKey: string }).encryptionKey
    expect(key).toMatch(/^[\w-]{43}$/)
    expect(init.stderr).toContain('shown once')
    const voucherFile = join(dir, 'v.json')
    await import('node:fs').then((fs) => fs.writeFileSync(voucherFile, JSON.stringify(sale)))
    expect((await cledger(key, url, 'voucher', 'add', voucherFile, '--approve')).code).toBe(0)
    const tb = await cledger(key, url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'json')
    expect((JSON.parse(tb.stdout) as { totals: { debit: string } }).totals.debit).toBe('113.00')
    expect(isPlainSqlite(join(dir, 'secret.db'))).toBe(false)
    assertNoPlaintext(dir, 'secret.db', ['SQLite format 3', '绝密电商有限公司', '天猫订单甲乙丙', 'CREATE TABLE', 'admin'])

    const withoutKey = await refusal(() => openDatabase(url, { encryptionKey: null }))
    expect(withoutKey.message).toMatch(/is encrypted \(or not a database\): set LEDGER_DB_KEY/)
    const wrongKey = await refusal(() => openDatabase(url, { encryptionKey: 'not-the-key-at-all' }))
    expect(wrongKey.message).toMatch(/wrong key/)
    const cliWithoutKey = await cledger(undefined, url, 'voucher', 'list')
    expect(cliWithoutKey.code).toBe(1)
    expect(cliWithoutKey.stderr).toMatch(/set LEDGER_DB_KEY/)

    // backups are encrypted with the same key, and restore from them
    const backup = join(dir, 'backup.db')
    const made = await cledger(key, url, '--json', 'backup', backup)
    expect(made.code, made.stderr).toBe(0)
    expect(JSON.parse(made.stdout)).toMatchObject({ encrypted: true })
    assertNoPlaintext(dir, 'backup.db', ['SQLite format 3', '绝密电商有限公司', '天猫订单甲乙丙'])
    const restoredUrl = `file:${join(dir, 'restored.db')}`
    expect((await cledger(key, restoredUrl, 'restore', backup)).code).toBe(0)
    const restored = await cledger(key, restoredUrl, 'report', 'trial-balance', '--period', '2026-10', '--format', 'json')
    expect((JSON.parse(restored.stdout) as { totals: { debit: string } }).totals.debit).toBe('113.00')
  })

  it('rekey (run as a real process) encrypts a plain database in place and changes a key; the old way in stops working', { timeout: 240_000 }, async () => {
    const { dir, db } = await tempDatabase()
    db.close()
    // A file no connection of this process has touched.
    const url = `file:${join(dir, 'plain.db')}`
    // Each step in its own process: rekey needs the file closed by everyone, and a libSQL connection of this
    // process lingers until collected.
    const run = (key: string | undefined, args: string[], input?: string) => {
      const env = { ...process.env }
      if (key === undefined) delete env.LEDGER_DB_KEY
      else env.LEDGER_DB_KEY = key
      const result = spawnSync(process.execPath, [BIN, '--db', url, ...args], { env, input: input ?? '', encoding: 'utf8', timeout: 120_000 })
      return { code: result.status, stdout: result.stdout, stderr: result.stderr }
    }
    expect(run(undefined, ['init', '--company', 'ACME', '--name', '明文公司甲']).code).toBe(0)
    const path = join(dir, 'plain.db')
    expect(isPlainSqlite(path)).toBe(true)
    // a key given for a plain file is refused with the way out
    const plainWithKey = run('some-key-for-a-plain-file', ['voucher', 'list'])
    expect(plainWithKey.code).toBe(1)
    expect(plainWithKey.stderr).toMatch(/is not encrypted, but a key was given/)

    const first = run(undefined, ['--json', 'rekey'])
    expect(first.code, first.stderr).toBe(0)
    const key = (JSON.parse(first.stdout) as { encryptionKey: string }).encryptionKey
    expect(JSON.parse(first.stdout)).toMatchObject({ verified: true })
    expect(isPlainSqlite(path)).toBe(false)
    assertNoPlaintext(dir, 'plain.db', ['SQLite format 3', '明文公司甲'])
    expect(run(undefined, ['voucher', 'list']).code).toBe(1)
    expect(run(key, ['voucher', 'list']).code).toBe(0)

    // change the key, reading the new one from standard input; the old key and a wrong one are refused
    const newKey = 'a-new-key-from-the-keystore-0123456789'
    expect(run('wrong-key-0123456789', ['rekey', '--new-key-stdin'], `${newKey}\n`).stderr).toMatch(/wrong key/)
    const second = run(key, ['--json', 'rekey', '--new-key-stdin'], `${newKey}\n`)
    expect(second.code, second.stderr).toBe(0)
    expect(second.stdout).not.toContain(newKey)
    expect(run(key, ['voucher', 'list']).code).toBe(1)
    expect(run(newKey, ['voucher', 'list']).code).toBe(0)
  })
})
