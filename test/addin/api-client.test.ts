import { describe, expect, it, vi } from 'vitest'
import { ApiError, createApiClient, normalizeVoucher } from '../../addin/api-client.ts'

function respond(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

function client(handler: (url: string, init: RequestInit | undefined) => Response | Promise<Response>, onUnauthorized = vi.fn()) {
  const calls: { url: string; init: RequestInit | undefined }[] = []
  const api = createApiClient({
    baseUrl: 'http://svc.test/',
    getToken: () => 'tok',
    onUnauthorized,
    fetch: async (input, init) => {
      calls.push({ url: String(input), init })
      return handler(String(input), init)
    },
  })
  return { api, calls, onUnauthorized }
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(() => null, (caught: unknown) => caught)
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`)
  return error
}

describe('API client', () => {
  it('sends the bearer token and reads the trial balance with amounts as strings', async () => {
    const { api, calls } = client(() => respond(200, { rows: [], totals: { debit: '1.10' }, balanced: true }))
    const report = await api.trialBalance('DEMO', '2026-10')
    expect(report.totals.debit).toBe('1.10')
    expect(calls[0]?.url).toBe('http://svc.test/api/v1/companies/DEMO/reports/trial-balance?period=2026-10')
    expect(new Headers(calls[0]?.init?.headers).get('authorization')).toBe('Bearer tok')
  })

  it('turns a missing route into notAvailable, but a missing record into notFound', async () => {
    const missingRoute = client(() => respond(404, { error: { code: 'NOT_FOUND', message: 'no route POST /api/v1/companies/DEMO/match/run' } }))
    expect((await failure(missingRoute.api.runMatch('DEMO', '2026-10'))).kind).toBe('notAvailable')
    const plain404 = client(() => new Response('404 Not Found', { status: 404 }))
    expect((await failure(plain404.api.runMatch('DEMO', '2026-10'))).kind).toBe('notAvailable')
    const missingVoucher = client(() => respond(404, { error: { code: 'NOT_FOUND', message: 'no voucher 9' } }))
    expect((await failure(missingVoucher.api.voucher('DEMO', 9))).kind).toBe('notFound')
  })

  it('reports network failures, 401 (dropping the session), 403 and validation details by field', async () => {
    const down = client(() => { throw new TypeError('Failed to fetch') })
    expect(await failure(down.api.companies())).toMatchObject({ kind: 'network', status: 0 })
    const expired = client(() => respond(401, { error: { code: 'UNAUTHORIZED', message: 'token expired' } }))
    expect((await failure(expired.api.companies())).kind).toBe('unauthorized')
    expect(expired.onUnauthorized).toHaveBeenCalledTimes(1)
    const forbidden = client(() => respond(403, { error: { code: 'FORBIDDEN', message: 'no' } }))
    expect((await failure(forbidden.api.companies())).kind).toBe('forbidden')
    const invalid = client(() => respond(400, { error: { code: 'VALIDATION', message: 'bad', details: { fields: [{ path: 'username', message: 'too short' }] } } }))
    const error = await failure(invalid.api.login('a', 'b'))
    expect(error.fieldErrors()).toEqual({ username: 'too short' })
  })

  it('normalises stored voucher lines into debit and credit columns', () => {
    expect(normalizeVoucher({ id: 3, word: '记', number: 1, date: '2026-10-31', status: 'posted', lines: [
      { lineNo: 1, account: '1002', side: 'debit', amount: '5.00', summary: 's' },
      { lineNo: 2, account: '1122', side: 'credit', amount: '5.00', summary: 's' },
    ] }).lines).toEqual([
      { accountCode: '1002', accountName: undefined, summary: 's', debit: '5.00', credit: '' },
      { accountCode: '1122', accountName: undefined, summary: 's', debit: '', credit: '5.00' },
    ])
  })

  it('runs matching then reads counts, and maps the service exception view', async () => {
    const { api, calls } = client((url) => url.endsWith('/match/run')
      ? respond(200, { run: { matched: 3 } })
      : url.includes('/exceptions/5') ? respond(200, { exception: { id: 5, type: 'MISSING_PAYMENT', status: 'open', orderKey: 'T1', why: 'no money', amount: '10.00', difference: '10.00', store: 'tmall',
        items: [{ kind: 'order', ref: 'T1', role: 'subject', amount: '10.00' }, { kind: 'settlement', ref: 'S9', role: 'candidate', amount: '10.00' }] } })
      : respond(200, { counts: { matches: { confirmed: 3, suggested: 1 }, matchesByRule: {}, exceptions: { open: 2 }, openByType: { MISSING_PAYMENT: 2 } } }))
    expect(await api.runMatch('DEMO', '2026-10')).toEqual({ counts: { confirmed: 3, suggested: 1 }, exceptions: { MISSING_PAYMENT: 2 } })
    expect(calls.map((call) => `${call.init?.method} ${call.url}`)).toEqual([
      'POST http://svc.test/api/v1/companies/DEMO/match/run', 'GET http://svc.test/api/v1/companies/DEMO/match?period=2026-10',
    ])
    const detail = await api.exceptionDetail('DEMO', 5)
    expect(detail.exception).toMatchObject({ id: 5, orderNo: 'T1', message: 'no money' })
    expect(detail.candidates).toEqual([{ id: 'S9', kind: 'settlement', tradeNo: 'S9', amount: '10.00' }])
    await api.manualMatch('DEMO', 'T1', ['S9'], 'by hand')
    expect(JSON.parse(String(calls.at(-1)?.init?.body))).toEqual({ order: 'T1', txns: ['S9'], reason: 'by hand' })
  })

  it('puts order items on the order side and settlement/bank items on the money side, as GET /exceptions/:id returns them', async () => {
    const { api } = client(() => respond(200, { exception: {
      id: 1, type: 'AMOUNT_MISMATCH', status: 'open', orderKey: '3245647275438155660', channel: 'taobao', store: 'tmall-main', date: '2024-03-02', amount: '1328.99', difference: '-12.00',
      why: 'money 131699 vs expected 132899 (minor units)', rule: 'order-key', level: 'order',
      items: [
        { kind: 'settlementTxn', ref: 'alipay|2024030100000000010|payment', role: 'payment', amount: '1316.99' },
        { kind: 'order', ref: 'taobao|3245647275438155660|order', role: 'order', amount: '1328.99' },
        { kind: 'bankTxn', ref: 'bank:ICBC-6222|B77|bankTxn', role: 'bank', amount: '555.00' },
      ],
    } }))
    const detail = await api.exceptionDetail('DEMO', 1)
    expect(detail.order).toEqual({ orderKey: '3245647275438155660', channel: 'taobao', store: 'tmall-main', date: '2024-03-02', amount: '1328.99', difference: '-12.00' })
    expect(detail.orders).toEqual([{ id: 'taobao|3245647275438155660|order', kind: 'order', source: 'taobao', tradeNo: '3245647275438155660', amount: '1328.99' }])
    expect(detail.money).toEqual([
      { id: 'alipay|2024030100000000010|payment', kind: 'payment', source: 'alipay', tradeNo: '2024030100000000010', amount: '1316.99' },
      { id: 'bank:ICBC-6222|B77|bankTxn', kind: 'bank', source: 'bank:ICBC-6222', tradeNo: 'B77', amount: '555.00' },
    ])
    expect(detail.candidates).toEqual([])
  })

  it('reads what a posting preview holds back', async () => {
    const { api } = client(() => respond(200, {
      vouchers: [{ key: 'day:tmall-main:2024-03-02', date: '2024-03-02', store: 'tmall-main', summary: 'day', total: '4512.59', lines: 3, approval: 'auto' }],
      held: [{ source: { kind: 'settlementTxn', id: 'alipay|9|payment' }, store: 'tmall-main', reason: 'NOT_MATCHED', message: 'payment 9 has no order' }],
    }))
    const preview = await api.previewPosting('DEMO', '2024-03')
    expect(preview.vouchers.map((voucher) => [voucher.total, voucher.lineCount, voucher.lines.length])).toEqual([['4512.59', 3, 0]])
    expect(preview.held).toEqual([{ reason: 'NOT_MATCHED', message: 'payment 9 has no order', ref: 'alipay|9|payment' }])
  })

  it('reads posting tolerance, account mappings and matching rules from the company settings, and patches them back', async () => {
    const rule = { id: 'small', when: { differenceMax: '1.00' }, then: { action: 'ignore' } }
    const { api, calls } = client((_url, init) => respond(200, { company: { code: 'DEMO', settings: { posting: { tolerance: '0.01', accounts: { paymentFee: '5603.01' }, granularity: 'day' }, matching: { rules: [rule] }, postOnApprove: true } }, method: init?.method }))
    expect(await api.settings('DEMO')).toEqual({ tolerance: '0.01', mappings: { paymentFee: '5603.01' }, rules: [JSON.stringify(rule)] })
    await api.saveSettings('DEMO', { tolerance: '0.02', mappings: { paymentFee: '5603.01' }, rules: [JSON.stringify(rule)] })
    expect(calls[1]?.init?.method).toBe('PATCH')
    expect(calls[1]?.url).toBe('http://svc.test/api/v1/companies/DEMO/settings')
    expect(JSON.parse(String(calls[1]?.init?.body))).toEqual({ posting: { tolerance: '0.02', accounts: { paymentFee: '5603.01' } }, matching: { rules: [rule] } })
    await expect(api.saveSettings('DEMO', { rules: ['not json'] })).rejects.toMatchObject({ kind: 'validation', details: { fields: [{ path: 'rules' }] } })
  })
})
