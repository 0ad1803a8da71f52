import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { hashing } from '../../service/auth/passwords.ts'
import { LOCK_AFTER_FAILURES, createUser, setRole } from '../../service/auth/users.ts'
import { createCompany } from '../../service/ledger/company.ts'
import { SYSTEM, type LedgerContext } from '../../service/ledger/context.ts'
import { LedgerError } from '../../shared/errors.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { type Api, call, signedIn } from '../support/http.ts'

/** A request from a given client address (the node server's socket, as hono's node adapter passes it). */
function from(address: string) {
  return { incoming: { socket: { remoteAddress: address } } }
}

async function signIn(api: Api, username: string, password: string, address = '198.51.100.1'): Promise<Response> {
  return api.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }, from(address))
}

async function auditActions(context: LedgerContext): Promise<Array<{ action: string; actor: number | null; entityId: string; payload: Record<string, unknown> }>> {
  const rows = await context.db.client.execute('SELECT action, actor_id, entity_id, payload_json FROM audit_log ORDER BY id')
  return rows.rows.map((row) => ({ action: String(row.action), actor: row.actor_id === null ? null : Number(row.actor_id), entityId: String(row.entity_id), payload: JSON.parse(String(row.payload_json)) as Record<string, unknown> }))
}

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  return ((await response.json()) as { error: { code: string; message: string } }).error
}

describe('sign-in throttling, lockout and audit', () => {
  it('refuses the 21st failure within a minute from one address with 429 and Retry-After, without hashing', { timeout: 300_000 }, async () => {
    const { context } = await ledgerWithCompany()
    const api = createApp({ context })
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const response = await signIn(api, `nobody${attempt}`, 'wrong-password-123', '203.0.113.7')
      expect(response.status, `attempt ${attempt}`).toBe(401)
    }
    const before = hashing.count
    const refused = await signIn(api, 'nobody21', 'wrong-password-123', '203.0.113.7')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await errorOf(refused)).code).toBe('RATE_LIMITED')
    expect(hashing.count).toBe(before)
    // another address is not held back by this one
    expect((await signIn(api, 'nobody22', 'wrong-password-123', '203.0.113.8')).status).toBe(401)
  })

  it('refuses the 21st failure within a minute for one username from many addresses, without hashing', { timeout: 300_000 }, async () => {
    const { context } = await ledgerWithCompany()
    const api = createApp({ context })
    for (let attempt = 1; attempt <= 20; attempt += 1) expect((await signIn(api, 'ghost.user', 'wrong-password-123', `192.0.2.${attempt}`)).status).toBe(401)
    const before = hashing.count
    const refused = await signIn(api, 'GHOST.user', 'wrong-password-123', '192.0.2.99')
    expect(refused.status).toBe(429)
    expect(hashing.count).toBe(before)
  })

  it('locks an account after repeated wrong passwords, audits every failure, the lock, the unlock and the sign-in', { timeout: 300_000 }, async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const adminToken = await signedIn(api, context, company, 'boss', 'admin')
    const clerk = await createUser(context, SYSTEM, { username: 'li.kuaiji', password: 'li.kuaiji-password' })
    await setRole(context, SYSTEM, clerk.id, company.id, 'accountant')
    for (let attempt = 1; attempt <= LOCK_AFTER_FAILURES; attempt += 1) {
      const wrong = await signIn(api, 'li.kuaiji', `guess-number-${attempt}`, `198.51.100.${attempt}`)
      expect(wrong.status).toBe(401)
    }
    // locked: the right password no longer signs in, and the refusal reads like any other
    const locked = await signIn(api, 'li.kuaiji', 'li.kuaiji-password', '198.51.100.50')
    expect(locked.status).toBe(401)
    const lockedError = await errorOf(locked)
    const unknownError = await errorOf(await signIn(api, 'no.such.user', 'whatever-password', '198.51.100.51'))
    expect(lockedError).toEqual(unknownError)
    const listed = (await (await call(api, adminToken, 'GET', `/companies/${company.code}/users`)).json()) as { users: Array<{ username: string; locked: boolean }> }
    expect(listed.users.find((user) => user.username === 'li.kuaiji')?.locked).toBe(true)
    const unlocked = await call(api, adminToken, 'POST', `/companies/${company.code}/users/li.kuaiji/unlock`)
    expect(unlocked.status).toBe(200)
    expect((await signIn(api, 'li.kuaiji', 'li.kuaiji-password', '198.51.100.52')).status).toBe(200)
    const audit = await auditActions(context)
    const failures = audit.filter((entry) => entry.action === 'auth.login_failed' && entry.entityId === String(clerk.id))
    expect(failures.map((entry) => entry.payload.reason)).toEqual([...Array.from({ length: LOCK_AFTER_FAILURES }, () => 'wrong password'), 'locked'])
    expect(failures[0]?.payload).toMatchObject({ username: 'li.kuaiji', address: '198.51.100.1' })
    expect(audit.filter((entry) => entry.action === 'user.lock').map((entry) => entry.entityId)).toEqual([String(clerk.id)])
    expect(audit.find((entry) => entry.action === 'user.unlock')).toMatchObject({ entityId: String(clerk.id) })
    expect(audit.filter((entry) => entry.action === 'auth.login' && entry.actor === clerk.id)).toHaveLength(1)
    expect(audit.find((entry) => entry.action === 'auth.login_failed' && entry.payload.username === 'no.such.user')).toMatchObject({ actor: null, payload: { reason: 'unknown user' } })
  })

  // An unknown user costing what a wrong password costs is checked by the work done (test/security/signin-cost.test.ts),
  // not by wall-clock medians, which failed on a busy machine (issue #19.6).

  it('refuses weak and oversized passwords; a 50 MB password is never parsed nor hashed', async () => {
    const { context } = await ledgerWithCompany()
    const refusal = async (password: string, username = 'zhao.chuna') => {
      try {
        await createUser(context, SYSTEM, { username, password })
      } catch (error) {
        if (error instanceof LedgerError) return error
        throw error
      }
      throw new Error('expected a refusal')
    }
    expect((await refusal('12345678')).message).toMatch(/at least 10 characters/)
    expect((await refusal('1234567890')).message).toMatch(/too easy to guess/)
    expect((await refusal('Zhao.Chuna1', 'zhao.chuna1')).message).toMatch(/must not be the username/)
    expect((await refusal('x'.repeat(300))).message).toMatch(/at most 256 characters/)
    expect((await refusal('12345678')).message).toMatch(/密码/)
    const api = createApp({ context })
    const before = hashing.count
    const huge = await api.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhao', password: 'p'.repeat(50 * 1024 * 1024) }) }, from('192.0.2.1'))
    expect(huge.status).toBe(413)
    const long = await signIn(api, 'zhao', 'p'.repeat(5000))
    expect(long.status).toBe(400)
    expect(hashing.count).toBe(before)
  })
})

