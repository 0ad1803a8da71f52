import { randomBytes } from 'node:crypto'
import { LedgerError } from '../../shared/errors.ts'
import { type AuditEntry, appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { type Company, requestCompany } from '../ledger/company.ts'
import type { LoginGuard } from './guard.ts'
import { MAX_LOGIN_PASSWORD_CHARS, assertStrongPassword, hashPassword, verifyDummy, verifyPassword } from './passwords.ts'
import { type Role, isRole } from './permissions.ts'
import { sha256Hex } from '../../shared/sha256.ts'
import * as q from './queries.ts'

export { generatePassword, hashPassword, verifyPassword } from './passwords.ts'

/**
 * Users, memberships (role per company), invitations and bearer tokens.
 * Passwords: passwords.ts (argon2id, strength check, length cap); sign-in is
 * throttled (guard.ts), locks an account after LOCK_AFTER_FAILURES wrong
 * passwords in a row until an admin unlocks it, and is audited either way.
 * Tokens are 32 random bytes, stored as SHA-256, expiring, listable and
 * revocable; a disabled user's tokens stop working on the next request.
 */
export interface User {
  readonly id: number
  readonly username: string
  readonly displayName: string
  readonly disabled: boolean
}

export interface UserStatus extends User {
  readonly locked: boolean
  readonly failedLogins: number
}

export interface Membership {
  readonly companyId: number
  readonly companyCode: string
  readonly companyName: string
  readonly baseCurrency: string
  readonly role: Role
}

export const SESSION_HOURS = 12
export const USERNAME_PATTERN = /^[\p{L}\p{N}._@-]{2,64}$/u
/** Wrong passwords in a row that lock an account (until an admin unlocks it). */
export const LOCK_AFTER_FAILURES = 10
/** Default longest life of an API token, in days (deps.maxTokenDays / LEDGER_TOKEN_MAX_DAYS change it). */
export const DEFAULT_MAX_TOKEN_DAYS = 90
export const INVITATION_DAYS = 14

const SIGN_IN_REFUSED = 'wrong username or password (after repeated failures an account is locked until an admin unlocks it) / 用户名或密码错误（多次失败后账户将被锁定，需管理员解锁）'

function tokenHash(token: string): string {
  return sha256Hex(token)
}

export async function createUser(context: LedgerContext, actor: Actor, input: { username: string; password: string; displayName?: string }): Promise<User> {
  if (!USERNAME_PATTERN.test(input.username)) throw new LedgerError('VALIDATION', `username "${input.username.slice(0, 80)}" must be 2-64 letters, digits, . _ @ -`)
  assertStrongPassword(input.password, [input.username, input.displayName ?? ''])
  const passwordHash = await hashPassword(input.password)
  const at = isoNow(context)
  const id = await context.db.write(async (tx) => {
    const existing = await q.userIdRows(tx, input.username)
    if (existing.rows.length) throw new LedgerError('DUPLICATE', `user ${input.username} already exists`)
    const userId = await q.insertUser(tx, input.username, input.displayName ?? input.username, passwordHash, at)
    await appendAudit(tx, [{ at, companyId: null, actorId: actor.userId, action: 'user.create', entity: 'user', entityId: String(userId), payload: { username: input.username } }])
    return userId
  })
  return { id, username: input.username, displayName: input.displayName ?? input.username, disabled: false }
}

/** Sets a new password (strength-checked); the user's other tokens are revoked. */
export async function setPassword(context: LedgerContext, actor: Actor, userId: number, password: string): Promise<void> {
  const user = await userById(context, userId)
  assertStrongPassword(password, [user.username, user.displayName])
  const passwordHash = await hashPassword(password)
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    await q.setPasswordHash(tx, userId, passwordHash)
    await q.revokeUserTokens(tx, userId, at)
    await appendAudit(tx, [{ at, companyId: null, actorId: actor.userId, action: 'user.password', entity: 'user', entityId: String(userId), payload: { tokensRevoked: true } }])
  })
}

function statusOf(row: Record<string, unknown>): UserStatus {
  return { id: Number(row.id), username: String(row.username), displayName: String(row.display_name), disabled: Number(row.disabled) === 1, locked: row.locked_at !== null && row.locked_at !== undefined, failedLogins: Number(row.failed_logins ?? 0) }
}

