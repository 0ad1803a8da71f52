import { createApp } from '../../service/app.ts'
import { createDemo } from '../../service/demo.ts'
import type { RouteSpec } from '../../service/routes/kit.ts'
import { aSale } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'

/**
 * One happy-path walk through the whole HTTP API on the demo company (a real
 * libSQL file): every route is called at least once, by spec path, and each
 * answer is recorded with the spec it belongs to, so the contract test can
 * parse it with that route's shared response schema.
 */
export interface Recorded {
  readonly key: string
  readonly status: number
  readonly contentType: string
  readonly body: unknown
}

/** One event of an import's event stream. */
export interface StreamEvent {
  readonly event: string
  readonly data: unknown
}

export interface Walk {
  readonly routes: ReadonlyArray<RouteSpec>
  readonly recorded: ReadonlyArray<Recorded>
  /** events of streamed imports (Accept: text/event-stream) */
  readonly events: ReadonlyArray<StreamEvent>
  /** refused requests: what the error body looks like, with the status */
  readonly errors: ReadonlyArray<{ readonly what: string; readonly status: number; readonly body: unknown }>
}

export const routeKey = (spec: Pick<RouteSpec, 'method' | 'path'>): string => `${spec.method.toUpperCase()} ${spec.path}`

const INVOICE_HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注'
const TAX_ID = '91330106MA2H7K5X3Q'

type Json = Record<string, unknown>

