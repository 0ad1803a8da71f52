import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { insertRecords } from '../matching/support.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'
import { aTxn, anOrder } from './support.ts'

describe('posting API', () => {
  it('previews for an auditor, runs for an accountant, refuses a run by an auditor, and a rerun writes nothing', async () => {
    const { context, company, db } = await ledgerWithCompany()
    await context.db.client.execute({ sql: "INSERT INTO stores (company_id, code, name, channel, vat_rate) VALUES (?, 'tmall', '天猫店', 'taobao', 'GENERAL_13')", args: [company.id] })
    await insertRecords(db, company.id, { orders: [anOrder('1001', '113.00')], settlements: [aTxn('P1', 'payment', '113.00', { orderRef: '1001' })] })
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    const auditor = await signedIn(api, context, company, 'zhao.shenji', 'auditor')
    const preview = await call(api, auditor, 'POST', `/companies/${company.code}/posting/preview`, { period: '2026-10' })
    expect(preview.status).toBe(200)
    const planned = ((await preview.json()) as { vouchers: Array<{ key: string; total: string; lines: number; entries?: Array<{ account: string; store?: string; debit?: string; credit?: string }> }> }).vouchers
    expect(planned).toMatchObject([{ key: 'sale:taobao|1001|order', total: '113.00' }, { key: 'settle:alipay|P1|payment', total: '113.00' }])
    // The preview carries each voucher's lines (the task pane shows 借/贷 before anything is written): as many as counted, balanced, with the store.
    for (const voucher of planned) {
      expect(voucher.entries).toHaveLength(voucher.lines)
      const cents = (side: 'debit' | 'credit') => (voucher.entries ?? []).reduce((sum, line) => sum + BigInt((line[side] ?? '0').replace('.', '')), 0n)
      expect(cents('debit')).toBe(11300n)
      expect(cents('credit')).toBe(11300n)
      expect(voucher.entries?.every((line) => line.store === 'tmall')).toBe(true)
    }
    expect(planned[0]?.entries?.map((line) => line.account)).toContain('1122')
    expect((await call(api, auditor, 'POST', `/companies/${company.code}/posting/run`, {})).status).toBe(403)
    const run = await call(api, accountant, 'POST', `/companies/${company.code}/posting/run`, { granularity: 'day' })
    expect(run.status).toBe(201)
    const ran = (await run.json()) as { written: { vouchers: number; drafts: number }; vouchers: Array<{ entries?: unknown }> }
    expect(ran.written).toMatchObject({ vouchers: 2, drafts: 2 })
    expect(ran.vouchers.every((voucher) => voucher.entries === undefined)).toBe(true)
    const again = await call(api, accountant, 'POST', `/companies/${company.code}/posting/run`, { granularity: 'day' })
    expect(again.status).toBe(200)
    expect(((await again.json()) as { written: { vouchers: number } }).written.vouchers).toBe(0)
  })
})
