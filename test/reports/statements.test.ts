import { describe, expect, it } from 'vitest'
import { SYSTEM } from '../../service/ledger/context.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { balanceSheet, cashFlowStatement, incomeStatement } from '../../service/reports/statements.ts'
import { aVoucher } from '../support/builders.ts'
import { demoMonth } from './fixtures.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { createContext } from '../../service/ledger/context.ts'

const maker = { userId: 1 }

type Json = ReturnType<typeof reportToJson>

/** [name, closing, opening] of the lines with amounts on one side of the balance sheet. */
function side(json: Json, prefix: 'asset' | 'claim'): Array<[string, string, string]> {
  return json.rows
    .filter((row) => row[prefix] !== null && row[`${prefix}Closing`] !== null)
    .map((row) => [String(row[prefix]).trim(), String(row[`${prefix}Closing`]), String(row[`${prefix}Opening`])])
}

function nonZero(lines: Array<[string, string, string]>): Array<[string, string, string]> {
  return lines.filter(([, a, b]) => a !== '0.00' || b !== '0.00')
}

function items(json: Json): Array<[string, string, string]> {
  return json.rows.filter((row) => row.month !== null).map((row) => [String(row.item).trim(), String(row.month), String(row.year)])
}

describe('financial statements of the demo month (小企业会计准则)', () => {
  it('lays out the balance sheet with a credit receivable under 预收账款 and unclosed profit in 未分配利润', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await balanceSheet(context, company.id, { period: '2026-10' }))
    expect(json).toMatchObject({ title: '资产负债表', formCode: '会小企01表', dateLabel: '2026年10月31日', currency: 'CNY' })
    expect(nonZero(side(json, 'asset'))).toEqual([
      ['货币资金', '65448.00', '0.00'],
      ['应收账款', '2260.00', '0.00'],
      ['存货', '34000.00', '0.00'],
      ['库存商品', '34000.00', '0.00'],
      ['流动资产合计', '101708.00', '0.00'],
      ['资产总计', '101708.00', '0.00'],
    ])
    expect(nonZero(side(json, 'claim'))).toEqual([
      ['预收账款', '300.00', '0.00'],
      ['应交税费', '-3640.00', '0.00'],
      ['流动负债合计', '-3340.00', '0.00'],
      ['负债合计', '-3340.00', '0.00'],
      ['实收资本（或股本）', '100000.00', '0.00'],
      ['未分配利润', '5048.00', '0.00'],
      ['所有者权益（或股东权益）合计', '105048.00', '0.00'],
      ['负债和所有者权益（或股东权益）总计', '101708.00', '0.00'],
    ])
    expect(json.checks.map((item) => [item.key, item.ok, item.actual])).toEqual([['balanced.closing', true, '101708.00'], ['balanced.opening', true, '0.00']])
  })

  it('shows every line of the form, with zero for lines that had no activity', async () => {
    const { context, company } = await ledgerWithCompany()
    const json = reportToJson(await balanceSheet(context, company.id, { period: '2026-10' }))
    const assets = side(json, 'asset')
    expect(assets).toHaveLength(30)
    expect(assets.every(([, closing, opening]) => closing === '0.00' && opening === '0.00')).toBe(true)
    expect(json.rows.map((row) => row.claimRow).filter((row) => row !== null)).toEqual(Array.from({ length: 23 }, (_, index) => 31 + index))
    expect(json.balanced).toBe(true)
  })

  it('states the income statement for the month and the year to date, excluding nothing that happened', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await incomeStatement(context, company.id, { period: '2026-10' }))
    expect(items(json).filter(([, month]) => month !== '0.00')).toEqual([
      ['一、营业收入', '12000.00', '12000.00'],
      ['减：营业成本', '6000.00', '6000.00'],
      ['销售费用', '839.00', '839.00'],
      ['广告费和业务宣传费', '500.00', '500.00'],
      ['财务费用', '113.00', '113.00'],
      ['二、营业利润（亏损以"-"号填列）', '5048.00', '5048.00'],
      ['三、利润总额（亏损总额以"-"号填列）', '5048.00', '5048.00'],
      ['四、净利润（净亏损以"-"号填列）', '5048.00', '5048.00'],
    ])
    expect(json.rows.map((row) => row.row)).toEqual(Array.from({ length: 32 }, (_, index) => index + 1))
    expect(json.checks.every((item) => item.ok)).toBe(true)
  })

  it('classifies cash by counter-account: platform commission grossed up, wallet-to-bank transfers left out', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const json = reportToJson(await cashFlowStatement(context, company.id, { period: '2026-10' }))
    expect(items(json).filter(([, month]) => month !== '0.00')).toEqual([
      ['销售产成品、商品、提供劳务收到的现金', '11600.00', '11600.00'],
      ['购买原材料、商品、接受劳务支付的现金', '45200.00', '45200.00'],
      ['支付其他与经营活动有关的现金', '952.00', '952.00'],
      ['经营活动产生的现金流量净额', '-34552.00', '-34552.00'],
      ['吸收投资者投资收到的现金', '100000.00', '100000.00'],
      ['筹资活动产生的现金流量净额', '100000.00', '100000.00'],
      ['四、现金净增加额', '65448.00', '65448.00'],
      ['五、期末现金余额', '65448.00', '65448.00'],
    ])
    expect(json.checks.every((item) => item.ok)).toBe(true)
  })
})

