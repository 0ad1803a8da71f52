import { describe, expect, it } from 'vitest'
import { ordersNamed } from '../../shared/posting/index.ts'
import type { Entry } from '../../shared/posting/index.ts'
import { main } from '../../service/cli.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { approveVoucher, reverseVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { voucherSourcesOf } from '../../service/ledger/sources.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { anOrder } from '../posting/support.ts'
import { admin, companyOn, post, rates } from './support.ts'

/** Issue #16.6: summary vouchers name their orders; every voucher lists what it was made from. */
const entry = (orderNo: string): Entry => ({ kind: 'sale', store: 'tmall', date: '2026-10-05', key: `sale:${orderNo}`, summary: `天猫店 销售 订单 ${orderNo}`, lines: [], sources: [] })

describe('documents behind vouchers', () => {
  it('names up to five orders in a summary 摘要, else five and the count', () => {
    expect(ordersNamed(['1', '2'].map(entry))).toBe(' 订单 1、2')
    expect(ordersNamed(['1', '2', '3', '4', '5', '6', '7', '2'].map(entry))).toBe(' 订单 1、2、3、4、5 等 7 笔')
    expect(ordersNamed([{ ...entry('x'), summary: '天猫店 推广费' }])).toBe('')
  })

  it('lists the sources of a day summary, a reversal, a revaluation and 结转损益; voucher show prints them', async () => {
    registerRevaluation()
    const { context, company, url, pl } = await companyOn('enterprise')
    const user = await createUser(context, SYSTEM, { username: 'boss', password: 'boss-password-2026' })
    await setRole(context, SYSTEM, user.id, company.id, 'admin')
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' }, granularity: 'day' })
    const orders = ['1001', '1002', '1003'].map((no) => anOrder(no, '113.00'))
    const run = await runPosting(context, admin, company.id, { records: { orders, txns: [] }, hold: () => undefined })
    expect(run.vouchers.map((voucher) => voucher.summary)).toEqual(['天猫店 2026-10-05 汇总 (销售 3) 订单 1001、1002、1003'])
    const daySources = await voucherSourcesOf(context, company.id, run.vouchers[0]?.id ?? 0)
    expect(daySources.map((source) => source.kind)).toEqual(['order', 'order', 'order'])
    await rates(context, company.id, [['2026-10-01', 'USD', '7.1000'], ['2026-10-31', 'USD', '7.2000']])
    const [manual] = await post(context, company.id, [{ date: '2026-10-02', lines: [{ account: '1002', debit: '100.00', currency: 'USD', rate: '7.1000' }, { account: '3001', credit: '710.00' }] }])
    const [wrong] = await post(context, company.id, [{ date: '2026-10-03', lines: [{ account: pl('5601.03'), debit: '10.00' }, { account: '1002', credit: '10.00' }] }])
    const reversal = await reverseVoucher(context, admin, company.id, wrong?.id ?? 0)
    expect(await voucherSourcesOf(context, company.id, reversal.id)).toEqual([{ kind: 'voucher', id: String(wrong?.id) }])
    expect(await voucherSourcesOf(context, company.id, manual?.id ?? 0)).toEqual([])
    const closed = await closePeriod(context, admin, company.id, '2026-10')
    expect(await voucherSourcesOf(context, company.id, closed.closingVoucher ?? 0)).toEqual([{ kind: 'period', id: '2026-10' }])
    const fx = await context.db.client.execute("SELECT id FROM vouchers WHERE source_kind = 'revaluation'")
    expect(await voucherSourcesOf(context, company.id, Number(fx.rows[0]?.id))).toEqual([{ kind: 'fxRevaluation', id: '1002 USD @ 7.2000' }])
    let out = ''
    expect(await main(['node', 'cledger', '--db', url, '--user', 'boss', 'voucher', 'show', String(run.vouchers[0]?.id)], { stdout: (text) => { out += text }, stderr: () => undefined })).toBe(0)
    expect(out).toContain('汇总 (销售 3) 订单 1001、1002、1003')
    expect(out).toContain('sources (3): order ')
    out = ''
    expect(await main(['node', 'cledger', '--db', url, '--user', 'boss', 'voucher', 'show', String(manual?.id)], { stdout: (text) => { out += text }, stderr: () => undefined })).toBe(0)
    expect(out).toMatch(/USD\s+100\.00\s+7\.1000\s+710\.00/)
    expect(out).toContain('sources: none (keyed by hand)')
  })

  it('posts the source records again after their voucher is reversed, so the correction is not keyed by hand', async () => {
    const { context, company, pl } = await companyOn('small-enterprise')
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    const records = { orders: [anOrder('2001', '113.00')], txns: [] }
    const first = await runPosting(context, admin, company.id, { records, hold: () => undefined })
    const sale = first.vouchers[0]?.id ?? 0
    const reversal = await reverseVoucher(context, admin, company.id, sale)
    // the reversed sale keeps its source, marked reversed
    expect(await voucherSourcesOf(context, company.id, sale)).toEqual([{ kind: `order~reversed:${reversal.id}`, id: 'taobao|2001|order' }])
    const again = await runPosting(context, admin, company.id, { records, hold: () => undefined })
    expect(again.written.vouchers).toBe(1)
    const reposted = await context.db.client.execute({ sql: 'SELECT idempotency_key FROM vouchers WHERE id = ?', args: [again.vouchers[0]?.id ?? 0] })
    expect(String(reposted.rows[0]?.idempotency_key)).toBe('sale:taobao|2001|order#re1')
    expect(await voucherSourcesOf(context, company.id, again.vouchers[0]?.id ?? 0)).toEqual([{ kind: 'order', id: 'taobao|2001|order' }])
    expect((await runPosting(context, admin, company.id, { records, hold: () => undefined })).written.vouchers).toBe(0)
    // reversed a second time, it posts a third time under #re2
    await reverseVoucher(context, admin, company.id, again.vouchers[0]?.id ?? 0)
    const third = await runPosting(context, admin, company.id, { records, hold: () => undefined })
    const key = await context.db.client.execute({ sql: 'SELECT idempotency_key FROM vouchers WHERE id = ?', args: [third.vouchers[0]?.id ?? 0] })
    expect(String(key.rows[0]?.idempotency_key)).toBe('sale:taobao|2001|order#re2')
    const revenue = await context.db.client.execute({ sql: 'SELECT SUM(credit_minor - debit_minor) AS r FROM balances WHERE company_id = ? AND account_code = ?', args: [company.id, pl('5001')] })
    expect(Number(revenue.rows[0]?.r)).toBe(10000)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it.each(['small-enterprise', 'enterprise'] as const)('corrects a wrong sale by reversal and repost (%s): the record posts again at its corrected figures, once, and not while the reversal waits for approval', async (template) => {
    const { context, company, pl } = await companyOn(template)
    const li = await createUser(context, SYSTEM, { username: 'li', password: 'li-Approver-2026!x' })
    const boss = await createUser(context, SYSTEM, { username: 'boss', password: 'boss-password-2026' })
    await setRole(context, SYSTEM, boss.id, company.id, 'admin')
    await setRole(context, SYSTEM, li.id, company.id, 'approver')
    const bossActor = { userId: boss.id }
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    // booked at 113.00; the export is corrected to 226.00 (the order had two units)
    const first = await runPosting(context, bossActor, company.id, { records: { orders: [anOrder('3001', '113.00')], txns: [] }, hold: () => undefined })
    const wrong = first.vouchers[0]?.id ?? 0
    const corrected = { orders: [anOrder('3001', '226.00')], txns: [] }
    // while the record is on a live voucher, a run does not post it again
    expect((await runPosting(context, bossActor, company.id, { records: corrected, hold: () => undefined })).written.vouchers).toBe(0)
    // two approver users: the reversal is a draft (as `cledger voucher reverse` decides), the record stays taken
    const reversal = await reverseVoucher(context, bossActor, company.id, wrong, { draft: true })
    expect((await runPosting(context, bossActor, company.id, { records: corrected, hold: () => undefined })).written.vouchers).toBe(0)
    await approveVoucher(context, { userId: li.id }, company.id, reversal.id)
    const again = await runPosting(context, bossActor, company.id, { records: corrected, hold: () => undefined })
    expect(again.written.vouchers).toBe(1)
    const lines = await context.db.client.execute({ sql: 'SELECT account_code, side, amount_minor FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no', args: [again.vouchers[0]?.id ?? 0] })
    // 226.00 = 200.00 + 13% VAT 26.00
    expect(lines.rows.map((row) => [row.account_code, row.side, Number(row.amount_minor)])).toEqual([['1122', 'debit', 22600], [pl('5001'), 'credit', 20000], ['2221.01.02', 'credit', 2600]])
    expect((await runPosting(context, bossActor, company.id, { records: corrected, hold: () => undefined })).written.vouchers).toBe(0)
    // net: the corrected sale only (113.00 posted, reversed, 226.00 posted)
    const net = await context.db.client.execute({ sql: "SELECT account_code, SUM(debit_minor - credit_minor) AS net FROM balances WHERE company_id = ? AND account_code IN ('1122', ?, '2221.01.02') GROUP BY account_code ORDER BY account_code", args: [company.id, pl('5001')] })
    expect(net.rows.map((row) => [row.account_code, Number(row.net)])).toEqual([['1122', 22600], ['2221.01.02', -2600], [pl('5001'), -20000]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))))
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('sends a reversal through approval when the company asks for it: the maker cannot approve it, the original is reversed when it posts', async () => {
    const { context, company } = await companyOn('enterprise')
    await context.db.client.execute({ sql: 'UPDATE companies SET settings_json = ? WHERE id = ?', args: [JSON.stringify({ reversalApproval: true }), company.id] })
    const [original] = await post(context, company.id, [{ date: '2026-10-03', lines: [{ account: '6601.03', debit: '10.00' }, { account: '1002', credit: '10.00' }] }])
    const reversal = await reverseVoucher(context, admin, company.id, original?.id ?? 0)
    expect(reversal).toMatchObject({ status: 'draft', number: null })
    await expect(reverseVoucher(context, admin, company.id, original?.id ?? 0)).rejects.toMatchObject({ code: 'ALREADY_REVERSED' })
    const pendingState = await context.db.client.execute({ sql: 'SELECT reversed_by FROM vouchers WHERE id = ?', args: [original?.id ?? 0] })
    expect(pendingState.rows[0]?.reversed_by).toBeNull()
    expect((await verifyLedger(context)).breaches).toEqual([])
    await expect(approveVoucher(context, admin, company.id, reversal.id)).rejects.toMatchObject({ code: 'MAKER_CANNOT_APPROVE' })
    expect(await approveVoucher(context, { userId: 2 }, company.id, reversal.id)).toMatchObject({ status: 'posted', number: 2 })
    const after = await context.db.client.execute({ sql: "SELECT reversed_by, (SELECT COALESCE(SUM(debit_minor - credit_minor), 0) FROM balances WHERE company_id = ? AND account_code = '1002') AS bank FROM vouchers WHERE id = ?", args: [company.id, original?.id ?? 0] })
    expect([Number(after.rows[0]?.reversed_by), Number(after.rows[0]?.bank)]).toEqual([reversal.id, 0])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })
})
