import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import '../support/fast-check-seed.ts'
import { createApp } from '../../service/app.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import { main } from '../../service/cli.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { closePeriod } from '../../service/ledger/periods.ts'
import { listStores } from '../../service/ledger/stores.ts'
import { addSupplier, assertSupplierLines, listSuppliers, supplierBalances } from '../../service/ledger/suppliers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { registerRevaluation } from '../../service/posting/revaluation.ts'
import { buildReport } from '../../service/reports/index.ts'
import { reportToJson } from '../../service/reports/render/json.ts'
import { call, signedIn } from '../support/http.ts'
import { balanceOf, companyOn, post, rates } from './support.ts'

/**
 * Issue #16.6: 辅助核算 supplier on 应付账款 2202. The supplier is the line's store
 * column (decision in docs/decisions.d/h-acct2.md); purchases and payments name one,
 * the balances and the 明细账 go by supplier, and the suppliers sum to 2202.
 */
const purchase = (date: string, supplier: string, cost: string, vat: string, total: string) => ({
  date, summary: `采购入库 ${supplier}`, lines: [{ account: '1405', debit: cost }, { account: '2221.01.01', debit: vat }, { account: '2202', store: supplier, credit: total }],
})
const payment = (date: string, supplier: string, amount: string) => ({ date, summary: `支付货款 ${supplier}`, lines: [{ account: '2202', store: supplier, debit: amount }, { account: '1002', credit: amount }] })

