import { describe, expect, it } from 'vitest'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { runVatMonthEnd } from '../../service/posting/vat-month-end.ts'
import { aTxn, anOrder } from '../posting/support.ts'
import { admin, companyOn } from './support.ts'

/** Issue #16.5: platform commissions with a 专票 carry input VAT (a tax code per fee type). Figures by hand. */
describe.each(['small-enterprise', 'enterprise'] as const)('input VAT on platform fees (%s)', (template) => {
  it('splits a commission into net and 进项税额 at the fee type tax code; other fee types stay gross', async () => {
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    await context.db.client.execute({ sql: 'UPDATE companies SET settings_json = json_set(settings_json, \'$.vat\', json(?)) WHERE id = ?', args: [JSON.stringify({ feeTaxCodes: { commission: 'GENERAL_6' } }), company.id] })
    const orders = [anOrder('T1', '1130.00')]
    const txns = [
      aTxn('P1', 'payment', '1130.00', { orderRef: 'T1', occurredAt: '2026-10-06T08:00:00+08:00' }),
      aTxn('C1', 'commission', '-53.00', { orderRef: 'T1', occurredAt: '2026-10-06T08:00:00+08:00' }),
      aTxn('Z1', 'promotion', '-106.00', { occurredAt: '2026-10-07T08:00:00+08:00' }),
    ]
    const run = await runPosting(context, admin, company.id, { records: { orders, txns }, hold: () => undefined })
    const vouchers = await Promise.all(run.vouchers.map((voucher) => getVoucher(context, company.id, voucher.id ?? 0)))
    const settlement = vouchers.find((voucher) => voucher.summary.includes('结算'))
    // commission 53.00 with a 6% 专票: 53.00 / 1.06 = 50.00 net, 3.00 input VAT
    expect(settlement?.lines.map((line) => [line.account, line.side, line.amount])).toEqual([
      ['1012.01', 'debit', '1077.00'], [pl('5601.01'), 'debit', '50.00'], ['2221.01.01', 'debit', '3.00'], ['1122', 'credit', '1130.00'],
    ])
    const promotion = vouchers.find((voucher) => voucher.lines.some((line) => line.account === pl('5601.02')))
    expect(promotion?.lines.map((line) => [line.account, line.side, line.amount])).toEqual([[pl('5601.02'), 'debit', '106.00'], ['1012.01', 'credit', '106.00']])
    // the month-end deducts it: 销项 130.00 - 进项 3.00 = 127.00 owed
    expect((await runVatMonthEnd(context, admin, company.id, '2026-10', { dryRun: true })).payable).toBe('127.00')
  })
})