export async function walkApi(recorded: Recorded[] = []): Promise<Walk> {
  const { context } = await ledgerWithCompany('SPARE')
  await createDemo(context)
  const api = createApp({ context })
  const routes = api.routes

  /** Calls the route `spec` ("GET /companies/:company/...") with its params filled in; fails on a non-2xx answer. */
  async function hit(token: string | null, spec: string, params: Record<string, string | number> = {}, body?: unknown, options: { query?: string; headers?: Record<string, string>; form?: FormData } = {}): Promise<Json> {
    const [method = '', template = ''] = spec.split(' ')
    if (!routes.some((route) => routeKey(route) === spec)) throw new Error(`no route spec ${spec}`)
    const path = template.replace(/:(\w+)/g, (_, name: string) => {
      const value = params[name]
      if (value === undefined) throw new Error(`${spec}: no value for :${name}`)
      return encodeURIComponent(String(value))
    })
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined || options.form ? {} : { 'content-type': 'application/json' }), ...options.headers }
    const response = await api.app.request(`/api/v1${path}${options.query ? `?${options.query}` : ''}`, { method, headers, ...(options.form ? { body: options.form } : body === undefined ? {} : { body: JSON.stringify(body) }) })
    const contentType = response.headers.get('content-type') ?? ''
    const text = await response.text()
    const parsed: unknown = contentType.includes('json') ? JSON.parse(text) : text
    if (response.status >= 300) throw new Error(`${spec} ${path}: ${response.status} ${text.slice(0, 500)}`)
    recorded.push({ key: spec, status: response.status, contentType, body: parsed })
    return (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Json
  }
  const list = (body: Json, key: string): Json[] => (Array.isArray(body[key]) ? body[key] : []) as Json[]

  await hit(null, 'GET /health')
  const login = async (username: string, password: string) => String((await hit(null, 'POST /auth/login', {}, { username, password })).token)
  const admin = await login('admin', 'demo-admin-2026')
  const approver = await login('approver', 'demo-approver-2026')
  const accountant = await login('accountant', 'demo-accountant-2026')
  const D = { company: 'DEMO' }

  // auth self-service
  await hit(admin, 'GET /auth/me')
  await hit(admin, 'GET /auth/tokens', {}, undefined, { query: 'all=1' })
  const minted = await hit(admin, 'POST /auth/tokens', {}, { name: 'script', days: 7, password: 'demo-admin-2026' })
  await hit(admin, 'DELETE /auth/tokens/:id', { id: Number(minted.id) })

  // companies, users, invitations
  await hit(admin, 'GET /companies')
  await hit(admin, 'POST /companies', {}, { code: 'SECOND', name: '第二账套有限公司' })
  const S = { company: 'SECOND' }
  await hit(admin, 'GET /companies/:company', D)
  await hit(admin, 'PATCH /companies/:company/settings', D, { closing: { vatMonthEnd: true } })
  await hit(admin, 'GET /companies/:company/accounts', D)
  await hit(admin, 'GET /companies/:company/periods', D)
  await hit(admin, 'GET /companies/:company/periods/:period/close-check', { ...D, period: '2026-10' })
  await hit(admin, 'POST /companies/:company/users', D, { username: 'guest', password: 'guest-password-2026-long', role: 'sales' })
  await hit(admin, 'POST /companies/:company/users', D, { username: 'guest', role: 'auditor' })
  await hit(admin, 'POST /companies/:company/users', D, { username: 'stranger', role: 'sales' })
  await hit(admin, 'GET /companies/:company/users', D)
  await hit(admin, 'POST /companies/:company/users/:username/disable', { ...D, username: 'sales' })
  await hit(admin, 'POST /companies/:company/users/:username/enable', { ...D, username: 'sales' })
  await hit(admin, 'POST /companies/:company/users/:username/unlock', { ...D, username: 'sales' })
  await hit(admin, 'POST /companies/:company/invitations', S, { username: 'guest', role: 'approver' })
  const withdrawn = await hit(admin, 'POST /companies/:company/invitations', S, { username: 'nobody-yet', role: 'sales' })
  await hit(admin, 'GET /companies/:company/invitations', S)
  await hit(admin, 'DELETE /companies/:company/invitations/:id', { ...S, id: Number((withdrawn.invitation as Json).id) })
  await hit(admin, 'POST /companies/:company/invitations', { company: 'SECOND' }, { username: 'accountant', role: 'auditor' })
  const guest = await login('guest', 'guest-password-2026-long')
  const invitations = list(await hit(guest, 'GET /auth/invitations'), 'invitations')
  await hit(guest, 'POST /auth/invitations/:id/accept', { id: Number(invitations[0]?.id) })
  const forAccountant = list(await hit(accountant, 'GET /auth/invitations'), 'invitations')
  await hit(accountant, 'POST /auth/invitations/:id/decline', { id: Number(forAccountant[0]?.id) })

  // vouchers in SECOND: approved without posting, so every step of the life cycle can be walked
  await hit(admin, 'PATCH /companies/:company/settings', S, { postOnApprove: false })
  await hit(admin, 'POST /companies/:company/users', S, { username: 'second.approver', password: 'second-approver-2026-long', role: 'approver' })
  const secondApprover = await login('second.approver', 'second-approver-2026-long')
  const one = (await hit(admin, 'POST /companies/:company/vouchers', S, aSale().build(), { headers: { 'idempotency-key': 'contract-1' } })).voucher as Json
  const many = list(await hit(admin, 'POST /companies/:company/vouchers', S, [aSale('2026-10-06').build()]), 'vouchers')
  const V = { ...S, id: Number(one.id) }
  await hit(secondApprover, 'POST /companies/:company/vouchers/:id/approve', V)
  await hit(secondApprover, 'POST /companies/:company/vouchers/:id/unapprove', V, { reason: '摘要有误' })
  await hit(secondApprover, 'POST /companies/:company/vouchers/:id/approve', V)
  await hit(admin, 'POST /companies/:company/vouchers/:id/post', V)
  await hit(admin, 'GET /companies/:company/vouchers', S, undefined, { query: 'period=2026-10' })
  await hit(admin, 'GET /companies/:company/vouchers/:id', V)
  await hit(admin, 'POST /companies/:company/vouchers/:id/reverse', V, { date: '2026-10-20' })
  await hit(admin, 'DELETE /companies/:company/vouchers/:id', { ...S, id: Number(many[0]?.id) })
  await hit(admin, 'POST /companies/:company/periods/:period/close', { ...S, period: '2026-09' }, {})
  await hit(admin, 'POST /companies/:company/periods/:period/reopen', { ...S, period: '2026-09' }, { reason: '补记凭证' })

  // stores, suppliers, profiles
  await hit(admin, 'GET /companies/:company/stores', D)
  await hit(admin, 'POST /companies/:company/stores', D, { code: 'pdd-1', channel: 'pdd', name: '拼多多店' })
  await hit(admin, 'GET /companies/:company/stores/:store', { ...D, store: 'pdd-1' })
  await hit(admin, 'PATCH /companies/:company/stores/:store', { ...D, store: 'pdd-1' }, { name: '拼多多旗舰店', bankAccount: null })
  await hit(admin, 'GET /companies/:company/suppliers', D)
  await hit(admin, 'POST /companies/:company/suppliers', D, { code: 'acme-paper', name: '纸箱供应商' })
  await hit(admin, 'GET /companies/:company/suppliers/balances', D, undefined, { query: 'period=2026-10' })
  await hit(admin, 'PUT /companies/:company/import-profiles/:name', { ...D, name: 'my-bank' }, { record: 'bankTxn', currency: 'CNY', columns: { occurredAt: '交易日期', amount: '金额', externalId: '流水号' } })
  await hit(admin, 'GET /companies/:company/import-profiles', D)

  // imports: wait, async (job) and the reads
  const invoiceCsv = [
    INVOICE_HEADER,
    `24330000000000000001,${TAX_ID},杭州某某电子商务有限公司,,个人,2026-10-10,100.00,13%,13.00,113.00,正常,否,,`,
    `24330000000000000002,91110000MA00000001,某某网络科技有限公司,${TAX_ID},杭州某某电子商务有限公司,2026-10-12,50.00,6%,3.00,53.00,正常,否,,技术服务费`,
    '24330000000000000003,not-enough-columns',
  ].join('\n')
  const form = () => {
    const data = new FormData()
    data.append('file', new Blob([Buffer.from(`${invoiceCsv}\n`)]), 'fp.csv')
    return data
  }
  const imported = list(await hit(admin, 'POST /companies/:company/imports', D, undefined, { form: form() }), 'imports')
  const job = await hit(admin, 'POST /companies/:company/imports', D, undefined, { form: form(), query: 'async=1' })
  for (let tries = 0; tries < 100; tries++) {
    const state = await hit(admin, 'GET /companies/:company/imports/jobs/:job', { ...D, job: String(job.job) })
    if (state.status !== 'running' && state.status !== 'queued') break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const batches = list(await hit(admin, 'GET /companies/:company/imports', D), 'imports')
  const batchId = Number(imported[0]?.id ?? batches[0]?.id)
  await hit(admin, 'GET /companies/:company/imports/:id', { ...D, id: batchId })
  await hit(admin, 'GET /companies/:company/imports/:id/rejects', { ...D, id: batchId })
  await hit(admin, 'GET /companies/:company/orders', D, undefined, { query: 'period=2026-10&limit=3' })
  await hit(admin, 'GET /companies/:company/order-lines', D, undefined, { query: 'limit=3' })
  await hit(admin, 'GET /companies/:company/txns', D, undefined, { query: 'limit=3' })
  await hit(admin, 'GET /companies/:company/bank-txns', D, undefined, { query: 'limit=3' })

  // invoices
  await hit(admin, 'PUT /companies/:company/invoice-settings', D, { taxId: TAX_ID, inputVatOn: 'receipt' })
  await hit(admin, 'POST /companies/:company/invoices/match', D, {})
  await hit(admin, 'GET /companies/:company/invoices', D, undefined, { query: 'direction=output' })
  await hit(admin, 'POST /companies/:company/invoices/:invoiceNo/attachments', { ...D, invoiceNo: '24330000000000000001' }, { fileName: 'a.pdf', contentBase64: Buffer.from('%PDF-1.7 x').toString('base64') })
  await hit(admin, 'GET /companies/:company/invoices/:invoiceNo', { ...D, invoiceNo: '24330000000000000001' })
  await hit(admin, 'POST /companies/:company/invoice-requests', D, { channel: 'taobao', orderNo: 'T-1', title: '某某公司', buyerTaxId: TAX_ID })
  const invoiceExceptions = list(await hit(admin, 'GET /companies/:company/invoice-exceptions', D, undefined, { query: 'status=open' }), 'exceptions')
  await hit(admin, 'POST /companies/:company/invoice-exceptions/:id/resolve', { ...D, id: Number(invoiceExceptions[0]?.id) }, { reason: '已核对' })
  await hit(admin, 'POST /companies/:company/invoice-exceptions/:id/ignore', { ...D, id: Number(invoiceExceptions[1]?.id ?? invoiceExceptions[0]?.id) }, { reason: '无需处理' })
  await hit(admin, 'GET /companies/:company/invoices-input-status', D, undefined, { query: 'period=2026-10' })
  await hit(admin, 'GET /companies/:company/invoice-fees', D, undefined, { query: 'period=2026-10' })

  // matching and exceptions
  await hit(accountant, 'POST /companies/:company/match/run', D, {})
  await hit(accountant, 'GET /companies/:company/match', D, undefined, { query: 'period=2026-10' })
  const matches = list(await hit(accountant, 'GET /companies/:company/match/matches', D, undefined, { query: 'limit=5' }), 'matches')
  await hit(accountant, 'GET /companies/:company/match/summary', D, undefined, { query: 'period=2026-10' })
  await hit(accountant, 'GET /companies/:company/reconcile', D, undefined, { query: 'period=2026-10' })
  const exceptions = list(await hit(accountant, 'GET /companies/:company/exceptions', D, undefined, { query: 'status=open' }), 'exceptions')
  for (const exception of exceptions) await hit(accountant, 'GET /companies/:company/exceptions/:id', { ...D, id: Number(exception.id) })
  const ofType = (type: string) => exceptions.find((exception) => exception.type === type && exception.status === 'open')
  const approval = ofType('NEEDS_APPROVAL')
  await hit(approver, 'POST /companies/:company/exceptions/:id/approve', { ...D, id: Number(approval?.id) }, { reason: '核对退款单' })
  await hit(accountant, 'POST /companies/:company/exceptions/:id/resolve', { ...D, id: Number(ofType('AMOUNT_MISMATCH')?.id) }, { reason: '平台少结算' })
  await hit(accountant, 'POST /companies/:company/exceptions/:id/ignore', { ...D, id: Number(ofType('ORPHAN_PAYMENT')?.id ?? ofType('REFUND_WITHOUT_ORDER')?.id) }, { reason: '非本店款项' })
  const matched = matches.find((match) => match.status === 'confirmed') ?? matches[0]
  await hit(accountant, 'POST /companies/:company/match/matches/:id/unmatch', { ...D, id: Number(matched?.id) }, { reason: '匹配有误' })
  const items = (matched?.items ?? []) as Json[]
  const orderNo = String(matched?.key ?? '').replace(/^order:/, '')
  await hit(accountant, 'POST /companies/:company/match/manual', D, { order: orderNo, txns: items.filter((item) => item.kind === 'settlementTxn').map((item) => String(item.ref)), reason: '人工确认' })
  const suggested = list(await hit(accountant, 'GET /companies/:company/match/matches', D, undefined, { query: 'status=confirmed&limit=1' }), 'matches')
  await hit(accountant, 'POST /companies/:company/match/matches/:id/confirm', { ...D, id: Number(suggested[0]?.id) }, {})

  // posting, ledger, drill
  await hit(accountant, 'POST /companies/:company/posting/preview', D, { period: '2026-10' })
  const posted = list(await hit(accountant, 'POST /companies/:company/posting/run', D, { period: '2026-10' }), 'vouchers')
  await hit(admin, 'GET /companies/:company/vouchers', D, undefined, { query: 'period=2026-10&limit=5' })
  await hit(admin, 'GET /companies/:company/vouchers/:id', { ...D, id: Number(posted[0]?.id) })
  await hit(admin, 'GET /companies/:company/vouchers/:id/sources', { ...D, id: Number(posted[0]?.id) })
  await hit(admin, 'GET /companies/:company/search', D, undefined, { query: 'q=113.00' })
  await hit(admin, 'GET /companies/:company/reports/trial-balance', D, undefined, { query: 'period=2026-10' })
  await hit(admin, 'POST /companies/:company/verify', D)
  await hit(admin, 'GET /companies/:company/audit', D, undefined, { query: 'limit=5' })
  for (const route of routes.filter((each) => each.tag === 'reports')) {
    await hit(admin, routeKey(route), D, undefined, { query: `period=2026-10${route.path.endsWith('account-detail') ? '&account=1122' : ''}` })
  }
  await hit(admin, 'POST /functions/batch', {}, { company: 'DEMO', calls: [{ id: 'a', fn: 'BALANCE', args: ['1122', '2026-10'] }, { id: 'b', fn: 'NOPE', args: [] }] })

  await hit(guest, 'POST /auth/logout')
  // an import as an event stream: one that imports, one the service cannot read
  const events: StreamEvent[] = []
  for (const [name, text] of [['fp-again.csv', `${invoiceCsv}\n`], ['unknown.csv', 'a,b\n1,2\n']] as const) {
    const data = new FormData()
    data.append('file', new Blob([Buffer.from(text)]), name)
    const response = await api.app.request('/api/v1/companies/DEMO/imports', { method: 'POST', headers: { authorization: `Bearer ${admin}`, accept: 'text/event-stream' }, body: data })
    if (!(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) throw new Error(`not a stream: ${response.status} ${await response.text()}`)
    for (const block of (await response.text()).split('\n\n')) {
      const event = /^event: (.*)$/m.exec(block)?.[1]
      const data = /^data: (.*)$/m.exec(block)?.[1]
      if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) })
    }
  }

  // refusals, each in the contract's error shape
  const errors: Array<{ what: string; status: number; body: unknown }> = []
  const refuse = async (what: string, token: string | null, method: string, path: string, body?: unknown) => {
    const response = await api.app.request(`/api/v1${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    errors.push({ what, status: response.status, body: await response.json() })
  }
  await refuse('no token', null, 'GET', '/companies')
  await refuse('no such company', admin, 'GET', '/companies/NOPE/vouchers')
  await refuse('bad query', admin, 'GET', '/companies/DEMO/vouchers?status=weird')
  await refuse('role may not', accountant, 'GET', '/companies/DEMO/audit')
  await refuse('unbalanced voucher', admin, 'POST', '/companies/DEMO/vouchers', { date: '2026-10-05', lines: [{ account: '1122', debit: '1.00' }, { account: '5001', credit: '2.00' }] })
  await refuse('no route', admin, 'GET', '/companies/DEMO/nothing-here')
  await hit(admin, 'POST /companies/:company/periods/:period/close', { ...S, period: '2026-09' }, {})
  await refuse('write into a closed period', admin, 'POST', '/companies/SECOND/vouchers', aSale('2026-09-05').build())
  return { routes, recorded, events, errors }
}
