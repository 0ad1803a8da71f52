import { describe, expect, it } from 'vitest'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { buildReport } from '../../service/reports/index.ts'
import { ageReceivables } from '../../service/reports/management.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { demoMonth } from './fixtures.ts'

const maker = { userId: 1 }

describe('AR aging', () => {
  it('settles credits against the oldest open debits first and keeps an excess credit apart', () => {
    const aged = ageReceivables([
      { date: '2026-07-15', amount: 100000n }, { date: '2026-08-20', amount: 50000n }, { date: '2026-10-20', amount: 20000n }, { date: '2026-10-25', amount: -120000n },
    ], '2026-10-31')
    expect(aged).toEqual({ buckets: [20000n, 0n, 30000n, 0n], unapplied: 0n })
    expect(ageReceivables([{ date: '2026-10-01', amount: -5000n }, { date: '2026-10-02', amount: 3000n }], '2026-10-31')).toEqual({ buckets: [0n, 0n, 0n, 0n], unapplied: 2000n })
  })

  it('ages 1122 by store into 0-30/31-60/61-90/90+ days as of the period end and agrees with the ledger', async () => {
    const { context, company } = await ledgerWithCompany()
    const sale = (date: string, store: string, amount: string) => aVoucher(date).debit('1122', amount, { store }).credit('5001', amount, { store }).build()
    const receipt = (date: string, store: string, amount: string) => aVoucher(date).debit('1012.01', amount, { store }).credit('1122', amount, { store }).build()
    await writeVouchers(context, maker, company.id, [
      sale('2026-07-15', 'tmall', '1000.00'), sale('2026-08-20', 'tmall', '500.00'), sale('2026-09-15', 'jd', '300.00'), sale('2026-10-20', 'tmall', '200.00'),
      receipt('2026-10-25', 'tmall', '1200.00'), receipt('2026-10-26', 'pdd', '50.00'), sale('2026-11-02', 'tmall', '999.00'),
    ].map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await buildReport(context, company.id, 'ar-aging', { period: '2026-10' }))
    expect(json.rows.map((row) => [row.store, row.balance, row.days0to30, row.days31to60, row.days61to90, row.days90plus, row.unapplied])).toEqual([
      ['jd', '300.00', '0.00', '300.00', '0.00', '0.00', '0.00'],
      ['pdd', '-50.00', '0.00', '0.00', '0.00', '0.00', '-50.00'],
      ['tmall', '500.00', '200.00', '0.00', '300.00', '0.00', '0.00'],
      ['合计', '750.00', '200.00', '300.00', '300.00', '0.00', '-50.00'],
    ])
    expect(json.checks).toEqual([{ key: 'ledger', label: '账龄合计 = 应收账款科目余额', ok: true, expected: '750.00', actual: '750.00' }])
  })
})

describe('channel profitability', () => {
  it('shows revenue, refunds, platform costs, COGS and margin per store, unchanged by the period close', async () => {
    const { context, company } = await ledgerWithCompany()
    const refund = aVoucher('2026-10-28').summary('天猫售后退款').debit('5001', '100.00', { store: 'tmall' }).debit('2221.01.02', '13.00', { store: 'tmall' }).credit('1012.01', '113.00', { store: 'tmall' }).build()
    await writeVouchers(context, maker, company.id, [...demoMonth(), refund].map((input) => ({ input })), { mode: 'post' })
    const columns = (json: ReturnType<typeof reportToJson>) => json.rows.map((row) => [row.store, row.revenue, row.refunds, row.commission, row.paymentFees, row.promotion, row.cogs, row.netRevenue, row.margin, row.marginRate])
    const expected = [
      ['jd', '2000.00', '0.00', '0.00', '0.00', '0.00', '0.00', '2000.00', '2000.00', '1.0000'],
      ['tmall', '10000.00', '100.00', '339.00', '113.00', '500.00', '6000.00', '9900.00', '2948.00', '0.2978'],
      ['合计', '12000.00', '100.00', '339.00', '113.00', '500.00', '6000.00', '11900.00', '4948.00', '0.4158'],
    ]
    const before = reportToJson(await buildReport(context, company.id, 'channel-profit', { period: '2026-10' }))
    expect(columns(before)).toEqual(expected)
    await closePeriod(context, SYSTEM, company.id, '2026-10')
    const after = reportToJson(await buildReport(context, company.id, 'channel-profit', { period: '2026-10' }))
    expect(columns(after)).toEqual(expected)
    expect(after.balanced).toBe(true)
  })
})

