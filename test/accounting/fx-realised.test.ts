import { describe, expect, it } from 'vitest'
import { applyCarryingRates, carryingRate, poolKey } from '../../shared/posting/index.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { buildReport } from '../../service/reports/index.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { aTxn, anOrder } from '../posting/support.ts'
import { admin, balanceOf, companyOn, rates } from './support.ts'

/**
 * Issue #16 point 2: a USD sale booked at the sale-date rate and settled at
 * another leaves no CNY in 1122 or in the wallet: money leaves a foreign pool
 * at its carrying rate and the difference is booked, realised, on the
 * settlement (and the payout). Figures worked by hand.
 */
describe.each(['small-enterprise', 'enterprise'] as const)('realised FX on settlement (%s)', (template) => {
  it('books the difference on the settlement and the payout; 1122 and the wallet end at USD 0.00 and CNY 0.00', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'shop', 'Shopify US', 'shopify', 'ZERO')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' }, payouts: 'channel' })
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-20', 'USD', '7.1228'], ['2026-10-25', 'USD', '7.2000'], ['2026-10-31', 'USD', '7.3000']])
    const usd = { store: 'shop', channel: 'shopify' as const, currency: 'USD' }
    const orders = [anOrder('#1001', '100.00', usd), anOrder('#1002', '33.33', usd)]
    const txns = [
      aTxn('SP1', 'payment', '100.00', { ...usd, orderRef: '#1001', occurredAt: '2026-10-20T08:00:00Z' }),
      aTxn('SP2', 'payment', '33.33', { ...usd, orderRef: '#1002', occurredAt: '2026-10-20T09:00:00Z' }),
      aTxn('PO1', 'payout', '-133.33', { ...usd, occurredAt: '2026-10-25T08:00:00Z', payoutRef: 'PO1' }),
    ]
    const run = await runPosting(context, admin, company.id, { records: { orders, txns } })
    const vouchers = await Promise.all(run.vouchers.map((voucher) => getVoucher(context, company.id, voucher.id ?? 0)))
    const settlement = vouchers.find((voucher) => voucher.summary.includes('结算 订单 #1001'))
    // 1122 USD 100.00 was booked at 7.10 = 710.00; the wallet gets USD 100.00 at 7.1228 = 712.28: realised gain 2.28
    expect(settlement?.lines.map((line) => [line.account, line.side, line.currency, line.original, line.rate, line.amount])).toEqual([
      ['1012.06', 'debit', 'USD', '100.00', '7.1228', '712.28'],
      ['1122', 'credit', 'USD', '100.00', '7.1000', '710.00'],
      [pl('5603.02'), 'credit', 'CNY', '2.28', null, '2.28'],
    ])
    const payout = vouchers.find((voucher) => voucher.summary.includes('提现'))
    // wallet USD 133.33 carried at 712.28 + 237.40 (33.33 x 7.1228 = 237.4029 -> 237.40) = 949.68;
    // the bank gets USD 133.33 at 7.20 = 959.98: realised gain 10.30
    expect(payout?.lines.map((line) => [line.account, line.side, line.original, line.amount])).toEqual([
      ['1002', 'debit', '133.33', '959.98'],
      ['1012.06', 'credit', '133.33', '949.68'],
      [pl('5603.02'), 'credit', '10.30', '10.30'],
    ])
    // 明细账 shows currency, original amount and rate beside the base amount
    const detail = reportToJson(await buildReport(context, company.id, 'account-detail', { period: '2026-10', account: '1012.06' }))
    expect(detail.rows.slice(1, -2).map((row) => [row.currency, row.original, row.rate, row.debit, row.credit, row.balance])).toEqual([
      ['USD', '100.00', '7.1228', '712.28', null, '712.28'],
      ['USD', '33.33', '7.1228', '237.40', null, '949.68'],
      ['USD', '133.33', '7.1227780695', null, '949.68', '0.00'],
    ])
    for (const account of ['1122', '1012.06']) {
      expect(await balanceOf(context, company.id, account, 'USD')).toEqual({ base: 0n, original: 0n })
      expect((await balanceOf(context, company.id, account)).base).toBe(0n)
    }
    // close: only the bank is left in USD: 133.33 x 7.30 = 973.31, 13.33 more than 959.98
    await closePeriod(context, admin, company.id, '2026-10')
    const fx = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation'")
    const revaluation = await getVoucher(context, company.id, Number(fx.rows[0]?.id))
    expect(revaluation.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1002', 'debit', '13.33'], [pl('5603.02'), 'credit', '13.33']])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('settles after a revaluation at the revalued carrying amount', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'shop', 'Shopify US', 'shopify', 'ZERO')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' }, payouts: 'channel' })
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-31', 'USD', '7.2000'], ['2026-11-10', 'USD', '7.1500']])
    const usd = { store: 'shop', channel: 'shopify' as const, currency: 'USD' }
    const orders = [anOrder('#2001', '100.00', usd)]
    await runPosting(context, admin, company.id, { records: { orders, txns: [] } })
    await closePeriod(context, admin, company.id, '2026-10') // 1122 710.00 -> 720.00, gain 10.00
    const run = await runPosting(context, admin, company.id, { records: { orders, txns: [aTxn('SP9', 'payment', '100.00', { ...usd, orderRef: '#2001', occurredAt: '2026-11-10T08:00:00Z' })] } })
    const settlement = await getVoucher(context, company.id, run.vouchers[0]?.id ?? 0)
    // carried 720.00 after October's revaluation; paid at 7.15 = 715.00: realised loss 5.00 in November
    expect(settlement.lines.map((line) => [line.account, line.side, line.rate, line.amount])).toEqual([
      ['1012.06', 'debit', '7.1500', '715.00'],
      ['1122', 'credit', '7.2000', '720.00'],
      [pl('5603.02'), 'debit', null, '5.00'],
    ])
    // 1122: USD row 710.00 - 720.00 = -10.00, plus the CNY revaluation line +10.00: nothing left
    expect((await balanceOf(context, company.id, '1122')).base).toBe(0n)
    expect((await balanceOf(context, company.id, '1122', 'USD')).original).toBe(0n)
  })
})