export async function findUser(context: LedgerContext, username: string): Promise<UserStatus & { passwordHash: string }> {
  const result = await q.userRowByName(context.db.client, username)
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no user ${username}`)
  return { ...statusOf(row), passwordHash: String(row.password_hash) }
}

async function userById(context: LedgerContext, userId: number): Promise<UserStatus> {
  const result = await q.userRowById(context.db.client, userId)
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no user ${userId}`)
  return statusOf(row)
}

/** Every user with every membership: for the CLI (whoever holds the database file), never for one company's admin. */
export async function listUsers(context: LedgerContext): Promise<Array<UserStatus & { memberships: Array<{ company: string; role: Role }> }>> {
  const { users, memberships } = await q.allUserRows(context.db.client)
  return users.rows.map((row) => ({
    ...statusOf(row),
    memberships: memberships.rows.filter((m) => Number(m.user_id) === Number(row.id)).map((m) => ({ company: String(m.code), role: String(m.role) as Role })),
  }))
}

/** Users with a role in one company, with that role only: nothing about their other companies. */
export async function listCompanyUsers(context: LedgerContext, companyId: number): Promise<Array<UserStatus & { role: Role }>> {
  const result = await q.companyUserRows(context.db.client, companyId)
  return result.rows.map((row) => ({ ...statusOf(row), role: String(row.role) as Role }))
}

/** The user, if they have a role in the company; NOT_FOUND otherwise (as for no such user). */
export async function companyMember(context: LedgerContext, companyId: number, username: string): Promise<UserStatus & { role: Role }> {
  const member = (await listCompanyUsers(context, companyId)).find((user) => user.username === username)
  if (!member) throw new LedgerError('NOT_FOUND', `no user ${username} in this company`)
  return member
}

/** Grants (or changes) a user's role in a company; `null` removes the membership. */
export async function setRole(context: LedgerContext, actor: Actor, userId: number, companyId: number, role: Role | null): Promise<void> {
  if (role !== null && !isRole(role)) throw new LedgerError('VALIDATION', `unknown role ${String(role)}`)
  await context.db.write(async (tx) => {
    if (role === null) await q.deleteMembership(tx, userId, companyId)
    else await q.upsertMembership(tx, userId, companyId, role)
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'user.role', entity: 'user', entityId: String(userId), payload: { role } }])
  })
}

export async function membershipsOf(context: LedgerContext, userId: number): Promise<Membership[]> {
  const result = await q.membershipRows(context.db.client, userId)
  return result.rows.map((row) => ({ companyId: Number(row.id), companyCode: String(row.code), companyName: String(row.name), baseCurrency: String(row.base_currency), role: String(row.role) as Role }))
}

// ---------------------------------------------------------------- invitations

export interface Invitation {
  readonly id: number
  readonly company: string
  readonly companyName: string
  readonly username: string
  readonly role: Role
  readonly createdAt: string
  readonly expiresAt: string
}

function invitationOf(row: Record<string, unknown>): Invitation {
  return { id: Number(row.id), company: String(row.code), companyName: String(row.name), username: String(row.username), role: String(row.role) as Role, createdAt: String(row.created_at), expiresAt: String(row.expires_at) }
}

/**
 * Invites a username into a company with a role. Answers the same whether or
 * not the user exists (nothing is looked up): the membership exists only once
 * the user accepts. A pending invitation for the same username is replaced.
 */
export async function inviteUser(context: LedgerContext, actor: Actor, companyId: number, username: string, role: Role): Promise<Invitation> {
  if (!USERNAME_PATTERN.test(username)) throw new LedgerError('VALIDATION', `username "${username.slice(0, 80)}" must be 2-64 letters, digits, . _ @ -`)
  if (!isRole(role)) throw new LedgerError('VALIDATION', `unknown role ${String(role)}`)
  const now = context.now()
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString()
  const id = await context.db.write(async (tx) => {
    await q.withdrawPendingInvitations(tx, companyId, username, now.toISOString())
    const invitationId = await q.insertInvitation(tx, { companyId, username, role, invitedBy: actor.userId, createdAt: now.toISOString(), expiresAt })
    await appendAudit(tx, [{ at: now.toISOString(), companyId, actorId: actor.userId, action: 'invitation.create', entity: 'invitation', entityId: String(invitationId), payload: { username, role } }])
    return invitationId
  })
  const [invitation] = await invitationsWhere(context, 'i.id = ?', [id])
  if (!invitation) throw new Error('invariant violated: invitation just written is missing')
  return invitation
}