describe.each(['small-enterprise', 'enterprise'] as const)('supplier dimension on 2202 (%s)', (template) => {
  it('keeps payables by supplier: balances, 明细账 and the 余额表 add up to 2202, worked by hand', async () => {
    const { context, company, url } = await companyOn(template)
    await addSupplier(context, SYSTEM, company.id, { code: 'chayuan', name: '杭州茶源贸易有限公司' })
    await addSupplier(context, SYSTEM, company.id, { code: 'baozhuang', name: '义乌包装材料厂' })
    await expect(addSupplier(context, SYSTEM, company.id, { code: 'chayuan' })).rejects.toMatchObject({ code: 'DUPLICATE' })
    await post(context, company.id, [
      purchase('2026-10-01', 'chayuan', '1000.00', '130.00', '1130.00'),
      purchase('2026-10-02', 'baozhuang', '500.00', '65.00', '565.00'),
      payment('2026-10-20', 'chayuan', '600.00'),
      purchase('2026-11-03', 'chayuan', '200.00', '26.00', '226.00'),
      payment('2026-11-10', 'baozhuang', '565.00'),
    ])
    // November: 茶源 owed 1,130.00 - 600.00 = 530.00, plus 226.00 = 756.00; 包装 565.00 paid off
    const november = await supplierBalances(context, company.id, '2026-11')
    expect(november.rows.map((row) => [row.supplier, row.name, row.opening, row.debit, row.credit, row.closing])).toEqual([
      ['baozhuang', '义乌包装材料厂', '565.00', '565.00', '0.00', '0.00'],
      ['chayuan', '杭州茶源贸易有限公司', '530.00', '0.00', '226.00', '756.00'],
    ])
    expect(november.total).toMatchObject({ opening: '1095.00', debit: '565.00', credit: '226.00', closing: '756.00' })
    expect((await balanceOf(context, company.id, '2202')).base).toBe(-75600n)
    // 明细账 of 2202 for one supplier lists its lines only
    const detail = reportToJson(await buildReport(context, company.id, 'account-detail', { period: '2026-10', account: '2202', store: 'chayuan' }))
    const text = JSON.stringify(detail.rows)
    expect(text).toContain('采购入库 chayuan')
    expect(text).toContain('支付货款 chayuan')
    expect(text).not.toContain('baozhuang')
    // suppliers are not stores
    expect((await listStores(context, company.id)).map((store) => store.code)).toEqual([])
    expect((await listSuppliers(context, company.id)).map((supplier) => supplier.code)).toEqual(['baozhuang', 'chayuan'])
    const reader = await createUser(context, SYSTEM, { username: 'wang', password: 'wang-Reader-2026!x' })
    await setRole(context, SYSTEM, reader.id, company.id, 'sales')
    let out = ''
    expect(await main(['node', 'cledger', '--db', url, '--company', 'ACCT', '--user', 'wang', 'supplier', 'balances', '2026-11'], { stdout: (chunk) => { out += chunk }, stderr: () => undefined })).toBe(0)
    expect(out).toMatch(/chayuan\s+杭州茶源贸易有限公司\s+530\.00\s+0\.00\s+226\.00\s+756\.00/)
    expect(out).toMatch(/合计\s+1095\.00\s+565\.00\s+226\.00\s+756\.00/)
    expect((await verifyLedger(context)).breaches).toEqual([])
  })

  it('refuses a hand-made 2202 line without a registered supplier (CLI and API), and a supplier on another account', async () => {
    const { context, company, url } = await companyOn(template)
    // before any supplier is registered, 2202 takes lines as before
    await expect(assertSupplierLines(context, company, [purchase('2026-10-01', '', '10.00', '1.30', '11.30')])).resolves.toBeUndefined()
    await addSupplier(context, SYSTEM, company.id, { code: 'chayuan', name: '杭州茶源贸易有限公司' })
    const noSupplier = { date: '2026-10-01', lines: [{ account: '1405', debit: '10.00' }, { account: '2202', credit: '10.00' }] }
    await expect(assertSupplierLines(context, company, [noSupplier])).rejects.toMatchObject({ code: 'SUPPLIER_REQUIRED', details: { line: 2 } })
    await expect(assertSupplierLines(context, company, [purchase('2026-10-01', 'nobody', '10.00', '1.30', '11.30')])).rejects.toMatchObject({ code: 'UNKNOWN_SUPPLIER' })
    await expect(assertSupplierLines(context, company, [{ date: '2026-10-01', lines: [{ account: '1405', store: 'chayuan', debit: '10.00' }, { account: '2202', store: 'chayuan', credit: '10.00' }] }])).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringContaining('供应商只用于应付账款') })

    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acct', 'accountant')
    const refused = await call(api, token, 'POST', '/companies/ACCT/vouchers', noSupplier)
    expect(refused.status).toBe(422)
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'SUPPLIER_REQUIRED', message: expect.stringContaining('应付账款需指明供应商') })
    expect((await call(api, token, 'POST', '/companies/ACCT/vouchers', purchase('2026-10-01', 'chayuan', '10.00', '1.30', '11.30'))).status).toBe(201)
    // the supplier routes: register, list, 余额表
    // suppliers are cached by chart_version (issue #20): a supplier unknown to one request is known to the next once registered
    expect((await call(api, token, 'POST', '/companies/ACCT/vouchers', purchase('2026-10-01', 'baozhuang', '1.00', '0.13', '1.13'))).status).toBe(422)
    expect((await call(api, token, 'POST', '/companies/ACCT/suppliers', { code: 'baozhuang', name: '义乌包装材料厂' })).status).toBe(201)
    expect((await call(api, token, 'POST', '/companies/ACCT/vouchers', purchase('2026-10-01', 'baozhuang', '1.00', '0.13', '1.13'))).status).toBe(201)
    expect(await (await call(api, token, 'GET', '/companies/ACCT/suppliers')).json()).toEqual({ suppliers: [{ code: 'baozhuang', name: '义乌包装材料厂' }, { code: 'chayuan', name: '杭州茶源贸易有限公司' }] })
    // the API's voucher is a draft (not in the balances); a posted purchase is
    await post(context, company.id, [purchase('2026-10-02', 'baozhuang', '100.00', '13.00', '113.00')])
    const owed = (await (await call(api, token, 'GET', '/companies/ACCT/suppliers/balances?period=2026-10')).json()) as { rows: Array<{ supplier: string; closing: string }> }
    expect(owed.rows.map((row) => [row.supplier, row.closing])).toEqual([['baozhuang', '113.00']])

    const { writeFileSync } = await import('node:fs')
    const { join, dirname } = await import('node:path')
    const file = join(dirname(url.slice('file:'.length)), 'purchase.json')
    writeFileSync(file, JSON.stringify(noSupplier))
    let err = ''
    expect(await main(['node', 'cledger', '--db', url, '--company', 'ACCT', '--user', 'acct', 'voucher', 'add', file], { stdout: () => undefined, stderr: (chunk) => { err += chunk } })).toBe(1)
    expect(err).toContain('account 2202 is kept by supplier')
    // the refused file wrote nothing: the API's two drafts and the posted purchase only
    expect(Number((await context.db.client.execute("SELECT COUNT(*) AS n FROM voucher_lines WHERE account_code = '2202'")).rows[0]?.n)).toBe(3)
  })

  it('revalues a USD payable per supplier', async () => {
    registerRevaluation()
    const { context, company, pl } = await companyOn(template)
    await addSupplier(context, SYSTEM, company.id, { code: 'us-tea', name: 'US Tea Inc.' })
    await rates(context, company.id, [['2026-10-05', 'USD', '7.10'], ['2026-10-31', 'USD', '7.20']])
    await post(context, company.id, [{ date: '2026-10-05', lines: [{ account: '1405', debit: '710.00' }, { account: '2202', store: 'us-tea', currency: 'USD', rate: '7.10', credit: '100.00' }] }])
    await closePeriod(context, { userId: 1 }, company.id, '2026-10')
    // owed USD 100.00 at 7.20 = 720.00: 借 汇兑损益 10.00 / 贷 应付账款-US Tea 10.00
    const lines = await context.db.client.execute("SELECT l.account_code, l.store, l.side, l.amount_minor FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id WHERE v.source_kind = 'revaluation' ORDER BY l.line_no")
    expect(lines.rows.map((row) => [row.account_code, row.store, row.side, Number(row.amount_minor)])).toEqual([[pl('5603.02'), 'us-tea', 'debit', 1000], ['2202', 'us-tea', 'credit', 1000]])
    expect((await supplierBalances(context, company.id, '2026-10')).rows.map((row) => [row.supplier, row.closing])).toEqual([['us-tea', '720.00']])
  })
})