describe('API tokens and disabled users', () => {
  it('mints only with a fresh password and within the maximum life, lists and revokes; revocation counts from the next request', { timeout: 120_000 }, async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context, maxTokenDays: 30 })
    const session = await signedIn(api, context, company, 'acct1', 'accountant')
    expect((await call(api, session, 'POST', '/auth/tokens', { name: 'script' })).status).toBe(400)
    const wrong = await call(api, session, 'POST', '/auth/tokens', { name: 'script', password: 'not-my-password' })
    expect(wrong.status).toBe(401)
    const tooLong = await call(api, session, 'POST', '/auth/tokens', { name: 'script', password: 'acct1-password', days: 3650 })
    expect(tooLong.status).toBe(400)
    expect((await errorOf(tooLong)).message).toMatch(/at most 30 days/)
    const minted = await call(api, session, 'POST', '/auth/tokens', { name: 'script', password: 'acct1-password', days: 30 })
    expect(minted.status).toBe(201)
    const apiToken = (await minted.json()) as { token: string; id: number; expiresAt: string }
    expect(new Date(apiToken.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30 * 86_400_000 + 60_000)
    const listed = (await (await call(api, session, 'GET', '/auth/tokens')).json()) as { tokens: Array<{ id: number; kind: string; name: string; current: boolean }>; maxDays: number }
    expect(listed.maxDays).toBe(30)
    expect(listed.tokens.map((token) => [token.kind, token.name, token.current])).toEqual([['api', 'script', false], ['session', '', true]])
    expect(JSON.stringify(listed)).not.toContain(apiToken.token)
    expect((await call(api, apiToken.token, 'GET', `/companies/${company.code}/accounts`)).status).toBe(200)
    expect((await call(api, session, 'DELETE', `/auth/tokens/${apiToken.id}`)).status).toBe(200)
    expect((await call(api, apiToken.token, 'GET', `/companies/${company.code}/accounts`)).status).toBe(401)
    // another user's token id is not theirs to revoke
    const other = await signedIn(api, context, company, 'sales1', 'sales')
    const otherTokens = (await (await call(api, other, 'GET', '/auth/tokens')).json()) as { tokens: Array<{ id: number }> }
    expect((await call(api, session, 'DELETE', `/auth/tokens/${otherTokens.tokens[0]?.id}`)).status).toBe(404)
    const audit = await auditActions(context)
    expect(audit.filter((entry) => entry.action === 'token.create' || entry.action === 'token.revoke').map((entry) => entry.action)).toEqual(['token.create', 'token.revoke'])
    expect(audit.filter((entry) => entry.action === 'auth.confirm_failed')).toHaveLength(1)
  })

  it('disabling a user stops their tokens on the next request; only an admin of all their companies may', { timeout: 120_000 }, async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const admin = await signedIn(api, context, company, 'boss', 'admin')
    const clerk = await signedIn(api, context, company, 'clerk', 'accountant')
    expect((await call(api, clerk, 'GET', `/companies/${company.code}/accounts`)).status).toBe(200)
    expect((await call(api, admin, 'POST', `/companies/${company.code}/users/clerk/disable`)).status).toBe(200)
    expect((await call(api, clerk, 'GET', `/companies/${company.code}/accounts`)).status).toBe(401)
    expect((await signIn(api, 'clerk', 'clerk-password')).status).toBe(401)
    expect((await call(api, admin, 'POST', `/companies/${company.code}/users/clerk/enable`)).status).toBe(200)
    expect((await signIn(api, 'clerk', 'clerk-password')).status).toBe(200)
    // a user who also works for another company cannot be disabled by this company's admin
    const other = await createCompany(context, SYSTEM, { code: 'OTHER', name: '其他公司' })
    const shared = await createUser(context, SYSTEM, { username: 'shared.user', password: 'shared.user-password' })
    await setRole(context, SYSTEM, shared.id, company.id, 'sales')
    await setRole(context, SYSTEM, shared.id, other.id, 'admin')
    const forbidden = await call(api, admin, 'POST', `/companies/${company.code}/users/shared.user/disable`)
    expect(forbidden.status).toBe(403)
    expect((await call(api, admin, 'POST', `/companies/${company.code}/users/nobody.here/disable`)).status).toBe(404)
  })
})

