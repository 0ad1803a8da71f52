import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chartTemplate } from '../../shared/accounts.ts'
import { applyLines, emptyLedger, totalBalance } from '../../shared/ledger-model.ts'
import { type Minor, allocate, formatAmount, parseAmount, toExcelNumber, vatOfGross } from '../../shared/money.ts'
import { type VoucherInput, validateVoucher } from '../../shared/voucher.ts'
import { trialBalance } from '../../service/ledger/balances.ts'
import { loadChart } from '../../service/ledger/company.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { getVoucher, reverseVoucher, writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'

const LEAVES = chartTemplate('small-enterprise').filter((account) => account.isLeaf).map((account) => account.code)
const STORES = ['', 'tmall-main', 'jd-flagship']

/** A random balanced voucher: n debit amounts, credits split from the same total. */
const voucherArbitrary = fc.record({
  day: fc.integer({ min: 1, max: 28 }),
  month: fc.constantFrom('10', '11'),
  debits: fc.array(fc.tuple(fc.constantFrom(...LEAVES), fc.bigInt({ min: 1n, max: 10_000_000n }), fc.constantFrom(...STORES)), { minLength: 1, maxLength: 4 }),
  credits: fc.array(fc.tuple(fc.constantFrom(...LEAVES), fc.integer({ min: 1, max: 100 }), fc.constantFrom(...STORES)), { minLength: 1, maxLength: 4 }),
}).map(({ day, month, debits, credits }): VoucherInput => {
  const total = debits.reduce((sum, [, amount]) => sum + amount, 0n)
  const parts = allocate(total, credits.map(([, weight]) => BigInt(weight)))
  const lines = [
    ...debits.map(([account, amount, store]) => ({ account, debit: formatAmount(amount, 'CNY'), ...(store ? { store } : {}) })),
    ...credits.map(([account, , store], index) => ({ account, credit: formatAmount(parts[index] ?? 0n, 'CNY'), ...(store ? { store } : {}) })).filter((line) => line.credit !== '0.00'),
  ]
  return { date: `2026-${month}-${String(day).padStart(2, '0')}`, lines }
})

describe('ledger properties (fast-check)', () => {
  it('split parts always sum to the whole, and VAT + net = gross', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.array(fc.bigInt({ min: 0n, max: 10n ** 6n }), { minLength: 1, maxLength: 20 }), (total, weights) => {
      const parts = allocate(total, weights)
      expect(parts.reduce((sum, part) => sum + part, 0n)).toBe(total)
      expect(parts).toHaveLength(weights.length)
    }))
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.constantFrom('0', '0.01', '0.03', '0.06', '0.09', '0.13'), (gross, rate) => {
      const { net, vat } = vatOfGross(gross, rate, 'CNY')
      expect(net + vat).toBe(gross)
      expect(vat >= 0n && vat <= gross).toBe(true)
    }))
  })

  it('the number handed to an Excel cell is the double nearest the decimal amount (fast path = string path)', () => {
    const near = (limit: bigint) => fc.bigInt({ min: -limit, max: limit })
    fc.assert(fc.property(fc.oneof(near(10n ** 6n), near(2n ** 53n), near(10n ** 20n)), fc.constantFrom('CNY', 'JPY', 'KWD', 'USD'), (amount, currency) => {
      expect(toExcelNumber(amount, currency)).toBe(Number(formatAmount(amount, currency)))
    }), { numRuns: 20_000 })
    expect(toExcelNumber(-5n, 'CNY')).toBe(-0.05)
    expect(toExcelNumber(2n ** 53n + 1n, 'CNY')).toBe(Number('90071992547409.93'))
  })

  it('amounts round-trip exactly through decimal strings', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.constantFrom('CNY', 'JPY', 'KWD'), (amount, currency) => {
      expect(parseAmount(formatAmount(amount as Minor, currency), currency)).toBe(amount)
    }))
  })

  it('random vouchers, reversals and closes keep the trial balance at zero and balances equal to the reference model', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(voucherArbitrary, { minLength: 1, maxLength: 25 }),
      fc.array(fc.nat(), { maxLength: 5 }),
      fc.boolean(),
      async (vouchers, reversalPicks, closeOctober) => {
        const { context, company } = await ledgerWithCompany()
        const chart = await loadChart(context, company.id)
        const model = emptyLedger()
        const results = await writeVouchers(context, { userId: 1 }, company.id, vouchers.map((input) => ({ input })), { mode: 'post' })
        for (const input of vouchers) applyLines(model, validateVoucher(input, { baseCurrency: 'CNY', account: (code) => chart.get(code) }).lines)
        const reversed = new Set<number>()
        for (const pick of reversalPicks) {
          const target = results[pick % results.length]
          if (!target || reversed.has(target.id)) continue
          reversed.add(target.id)
          const reversal = await reverseVoucher(context, { userId: 1 }, company.id, target.id)
          const stored = await getVoucher(context, company.id, reversal.id)
          applyLines(model, stored.lines.map((line) => ({ account: line.account, side: line.side, amount: parseAmount(line.amount, 'CNY') })))
        }
        if (closeOctober) {
          const closed = await closePeriod(context, { userId: 1 }, company.id, '2026-10')
          if (closed.closingVoucher !== null) {
            const stored = await getVoucher(context, company.id, closed.closingVoucher)
            applyLines(model, stored.lines.map((line) => ({ account: line.account, side: line.side, amount: parseAmount(line.amount, 'CNY') })))
          }
        }
        const tb = await trialBalance(context, company.id, '2026-11', { from: '2026-10' })
        expect(tb.balanced).toBe(true)
        expect(totalBalance(model)).toBe(0n)
        for (const row of tb.rows.filter((r) => r.isLeaf)) {
          expect(parseAmount(row.balance, 'CNY'), row.code).toBe(model.balances.get(row.code) ?? 0n)
        }
        for (const [code, balance] of model.balances) {
          if (balance !== 0n) expect(tb.rows.find((row) => row.code === code)?.balance, code).toBe(formatAmount(balance, 'CNY'))
        }
        const report = await verifyLedger(context)
        expect(report.breaches).toEqual([])
      },
    ), { numRuns: 15 })
  })

  it('a reversal nets every account of the original to zero', async () => {
    await fc.assert(fc.asyncProperty(voucherArbitrary, async (input) => {
      const { context, company } = await ledgerWithCompany()
      const [original] = await writeVouchers(context, { userId: 1 }, company.id, [{ input }], { mode: 'post' })
      await reverseVoucher(context, { userId: 1 }, company.id, original?.id ?? 0)
      const tb = await trialBalance(context, company.id, input.date.slice(0, 7))
      for (const row of tb.rows) expect(row.balance, row.code).toBe('0.00')
    }), { numRuns: 10 })
  })
})