async function invitationsWhere(context: LedgerContext, where: string, args: Array<string | number>): Promise<Invitation[]> {
  const result = await q.invitationRows(context.db.client, where, args)
  return result.rows.map(invitationOf)
}

/** Pending invitations of a company (its admins see whom they invited). */
export async function companyInvitations(context: LedgerContext, companyId: number): Promise<Invitation[]> {
  return invitationsWhere(context, 'i.company_id = ? AND i.outcome IS NULL AND i.expires_at > ?', [companyId, isoNow(context)])
}

/** Pending invitations addressed to this user. */
export async function invitationsFor(context: LedgerContext, user: User): Promise<Invitation[]> {
  return invitationsWhere(context, 'i.username = ? AND i.outcome IS NULL AND i.expires_at > ?', [user.username, isoNow(context)])
}

/** The invited user accepts (gets the role) or declines. NOT_FOUND for anyone else's, decided or expired invitations. */
export async function decideInvitation(context: LedgerContext, user: User, invitationId: number, outcome: 'accepted' | 'declined'): Promise<Invitation> {
  const at = isoNow(context)
  return context.db.write(async (tx) => {
    const found = await q.pendingInvitationRow(tx, invitationId, user.username, at)
    const row = found.rows[0]
    if (!row) throw new LedgerError('NOT_FOUND', `no pending invitation ${invitationId} for you`)
    const invitation = invitationOf(row)
    const companyId = Number(row.company_id)
    await q.setInvitationOutcome(tx, invitationId, outcome, at)
    if (outcome === 'accepted') await q.upsertMembership(tx, user.id, companyId, invitation.role)
    await appendAudit(tx, [{ at, companyId, actorId: user.id, action: `invitation.${outcome === 'accepted' ? 'accept' : 'decline'}`, entity: 'invitation', entityId: String(invitationId), payload: { role: invitation.role } }])
    return invitation
  })
}

export async function withdrawInvitation(context: LedgerContext, actor: Actor, companyId: number, invitationId: number): Promise<void> {
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await q.withdrawInvitationRow(tx, companyId, invitationId, at)) === 0) throw new LedgerError('NOT_FOUND', `no pending invitation ${invitationId} here`)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'invitation.withdraw', entity: 'invitation', entityId: String(invitationId), payload: {} }])
  })
}

// ---------------------------------------------------------------- tokens

export interface TokenInfo {
  readonly id: number
  readonly kind: 'session' | 'api'
  readonly name: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly revokedAt: string | null
  /** When it last authenticated a request (to within LAST_USED_EVERY_MS); null: never used. */
  readonly lastUsedAt: string | null
}

/** A token's last use is written at most this often, so reads do not become a write per request. */
export const LAST_USED_EVERY_MS = 60_000

/** Issues a bearer token; the secret is returned once and stored hashed. API tokens live at most `maxDays`. */
export async function issueToken(context: LedgerContext, userId: number, kind: 'session' | 'api', options: { name?: string; days?: number; maxDays?: number } = {}): Promise<{ token: string; expiresAt: string; id: number }> {
  const maxDays = options.maxDays ?? DEFAULT_MAX_TOKEN_DAYS
  const days = options.days ?? Math.min(30, maxDays)
  if (kind === 'api' && (!Number.isInteger(days) || days < 1 || days > maxDays)) throw new LedgerError('VALIDATION', `days: an API token lives 1-${maxDays} days (the longest this service allows) / API 令牌有效期为 1-${maxDays} 天`)
  const token = `cl_${randomBytes(32).toString('base64url')}`
  const now = context.now()
  const hours = kind === 'session' ? SESSION_HOURS : 24 * days
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString()
  const id = await context.db.write(async (tx) => {
    const tokenId = await q.insertToken(tx, { userId, tokenHash: tokenHash(token), kind, name: options.name ?? '', createdAt: now.toISOString(), expiresAt })
    if (kind === 'api') await appendAudit(tx, [{ at: now.toISOString(), companyId: null, actorId: userId, action: 'token.create', entity: 'token', entityId: String(tokenId), payload: { name: options.name ?? '', expiresAt } }])
    return tokenId
  })
  return { token, expiresAt, id }
}

