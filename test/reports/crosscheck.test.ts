import { describe, expect, it } from 'vitest'
import { trialBalance } from '../../service/ledger/balances.ts'
import { loadChart } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { buildReport } from '../../service/reports/index.ts'
import { formatAmount } from '../../shared/money.ts'
import { periodRange } from '../../shared/period.ts'
import type { VoucherInput } from '../../shared/voucher.ts'
import { ledgerWithCompany } from '../support/db.ts'

/** Small deterministic PRNG (mulberry32) so the generated year is the same on every run. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let value = Math.imul(state ^ (state >>> 15), 1 | state)
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const STORES = ['', 'tmall', 'jd', 'pdd']
const storeOf = (store: string) => (store ? { store } : {})

function generatedYear(leaves: ReadonlyArray<string>, seed: number): VoucherInput[] {
  const next = random(seed)
  const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(next() * items.length)] as T
  const vouchers: VoucherInput[] = []
  for (const period of periodRange('2026-01', '2026-12')) {
    for (let index = 0; index < 18; index += 1) {
      const day = String(1 + Math.floor(next() * 28)).padStart(2, '0')
      const debitCount = 1 + Math.floor(next() * 2)
      const amounts = Array.from({ length: debitCount }, () => BigInt(1 + Math.floor(next() * 2_000_000)))
      const total = amounts.reduce((sum, value) => sum + value, 0n)
      vouchers.push({
        date: `${period}-${day}`, word: '记',
        lines: [
          ...amounts.map((amount) => ({ account: pick(leaves), ...storeOf(pick(STORES)), debit: formatAmount(amount, 'CNY') })),
          { account: pick(leaves), ...storeOf(pick(STORES)), credit: formatAmount(total, 'CNY') },
        ],
      })
    }
  }
  return vouchers
}

describe('cross-checks over a generated year of random balanced vouchers', () => {
  it('balances the balance sheet, ties the income statement, cash flow and 总账 to the ledger in every period', async () => {
    const { context, company } = await ledgerWithCompany()
    const chart = await loadChart(context, company.id)
    const leaves = [...chart.values()].filter((account) => account.isLeaf).map((account) => account.code)
    const vouchers = generatedYear(leaves, 20261031)
    const results = await writeVouchers(context, { userId: 1 }, company.id, vouchers.map((input) => ({ input })), { mode: 'post' })
    await reverseVoucher(context, { userId: 1 }, company.id, results[3]?.id ?? 0)
    for (const period of ['2026-01', '2026-02', '2026-03', '2026-06']) await closePeriod(context, SYSTEM, company.id, period)
    const failures: string[] = []
    let checked = 0
    for (const period of periodRange('2026-01', '2026-12')) {
      for (const name of ['balance-sheet', 'income-statement', 'cash-flow', 'general-ledger', 'trial-balance', 'voucher-register'] as const) {
        const report = await buildReport(context, company.id, name, { period })
        checked += report.checks.length
        for (const item of report.checks) if (!item.ok) failures.push(`${period} ${name}: ${item.label} expected ${item.expected} got ${item.actual}`)
      }
    }
    expect(failures).toEqual([])
    expect(checked).toBe(12 * (2 + 3 + 2 + 1 + 3 + 1))
  })

  it('agrees with the trial balance account by account: 总账 closing = 科目余额表 closing', async () => {
    const { context, company } = await ledgerWithCompany()
    const chart = await loadChart(context, company.id)
    const leaves = [...chart.values()].filter((account) => account.isLeaf).map((account) => account.code)
    await writeVouchers(context, { userId: 1 }, company.id, generatedYear(leaves, 7).slice(0, 120).map((input) => ({ input })), { mode: 'post' })
    const ledger = await buildReport(context, company.id, 'general-ledger', { period: '2026-06' })
    const fromLedger = new Map(ledger.rows.filter((row) => row.cells.summary === '本月合计').map((row) => [String(row.cells.account).split(' ')[0], `${String(row.cells.direction)} ${formatAmount(row.cells.balance as bigint, 'CNY')}`]))
    const tb = await trialBalance(context, company.id, '2026-06')
    const fromTb = new Map(tb.rows.filter((row) => row.level === 1).map((row) => {
      const direction = row.balance === '0.00' ? '平' : row.balance.startsWith('-') ? '贷' : '借'
      return [row.code, `${direction} ${row.balance.replace('-', '')}`]
    }))
    expect(fromLedger).toEqual(fromTb)
  })
})