describe('statements across a closed year', () => {
  async function closedYear() {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, maker, company.id, [
      aVoucher('2025-12-01').debit('1002', '5000.00').credit('3001', '5000.00').build(),
      aVoucher('2025-12-10').debit('1002', '1130.00', { store: 'tmall' }).credit('5001', '1000.00', { store: 'tmall' }).credit('2221.01.02', '130.00', { store: 'tmall' }).build(),
      aVoucher('2025-12-20').debit('5602', '400.00').credit('1002', '400.00').build(),
    ].map((input) => ({ input })), { mode: 'post' })
    await closePeriod(context, SYSTEM, company.id, '2025-12')
    await writeVouchers(context, maker, company.id, [
      aVoucher('2026-01-08').debit('1002', '565.00', { store: 'tmall' }).credit('5001', '500.00', { store: 'tmall' }).credit('2221.01.02', '65.00', { store: 'tmall' }).build(),
    ].map((input) => ({ input })), { mode: 'post' })
    return { context, company }
  }

  it('reports the closed month without the 结转损益 voucher and checks it against 本年利润', async () => {
    const { context, company } = await closedYear()
    const json = reportToJson(await incomeStatement(context, company.id, { period: '2025-12' }))
    expect(items(json).filter(([, month]) => month !== '0.00')).toEqual([
      ['一、营业收入', '1000.00', '1000.00'],
      ['管理费用', '400.00', '400.00'],
      ['二、营业利润（亏损以"-"号填列）', '600.00', '600.00'],
      ['三、利润总额（亏损总额以"-"号填列）', '600.00', '600.00'],
      ['四、净利润（净亏损以"-"号填列）', '600.00', '600.00'],
    ])
    expect(json.checks.map((item) => [item.key, item.ok, item.expected])).toEqual([['netProfit.ledger', true, '600.00'], ['netProfit.profitForYear', true, '600.00'], ['netProfit.year', true, '600.00']])
  })

  it('opens the new year with last year’s closing balances and starts 本年累计 afresh', async () => {
    const { context, company } = await closedYear()
    const sheet = reportToJson(await balanceSheet(context, company.id, { period: '2026-01' }))
    expect(nonZero(side(sheet, 'claim'))).toEqual([
      ['应交税费', '195.00', '130.00'],
      ['流动负债合计', '195.00', '130.00'],
      ['负债合计', '195.00', '130.00'],
      ['实收资本（或股本）', '5000.00', '5000.00'],
      ['未分配利润', '1100.00', '600.00'],
      ['所有者权益（或股东权益）合计', '6100.00', '5600.00'],
      ['负债和所有者权益（或股东权益）总计', '6295.00', '5730.00'],
    ])
    expect(sheet.balanced).toBe(true)
    const income = reportToJson(await incomeStatement(context, company.id, { period: '2026-01' }))
    expect(items(income)[0]).toEqual(['一、营业收入', '500.00', '500.00'])
    const cash = reportToJson(await cashFlowStatement(context, company.id, { period: '2026-01' }))
    expect(items(cash).filter(([name]) => name.includes('现金余额'))).toEqual([['加：期初现金余额', '5730.00', '5730.00'], ['五、期末现金余额', '6295.00', '6295.00']])
  })
})

describe('statements for the 企业会计准则 template', () => {
  it('maps 6xxx P&L accounts and balances the sheet', async () => {
    const { db } = await tempDatabase()
    const context = createContext(db)
    const company = await createCompany(context, SYSTEM, { code: 'BIG', name: '大企业', chartTemplate: 'enterprise' })
    await writeVouchers(context, maker, company.id, [
      aVoucher('2026-10-05').debit('1122', '226.00', { store: 'jd' }).credit('6001', '200.00', { store: 'jd' }).credit('2221.01.02', '26.00', { store: 'jd' }).build(),
      aVoucher('2026-10-06').debit('6401', '120.00').credit('1405', '120.00').build(),
      aVoucher('2026-10-07').debit('6601.01', '10.00').credit('1122', '10.00', { store: 'jd' }).build(),
    ].map((input) => ({ input })), { mode: 'post' })
    const income = reportToJson(await incomeStatement(context, company.id, { period: '2026-10' }))
    expect(income.formCode).toBe('会企02表')
    expect(items(income).filter(([, month]) => month !== '0.00')).toEqual([
      ['一、营业收入', '200.00', '200.00'], ['减：营业成本', '120.00', '120.00'], ['销售费用', '10.00', '10.00'],
      ['二、营业利润（亏损以"-"号填列）', '70.00', '70.00'], ['三、利润总额（亏损总额以"-"号填列）', '70.00', '70.00'], ['四、净利润（净亏损以"-"号填列）', '70.00', '70.00'],
    ])
    const sheet = reportToJson(await balanceSheet(context, company.id, { period: '2026-10' }))
    expect(nonZero(side(sheet, 'asset'))).toEqual([
      ['应收账款', '216.00', '0.00'], ['存货', '-120.00', '0.00'], ['流动资产合计', '96.00', '0.00'], ['资产总计', '96.00', '0.00'],
    ])
    expect(sheet.balanced).toBe(true)
  })
})