describe('carrying rates (pure)', () => {
  it('finds a rate that converts exactly, or none', () => {
    expect(carryingRate(10000n, 71000n, 'USD', 'CNY')).toBe('7.1000')
    expect(carryingRate(13333n, 94968n, 'USD', 'CNY')).toBe('7.1227780695')
    expect(carryingRate(0n, 5n, 'USD', 'CNY')).toBeNull()
  })

  it('takes part of a pool pro rata and the rest at the day rate when more leaves than is there', () => {
    const pools = new Map([[poolKey('1012.06', 'shop', 'USD'), { original: 5000n, base: 36000n }]])
    const draft = { entries: 1, store: 'shop', sources: [], total: 0n as never, input: { date: '2026-10-05', summary: 'x', lines: [
      { account: '1002', debit: '80.00', currency: 'USD', rate: '7.0000' },
      { account: '1012.06', store: 'shop', credit: '80.00', currency: 'USD', rate: '7.0000' },
    ] } }
    const [result] = applyCarryingRates([draft], { baseCurrency: 'CNY', isMonetary: (code) => code.startsWith('1012'), pools, gainLoss: () => '5603.02' })
    // USD 50.00 leaves at the pool's 7.20 (360.00), USD 30.00 at the day's 7.00 (210.00); the bank got 560.00: loss 10.00
    expect(result?.input.lines).toEqual([
      { account: '1002', debit: '80.00', currency: 'USD', rate: '7.0000' },
      { account: '1012.06', store: 'shop', credit: '50.00', currency: 'USD', rate: '7.2000' },
      { account: '1012.06', store: 'shop', credit: '30.00', currency: 'USD', rate: '7.0000' },
      { account: '5603.02', store: 'shop', debit: '10.00', summary: 'x 汇兑损益(已实现)' },
    ])
    expect(result?.total).toBe(57000n)
    expect(pools.get(poolKey('1012.06', 'shop', 'USD'))).toEqual({ original: -3000n, base: -21000n })
  })
})
