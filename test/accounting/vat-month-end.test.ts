import { describe, expect, it } from 'vitest'
import { closePeriod } from '../../service/ledger/periods.ts'
import { approveVoucher, getVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { runVatMonthEnd } from '../../service/posting/vat-month-end.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { balanceSheet } from '../../service/reports/statements.ts'
import { admin, balanceOf, companyOn, post } from './support.ts'

/**
 * Issue #16.5: 增值税月末处理 on a generated quarter, worked by hand; the
 * 应交税费 sub-accounts end as the returns show them.
 */
const approver = { userId: 2 }

async function monthEnd(context: Parameters<typeof runVatMonthEnd>[0], companyId: number, period: string) {
  const result = await runVatMonthEnd(context, admin, companyId, period)
  const vouchers = []
  for (const voucher of result.vouchers) {
    // month-end vouchers are drafts: the admin who ran it may not approve them
    await expect(approveVoucher(context, admin, companyId, voucher.id ?? 0)).rejects.toMatchObject({ code: 'MAKER_CANNOT_APPROVE' })
    await approveVoucher(context, approver, companyId, voucher.id ?? 0)
    vouchers.push(await getVoucher(context, companyId, voucher.id ?? 0))
  }
  return { result, vouchers: vouchers.map((voucher) => ({ word: voucher.word, lines: voucher.lines.map((line) => [line.account, line.side, line.amount]) })) }
}

describe.each(['small-enterprise', 'enterprise'] as const)('VAT month-end, general taxpayer (%s)', (template) => {
  it('transfers out input VAT for 免税 sales, moves VAT owed to 未交增值税, carries 留抵 and books 税金及附加 over a quarter', async () => {
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13'), (?, 'farm', '农产品店', 'taobao', 'EXEMPT')", args: [company.id, company.id] })
    await post(context, company.id, [
      { date: '2026-10-05', lines: [{ account: '1122', store: 'tmall', debit: '11300.00' }, { account: pl('5001'), store: 'tmall', credit: '10000.00' }, { account: '2221.01.02', store: 'tmall', credit: '1300.00' }] },
      { date: '2026-10-06', lines: [{ account: '1122', store: 'farm', debit: '5000.00' }, { account: pl('5001'), store: 'farm', credit: '5000.00' }] },
      { date: '2026-10-08', lines: [{ account: '1405', debit: '4000.00' }, { account: '2221.01.01', debit: '520.00' }, { account: '2202', credit: '4520.00' }] },
      // platform commission with a 专票 at 6%
      { date: '2026-10-20', lines: [{ account: pl('5601.01'), store: 'tmall', debit: '100.00' }, { account: '2221.01.01', debit: '6.00' }, { account: '1012.01', store: 'tmall', credit: '106.00' }] },
    ])
    const october = await monthEnd(context, company.id, '2026-10')
    // 进项 526.00 x 免税 5,000 / 全部 15,000 = 175.333 -> 175.33; owed 1,300 - 526 + 175.33 = 949.33;
    // 城建税 7% 66.4531 -> 66.45, 教育费附加 3% 28.4799 -> 28.48, 地方教育附加 2% 18.9866 -> 18.99
    expect(october.vouchers).toEqual([
      { word: '转', lines: [[pl('5401'), 'debit', '175.33'], ['2221.01.05', 'credit', '175.33']] },
      { word: '转', lines: [['2221.01.04', 'debit', '949.33'], ['2221.02', 'credit', '949.33']] },
      { word: '转', lines: [[pl('5403'), 'debit', '113.92'], ['2221.04', 'credit', '66.45'], ['2221.05', 'credit', '28.48'], ['2221.06', 'credit', '18.99']] },
    ])
    expect(october.result).toMatchObject({ payable: '949.33', carriedCredit: '0.00', surcharges: { urban: '66.45', education: '28.48', localEducation: '18.99' } })
    // a second run books nothing more
    expect((await runVatMonthEnd(context, admin, company.id, '2026-10')).vouchers).toEqual([])
    await closePeriod(context, admin, company.id, '2026-10')

    // November: October's VAT and surcharges are paid; input exceeds output -> 留抵 1,950.00, nothing owed
    await post(context, company.id, [
      { date: '2026-11-10', lines: [{ account: '2221.02', debit: '949.33' }, { account: '2221.04', debit: '66.45' }, { account: '2221.05', debit: '28.48' }, { account: '2221.06', debit: '18.99' }, { account: '1002', credit: '1063.25' }] },
      { date: '2026-11-12', lines: [{ account: '1405', debit: '20000.00' }, { account: '2221.01.01', debit: '2600.00' }, { account: '2202', credit: '22600.00' }] },
      { date: '2026-11-15', lines: [{ account: '1122', store: 'tmall', debit: '5650.00' }, { account: pl('5001'), store: 'tmall', credit: '5000.00' }, { account: '2221.01.02', store: 'tmall', credit: '650.00' }] },
    ])
    const november = await monthEnd(context, company.id, '2026-11')
    expect(november.vouchers).toEqual([])
    expect(november.result).toMatchObject({ payable: '0.00', carriedCredit: '1950.00' })
    // 留抵 1,950.00 on the balance sheet: 其他流动资产 under 企业会计准则; a negative 应交税费 under 小企业会计准则
    // (other 应交税费 at the end of November: none; October's were paid)
    const sheet = reportToJson(await balanceSheet(context, company.id, { period: '2026-11' }))
    const closing = (name: string) => sheet.rows.filter((row) => (String(row.asset).trim() === name ? row.assetClosing : String(row.claim).trim() === name ? row.claimClosing : null) !== null)
      .map((row) => (String(row.asset).trim() === name ? row.assetClosing : row.claimClosing))[0]
    if (template === 'enterprise') {
      expect([closing('其他流动资产'), closing('应交税费')]).toEqual(['1950.00', '0.00'])
    } else {
      expect(closing('应交税费')).toBe('-1950.00')
    }
    expect(sheet.balanced).toBe(true)
    await closePeriod(context, admin, company.id, '2026-11')

    // December: output 2,600 - 留抵 1,950 = 650 owed; surcharges 45.50 / 19.50 / 13.00
    await post(context, company.id, [
      { date: '2026-12-15', lines: [{ account: '1122', store: 'tmall', debit: '22600.00' }, { account: pl('5001'), store: 'tmall', credit: '20000.00' }, { account: '2221.01.02', store: 'tmall', credit: '2600.00' }] },
    ])
    const december = await monthEnd(context, company.id, '2026-12')
    expect(december.vouchers).toEqual([
      { word: '转', lines: [['2221.01.04', 'debit', '650.00'], ['2221.02', 'credit', '650.00']] },
      { word: '转', lines: [[pl('5403'), 'debit', '78.00'], ['2221.04', 'credit', '45.50'], ['2221.05', 'credit', '19.50'], ['2221.06', 'credit', '13.00']] },
    ])
    await closePeriod(context, admin, company.id, '2026-12')
    // at the quarter's end, as the return shows: 应交增值税 nets to zero (its sub-accounts carry the year's
    // 销项 4,550.00, 进项 3,126.00, 进项税额转出 175.33, 转出未交 1,599.33); 未交增值税 owes December's 650.00
    const balance = async (code: string) => (await balanceOf(context, company.id, code)).base
    expect(await balance('2221.01')).toBe(0n)
    expect(await balance('2221.01.02')).toBe(-455000n)
    expect(await balance('2221.01.01')).toBe(312600n)
    expect(await balance('2221.01.05')).toBe(-17533n)
    expect(await balance('2221.01.04')).toBe(159933n)
    expect(await balance('2221.02')).toBe(-65000n)
    expect(await balance('2221.04')).toBe(-4550n)
    expect(await balance('2221.05')).toBe(-1950n)
    expect(await balance('2221.06')).toBe(-1300n)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })
})

describe.each(['small-enterprise', 'enterprise'] as const)('VAT month-end, small-scale taxpayer (%s)', (template) => {
  it('exempts a month under 100,000 into 营业外收入 / 其他收益 and charges halved surcharges on a month above it', async () => {
    const { context, company, pl } = await companyOn(template, 'smallScale')
    // October: 50,000.00 + 1% = 500.00 VAT, under the threshold -> exempt
    await post(context, company.id, [{ date: '2026-10-05', lines: [{ account: '1122', store: 'shop', debit: '50500.00' }, { account: pl('5001'), store: 'shop', credit: '50000.00' }, { account: '2221.01', store: 'shop', credit: '500.00' }] }])
    const october = await monthEnd(context, company.id, '2026-10')
    expect(october.vouchers).toEqual([{ word: '转', lines: [['2221.01', 'debit', '500.00'], [template === 'small-enterprise' ? '5301' : '6117', 'credit', '500.00']] }])
    expect(october.result.payable).toBe('0.00')
    // November: 120,000.00 + 1,200.00 VAT, over the threshold -> owed; surcharges halved (六税两费):
    // 1,200 x 7% = 84.00 -> 42.00; x 3% = 36.00 -> 18.00; x 2% = 24.00 -> 12.00
    await post(context, company.id, [{ date: '2026-11-05', lines: [{ account: '1122', store: 'shop', debit: '121200.00' }, { account: pl('5001'), store: 'shop', credit: '120000.00' }, { account: '2221.01', store: 'shop', credit: '1200.00' }] }])
    const november = await monthEnd(context, company.id, '2026-11')
    expect(november.vouchers).toEqual([{ word: '转', lines: [[pl('5403'), 'debit', '72.00'], ['2221.04', 'credit', '42.00'], ['2221.05', 'credit', '18.00'], ['2221.06', 'credit', '12.00']] }])
    expect((await balanceOf(context, company.id, '2221.01')).base).toBe(-120000n)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('decides a quarterly filer on the quarter: 280,000 over three months stays under 300,000', async () => {
    const { context, company, pl } = await companyOn(template, 'smallScale')
    await context.db.client.execute({ sql: 'UPDATE companies SET settings_json = ? WHERE id = ?', args: [JSON.stringify({ vat: { filing: 'quarterly' } }), company.id] })
    for (const [month, net, vat] of [['10', '120000.00', '1200.00'], ['11', '80000.00', '800.00'], ['12', '80000.00', '800.00']] as const) {
      await post(context, company.id, [{ date: `2026-${month}-05`, lines: [{ account: '1122', debit: (Number(net) + Number(vat)).toFixed(2) }, { account: pl('5001'), credit: net }, { account: '2221.01', credit: vat }] }])
    }
    // October and November decide nothing (October alone is above 100,000, but the quarter is what counts)
    expect((await runVatMonthEnd(context, admin, company.id, '2026-10')).vouchers).toEqual([])
    expect((await runVatMonthEnd(context, admin, company.id, '2026-11')).vouchers).toEqual([])
    const december = await monthEnd(context, company.id, '2026-12')
    expect(december.vouchers).toEqual([{ word: '转', lines: [['2221.01', 'debit', '2800.00'], [template === 'small-enterprise' ? '5301' : '6117', 'credit', '2800.00']] }])
    expect((await balanceOf(context, company.id, '2221.01')).base).toBe(0n)
  })
})

describe('cledger vat month-end', () => {
  it('books the month-end as drafts from the command line and says what is owed', async () => {
    const { main } = await import('../../service/cli.ts')
    const { tempDatabase } = await import('../support/db.ts')
    const { writeFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const { url, dir } = await tempDatabase()
    const run = async (...args: string[]) => {
      let out = ''
      let err = ''
      const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
      return { code, out, err }
    }
    expect((await run('init', '--company', 'VAT', '--name', '增值税测试')).code).toBe(0)
    const file = join(dir, 'sale.json')
    writeFileSync(file, JSON.stringify({ date: '2026-10-05', lines: [{ account: '1122', store: 'tmall', debit: '1130.00' }, { account: '5001', store: 'tmall', credit: '1000.00' }, { account: '2221.01.02', store: 'tmall', credit: '130.00' }] }))
    expect((await run('voucher', 'add', file, '--approve')).code).toBe(0)
    const preview = await run('vat', 'month-end', '--period', '2026-10', '--dry-run')
    expect(preview.out).toContain('payable 应纳税额 130.00')
    const booked = await run('--json', 'vat', 'month-end', '--period', '2026-10')
    expect(booked.code).toBe(0)
    const result = JSON.parse(booked.out) as { payable: string; surcharges: Record<string, string>; vouchers: Array<{ step: string; status: string }> }
    // 130.00 x 7% = 9.10, x 3% = 3.90, x 2% = 2.60
    expect(result).toMatchObject({ payable: '130.00', surcharges: { urban: '9.10', education: '3.90', localEducation: '2.60' } })
    expect(result.vouchers.map((voucher) => [voucher.step, voucher.status])).toEqual([['transfer', 'draft'], ['surcharges', 'draft']])
    const bad = await run('vat', 'month-end', '--period', '2026-13')
    expect(bad.code).not.toBe(0)
    expect(bad.err.trim().split('\n')).toHaveLength(1)
  })
})
