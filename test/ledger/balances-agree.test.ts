import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatAmount, parseAmount } from '../../shared/money.ts'
import { evaluateBatch } from '../../service/functions/evaluate.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { generalLedger, trialBalanceReport } from '../../service/reports/management.ts'
import { aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { addUser } from '../functions/support.ts'

/**
 * One reader of balances (service/ledger/balances.ts and the functions' index
 * over the same table): for random postings, a worksheet cell (LEDGER.BALANCE /
 * ACTIVITY through the batch evaluator), the trial balance (科目余额表, API and
 * report) and the general ledger (总账) give the same figure per account —
 * leaves and parents — per period and per store.
 */
const LEAVES = ['1002', '1012.01', '1012.06', '1122', '5001', '2221.01.02', '5601.01', '5601.02'] as const
const ACCOUNTS = [...LEAVES, '1012', '2221', '2221.01', '5601'] as const
const TOPS = ['1002', '1012', '1122', '2221', '5001', '5601'] as const
const PERIODS = ['2026-09', '2026-10', '2026-11', '2026-12'] as const
const STORES = ['', 'tmall-main', 'jd-flagship'] as const

const posting = fc.record({
  debit: fc.constantFrom(...LEAVES),
  credit: fc.constantFrom(...LEAVES),
  cents: fc.bigInt({ min: 1n, max: 5_000_000_00n }),
  period: fc.constantFrom(...PERIODS),
  day: fc.integer({ min: 1, max: 28 }),
  store: fc.constantFrom(...STORES),
}).filter((item) => item.debit !== item.credit)

/** A cell's number back in minor units (custom functions hand Excel numbers; amounts here are at most 2 decimals). */
const cents = (value: unknown): bigint => BigInt(Math.round(Number(value) * 100))

describe('balances agree across readers', () => {
  it('LEDGER functions, the trial balance and the general ledger agree per account, period and store', { timeout: 600_000 }, async () => {
    await fc.assert(fc.asyncProperty(fc.array(posting, { minLength: 1, maxLength: 25 }), async (postings) => {
      const { context, company } = await ledgerWithCompany('ACME')
      try {
        const reader = await addUser(context, 'wang.kuaiji', [[company.id, 'accountant']])
        const inputs = postings.map((item) => {
          const amount = formatAmount(item.cents, 'CNY')
          const extra = item.store ? { store: item.store } : {}
          return { input: aVoucher(`${item.period}-${String(item.day).padStart(2, '0')}`).debit(item.debit, amount, extra).credit(item.credit, amount, extra).build() }
        })
        await writeVouchers(context, { userId: null }, company.id, inputs, { mode: 'post' })

        const calls = PERIODS.flatMap((period) => ACCOUNTS.flatMap((account) => [
          { id: `b|${account}|${period}|`, fn: 'BALANCE', args: [account, period] },
          { id: `a|${account}|${period}|`, fn: 'ACTIVITY', args: [account, period] },
          ...STORES.filter((store) => store !== '').map((store) => ({ id: `b|${account}|${period}|${store}`, fn: 'BALANCE', args: [account, period, store] })),
        ]))
        const response = await evaluateBatch(context, { userId: reader }, { calls, company: 'ACME' })
        const cells = new Map(response.results.map((result) => [result.id, 'value' in result ? cents(result.value) : `error ${result.error}`]))

        for (const period of PERIODS) {
          const tb = await trialBalance(context, company.id, period, { includeEmpty: true })
          const tbRow = (code: string) => tb.rows.find((row) => row.code === code)
          const report = await trialBalanceReport(context, company.id, { period })
          const reportRow = (code: string) => report.rows.find((row) => row.cells.code === code)
          const ledger = await generalLedger(context, company.id, { period })
          for (const account of ACCOUNTS) {
            const row = tbRow(account)
            const closing = row ? parseAmount(row.balance, 'CNY') : 0n
            const movement = row ? parseAmount(row.debit, 'CNY') - parseAmount(row.credit, 'CNY') : 0n
            expect(cells.get(`b|${account}|${period}|`), `BALANCE ${account} ${period}`).toBe(closing)
            expect(cells.get(`a|${account}|${period}|`), `ACTIVITY ${account} ${period}`).toBe(movement)
            const cellsOfReport = reportRow(account)?.cells
            const reportClosing = cellsOfReport ? (cellsOfReport.closingDebit as bigint) - (cellsOfReport.closingCredit as bigint) : 0n
            expect(reportClosing, `科目余额表 ${account} ${period}`).toBe(closing)
          }
          for (const top of TOPS) {
            const month = ledger.rows.find((row) => String(row.cells.account).startsWith(`${top} `) && row.cells.summary === '本月合计')
            const signed = month ? (month.cells.direction === '贷' ? -(month.cells.balance as bigint) : (month.cells.balance as bigint)) : 0n
            expect(signed, `总账 ${top} ${period}`).toBe(cells.get(`b|${top}|${period}|`))
          }
          for (const store of STORES.filter((code) => code !== '')) {
            const byStore = await trialBalance(context, company.id, period, { store, includeEmpty: true })
            for (const account of ACCOUNTS) {
              const row = byStore.rows.find((item) => item.code === account)
              expect(cells.get(`b|${account}|${period}|${store}`), `BALANCE ${account} ${period} ${store}`).toBe(row ? parseAmount(row.balance, 'CNY') : 0n)
            }
          }
        }
      } finally {
        context.db.close()
      }
    }), { numRuns: 8 })
  })
})