/** A user's tokens, newest first (never their secrets); `all` includes expired and revoked ones. */
export async function listTokens(context: LedgerContext, userId: number, options: { all?: boolean } = {}): Promise<TokenInfo[]> {
  const result = await q.tokenRows(context.db.client, userId, options.all === true, isoNow(context))
  return result.rows.map((row) => ({ id: Number(row.id), kind: String(row.kind) as 'session' | 'api', name: String(row.name), createdAt: String(row.created_at), expiresAt: String(row.expires_at), revokedAt: row.revoked_at === null ? null : String(row.revoked_at), lastUsedAt: row.last_used_at === null || row.last_used_at === undefined ? null : String(row.last_used_at) }))
}

/** Revokes one of the user's tokens by id (audited); NOT_FOUND for another user's or an unknown id. */
export async function revokeTokenById(context: LedgerContext, actor: Actor, userId: number, tokenId: number): Promise<void> {
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await q.revokeTokenRow(tx, userId, tokenId, at)) === 0) throw new LedgerError('NOT_FOUND', `no active token ${tokenId}`)
    await appendAudit(tx, [{ at, companyId: null, actorId: actor.userId, action: 'token.revoke', entity: 'token', entityId: String(tokenId), payload: { userId } }])
  })
}

// ---------------------------------------------------------------- disable, lock

/** Disables (every token stops working on the next request, all revoked) or re-enables a user; audited. */
export async function setDisabled(context: LedgerContext, actor: Actor, userId: number, disabled: boolean, companyId: number | null = null): Promise<void> {
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await q.setUserDisabled(tx, userId, disabled)) === 0) throw new LedgerError('NOT_FOUND', `no user ${userId}`)
    if (disabled) await q.revokeUserTokens(tx, userId, at)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: String(userId), payload: {} }])
  })
}

/** Clears a lockout (and the failure count); audited. */
export async function unlockUser(context: LedgerContext, actor: Actor, userId: number, companyId: number | null = null): Promise<void> {
  const at = isoNow(context)
  await context.db.write(async (tx) => {
    if ((await q.clearLockout(tx, userId)) === 0) throw new LedgerError('NOT_FOUND', `no user ${userId}`)
    await appendAudit(tx, [{ at, companyId, actorId: actor.userId, action: 'user.unlock', entity: 'user', entityId: String(userId), payload: {} }])
  })
}

// ---------------------------------------------------------------- sign-in

export interface SignInAttempt {
  readonly username: string
  readonly password: string
  /** Client address, for throttling and the audit log. */
  readonly address: string
}

/**
 * Checks a password the way sign-in does, for sign-in and for actions that
 * need a fresh password (minting API tokens): throttled before any hashing,
 * an unknown user costs a dummy hash, a failure counts toward the lockout and
 * is audited, every refusal reads the same. Returns the user on success.
 */
export async function checkPassword(context: LedgerContext, guard: LoginGuard, attempt: SignInAttempt, purpose: 'login' | 'confirm'): Promise<UserStatus> {
  const wait = await guard.retryAfter(attempt.username, attempt.address)
  if (wait > 0) throw new LedgerError('RATE_LIMITED', `too many failed sign-ins; try again in ${wait} s / 登录失败次数过多，请 ${wait} 秒后再试`, { retryAfter: wait })
  if (attempt.password.length > MAX_LOGIN_PASSWORD_CHARS) throw new LedgerError('VALIDATION', `password: at most ${MAX_LOGIN_PASSWORD_CHARS} characters`)
  let user: (UserStatus & { passwordHash: string }) | null = null
  try {
    user = await findUser(context, attempt.username)
  } catch (error) {
    if (!(error instanceof LedgerError) || error.code !== 'NOT_FOUND') throw error
  }
  const matches = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyDummy(attempt.password)
  const at = isoNow(context)
  if (user && matches && !user.disabled && !user.locked) {
    await guard.succeeded(attempt.username)
    return user
  }
  await guard.failed(attempt.username, attempt.address)
  const found = user
  const reason = !found ? 'unknown user' : found.disabled ? 'disabled' : found.locked ? 'locked' : 'wrong password'
  await context.db.write(async (tx) => {
    const entries: AuditEntry[] = [{ at, companyId: null, actorId: found?.id ?? null, action: purpose === 'login' ? 'auth.login_failed' : 'auth.confirm_failed', entity: 'user', entityId: found ? String(found.id) : '', payload: { username: attempt.username.slice(0, 100), address: attempt.address, reason } }]
    // The same statement for an unknown user (it matches no row): both refusals do the same work, so take the same time.
    const counting = found !== null && !matches && !found.locked ? found : null
    const counted = await q.countFailedLogin(tx, counting?.id ?? 0)
    if (counting) {
      const failures = Number(counted.rows[0]?.failed_logins ?? 0)
      if (failures >= LOCK_AFTER_FAILURES) {
        await q.lockUser(tx, counting.id, at)
        entries.push({ at, companyId: null, actorId: null, action: 'user.lock', entity: 'user', entityId: String(counting.id), payload: { failures, address: attempt.address } })
      }
    }
    await appendAudit(tx, entries)
  })
  throw new LedgerError('UNAUTHORIZED', SIGN_IN_REFUSED)
}

