import { describe, expect, it, vi } from 'vitest'
import { ApiError, type ImportProgress, type UploadTransport, createApiClient, readServerEvents, voucherOf } from '../../addin/api-client.ts'

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

  it('shows stored voucher lines (one side, one amount) in debit and credit columns', () => {
    const line = { store: '', currency: 'CNY', original: '5.00', rate: null, summary: 's' }
    expect(voucherOf({
      id: 3, companyId: 1, period: '2026-10', word: '记', number: 1, date: '2026-10-31', status: 'posted', summary: 's', total: '5.00', makerId: 1, approverId: 2, posterId: 2,
      reversalOf: null, reversedBy: null, idempotencyKey: null, sourceKind: 'manual', attachments: 0,
      lines: [{ ...line, lineNo: 1, account: '1002', side: 'debit', amount: '5.00' }, { ...line, lineNo: 2, account: '1122', side: 'credit', amount: '5.00' }],
    }).lines).toEqual([
      { accountCode: '1002', accountName: undefined, summary: 's', debit: '5.00', credit: '' },
      { accountCode: '1122', accountName: undefined, summary: 's', debit: '', credit: '5.00' },
    ])
  })

  it('runs matching then reads counts, and maps the service exception view', async () => {
    const { api, calls } = client((url) => url.endsWith('/match/run')
      ? respond(200, { run: { matched: 3 } })
      : url.includes('/exceptions/5') ? respond(200, { exception: { id: 5, type: 'MISSING_PAYMENT', status: 'open', orderKey: 'T1', why: 'no money', amount: '10.00', difference: '10.00', store: 'tmall',
        items: [{ kind: 'order', ref: 'T1', role: 'order', amount: '10.00' }],
        candidates: [{ kind: 'settlementTxn', ref: 'S9', role: 'payment', orderNo: null, orderRef: 'T1', channel: 'alipay', store: 'tmall', date: '2026-10-03', amount: '10.00', fits: ['key', 'amount'], off: '0.00', days: 1 }] } })
      : respond(200, { counts: { matches: { confirmed: 3, suggested: 1 }, matchesByRule: {}, exceptions: { open: 2 }, openByType: { MISSING_PAYMENT: 2 } } }))
    expect(await api.runMatch('DEMO', '2026-10')).toEqual({ counts: { confirmed: 3, suggested: 1 }, exceptions: { MISSING_PAYMENT: 2 } })
    expect(calls.map((call) => `${call.init?.method} ${call.url}`)).toEqual([
      'POST http://svc.test/api/v1/companies/DEMO/match/run', 'GET http://svc.test/api/v1/companies/DEMO/match?period=2026-10',
    ])
    const detail = await api.exceptionDetail('DEMO', 5)
    expect(detail.exception).toMatchObject({ id: 5, orderNo: 'T1', message: 'no money' })
    expect(detail.candidates).toEqual([{ id: 'S9', kind: 'payment', source: 'alipay', tradeNo: 'S9', date: '2026-10-03', amount: '10.00' }])
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
      candidates: [],
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

  it('maps the ranked candidates the service returns: txns for an order, orders for money without one', async () => {
    const { api } = client(() => respond(200, { exception: {
      id: 2, type: 'MISSING_PAYMENT', status: 'open', orderKey: 'T7', channel: 'taobao', store: 'tmall-main', date: '2024-03-01', amount: '50.00', difference: '50.00', items: [],
      candidates: [
        { kind: 'settlementTxn', ref: 'alipay|2024030122|payment', role: 'payment', orderNo: null, orderRef: 'T7X', channel: 'alipay', store: 'tmall-main', date: '2024-03-03', amount: '50.00', fits: ['amount'], off: '0.00', days: 1 },
        { kind: 'order', ref: 'taobao|T8|order', role: 'order', orderNo: 'T8', orderRef: null, channel: 'taobao', store: 'tmall-main', date: '2024-03-02', amount: '50.00', fits: ['amount'], off: '0.00', days: 0 },
      ],
    } }))
    const detail = await api.exceptionDetail('DEMO', 2)
    expect(detail.candidates).toEqual([
      { id: 'alipay|2024030122|payment', kind: 'payment', source: 'alipay', tradeNo: '2024030122', date: '2024-03-03', amount: '50.00' },
      { id: 'taobao|T8|order', kind: 'order', source: 'taobao', tradeNo: 'T8', date: '2024-03-02', amount: '50.00', orderNo: 'T8' },
    ])
  })

  it('reads what a posting preview holds back', async () => {
    const { api } = client(() => respond(200, {
      vouchers: [{ key: 'day:tmall-main:2024-03-02', date: '2024-03-02', store: 'tmall-main', summary: 'day', total: '4512.59', lines: 3, approval: 'auto' }],
      held: [{ source: { kind: 'settlementTxn', id: 'alipay|9|payment' }, store: 'tmall-main', reason: 'NOT_MATCHED', message: 'payment 9 has no order' }],
    }))
    const preview = await api.previewPosting('DEMO', '2024-03')
    expect(preview.vouchers.map((voucher) => [voucher.total, voucher.lineCount, voucher.lines.length])).toEqual([['4512.59', 3, 0]])
    // the store now comes along (the pane names it in zh-CN, where the English message is not shown)
    expect(preview.held).toEqual([{ reason: 'NOT_MATCHED', message: 'payment 9 has no order', ref: 'alipay|9|payment', store: 'tmall-main' }])
  })

  it('reads a preview\'s voucher lines (entries) and what it holds back', async () => {
    const { api } = client(() => respond(200, {
      vouchers: [{ key: 'k', date: '2024-03-02', store: 'tmall-main', summary: 'day', total: '113.00', lines: 2, approval: 'draft', entries: [
        { account: '1012.01', store: 'tmall-main', debit: '113.00', summary: '回款' }, { account: '1122', store: 'tmall-main', credit: '113.00' }] }],
      held: [{ source: { kind: 'settlementTxn', id: 'alipay|9|payment' }, store: 'tmall-main', reason: 'NOT_MATCHED', message: 'payment 9 has no order' }],
    }))
    const preview = await api.previewPosting('DEMO', '2024-03')
    expect(preview.vouchers[0]?.approval).toBe('draft')
    expect(preview.vouchers[0]?.lines).toEqual([
      { accountCode: '1012.01', accountName: undefined, store: 'tmall-main', summary: '回款', debit: '113.00', credit: '' },
      { accountCode: '1122', accountName: undefined, store: 'tmall-main', summary: undefined, debit: '', credit: '113.00' },
    ])
    expect(preview.held?.[0]).toEqual({ reason: 'NOT_MATCHED', message: 'payment 9 has no order', ref: 'alipay|9|payment', store: 'tmall-main' })
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

  describe('imports with progress', () => {
    const encoder = new TextEncoder()

    /** A text/event-stream body that arrives in the given pieces (cut anywhere, like TCP does). */
    function eventStream(pieces: readonly string[], options: { breakOff?: boolean } = {}): Response {
      let index = 0
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const piece = pieces[index]
          index += 1
          if (piece !== undefined) controller.enqueue(encoder.encode(piece))
          else if (options.breakOff) controller.error(new TypeError('network error'))
          else controller.close()
        },
      })
      return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
    }

    const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`
    const parse = (percent: number | null, rows: number) => ({ phase: 'parse', file: 'a.csv', fileIndex: 1, files: 1, bytes: percent, totalBytes: 100, rows, records: rows, rejects: 0, percent })
    const summary = { id: 4, fileName: 'a.csv', format: 'alipay-merchant-account', read: 2, imported: 2, duplicates: 0, rejected: 0 }
    const files = [new File(['x'], 'a.csv')]

    it('parses server events cut at any byte, with CRLF, comments and multi-line data', async () => {
      const text = ': keep-alive\r\n\r\nevent: progress\r\ndata: {"a":\r\ndata: 1}\r\n\r\nevent: done\ndata: "中文"\n\n'
      const bytes = encoder.encode(text)
      for (const cut of [1, 3, 7, bytes.length]) {
        const pieces: Uint8Array[] = []
        for (let at = 0; at < bytes.length; at += cut) pieces.push(bytes.subarray(at, at + cut))
        const seen: Array<[string, string]> = []
        await readServerEvents(new ReadableStream({ start(controller) { for (const piece of pieces) controller.enqueue(piece); controller.close() } }), (each) => seen.push([each.event, each.data]))
        expect(seen).toEqual([['progress', '{"a":\n1}'], ['done', '"中文"']])
      }
    })

    it('streams progress from the POST itself and returns the done body', async () => {
      const { api, calls } = client(() => eventStream([
        event('job', { job: 'j1', status: 'running', location: '/api/v1/companies/DEMO/imports/jobs/j1' }),
        event('progress', { phase: 'upload', file: null, fileIndex: 0, files: 1, bytes: 100, totalBytes: 100, rows: 0, records: 0, rejects: 0, percent: 0 }).slice(0, 30),
        event('progress', { phase: 'upload', file: null, fileIndex: 0, files: 1, bytes: 100, totalBytes: 100, rows: 0, records: 0, rejects: 0, percent: 0 }).slice(30) + event('progress', parse(40, 1)),
        event('progress', parse(null, 2)),
        event('done', { imports: [summary] }),
      ]))
      const seen: ImportProgress[] = []
      expect(await api.uploadImport('DEMO', files, { store: 'tmall', onProgress: (progress) => seen.push(progress) })).toEqual([summary])
      expect(seen.map((progress) => [progress.phase, progress.percent, progress.rows])).toEqual([['upload', null, 0], ['upload', 0, 0], ['parse', 40, 1], ['parse', null, 2]])
      const headers = new Headers(calls[0]?.init?.headers)
      expect([calls[0]?.init?.method, calls[0]?.url, headers.get('accept'), headers.get('authorization')]).toEqual(['POST', 'http://svc.test/api/v1/companies/DEMO/imports', 'text/event-stream', 'Bearer tok'])
      expect((calls[0]?.init?.body as FormData).get('store')).toBe('tmall')
    })

    it('throws the error event as the ApiError a plain response would give', async () => {
      const { api } = client(() => eventStream([event('job', { job: 'j1', location: '/x' }), event('error', { error: { code: 'UNSUPPORTED_FORMAT', message: 'a.csv: no known header' }, status: 415, imports: [] })]))
      expect(await failure(api.uploadImport('DEMO', files, {}))).toMatchObject({ kind: 'validation', status: 415, code: 'UNSUPPORTED_FORMAT', message: 'a.csv: no known header' })
    })

    it('reads a plain JSON answer (a service without the stream) and plain errors like 413', async () => {
      const plain = client(() => respond(201, { imports: [summary] }))
      expect(await plain.api.uploadImport('DEMO', files, {})).toEqual([summary])
      const tooBig = client(() => respond(413, { error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' } }))
      expect(await failure(tooBig.api.uploadImport('DEMO', files, {}))).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
    })

    it('polls the job when the stream breaks off after it started', async () => {
      const polls = [
        { job: 'j1', status: 'running', progress: parse(70, 7), imports: [] },
        { job: 'j1', status: 'done', progress: parse(99, 9), imports: [summary] },
      ]
      const calls: string[] = []
      const api = createApiClient({
        baseUrl: 'http://svc.test', getToken: () => 'tok', pollIntervalMs: 1,
        fetch: async (input, init) => {
          calls.push(`${init?.method ?? 'GET'} ${String(input)}`)
          if (init?.method === 'POST') return eventStream([event('job', { job: 'j1', status: 'running', location: '/api/v1/companies/DEMO/imports/jobs/j1' }), event('progress', parse(10, 1))], { breakOff: true })
          return respond(200, polls.shift())
        },
      })
      const seen: ImportProgress[] = []
      expect(await api.uploadImport('DEMO', files, { onProgress: (progress) => seen.push(progress) })).toEqual([summary])
      expect(seen.map((progress) => progress.percent)).toEqual([null, 10, 70])
      expect(calls).toEqual(['POST http://svc.test/api/v1/companies/DEMO/imports', 'GET http://svc.test/api/v1/companies/DEMO/imports/jobs/j1', 'GET http://svc.test/api/v1/companies/DEMO/imports/jobs/j1'])
    })

    it('falls back to the upload transport (XHR, upload progress) where the page has no streams', async () => {
      const upload = vi.fn<UploadTransport>(async (request) => {
        request.onProgress?.({ loaded: 30, total: 120 })
        return respond(201, { imports: [summary] })
      })
      const api = createApiClient({ baseUrl: 'http://svc.test', getToken: () => 'tok', upload, streamImports: false, fetch: async () => respond(500, {}) })
      const seen: ImportProgress[] = []
      expect(await api.uploadImport('DEMO', files, { onProgress: (progress) => seen.push(progress) })).toEqual([summary])
      expect(seen).toEqual([{ phase: 'upload', percent: 25, file: null, fileIndex: 0, files: 1, rows: 0, records: 0, rejects: 0 }])
      expect(upload.mock.calls[0]?.[0].url).toBe('http://svc.test/api/v1/companies/DEMO/imports')
    })
  })

  it('speaks the month-end routes: close check, close (forced with a reason), reopen, reports, resolve with an account, function batch, imported periods', async () => {
    const { api, calls } = client((url) => {
      if (url.endsWith('/close-check')) return respond(200, { period: '2026-10', ready: false, blockers: [{ kind: 'drafts', count: 2, message: { zh: '2 张凭证未记账', en: '2 vouchers not posted' }, items: [1, 2] }] })
      if (url.endsWith('/close')) return respond(200, { period: '2026-10', closingVoucher: 57, alreadyClosed: false })
      if (url.includes('/reports/')) return respond(200, { report: 'income-statement', title: '利润表', period: '2026-10', currency: 'CNY', columns: [], rows: [], checks: [], balanced: true, notes: [] })
      if (url.endsWith('/functions/batch')) return respond(200, { results: [{ id: 'A1', value: 113 }] })
      if (url.includes('/orders?')) return respond(200, { orders: [] })
      if (url.includes('/txns?')) return respond(200, { txns: [{ occurredAt: '2024-03-02T10:00:00+08:00' }] })
      return respond(200, { status: 'resolved', account: '5601.02' })
    })
    expect(await api.closeCheck('DEMO', '2026-10')).toEqual({ period: '2026-10', ready: false, blockers: [{ kind: 'drafts', count: 2, message: { zh: '2 张凭证未记账', en: '2 vouchers not posted' }, items: [1, 2] }] })
    expect(await api.closePeriod('DEMO', '2026-10', { force: true, reason: '对方已确认' })).toEqual({ period: '2026-10', closingVoucher: 57, alreadyClosed: false })
    await api.closePeriod('DEMO', '2026-10')
    await api.reopenPeriod('DEMO', '2026-10', '补记发票')
    expect((await api.report('DEMO', 'income-statement', '2026-10')).title).toBe('利润表')
    await api.actOnException('DEMO', 41, 'resolve', '平台优惠', { account: '5601.02' })
    expect(await api.evaluateFunctions('DEMO', [{ id: 'A1', fn: 'BALANCE', args: ['1122', '2026-10'] }])).toEqual([{ id: 'A1', value: 113 }])
    expect(await api.importedPeriods('DEMO', [7])).toEqual(['2024-03'])
    const sent = calls.map((call) => [call.init?.method, call.url.replace('http://svc.test/api/v1', ''), call.init?.body === undefined ? undefined : JSON.parse(String(call.init.body))])
    expect(sent).toEqual([
      ['GET', '/companies/DEMO/periods/2026-10/close-check', undefined],
      ['POST', '/companies/DEMO/periods/2026-10/close', { force: true, reason: '对方已确认' }],
      ['POST', '/companies/DEMO/periods/2026-10/close', {}],
      ['POST', '/companies/DEMO/periods/2026-10/reopen', { reason: '补记发票' }],
      ['GET', '/companies/DEMO/reports/income-statement?period=2026-10', undefined],
      ['POST', '/companies/DEMO/exceptions/41/resolve', { reason: '平台优惠', account: '5601.02' }],
      ['POST', '/functions/batch', { company: 'DEMO', calls: [{ id: 'A1', fn: 'BALANCE', args: ['1122', '2026-10'] }] }],
      ['GET', '/companies/DEMO/orders?batchId=7&limit=1', undefined],
      ['GET', '/companies/DEMO/txns?batchId=7&limit=1', undefined],
    ])
  })
})
