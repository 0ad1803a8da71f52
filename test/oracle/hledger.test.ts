import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { chartTemplate } from '../../shared/accounts.ts'
import { allocate, formatAmount } from '../../shared/money.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import { main } from '../../service/cli.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { describeWithTools } from '../support/outside-tools.ts'

/**
 * External oracle: `cledger export hledger` read by hledger and ledger-cli
 * must give the same per-account totals as `cledger report trial-balance`.
 * CI installs both (`apt-get install hledger ledger`); missing tools fail loudly.
 */
function tool(name: string): string {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' })
    return name
  } catch {
    throw new Error(`${name} is not installed: apt-get install -y hledger ledger (CI's .ci/run does this)`)
  }
}

async function cledger(url: string, ...args: string[]): Promise<string> {
  let out = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { out += t }, stderr: () => undefined })
  expect(code).toBe(0)
  return out
}

function randomVouchers(count: number, seed: number): VoucherInput[] {
  const leaves = chartTemplate('small-enterprise').filter((a) => a.isLeaf).map((a) => a.code)
  const arbitrary = fc.record({
    period: fc.constantFrom('2026-09', '2026-10', '2026-11'),
    day: fc.integer({ min: 1, max: 28 }),
    debits: fc.array(fc.tuple(fc.constantFrom(...leaves), fc.bigInt({ min: 1n, max: 50_000_000n })), { minLength: 1, maxLength: 3 }),
    credits: fc.array(fc.tuple(fc.constantFrom(...leaves), fc.integer({ min: 1, max: 9 })), { minLength: 1, maxLength: 3 }),
  })
  return fc.sample(arbitrary, { numRuns: count, seed }).map(({ period, day, debits, credits }) => {
    const total = debits.reduce((sum, [, amount]) => sum + amount, 0n)
    const parts = allocate(total, credits.map(([, weight]) => BigInt(weight)))
    return {
      date: `${period}-${String(day).padStart(2, '0')}`,
      summary: '随机凭证; with "quotes"',
      lines: [
        ...debits.map(([account, amount]) => ({ account, debit: formatAmount(amount, 'CNY'), store: 'tmall-main' })),
        ...credits.map(([account], index) => ({ account, credit: formatAmount(parts[index] ?? 0n, 'CNY') })).filter((line) => line.credit !== '0.00'),
      ],
    }
  })
}

function parseTotals(text: string): Map<string, string> {
  const totals = new Map<string, string>()
  for (const line of text.trim().split('\n')) {
    const [account, amount] = line.split('\t')
    if (!account || amount === undefined) continue
    totals.set(account.replaceAll(':', '.'), amount.replace(/[, ]|CNY/g, '') || '0')
  }
  return totals
}

function decimalEquals(a: string, b: string): boolean {
  const norm = (x: string) => { const [w, f = ''] = x.replace(/^(-?)0+(?=\d)/, '$1').split('.'); return `${w}.${f.padEnd(2, '0')}`.replace(/^-0\.00$/, '0.00') }
  return norm(a) === norm(b)
}

describeWithTools(['hledger', 'ledger'], 'hledger and ledger-cli agree with the trial balance', () => {
  it('on 3,000 random vouchers with reversals over three periods', async () => {
    const hledger = tool('hledger')
    const ledger = tool('ledger')
    const { context, company, url, dir } = await ledgerWithCompany()
    const admin = await createUser(context, SYSTEM, { username: 'oracle', password: 'oracle-password' })
    await setRole(context, SYSTEM, admin.id, company.id, 'admin')
    const results = await writeVouchers(context, { userId: admin.id }, company.id, randomVouchers(3000, 42).map((input) => ({ input })), { mode: 'post' })
    for (const result of results.slice(0, 50)) await reverseVoucher(context, { userId: admin.id }, company.id, result.id)
    const tb = JSON.parse(await cledger(url, 'report', 'trial-balance', '--from', '2026-09', '--period', '2026-11', '--format', 'json')) as { rows: Array<{ code: string; isLeaf: boolean; balance: string; debit: string; credit: string }>; balanced: boolean }
    expect(tb.balanced).toBe(true)
    const journalPath = join(dir, 'all.journal')
    writeFileSync(journalPath, await cledger(url, 'export', 'hledger'))
    const fromHledger = parseTotals(execFileSync(hledger, ['-f', journalPath, 'bal', '--flat', '--no-total', '-O', 'csv'], { encoding: 'utf8' }).split('\n').slice(1).join('\n').replaceAll('","', '\t').replaceAll('"', ''))
    const fromLedger = parseTotals(execFileSync(ledger, ['-f', journalPath, 'bal', '--flat', '--no-total', '--balance-format', '%(account)\t%(quantity(scrub(display_total)))\n'], { encoding: 'utf8' }))
    const leaves = tb.rows.filter((row) => row.isLeaf && row.balance !== '0.00')
    expect(leaves.length).toBeGreaterThan(30)
    const mismatches: string[] = []
    for (const row of leaves) {
      if (!decimalEquals(fromHledger.get(row.code) ?? '0', row.balance)) mismatches.push(`hledger ${row.code}: ${fromHledger.get(row.code)} vs ${row.balance}`)
      if (!decimalEquals(fromLedger.get(row.code) ?? '0', row.balance)) mismatches.push(`ledger ${row.code}: ${fromLedger.get(row.code)} vs ${row.balance}`)
    }
    for (const [code, amount] of fromHledger) if (!leaves.some((row) => row.code === code) && !decimalEquals(amount, '0')) mismatches.push(`hledger has ${code} ${amount}`)
    expect(mismatches).toEqual([])
  })

  it('per period: the exported period totals equal that period\'s movement', async () => {
    const hledger = tool('hledger')
    const { context, company, url, dir } = await ledgerWithCompany()
    const admin = await createUser(context, SYSTEM, { username: 'oracle', password: 'oracle-password' })
    await setRole(context, SYSTEM, admin.id, company.id, 'admin')
    await writeVouchers(context, { userId: admin.id }, company.id, randomVouchers(400, 7).map((input) => ({ input })), { mode: 'post' })
    const tb = JSON.parse(await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'json')) as { rows: Array<{ code: string; isLeaf: boolean; debit: string; credit: string }> }
    const path = join(dir, 'oct.journal')
    writeFileSync(path, await cledger(url, 'export', 'hledger', '--period', '2026-10'))
    const totals = parseTotals(execFileSync(hledger, ['-f', path, 'bal', '--flat', '--no-total', '-O', 'csv'], { encoding: 'utf8' }).split('\n').slice(1).join('\n').replaceAll('","', '\t').replaceAll('"', ''))
    for (const row of tb.rows.filter((r) => r.isLeaf)) {
      const movement = (BigInt(row.debit.replace('.', '')) - BigInt(row.credit.replace('.', ''))).toString()
      const expected = formatAmount(BigInt(movement), 'CNY')
      expect(decimalEquals(totals.get(row.code) ?? '0', expected), `${row.code}: ${totals.get(row.code)} vs ${expected}`).toBe(true)
    }
  })
})
