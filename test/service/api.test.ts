import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { ROLES, can, PERMISSIONS, type Permission } from '../../service/auth/permissions.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { startServer } from '../../service/server.ts'
import { aSale } from '../support/builders.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

describe('HTTP API', () => {
  it('serves health and an OpenAPI document listing every route with its permission', async () => {
    const { context } = await ledgerWithCompany()
    const api = createApp({ context })
    const health = await call(api, null, 'GET', '/health')
    expect(health.status).toBe(200)
    const doc = (await (await call(api, null, 'GET', '/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, { 'x-permission': string }>> }
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/api/v1/companies/{company}/vouchers']?.post?.['x-permission']).toBe('vouchers.create')
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(api.routes.length / 2)
  })

  it('signs in, creates a draft with amounts as strings, approves as another user, and reports the trial balance', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    const approver = await signedIn(api, context, company, 'wang.shenhe', 'approver')
    const created = await call(api, accountant, 'POST', `/companies/${company.code}/vouchers`, aSale().build())
    expect(created.status).toBe(201)
    const { voucher } = (await created.json()) as { voucher: { id: number; status: string } }
    expect(voucher.status).toBe('draft')
    const self = await call(api, accountant, 'POST', `/companies/${company.code}/vouchers/${voucher.id}/approve`)
    expect(self.status).toBe(403)
    const approved = await call(api, approver, 'POST', `/companies/${company.code}/vouchers/${voucher.id}/approve`)
    expect(((await approved.json()) as { voucher: { number: number } }).voucher.number).toBe(1)
    const tb = (await (await call(api, approver, 'GET', `/companies/${company.code}/reports/trial-balance?period=2026-10`)).json()) as { rows: Array<{ code: string; debit: string }>; balanced: boolean }
    expect(tb.balanced).toBe(true)
    expect(tb.rows.find((row) => row.code === '1122')?.debit).toBe('113.00')
  })

  it('answers errors in the contract shape with fitting statuses', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    const unbalanced = await call(api, token, 'POST', `/companies/${company.code}/vouchers`, { date: '2026-10-05', lines: [{ account: '1122', debit: '1.00' }, { account: '5001', credit: '2.00' }] })
    expect(unbalanced.status).toBe(422)
    expect(await unbalanced.json()).toMatchObject({ error: { code: 'UNBALANCED', message: expect.stringContaining('does not balance') } })
    const badJson = await api.app.request(`/api/v1/companies/${company.code}/vouchers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' })
    expect(badJson.status).toBe(400)
    const noToken = await call(api, null, 'GET', `/companies/${company.code}/vouchers`)
    expect(noToken.status).toBe(401)
    const wrongPassword = await call(api, null, 'POST', '/auth/login', { username: 'li.kuaiji', password: 'nope' })
    expect(wrongPassword.status).toBe(401)
    const badQuery = await call(api, token, 'GET', `/companies/${company.code}/vouchers?status=weird`)
    expect(((await badQuery.json()) as { error: { code: string } }).error.code).toBe('VALIDATION')
  })

  it('replays an Idempotency-Key with the first result', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    const first = await call(api, token, 'POST', `/companies/${company.code}/vouchers`, aSale().build(), { 'idempotency-key': 'order-1' })
    const second = await call(api, token, 'POST', `/companies/${company.code}/vouchers`, aSale().build(), { 'idempotency-key': 'order-1' })
    expect(first.status).toBe(201)
    expect(second.status).toBe(200)
    expect(((await second.json()) as { voucher: { id: number; replayed: boolean } }).voucher).toMatchObject({ id: ((await first.json()) as { voucher: { id: number } }).voucher.id, replayed: true })
  })

  it('shows a user of company A nothing of company B', async () => {
    const { context, company } = await ledgerWithCompany('AAA')
    const other = await createCompany(context, SYSTEM, { code: 'BBB', name: 'B 公司' })
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'a.admin', 'admin')
    for (const path of ['/companies/BBB', '/companies/BBB/vouchers', '/companies/BBB/accounts', '/companies/BBB/reports/trial-balance?period=2026-10', '/companies/BBB/audit']) {
      const response = await call(api, token, 'GET', path)
      expect(response.status, path).toBe(404)
    }
    const list = (await (await call(api, token, 'GET', '/companies')).json()) as { companies: Array<{ code: string }> }
    expect(list.companies.map((c) => c.code)).toEqual(['AAA'])
    expect(other.code).toBe('BBB')
  })

  it('merges and validates posting and matching settings on PATCH', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const path = `/companies/${company.code}/settings`
    const first = await call(api, admin, 'PATCH', path, { posting: { granularity: 'day', tolerance: '0.05' } })
    expect(first.status).toBe(200)
    const rule = { id: 'small', when: { differenceMax: '1.00' }, then: { action: 'ignore' } }
    const second = await call(api, admin, 'PATCH', path, { posting: { accounts: { paymentFee: '5603.01' } }, matching: { rules: [rule] } })
    const { company: stored } = (await second.json()) as { company: { settings: { posting: Record<string, unknown>; matching: { rules: unknown[] } } } }
    expect(stored.settings.posting).toMatchObject({ granularity: 'day', tolerance: '0.05', accounts: { paymentFee: '5603.01' } })
    expect(stored.settings.matching.rules).toEqual([rule])
    const badAccount = await call(api, admin, 'PATCH', path, { posting: { accounts: { paymentFee: '5603' } } })
    expect(badAccount.status).toBe(422)
    const badRule = await call(api, admin, 'PATCH', path, { matching: { rules: [{ id: 'x', then: { action: 'explode' } }] } })
    expect(badRule.status).toBe(400)
    const accountant = await signedIn(api, context, company, 'clerk', 'accountant')
    expect((await call(api, accountant, 'PATCH', path, { posting: { tolerance: '9.99' } })).status).toBe(403)
  })

  it('serves over a real port', async () => {
    const { context } = await ledgerWithCompany()
    const server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
    try {
      const response = await fetch(`${server.url}/api/v1/health`)
      expect(await response.json()).toMatchObject({ ok: true })
    } finally {
      await server.close()
    }
  })
})

/** Sample arguments so that every route can be called; the RBAC test only cares about 403 vs not-403. */
function sampleRequest(path: string, company: string): string {
  return path.replace(':company', company).replace(':id', '1').replace(':period', '2026-10').replace(/:(\w+)/g, 'x')
}

describe('RBAC: every role x every company-scoped route', () => {
  it('allows exactly what the permission table says and forbids the rest', async () => {
    const { db, company } = await ledgerWithCompany()
    const context = createContext(db)
    const api = createApp({ context })
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await signedIn(api, context, company, `user-${role}`, role)] as const)))
    const scoped = api.routes.filter((route) => route.path.includes(':company') && route.permission !== null && route.permission !== 'public')
    expect(scoped.length).toBeGreaterThan(10)
    const table: string[] = []
    for (const route of scoped) {
      for (const role of ROLES) {
        const permission = route.permission as Permission
        const response = await call(api, tokens[role] ?? '', route.method.toUpperCase(), sampleRequest(route.path, company.code), route.method === 'get' || route.method === 'delete' ? undefined : {})
        const allowed = can(role, permission)
        const forbidden = response.status === 403 && ((await response.clone().json()) as { error: { code: string } }).error.code === 'FORBIDDEN'
        if (allowed === forbidden) table.push(`${role} ${route.method} ${route.path} (${permission}): status ${response.status}`)
      }
    }
    expect(table).toEqual([])
    expect(Object.keys(PERMISSIONS).length).toBeGreaterThan(10)
  })
})
