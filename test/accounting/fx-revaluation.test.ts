import { describe, expect, it } from 'vitest'
import { closePeriod } from '../../service/ledger/periods.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { admin, balanceOf, companyOn, post, rates } from './support.ts'

/**
 * Issue #16 point 1: every foreign-currency monetary balance (bank 1002, wallet,
 * receivable 1122, payable 2202, advance 2203) is restated per account x store x
 * currency at the closing rate, into 财务费用-汇兑损益. Figures worked by hand.
 */
describe.each(['small-enterprise', 'enterprise'] as const)('FX revaluation of all monetary accounts (%s)', (template) => {
  it('restates USD in 1002, 1122, 2202 and 2203 at the closing rate, twice in a row', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-31', 'USD', '7.2000'], ['2026-11-30', 'USD', '7.1500']])
    const usd = (rate = '7.1000') => ({ currency: 'USD', rate })
    await post(context, company.id, [
      // capital paid into the USD account: USD 1,000.00 @ 7.10 = 7,100.00
      { date: '2026-10-02', lines: [{ account: '1002', debit: '1000.00', ...usd() }, { account: '3001', credit: '7100.00' }] },
      // goods bought on credit from a US supplier: USD 500.00 @ 7.10 = 3,550.00
      { date: '2026-10-03', lines: [{ account: '1405', debit: '3550.00' }, { account: '2202', credit: '500.00', ...usd() }] },
      // a wholesale sale on credit (tmall store dimension): USD 200.00 @ 7.10 = 1,420.00
      { date: '2026-10-04', lines: [{ account: '1122', store: 'tmall', debit: '200.00', ...usd() }, { account: pl('5001'), store: 'tmall', credit: '1420.00' }] },
      // an advance from a customer, received into the bank: USD 100.00 @ 7.10 = 710.00
      { date: '2026-10-05', lines: [{ account: '1002', debit: '100.00', ...usd() }, { account: '2203', credit: '100.00', ...usd() }] },
    ])
    await closePeriod(context, admin, company.id, '2026-10')
    const october = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation' ORDER BY id")
    const first = await getVoucher(context, company.id, Number(october.rows[0]?.id))
    // at 7.20: 1002 USD 1,100.00 -> 7,920.00 (+110.00); 1122 USD 200.00 -> 1,440.00 (+20.00);
    // 2202 USD 500.00 owed -> 3,600.00 (loss 50.00); 2203 USD 100.00 owed -> 720.00 (loss 10.00)
    expect(first.lines.map((line) => [line.account, line.store, line.side, line.amount])).toEqual([
      ['1002', '', 'debit', '110.00'], [pl('5603.02'), '', 'credit', '110.00'],
      ['1122', 'tmall', 'debit', '20.00'], [pl('5603.02'), 'tmall', 'credit', '20.00'],
      [pl('5603.02'), '', 'debit', '50.00'], ['2202', '', 'credit', '50.00'],
      [pl('5603.02'), '', 'debit', '10.00'], ['2203', '', 'credit', '10.00'],
    ])
    expect((await balanceOf(context, company.id, '2202')).base).toBe(-360000n)
    expect((await balanceOf(context, company.id, '2202', 'USD')).original).toBe(-50000n)
    // November: nothing moves, the rate falls to 7.15; restated from the carried 7.20
    await closePeriod(context, admin, company.id, '2026-11')
    const november = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation' ORDER BY id")
    const second = await getVoucher(context, company.id, Number(november.rows[1]?.id))
    // 1002 7,920.00 -> 7,865.00 (-55.00); 1122 1,440.00 -> 1,430.00 (-10.00); 2202 3,600.00 -> 3,575.00 (+25.00); 2203 720.00 -> 715.00 (+5.00)
    expect(second.lines.map((line) => [line.account, line.side, line.amount])).toEqual([
      [pl('5603.02'), 'debit', '55.00'], ['1002', 'credit', '55.00'],
      [pl('5603.02'), 'debit', '10.00'], ['1122', 'credit', '10.00'],
      ['2202', 'debit', '25.00'], [pl('5603.02'), 'credit', '25.00'],
      ['2203', 'debit', '5.00'], [pl('5603.02'), 'credit', '5.00'],
    ])
    // net 汇兑损益 over both months: +110 +20 -50 -10 -55 -10 +25 +5 = 35.00 gain; bank = 1,100 x 7.15
    expect((await balanceOf(context, company.id, '1002')).base).toBe(786500n)
    expect((await balanceOf(context, company.id, '1002', 'USD')).original).toBe(110000n)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('takes a company list of monetary accounts from settings.fx.monetaryAccounts', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: 'UPDATE companies SET settings_json = ? WHERE id = ?', args: [JSON.stringify({ fx: { monetaryAccounts: ['1002'] } }), company.id] })
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-31', 'USD', '7.2000']])
    await post(context, company.id, [
      { date: '2026-10-02', lines: [{ account: '1002', debit: '1000.00', currency: 'USD', rate: '7.1000' }, { account: '2203', credit: '1000.00', currency: 'USD', rate: '7.1000' }] },
    ])
    await closePeriod(context, admin, company.id, '2026-10')
    const fx = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation'")
    const voucher = await getVoucher(context, company.id, Number(fx.rows[0]?.id))
    expect(voucher.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1002', 'debit', '100.00'], [pl('5603.02'), 'credit', '100.00']])
  })
})
