import { describe, expect, it } from 'vitest'
import { getVoucher } from '../../service/ledger/vouchers.ts'
import { verifyLedger } from '../../service/ledger/verify.ts'
import { importReceipts, parseReceiptsCsv, stockOnHand } from '../../service/posting/inventory.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { aLine, anOrder } from '../posting/support.ts'
import { admin, balanceOf, companyOn, post } from './support.ts'

/**
 * Issue #16.3: a company's stock is one moving-average pool per SKU. Issues of
 * three stores are costed in date order even when posting runs store by store,
 * and 1405 carries no store, so purchases keyed without one never leave a store's
 * 1405 negative. Figures worked by hand.
 */
describe.each(['small-enterprise', 'enterprise'] as const)('one stock pool per SKU across stores (%s)', (template) => {
  it('costs every issue in date order across stores, whatever store is posted first', async () => {
    const { context, company, db, pl } = await companyOn(template)
    for (const [code, channel] of [['a', 'taobao'], ['b', 'jd'], ['c', 'pdd']] as const) {
      await context.db.client.execute({ sql: 'INSERT INTO stores (company_id, code, name, channel) VALUES (?, ?, ?, ?)', args: [company.id, code, `店${code}`, channel] })
    }
    await updatePostingSettings(context, admin, company.id, { autoApprove: { maxTotal: '1000000.00' } })
    // 10 units at 10.00 on 10-01, 10 more at 13.00 on 10-10; the purchase is keyed without a store
    await importReceipts(context, admin, company.id, parseReceiptsCsv('date,sku,quantity,total_cost\n2026-10-01,TEA,10,100.00\n2026-10-10,TEA,10,130.00\n', 'CNY'))
    await post(context, company.id, [{ date: '2026-10-01', lines: [{ account: '1405', debit: '100.00' }, { account: '2202', credit: '100.00' }] }, { date: '2026-10-10', lines: [{ account: '1405', debit: '130.00' }, { account: '2202', credit: '130.00' }] }])
    const sale = (store: string, channel: 'taobao' | 'jd' | 'pdd', orderNo: string, day: string, quantity: number) => ({
      order: anOrder(orderNo, `${quantity * 20}.00`, { store, channel, completedAt: `2026-10-${day}T12:00:00+08:00` }),
      line: aLine(orderNo, `${orderNo}-1`, 'TEA', quantity, `${quantity * 20}.00`, { store, channel }),
    })
    const sales = [sale('a', 'taobao', 'A1', '05', 2), sale('b', 'jd', 'B1', '08', 4), sale('c', 'pdd', 'C1', '12', 5)]
    await insertRecords(db, company.id, { orders: sales.map((s) => s.order), lines: sales.map((s) => s.line) })
    // store c (the latest sale) is posted first, then a, then b
    const costs = new Map<string, string>()
    for (const store of ['c', 'a', 'b']) {
      const run = await runPosting(context, admin, company.id, { store, hold: () => undefined })
      for (const planned of run.vouchers) {
        const voucher = await getVoucher(context, company.id, planned.id ?? 0)
        const cost = voucher.lines.find((line) => line.account === pl('5401'))
        if (cost) costs.set(cost.store, cost.amount)
        const stock = voucher.lines.find((line) => line.account === '1405')
        if (stock) expect(stock.store).toBe('')
      }
    }
    // a 10-05: 2 x 10.00 = 20.00; b 10-08: 4 x 10.00 = 40.00 (8 left at 80.00); receipt 10-10: 14 at 170.00;
    // c 10-12: 5 x 170.00 / 14 = 60.714... = 60.71 (store by store, c first, would have taken 5 x 230.00 / 20 = 57.50)
    expect(Object.fromEntries(costs)).toEqual({ a: '20.00', b: '40.00', c: '60.71' })
    // the stock sub-ledger equals GL 1405 to the fen: 230.00 - 120.71 = 109.29 for 9 units
    expect(await stockOnHand(context, company.id)).toEqual([{ sku: 'TEA', quantity: 9n, value: 10929n }])
    expect((await balanceOf(context, company.id, '1405')).base).toBe(10929n)
    const byStore = await context.db.client.execute({ sql: "SELECT DISTINCT store FROM balances WHERE company_id = ? AND account_code = '1405'", args: [company.id] })
    expect(byStore.rows.map((row) => row.store)).toEqual([''])
    expect((await verifyLedger(context)).breaches).toEqual([])
  })
})