describe('voucher register and ledgers', () => {
  it('sums the month’s vouchers per account with the number range', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await buildReport(context, company.id, 'voucher-register', { period: '2026-10' }))
    expect(json.rows.map((row) => [row.code, row.name, row.debit, row.credit])).toEqual([
      ['1002', '银行存款', '110000.00', '45200.00'],
      ['1012', '其他货币资金', '11148.00', '10500.00'],
      ['1122', '应收账款', '13560.00', '11600.00'],
      ['1405', '库存商品', '40000.00', '6000.00'],
      ['2221', '应交税费', '5200.00', '1560.00'],
      ['3001', '实收资本', '0.00', '100000.00'],
      ['5001', '主营业务收入', '0.00', '12000.00'],
      ['5401', '主营业务成本', '6000.00', '0.00'],
      ['5601', '销售费用', '839.00', '0.00'],
      ['5603', '财务费用', '113.00', '0.00'],
      [null, '合计', '186860.00', '186860.00'],
    ])
    expect(json.notes).toEqual(['凭证：记字 1 号至 9 号，共 9 张'])
  })

  it('prints 明细账 of 1122 line by line with opening, running and closing balances', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await buildReport(context, company.id, 'account-detail', { period: '2026-10', account: '1122' }))
    expect(json.rows.map((row) => [row.date, row.voucher, row.summary, row.debit, row.credit, row.direction, row.balance])).toEqual([
      ['2026-10-01', null, '期初余额', null, null, '平', '0.00'],
      ['2026-10-05', '记-3', '天猫订单 (tmall)', '11300.00', null, '借', '11300.00'],
      ['2026-10-06', '记-4', '京东订单 (jd)', '2260.00', null, '借', '13560.00'],
      ['2026-10-10', '记-5', '天猫结算 (tmall)', null, '11300.00', '借', '2260.00'],
      ['2026-10-25', '记-9', '拼多多预收 (pdd)', null, '300.00', '借', '1960.00'],
      ['2026-10-31', null, '本月合计', '13560.00', '11600.00', '借', '1960.00'],
      ['2026-10-31', null, '本年累计', '13560.00', '11600.00', '借', '1960.00'],
    ])
    expect(json.balanced).toBe(true)
  })

  it('prints 总账 per first-level account that agrees with the trial balance', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    await writeVouchers(context, maker, company.id, [{ input: aVoucher('2026-11-03').debit('1002', '50.00').credit('1122', '50.00', { store: 'jd' }).build() }], { mode: 'post' })
    const json = reportToJson(await buildReport(context, company.id, 'general-ledger', { period: '2026-11', account: '1122' }))
    expect(json.rows.map((row) => [row.account, row.summary, row.debit, row.credit, row.direction, row.balance])).toEqual([
      ['1122 应收账款', '期初余额', null, null, '借', '1960.00'],
      ['1122 应收账款', '本月合计', '0.00', '50.00', '借', '1910.00'],
      ['1122 应收账款', '本年累计', '13560.00', '11650.00', '借', '1910.00'],
    ])
    expect(json.checks[0]).toMatchObject({ ok: true, expected: '1910.00' })
  })

  it('refuses the reconciliation summary until the matching module provides it', async () => {
    const { context, company } = await ledgerWithCompany()
    await expect(buildReport(context, company.id, 'reconciliation', { period: '2026-10' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