describe('property: balances by supplier sum to the 2202 balance', () => {
  it('for random purchases and payments over suppliers and months, each supplier ends at its own sum and all at 2202', async () => {
    const event = fc.record({
      month: fc.integer({ min: 10, max: 12 }), day: fc.integer({ min: 1, max: 28 }), supplier: fc.constantFrom('s1', 's2', 's3'),
      kind: fc.constantFrom('purchase', 'payment'), fen: fc.integer({ min: 1, max: 5_000_000 }),
    })
    await fc.assert(fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 25 }), fc.constantFrom('small-enterprise' as const, 'enterprise' as const), async (events, template) => {
      const { context, company, db } = await companyOn(template)
      for (const code of ['s1', 's2', 's3']) await addSupplier(context, SYSTEM, company.id, { code })
      const text = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`
      const owed = new Map<string, bigint>()
      const inputs = events.map((item) => {
        const date = `2026-${item.month}-${String(item.day).padStart(2, '0')}`
        owed.set(item.supplier, (owed.get(item.supplier) ?? 0n) + (item.kind === 'purchase' ? 1n : -1n) * BigInt(item.fen))
        return item.kind === 'purchase'
          ? { date, lines: [{ account: '1405', debit: text(item.fen) }, { account: '2202', store: item.supplier, credit: text(item.fen) }] }
          : payment(date, item.supplier, text(item.fen))
      })
      await assertSupplierLines(context, company, inputs)
      await post(context, company.id, inputs)
      const report = await supplierBalances(context, company.id, '2026-12')
      const minor = (value: string) => BigInt(value.replace('.', ''))
      expect(report.rows.reduce((sum, row) => sum + minor(row.closing), 0n)).toBe(-(await balanceOf(context, company.id, '2202')).base)
      expect(minor(report.total.closing)).toBe(-(await balanceOf(context, company.id, '2202')).base)
      for (const row of report.rows) expect(minor(row.closing)).toBe(owed.get(row.supplier) ?? 0n)
      // opening + credit - debit = closing on every row, and each month's closing is the next one's opening
      for (const row of report.rows) expect(minor(row.opening) + minor(row.credit) - minor(row.debit)).toBe(minor(row.closing))
      const november = await supplierBalances(context, company.id, '2026-11')
      expect(minor(report.total.opening)).toBe(minor(november.total.closing))
      expect((await verifyLedger(context)).breaches).toEqual([])
      db.close()
    }), { numRuns: 12 })
  }, 120_000)
})
