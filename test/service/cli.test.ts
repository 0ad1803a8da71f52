import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { tempDatabase } from '../support/db.ts'

/** Runs the CLI in-process, capturing output and the exit code. */
async function cledger(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

const sale = { date: '2026-10-05', word: '记', lines: [{ account: '1122', store: 'tmall-main', debit: '113.00', summary: '订单 12345' }, { account: '5001', credit: '100.00' }, { account: '2221.01.02', credit: '13.00' }] }

async function initialized(): Promise<{ url: string; dir: string; file: (name: string, data: unknown) => string }> {
  const { url, dir, db } = await tempDatabase()
  db.close()
  const init = await cledger(url, 'init', '--company', 'ACME', '--name', '测试公司')
  expect(init.code).toBe(0)
  expect(init.stdout).toMatch(/password \(shown once\): \S{12,}/)
  return { url, dir, file: (name, data) => { const path = join(dir, name); writeFileSync(path, JSON.stringify(data)); return path } }
}

async function trialBalanceDebit(url: string): Promise<string> {
  const tb = await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'json')
  return (JSON.parse(tb.stdout) as { totals: { debit: string } }).totals.debit
}

describe('cledger command line', () => {
  it('adds, approves alone as the one-person admin, shows, reports and verifies', async () => {
    const { url, file } = await initialized()
    const added = await cledger(url, '--json', 'voucher', 'add', file('v.json', sale), '--approve')
    expect(JSON.parse(added.stdout)).toMatchObject({ vouchers: [{ status: 'posted', number: 1, word: '记', period: '2026-10' }] })
    const shown = await cledger(url, 'voucher', 'show', '2026-10:记-1')
    expect(shown.stdout).toContain('2221.01.02')
    expect(shown.stdout).toContain('113.00')
    expect(await trialBalanceDebit(url)).toBe('113.00')
    const csv = await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'csv')
    expect(csv.stdout.split('\r\n')[0]).toBe('code,name,opening debit,opening credit,debit,credit,closing debit,closing credit')
    const accounts = JSON.parse((await cledger(url, '--json', 'accounts')).stdout) as { accounts: Array<{ code: string; isLeaf: boolean }> }
    expect(accounts.accounts.find((a) => a.code === '1012')?.isLeaf).toBe(false)
    const verify = await cledger(url, 'verify')
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('every invariant holds')
  })

  it('writes the trial balance as an xlsx workbook that opens with the figures', async () => {
    const { url, dir, file } = await initialized()
    await cledger(url, 'voucher', 'add', file('v.json', sale), '--approve')
    const out = join(dir, 'tb.xlsx')
    expect((await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'xlsx', '--out', out)).code).toBe(0)
    const ExcelJS = (await import('exceljs')).default
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.readFile(out)
    const values = workbook.worksheets[0]?.getSheetValues().flat().filter((value) => value !== null && value !== undefined) ?? []
    expect(values).toEqual(expect.arrayContaining(['1122', 113]))
    expect((await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'xlsx')).stderr).toContain('pass --out FILE')
  })

  it.each([
    ['an unbalanced voucher', { ...sale, lines: [{ account: '1122', debit: '113.00' }, { account: '5001', credit: '100.00' }] }, /does not balance/],
    ['an unknown account', { ...sale, lines: [{ account: '9999', debit: '1.00' }, { account: '5001', credit: '1.00' }] }, /line 1: unknown account 9999/],
    ['a non-leaf account', { ...sale, lines: [{ account: '1012', debit: '1.00' }, { account: '5001', credit: '1.00' }] }, /has sub-accounts/],
    ['too many decimals', { ...sale, lines: [{ account: '1122', debit: '1.001' }, { account: '5001', credit: '1.001' }] }, /more decimals than CNY allows/],
    ['a date that does not exist', { ...sale, date: '2026-02-30' }, /not a calendar date/],
  ])('refuses %s with a one-line reason, exit 1 and nothing written', async (_name, voucher, reason) => {
    const { url, file } = await initialized()
    const result = await cledger(url, 'voucher', 'add', file('bad.json', voucher), '--approve')
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(reason)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(await trialBalanceDebit(url)).toBe('0.00')
    const list = JSON.parse((await cledger(url, '--json', 'voucher', 'list')).stdout) as { vouchers: unknown[] }
    expect(list.vouchers).toEqual([])
  })

  it('refuses a date in a closed period, and approval by the maker', async () => {
    const { url, file } = await initialized()
    await cledger(url, 'voucher', 'add', file('v.json', sale), '--approve')
    const closed = await cledger(url, 'close', '2026-10')
    expect([closed.code, closed.stderr]).toEqual([0, ''])
    const late = await cledger(url, 'voucher', 'add', file('late.json', { ...sale, date: '2026-10-30' }))
    expect(late.code).toBe(1)
    expect(late.stderr).toContain('period 2026-10 is closed')
    expect((await cledger(url, 'reopen', '2026-10', '--reason', '补记 late invoice')).code).toBe(0)
    const draft = JSON.parse((await cledger(url, '--json', 'voucher', 'add', file('d.json', { ...sale, date: '2026-10-30' }))).stdout) as { vouchers: Array<{ id: number }> }
    const self = await cledger(url, 'voucher', 'approve', String(draft.vouchers[0]?.id))
    expect(self.code).toBe(1)
    expect(self.stderr).toContain('cannot approve')
  })

  it('returns the first result for a second post with the same idempotency key', async () => {
    const { url, file } = await initialized()
    const path = file('k.json', { ...sale, idempotencyKey: 'tmall:12345' })
    const first = JSON.parse((await cledger(url, '--json', 'voucher', 'add', path, '--approve')).stdout) as { vouchers: Array<{ id: number; replayed: boolean }> }
    const second = JSON.parse((await cledger(url, '--json', 'voucher', 'add', path, '--approve')).stdout) as { vouchers: Array<{ id: number; replayed: boolean }> }
    expect(second.vouchers[0]).toMatchObject({ id: first.vouchers[0]?.id, replayed: true })
    expect(await trialBalanceDebit(url)).toBe('113.00')
  })

  it('says clearly when the file is missing or not JSON, and on unknown commands', async () => {
    const { url, dir } = await initialized()
    const missing = await cledger(url, 'voucher', 'add', join(dir, 'nope.json'))
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read .*nope\.json/)
    writeFileSync(join(dir, 'broken.json'), '{"date":')
    expect((await cledger(url, 'voucher', 'add', join(dir, 'broken.json'))).stderr).toMatch(/not valid JSON/)
    expect((await cledger(url, 'frobnicate')).code).toBe(2)
  })

  it('backs up online and restores a verified copy', async () => {
    const { url, dir, file } = await initialized()
    await cledger(url, 'voucher', 'add', file('v.json', sale), '--approve')
    const backup = join(dir, 'backup.db')
    expect((await cledger(url, 'backup', backup)).code).toBe(0)
    const target = `file:${join(dir, 'restored.db')}`
    const restored = await cledger(target, 'restore', backup)
    expect(restored.code).toBe(0)
    expect(await trialBalanceDebit(target)).toBe('113.00')
    expect((await cledger(target, 'restore', backup)).stderr).toContain('--force')
  })

  it('manages users, roles and API tokens', async () => {
    const { url } = await initialized()
    const added = JSON.parse((await cledger(url, '--json', 'user', 'add', 'wang', '--role', 'approver')).stdout) as { password: string }
    expect(added.password.length).toBeGreaterThanOrEqual(12)
    expect((await cledger(url, 'user', 'role', 'wang', 'auditor')).code).toBe(0)
    const users = JSON.parse((await cledger(url, '--json', 'user', 'list')).stdout) as { users: Array<{ username: string; memberships: Array<{ role: string }> }> }
    expect(users.users.find((u) => u.username === 'wang')?.memberships).toEqual([{ company: 'ACME', role: 'auditor' }])
    const token = JSON.parse((await cledger(url, '--json', 'token', 'create', '--user', 'wang')).stdout) as { token: string }
    expect(token.token).toMatch(/^cl_/)
    const denied = await cledger(url, '--user', 'wang', 'voucher', 'add', '-')
    expect(denied.code).toBe(1)
    expect(denied.stderr).toContain('may not do this')
  })
})
