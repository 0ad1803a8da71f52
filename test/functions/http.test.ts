import { describe, expect, it } from 'vitest'
import type { FetchLike } from '../../addin/functions/batcher.ts'
import { registerCustomFunctions } from '../../addin/functions/register.ts'
import { ledgerSession } from '../../addin/functions/session.ts'
import { createApp } from '../../service/app.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { aSale, aVoucher } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'
import { customFunctionsStub } from './stub.ts'

async function service() {
  const { context, company } = await ledgerWithCompany('ACME')
  await writeVouchers(context, { userId: null }, company.id, [
    { input: aSale('2026-10-05', 'tmall-main').build() },
    { input: aVoucher('2026-10-06').debit('5601.01', '5.00', { store: 'tmall-main' }).credit('1012.01', '5.00', { store: 'tmall-main' }).build() },
    { input: aVoucher('2026-10-08').debit('1012.06', '10.00', { currency: 'USD', rate: '7.1' }).credit('1122', '71.00').build() },
  ], { mode: 'post' })
  const api = createApp({ context })
  return { context, company, api }
}

/** The add-in's fetch, answered in-process by the Hono app. */
function inProcessFetch(api: ReturnType<typeof createApp>): FetchLike {
  return async (url, init) => api.app.request(url, init)
}

describe('POST /api/v1/functions/batch', () => {
  it('evaluates calls for the company named in the query, header or call, each result by id', async () => {
    const { context, company, api } = await service()
    const other = await createCompany(context, SYSTEM, { code: 'OTHER', name: 'OTHER 公司' })
    const token = await signedIn(api, context, company, 'wang.kuaiji', 'accountant')
    await signedIn(api, context, other, 'wang.kuaiji', 'accountant')
    const calls = [{ id: 'ar', fn: 'BALANCE', args: ['1122', '2026-10'] }, { id: 'other', fn: 'BALANCE', args: ['1122', '2026-10'], company: 'OTHER' }, { id: 'bad', fn: 'BALANCE', args: ['1122', 'soon'] }]
    const byQuery = await call(api, token, 'POST', '/functions/batch?company=ACME', { calls })
    expect(byQuery.status).toBe(200)
    const expected = { results: [{ id: 'ar', value: 42 }, { id: 'other', value: 0 }, { id: 'bad', error: '#VALUE!', message: 'period: "soon" is not a period (YYYY-MM, a date or an Excel date)' }] }
    expect(await byQuery.json()).toEqual(expected)
    const byHeader = await call(api, token, 'POST', '/functions/batch', { calls }, { 'x-company': 'ACME' })
    expect(await byHeader.json()).toEqual(expected)
    const ambiguous = await call(api, token, 'POST', '/functions/batch', { calls: [calls[0]] })
    expect(await ambiguous.json()).toEqual({ results: [{ id: 'ar', error: '#VALUE!', message: 'no company: pass company=CODE' }] })
  })

  it('refuses callers without a token and malformed bodies in the error contract', async () => {
    const { context, company, api } = await service()
    const token = await signedIn(api, context, company, 'wang.kuaiji', 'accountant')
    const anonymous = await call(api, null, 'POST', '/functions/batch', { calls: [] })
    expect(anonymous.status).toBe(401)
    const malformed = await call(api, token, 'POST', '/functions/batch', { calls: [{ id: 'x', fn: 'BALANCE', args: [{ nested: true }] }] })
    expect(malformed.status).toBe(400)
    expect(await malformed.json()).toMatchObject({ error: { code: 'VALIDATION' } })
  })

  it('answers every LEDGER function through CustomFunctions, the batcher and the real service', async () => {
    const { context, company, api } = await service()
    const token = await signedIn(api, context, company, 'wang.kuaiji', 'accountant')
    const stub = customFunctionsStub()
    registerCustomFunctions({ api: stub.api, fetch: inProcessFetch(api), batcher: { windowMs: 5 } })
    ledgerSession.update({ serviceUrl: 'http://ledger.test', token, company: 'ACME' })
    const cells = await Promise.all([
      stub.invoke('BALANCE', '1122', '2026-10', null, null),
      stub.invoke('BALANCE', '1012.06', '2026-10', null, 'USD'),
      stub.invoke('ACTIVITY', '5601*', '2026-10', null, 'tmall-main'),
      stub.invoke('DEBITS', '1122', '2026-10', '2026-12', null),
      stub.invoke('CREDITS', 1122, 46296, null, null),
      stub.invoke('TB', '2026-10', 'tmall-main'),
      stub.invoke('ACCOUNTNAME', '5601.01'),
      stub.invoke('ACCOUNTNAME', '9999'),
      stub.invoke('BALANCE', 'cash', null, null, null),
      stub.invoke('MATCHRATE', 'tmall-main', '2026-10'),
      stub.invoke('UNMATCHED', 'tmall-main', '2026-10', null),
      stub.invoke('ORDER', 'T2026100500001', 'total'),
      stub.invoke('FX', 'USD', '2026-10-08'),
    ])
    expect(cells.slice(0, 9)).toEqual([
      42, 10, 5, 113, 71,
      [['code', 'name', 'debit', 'credit'], ['1012', '其他货币资金', 0, 5], ['1012.01', '支付宝', 0, 5], ['1122', '应收账款', 113, 0], ['2221', '应交税费', 0, 13], ['2221.01', '应交增值税', 0, 13], ['2221.01.02', '销项税额', 0, 13], ['5001', '主营业务收入', 0, 100], ['5601', '销售费用', 5, 0], ['5601.01', '平台佣金', 5, 0]],
      '平台佣金',
      { error: '#N/A', message: 'unknown account 9999' },
      { error: '#VALUE!', message: 'account "cash" is not an account code like "1122" or a prefix like "5601*"' },
    ])
    expect(cells.slice(9)).toEqual([
      { error: '#N/A', message: 'nothing matched or open for store tmall-main in 2026-10' },
      0,
      { error: '#N/A', message: 'no order T2026100500001' },
      { error: '#N/A', message: 'no USD rate on or before 2026-10-08' },
    ])
  })
})