describe('memberships and invitations', () => {
  it('invites instead of adding, answers the same for existing and unknown users, and lists only this company\'s role', { timeout: 120_000 }, async () => {
    const { context, company } = await ledgerWithCompany('AAA')
    const api = createApp({ context })
    const adminA = await signedIn(api, context, company, 'a.admin', 'admin')
    const secret = await createCompany(context, SYSTEM, { code: 'SECRETCO', name: '保密公司' })
    const adminB = await createUser(context, SYSTEM, { username: 'b.admin', password: 'b.admin-password' })
    await setRole(context, SYSTEM, adminB.id, secret.id, 'admin')

    const existing = await call(api, adminA, 'POST', `/companies/AAA/users`, { username: 'b.admin', role: 'admin' })
    const unknown = await call(api, adminA, 'POST', `/companies/AAA/users`, { username: 'no.such.person', role: 'admin' })
    expect([existing.status, unknown.status]).toEqual([202, 202])
    const shape = (body: unknown) => JSON.stringify(body, (key, value: unknown) => (['id', 'username', 'createdAt', 'expiresAt'].includes(key) ? '·' : value))
    expect(shape(await existing.json())).toBe(shape(await unknown.json()))
    // not a member until they accept
    const before = (await (await call(api, adminA, 'GET', '/companies/AAA/users')).json()) as { users: Array<{ username: string }> }
    expect(before.users.map((user) => user.username)).toEqual(['a.admin'])

    const tokenB = ((await (await signIn(api, 'b.admin', 'b.admin-password')).json()) as { token: string }).token
    const invitations = (await (await call(api, tokenB, 'GET', '/auth/invitations')).json()) as { invitations: Array<{ id: number; company: string; role: string }> }
    expect(invitations.invitations.map((invitation) => [invitation.company, invitation.role])).toEqual([['AAA', 'admin']])
    expect((await call(api, adminA, 'POST', `/auth/invitations/${invitations.invitations[0]?.id}/accept`)).status).toBe(404)
    expect((await call(api, tokenB, 'POST', `/auth/invitations/${invitations.invitations[0]?.id}/accept`)).status).toBe(200)

    const after = await call(api, adminA, 'GET', '/companies/AAA/users')
    const text = await after.text()
    expect((JSON.parse(text) as { users: Array<{ username: string; role: string }> }).users.map((user) => [user.username, user.role])).toEqual([['a.admin', 'admin'], ['b.admin', 'admin']])
    expect(text).not.toContain('SECRETCO')
    expect(text).not.toContain('memberships')
    const audit = await auditActions(context)
    expect(audit.filter((entry) => entry.action.startsWith('invitation.')).map((entry) => entry.action)).toEqual(['invitation.create', 'invitation.create', 'invitation.accept'])
  })
})