export async function login(context: LedgerContext, guard: LoginGuard, attempt: SignInAttempt): Promise<{ token: string; expiresAt: string; user: User }> {
  const user = await checkPassword(context, guard, attempt, 'login')
  const token = `cl_${randomBytes(32).toString('base64url')}`
  const now = context.now()
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString()
  await context.db.write(async (tx) => {
    await q.insertSessionToken(tx, user.id, tokenHash(token), now.toISOString(), expiresAt)
    if (user.failedLogins > 0) await q.resetFailedLogins(tx, user.id)
    await appendAudit(tx, [{ at: now.toISOString(), companyId: null, actorId: user.id, action: 'auth.login', entity: 'user', entityId: String(user.id), payload: { address: attempt.address } }])
  })
  return { token, expiresAt, user: { id: user.id, username: user.username, displayName: user.displayName, disabled: user.disabled } }
}

/** A signed-in caller; with `membership` when a company was asked for and the caller is its member. */
export type Authenticated = User & { tokenId: number; tokenKind: 'session' | 'api'; membership?: { readonly role: Role; readonly company: Company } }

/**
 * Resolves a bearer token to its user, or throws UNAUTHORIZED (unknown,
 * expired, revoked token; disabled user). Revocation and disabling count from
 * the next request on. With `companyCode` the same single read also returns
 * the caller's role in that company and the company row (issue #20: one query
 * per request instead of three); a caller who is not a member gets no
 * `membership`.
 */
export async function authenticate(context: LedgerContext, token: string, companyCode?: string): Promise<Authenticated> {
  const packed = (await q.tokenUserRow(context.db.client, tokenHash(token), companyCode)).rows[0]
  const row = packed === undefined ? undefined : unpackAccessRow(JSON.parse(String(packed.r)) as unknown[])
  const now = context.now()
  if (!row || row.t_revoked_at !== null || String(row.t_expires_at) <= now.toISOString() || Number(row.u_disabled) === 1) {
    throw new LedgerError('UNAUTHORIZED', 'sign in again: the token is unknown, expired or revoked')
  }
  const lastUsed = row.t_last_used_at === null || row.t_last_used_at === undefined ? null : Date.parse(String(row.t_last_used_at))
  if (lastUsed === null || now.getTime() - lastUsed >= LAST_USED_EVERY_MS) {
    // Through the write queue (one writer at a time) but not awaited: a long import holding the
    // writer must not stall every request; a lost update only makes "last used" a minute older.
    const id = Number(row.t_id)
    void context.db.write(async (tx) => {
      await q.touchToken(tx, id, now.toISOString())
    }).catch(() => undefined)
  }
  const user: Authenticated = { id: Number(row.u_id), username: String(row.u_username), displayName: String(row.u_display_name), disabled: false, tokenId: Number(row.t_id), tokenKind: String(row.t_kind) as 'session' | 'api' }
  if (companyCode === undefined || row.m_role === null || row.m_role === undefined || row.id === null) return user
  return { ...user, membership: { role: String(row.m_role) as Role, company: requestCompany(row) } }
}

/** The access read's packed values by name (q.AUTH_FIELDS, m_role, q.AUTH_COMPANY_FIELDS). */
function unpackAccessRow(values: unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  q.AUTH_FIELDS.forEach((name, index) => { row[name] = values[index] })
  if (values.length > q.AUTH_FIELDS.length) {
    row.m_role = values[q.AUTH_FIELDS.length]
    q.AUTH_COMPANY_FIELDS.forEach((name, index) => { row[name] = values[q.AUTH_FIELDS.length + 1 + index] })
  }
  return row
}

export async function revokeToken(context: LedgerContext, token: string): Promise<void> {
  await q.revokeTokenByHash(context.db.client, tokenHash(token), isoNow(context))
}
