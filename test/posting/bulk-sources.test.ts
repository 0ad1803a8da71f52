import { describe, expect, it } from 'vitest'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { ledgerWithCompany } from '../support/db.ts'

/** A bulk write (>= 200 vouchers) relies on the unique index of voucher_sources and still names the duplicate. */
const voucher = (index: number, source: string) => ({
  input: { date: '2026-10-05', summary: `销售 ${index}`, idempotencyKey: `bulk:${index}`, lines: [{ account: '1122', debit: '1.00' }, { account: '5001', credit: '1.00' }] },
  sources: [{ kind: 'order', id: source }],
})

describe('bulk voucher writes and posted sources', () => {
  it('refuses a 250-voucher write whose one source is already on a voucher, names it, and writes none of the 250', async () => {
    const { context, company } = await ledgerWithCompany()
    const first = await writeVouchers(context, { userId: 1 }, company.id, Array.from({ length: 250 }, (_, index) => voucher(index, `taobao|${index}|order`)), { mode: 'post' })
    const second = Array.from({ length: 250 }, (_, index) => voucher(1000 + index, index === 137 ? 'taobao|42|order' : `taobao|${1000 + index}|order`))
    await expect(writeVouchers(context, { userId: 1 }, company.id, second, { mode: 'post' })).rejects.toMatchObject({ code: 'DUPLICATE', message: `source order taobao|42|order is already on voucher id ${first[42]?.id}` })
    const count = await context.db.client.execute({ sql: 'SELECT COUNT(*) AS n FROM vouchers WHERE company_id = ?', args: [company.id] })
    expect(Number(count.rows[0]?.n)).toBe(250)
  })

  it('refuses a 250-voucher write that names one source twice before writing anything', async () => {
    const { context, company } = await ledgerWithCompany()
    const requests = Array.from({ length: 250 }, (_, index) => voucher(index, index === 249 ? 'taobao|0|order' : `taobao|${index}|order`))
    await expect(writeVouchers(context, { userId: 1 }, company.id, requests, { mode: 'post' })).rejects.toMatchObject({ code: 'DUPLICATE', message: 'source order taobao|0|order appears in two vouchers of one request' })
  })
})
