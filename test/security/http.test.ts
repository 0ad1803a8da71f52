import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { API_SECURITY_HEADERS, apiHeaders } from '../../service/routes/headers.ts'
import { main } from '../../service/cli.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

describe('HTTP hardening', () => {
  it('sends security headers and no-store on API answers, and lets Excel frame the add-in files', async () => {
    const { context } = await ledgerWithCompany()
    const { app } = createApp({ context })
    const health = await app.request('/api/v1/health')
    expect(health.headers.get('x-content-type-options')).toBe('nosniff')
    expect(health.headers.get('x-frame-options')).toBe('SAMEORIGIN')
    expect(health.headers.get('strict-transport-security')).toMatch(/max-age=\d+/)
    expect(health.headers.get('referrer-policy')).toBe('no-referrer')
    expect(health.headers.get('cache-control')).toBe('no-store')
    const other = await app.request('/manifest.xml')
    expect(other.headers.get('x-content-type-options')).toBe('nosniff')
    expect(other.headers.get('x-frame-options')).toBeNull()
  })

  it('API answers carry exactly hono secureHeaders() defaults (a hono upgrade that changes them fails here), CORS for allowed origins only, and a route\'s own cache-control', async () => {
    const reference = new Hono()
    reference.use('*', secureHeaders())
    reference.get('/x', (c) => c.json({}))
    const expected = [...(await reference.request('/x')).headers.entries()].filter(([name]) => name !== 'content-type').sort()
    expect(API_SECURITY_HEADERS.map(([name, value]) => [name.toLowerCase(), value]).sort()).toEqual(expected)
    const { context, company } = await ledgerWithCompany()
    const { app } = createApp({ context, corsOrigins: ['https://excel.example'] })
    const token = await signedIn({ app, routes: [] }, context, company, 'hdr', 'accountant')
    const answers = [
      await app.request('/api/v1/health'),
      await app.request('/api/v1/health', { headers: { origin: 'https://excel.example' } }),
      await app.request('/api/v1/health', { headers: { origin: 'https://evil.example' } }),
      await app.request(`/api/v1/companies/${company.code}/vouchers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ date: '2026-10-01', lines: [{ account: '1122', store: 'pos', debit: '1.00' }, { account: '5001', store: 'pos', credit: '1.00' }] }) }),
      await app.request(`/api/v1/companies/${company.code}/vouchers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' }),
      await app.request('/api/v1/no-such-route'),
    ]
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 201, 400, 404])
    for (const answer of answers) {
      for (const [name, value] of expected) expect(answer.headers.get(name), name).toBe(value)
      expect(answer.headers.get('cache-control')).toBe('no-store')
      expect(answer.headers.get('vary')).toBe('Origin')
    }
    expect(answers.map((answer) => answer.headers.get('access-control-allow-origin'))).toEqual([null, 'https://excel.example', null, null, null, null])
    const preflight = await app.request(`/api/v1/companies/${company.code}/vouchers`, { method: 'OPTIONS', headers: { origin: 'https://excel.example', 'access-control-request-method': 'POST' } })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://excel.example')
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Authorization,Content-Type,Idempotency-Key,X-Company')
    expect(preflight.headers.get('x-content-type-options')).toBe('nosniff')
    // a route that chooses its own cache-control keeps it (the import progress stream)
    const ownCache = new Hono()
    ownCache.use('/api/*', apiHeaders([]))
    ownCache.get('/api/stream', () => new Response('data: 1\n\n', { headers: { 'cache-control': 'no-cache, no-transform' } }))
    const stream = await ownCache.request('/api/stream')
    expect(stream.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(stream.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  })

  it('refuses an id parameter that is not a positive whole number with 400, on every route family that takes one', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'ids', 'admin')
    const paths = [`vouchers/abc/approve`, `vouchers/0/approve`, `vouchers/1.5/reverse`, `exceptions/-3/resolve`, `match/matches/x/confirm`]
    for (const path of paths) {
      const answer = await api.app.request(`/api/v1/companies/${company.code}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'r' }) })
      expect(answer.status, path).toBe(400)
      expect(((await answer.json()) as { error: { code: string } }).error.code, path).toBe('VALIDATION')
    }
    const fine = await api.app.request(`/api/v1/companies/${company.code}/vouchers/999/approve`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect(fine.status).toBe(404)
  })

  it('refuses a 150 MB JSON body from its declared length, and a chunked one at the limit, before parsing', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    let pulled = 0
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        if (pulled > 200) controller.close()
        else controller.enqueue(new TextEncoder().encode(`{"x":"${'y'.repeat(1024 * 1024)}",`))
      },
    })
    const declared = await api.app.request(`/api/v1/companies/${company.code}/vouchers`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': String(150 * 1024 * 1024) }, body: endless, duplex: 'half' } as RequestInit)
    expect(declared.status).toBe(413)
    expect(((await declared.json()) as { error: { code: string; message: string } }).error.message).toMatch(/150\d* bytes declared|157286400 bytes declared/)
    expect(pulled).toBeLessThanOrEqual(2)
    pulled = 0
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1
        if (pulled > 200) controller.close()
        else controller.enqueue(new TextEncoder().encode(`"${'y'.repeat(1024 * 1024)}",`))
      },
    })
    const streamed = await api.app.request(`/api/v1/companies/${company.code}/match/manual`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: chunked, duplex: 'half' } as RequestInit)
    expect(streamed.status).toBe(413)
    // stopped at the 1 MB limit of this route, not after 200 MB
    expect(pulled).toBeLessThan(5)
  })

  it('refuses a negative amount in a hand-made voucher, over HTTP and on the command line', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const voucher = { date: '2026-10-05', lines: [{ account: '1122', debit: '-100.00' }, { account: '5001', credit: '-100.00' }] }
    const response = await call(api, token, 'POST', `/companies/${company.code}/vouchers`, voucher)
    expect(response.status).toBe(400)
    const error = ((await response.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe('INVALID_AMOUNT')
    expect(error.message).toMatch(/line 1: debit -100\.00 is negative.*红字冲销/)
    expect(((await (await call(api, token, 'GET', `/companies/${company.code}/vouchers`)).json()) as { vouchers: unknown[] }).vouchers).toHaveLength(0)
  })

  it('report --out keeps an existing file unless --force, and says so', async () => {
    const { url, dir, db } = await tempDatabase()
    db.close()
    expect((await cledger(url, 'init', '--company', 'ACME')).code).toBe(0)
    const out = join(dir, '试算平衡表.csv')
    writeFileSync(out, 'precious')
    const refused = await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'csv', '--out', out)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/exists; choose a new file name or pass --force/)
    expect(readFileSync(out, 'utf8')).toBe('precious')
    expect((await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'csv', '--out', out, '--force')).code).toBe(0)
    expect(readFileSync(out, 'utf8')).not.toBe('precious')
    const fresh = join(dir, 'new.csv')
    expect((await cledger(url, 'report', 'trial-balance', '--period', '2026-10', '--format', 'csv', '--out', fresh)).code).toBe(0)
    expect(existsSync(fresh)).toBe(true)
  })

  it('CLI: token list and revoke, user disable, unlock and the token lifetime cap', async () => {
    const { url, db } = await tempDatabase()
    db.close()
    expect((await cledger(url, 'init', '--company', 'ACME')).code).toBe(0)
    expect((await cledger(url, 'user', 'add', 'wang.shenhe', '--role', 'approver')).code).toBe(0)
    const tooLong = await cledger(url, '--user', 'wang.shenhe', 'token', 'create', '--days', '3650')
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toMatch(/1-90 days/)
    const created = JSON.parse((await cledger(url, '--json', '--user', 'wang.shenhe', 'token', 'create', '--name', 'nightly')).stdout) as { id: number; token: string }
    const listed = JSON.parse((await cledger(url, '--json', '--user', 'wang.shenhe', 'token', 'list')).stdout) as { tokens: Array<{ id: number; name: string }> }
    expect(listed.tokens.map((token) => [token.id, token.name])).toEqual([[created.id, 'nightly']])
    expect((await cledger(url, '--user', 'wang.shenhe', 'token', 'revoke', String(created.id))).code).toBe(0)
    expect(JSON.parse((await cledger(url, '--json', '--user', 'wang.shenhe', 'token', 'list')).stdout)).toEqual({ tokens: [] })
    expect((await cledger(url, 'user', 'disable', 'wang.shenhe')).code).toBe(0)
    const users = JSON.parse((await cledger(url, '--json', 'user', 'list')).stdout) as { users: Array<{ username: string; disabled: boolean; locked: boolean }> }
    expect(users.users.find((user) => user.username === 'wang.shenhe')).toMatchObject({ disabled: true, locked: false })
    expect((await cledger(url, 'user', 'unlock', 'wang.shenhe')).code).toBe(0)
    expect((await cledger(url, 'user', 'enable', 'wang.shenhe')).code).toBe(0)
  })
})
