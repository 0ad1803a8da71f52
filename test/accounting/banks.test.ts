import { describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { addBankAccount } from '../../service/ledger/banks.ts'
import { loadChart } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { buildReport } from '../../service/reports/index.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { aTxn, anOrder } from '../posting/support.ts'
import { admin, companyOn, post, rates } from './support.ts'

/** Issue #16.4: a 1002 sub-account per bank account and currency, and a 银行日记账 per account. */
describe.each(['small-enterprise', 'enterprise'] as const)('bank sub-accounts (%s)', (template) => {
  it('creates 1002.01 工商银行 CNY and 1002.02 招商银行 USD, posts payouts into them, revalues the USD one and keeps a bank journal each', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'shop', 'Shopify US', 'shopify', 'ZERO_RATED')", args: [company.id] })
    expect(await addBankAccount(context, admin, company.id, { name: '工商银行', number: '6222 0202 0000 1234', currency: 'CNY' })).toEqual({ name: '工商银行', number: '6222020200001234', currency: 'CNY', account: '1002.01' })
    expect((await addBankAccount(context, admin, company.id, { name: '招商银行', number: 'NRA-5678', currency: 'usd', store: 'shop' })).account).toBe('1002.02')
    await expect(addBankAccount(context, admin, company.id, { name: '招商银行', number: 'NRA-5678', currency: 'USD' })).rejects.toMatchObject({ code: 'DUPLICATE' })
    const chart = await loadChart(context, company.id)
    expect([chart.get('1002')?.isLeaf, chart.get('1002.01')?.name, chart.get('1002.02')?.name]).toEqual([false, '工商银行 CNY 1234', '招商银行 USD 5678'])
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' }, payouts: 'channel' })
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-31', 'USD', '7.2000']])
    await post(context, company.id, [{ date: '2026-10-02', summary: '注资', lines: [{ account: '1002.01', debit: '10000.00' }, { account: '3001', credit: '10000.00' }] }])
    const usd = { store: 'shop', channel: 'shopify' as const, currency: 'USD' }
    const run = await runPosting(context, admin, company.id, { hold: () => undefined, records: { orders: [anOrder('#1', '100.00', usd)], txns: [aTxn('P', 'payment', '100.00', { ...usd, orderRef: '#1' }), aTxn('PO', 'payout', '-100.00', { ...usd, occurredAt: '2026-10-20T08:00:00Z', payoutRef: 'PO' })] } })
    const payout = (await Promise.all(run.vouchers.map((voucher) => getVoucher(context, company.id, voucher.id ?? 0)))).find((voucher) => voucher.summary.includes('提现'))
    expect(payout?.lines.map((line) => [line.account, line.side, line.currency, line.amount])).toEqual([['1002.02', 'debit', 'USD', '710.00'], ['1012.06', 'credit', 'USD', '710.00']])
    await closePeriod(context, admin, company.id, '2026-10')
    const fx = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation'")
    const revaluation = await getVoucher(context, company.id, Number(fx.rows[0]?.id))
    // USD 100.00 in 1002.02 at 7.20: 720.00, 10.00 more; 1002.01 holds CNY only
    expect(revaluation.lines.map((line) => [line.account, line.side, line.amount])).toEqual([['1002.02', 'debit', '10.00'], [pl('5603.02'), 'credit', '10.00']])
    const journal = reportToJson(await buildReport(context, company.id, 'bank-journal', { period: '2026-10' }))
    expect(journal.rows.map((row) => [row.summary, row.counter, row.currency, row.original, row.debit, row.credit, row.balance])).toEqual([
      ['1002.01 工商银行 CNY 1234 期初余额', null, null, null, null, null, '0.00'],
      ['注资', '3001 实收资本', null, null, '10000.00', null, '10000.00'],
      ['1002.01 本月合计', null, null, null, '10000.00', '0.00', '10000.00'],
      ['1002.02 招商银行 USD 5678 期初余额', null, null, null, null, null, '0.00'],
      ['Shopify US 提现 PO', '1012.06 Shopify Payments', 'USD', '100.00', '710.00', null, '710.00'],
      [expect.stringContaining('期末汇兑调整'), `${pl('5603.02')} 汇兑损益`, null, null, '10.00', null, '720.00'],
      ['1002.02 本月合计', null, null, null, '720.00', '0.00', '720.00'],
    ])
    expect(journal.balanced).toBe(true)
  })

  it('refuses sub-accounts once 1002 itself has postings, and registers from the command line', async () => {
    const { context, company, url } = await companyOn(template)
    await post(context, company.id, [{ date: '2026-10-02', lines: [{ account: '1002', debit: '1.00' }, { account: '3001', credit: '1.00' }] }])
    await expect(addBankAccount(context, admin, company.id, { name: '工商银行', number: '1234', currency: 'CNY' })).rejects.toMatchObject({ code: 'INVALID_STATE' })
    const { companyOn: fresh } = await import('./support.ts')
    const other = await fresh(template)
    const user = await createUser(other.context, SYSTEM, { username: 'boss', password: 'boss-password-2026' })
    await setRole(other.context, SYSTEM, user.id, other.company.id, 'admin')
    let out = ''
    expect(await main(['node', 'cledger', '--db', other.url, '--user', 'boss', 'bank', 'add', '--name', '建设银行', '--number', '4367-0001', '--currency', 'CNY'], { stdout: (text) => { out += text }, stderr: () => undefined })).toBe(0)
    expect(out).toContain('bank account 1002.01 建设银行 CNY 4367-0001')
    expect(url).not.toBe(other.url)
  })
})
