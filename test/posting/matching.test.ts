import { describe, expect, it } from 'vitest'
import { runMatching } from '../../service/matching/index.ts'
import { runPosting } from '../../service/posting/run.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { aTxn, anOrder } from './support.ts'

const accountant = { userId: 1 }

describe('posting from matching results', () => {
  it('posts imported records after matching, links each confirmed match once, and holds orphan money', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await updatePostingSettings(context, accountant, company.id, { autoApprove: { maxTotal: '100000.00' } })
    await insertRecords(db, company.id, {
      orders: [anOrder('1001', '113.00', { paymentRef: 'T1' })],
      settlements: [aTxn('P1', 'payment', '113.00', { orderRef: '1001', tradeNo: 'T1' }), aTxn('C1', 'commission', '-5.65', { orderRef: '1001' }), aTxn('ORPHAN', 'payment', '50.00', { orderRef: '424242' })],
    })
    await runMatching(context, accountant, company.id, { asOf: '2026-10-31' })
    const statuses = await context.db.client.execute('SELECT id, status FROM matches')
    const result = await runPosting(context, accountant, company.id)
    expect(result.vouchers.map((voucher) => [voucher.summary, voucher.total, voucher.status])).toEqual([
      ['天猫店 销售 订单 1001', '113.00', 'posted'],
      ['天猫店 结算 订单 1001', '113.00', 'posted'],
    ])
    expect(result.held.map((item) => [item.source.id, item.reason])).toEqual([['alipay|ORPHAN|payment', 'NOT_MATCHED']])
    const links = await context.db.client.execute("SELECT source_id FROM voucher_sources WHERE source_kind = 'match'")
    expect(links.rows).toHaveLength(1)
    expect(links.rows.map((row) => Number(row.source_id))).toEqual(statuses.rows.filter((row) => row.status === 'confirmed').map((row) => Number(row.id)))
    expect((await runPosting(context, accountant, company.id)).written.vouchers).toBe(0)
  })
})
