import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { tempDatabase } from '../support/db.ts'
import { describeWithTools } from '../support/outside-tools.ts'

/**
 * After `cledger demo`: `cledger verify` passes, and the journal of
 * `cledger export hledger` read by `hledger bal` gives every account the
 * balance of `cledger report trial-balance` (hledger must be installed).
 */
async function cledger(url: string, ...args: string[]): Promise<{ code: number; out: string }> {
  let out = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: () => undefined })
  return { code, out }
}

function hledgerTotals(csv: string): Map<string, string> {
  const totals = new Map<string, string>()
  for (const line of csv.trim().split('\n').slice(1)) {
    const [account, amount] = line.replaceAll('","', '\t').replaceAll('"', '').split('\t')
    if (account && amount !== undefined) totals.set(account.replaceAll(':', '.'), amount.replace(/[, ]|CNY/g, '') || '0')
  }
  return totals
}

const cents = (text: string): bigint => {
  const negative = text.trim().startsWith('-')
  const [whole = '0', fraction = ''] = text.trim().replace('-', '').split('.')
  const value = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2))
  return negative ? -value : value
}

describeWithTools(['hledger'], 'demo against the outside oracles', () => {
  it('after `cledger demo`, verify passes and hledger bal of the export equals the trial balance on every account', async () => {
    const { url, dir } = await tempDatabase()
    const demo = await cledger(url, 'demo')
    expect(demo.code).toBe(0)
    expect(demo.out).toMatch(/^demo company DEMO: 82 vouchers \(81 posted, 1 drafts for an approver\); 7 item\(s\) wait\n/)
    expect(demo.out).toContain('4 open exception(s): AMOUNT_MISMATCH 1, NEEDS_APPROVAL 1, ORPHAN_PAYMENT 1, REFUND_WITHOUT_ORDER 1; 1 payout(s) not in the bank yet')
    expect(demo.out).toMatch(/\ntrial balance 2026-10 \(posted vouchers\): debit ([\d,]+\.\d\d) = credit \1, balanced\n/)
    const verify = await cledger(url, 'verify', '--json')
    expect(verify.code).toBe(0)
    expect((JSON.parse(verify.out) as { ok: boolean }).ok).toBe(true)
    const tb = await cledger(url, '--company', 'DEMO', '--user', 'auditor', 'report', 'trial-balance', '--period', '2026-10', '--format', 'json')
    expect(tb.code).toBe(0)
    const rows = (JSON.parse(tb.out) as { rows: Array<{ code: string; isLeaf: boolean; balance: string }>; balanced: boolean }).rows.filter((row) => row.isLeaf && row.balance !== '0.00')
    expect(rows.length).toBeGreaterThan(10)
    const exported = await cledger(url, '--company', 'DEMO', '--user', 'auditor', 'export', 'hledger')
    expect(exported.code).toBe(0)
    const journal = join(dir, 'demo.journal')
    writeFileSync(journal, exported.out)
    const totals = hledgerTotals(execFileSync('hledger', ['-f', journal, 'bal', '--flat', '--no-total', '-O', 'csv'], { encoding: 'utf8' }))
    const mismatches = rows.filter((row) => cents(totals.get(row.code) ?? '0') !== cents(row.balance)).map((row) => `${row.code}: hledger ${totals.get(row.code)} vs trial balance ${row.balance}`)
    const extra = [...totals].filter(([code, amount]) => cents(amount) !== 0n && !rows.some((row) => row.code === code)).map(([code, amount]) => `hledger only: ${code} ${amount}`)
    expect([...mismatches, ...extra]).toEqual([])
  })
})
