import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { createDemo } from '../../service/demo.ts'
import { createContext } from '../../service/ledger/context.ts'
import { tempDatabase } from '../support/db.ts'
import { call } from '../support/http.ts'

interface Record_ { kind: string; id: number; number: string; amount: string; store: string; voucher?: string }
interface Source { kind: string; id: string; records: Record_[] }

describe('drill-down past 明细账: a voucher\'s source records, and search', () => {
  it('resolves every order, bill line and bank line a voucher was made from; search finds an order, its money and its vouchers', { timeout: 240_000 }, async () => {
    const { db } = await tempDatabase()
    const context = createContext(db)
    await createDemo(context)
    const api = createApp({ context })
    const login = await api.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'auditor', password: 'demo-auditor-2026' }) })
    const token = ((await login.json()) as { token: string }).token

    // Every linked order / settlement txn / bank line of every posted voucher names exactly one record.
    const linked = await db.client.execute("SELECT DISTINCT voucher_id FROM voucher_sources WHERE source_kind IN ('order', 'settlementTxn', 'bankTxn') ORDER BY voucher_id")
    expect(linked.rows.length).toBeGreaterThan(10)
    let checked = 0
    for (const row of linked.rows.slice(0, 40)) {
      const response = await call(api, token, 'GET', `/companies/DEMO/vouchers/${Number(row.voucher_id)}/sources`)
      expect(response.status).toBe(200)
      const { sources } = (await response.json()) as { sources: Source[] }
      for (const source of sources.filter((item) => ['order', 'settlementTxn', 'bankTxn'].includes(item.kind))) {
        expect(source.records.map((record) => record.kind), `${source.kind} ${source.id}`).toEqual([source.kind])
        checked += 1
      }
    }
    expect(checked).toBeGreaterThan(40)

    // An order of a posted day voucher: search by its number finds it, its payment and the voucher.
    const settled = await db.client.execute("SELECT s.voucher_id, o.order_no, o.gross_minor FROM voucher_sources s JOIN orders o ON s.source_id = o.channel || '|' || o.order_no || '|order' WHERE s.source_kind = 'order' AND o.channel = 'jd' LIMIT 1")
    const orderNo = String(settled.rows[0]?.order_no)
    const voucherId = Number(settled.rows[0]?.voucher_id)
    const found = (await (await call(api, token, 'GET', `/companies/DEMO/search?q=${encodeURIComponent(orderNo)}`)).json()) as { orders: Record_[]; settlementTxns: Record_[]; bankTxns: Record_[]; vouchers: Record_[] }
    expect(found.orders.map((order) => order.number)).toEqual([orderNo])
    expect(found.settlementTxns.length).toBeGreaterThan(0)
    expect(found.settlementTxns.every((txn) => txn.number === orderNo)).toBe(true)
    expect(found.vouchers.map((voucher) => voucher.id)).toContain(voucherId)
    expect(found.vouchers.every((voucher) => /^记-\d+$|^#\d+$/.test(voucher.voucher ?? ''))).toBe(true)
    // by amount: the order's gross finds the order
    const gross = (Number(settled.rows[0]?.gross_minor) / 100).toFixed(2)
    const byAmount = (await (await call(api, token, 'GET', `/companies/DEMO/search?q=${gross}`)).json()) as { orders: Record_[] }
    expect(byAmount.orders.map((order) => order.number)).toContain(orderNo)
    expect(byAmount.orders.every((order) => order.amount === gross)).toBe(true)
    // a prefix shorter than 4 characters matches exactly only; nothing is not an error
    expect(((await (await call(api, token, 'GET', '/companies/DEMO/search?q=21')).json()) as { orders: unknown[] }).orders).toEqual([])
    expect((await call(api, token, 'GET', '/companies/DEMO/search?q=')).status).toBe(400)
    // a voucher of another company is not found
    expect((await call(api, token, 'GET', '/companies/DEMO/vouchers/999999/sources')).status).toBe(404)
  })
})
