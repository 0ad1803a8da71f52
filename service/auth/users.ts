import { createHash, randomBytes } from 'node:crypto'
import { argon2id, argon2Verify } from 'hash-wasm'
import { LedgerError } from '../../shared/errors.ts'
import { appendAudit } from '../ledger/audit.ts'
import { type Actor, type LedgerContext, isoNow } from '../ledger/context.ts'
import { type Role, isRole } from './permissions.ts'

/**
 * Users, memberships (role per company) and bearer tokens. Passwords are
 * argon2id (OWASP: 19 MiB, 2 passes, 1 lane); tokens are 32 random bytes,
 * stored as SHA-256, expiring.
 */
export interface User {
  readonly id: number
  readonly username: string
  readonly displayName: string
  readonly disabled: boolean
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

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  return argon2id({ password, salt, parallelism: 1, iterations: 2, memorySize: 19_456, hashLength: 32, outputType: 'encoded' })
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  try {
    return await argon2Verify({ password, hash })
  } catch {
    return false
  }
}

export function generatePassword(): string {
  return randomBytes(12).toString('base64url')
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function createUser(context: LedgerContext, actor: Actor, input: { username: string; password: string; displayName?: string }): Promise<User> {
  if (!USERNAME_PATTERN.test(input.username)) throw new LedgerError('VALIDATION', `username "${input.username}" must be 2-64 letters, digits, . _ @ -`)
  if (input.password.length < 8) throw new LedgerError('VALIDATION', 'password must have at least 8 characters')
  const passwordHash = await hashPassword(input.password)
  const at = isoNow(context)
  const id = await context.db.write(async (tx) => {
    const existing = await tx.execute({ sql: 'SELECT id FROM users WHERE username = ?', args: [input.username] })
    if (existing.rows.length) throw new LedgerError('DUPLICATE', `user ${input.username} already exists`)
    const inserted = await tx.execute({ sql: 'INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?,?,?,?) RETURNING id', args: [input.username, input.displayName ?? input.username, passwordHash, at] })
    const userId = Number(inserted.rows[0]?.id)
    await appendAudit(tx, [{ at, companyId: null, actorId: actor.userId, action: 'user.create', entity: 'user', entityId: String(userId), payload: { username: input.username } }])
    return userId
  })
  return { id, username: input.username, displayName: input.displayName ?? input.username, disabled: false }
}

export async function findUser(context: LedgerContext, username: string): Promise<User & { passwordHash: string }> {
  const result = await context.db.client.execute({ sql: 'SELECT id, username, display_name, disabled, password_hash FROM users WHERE username = ?', args: [username] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no user ${username}`)
  return { id: Number(row.id), username: String(row.username), displayName: String(row.display_name), disabled: Number(row.disabled) === 1, passwordHash: String(row.password_hash) }
}

export async function listUsers(context: LedgerContext): Promise<Array<User & { memberships: Array<{ company: string; role: Role }> }>> {
  const users = await context.db.client.execute('SELECT id, username, display_name, disabled FROM users ORDER BY username')
  const memberships = await context.db.client.execute('SELECT m.user_id, c.code, m.role FROM memberships m JOIN companies c ON c.id = m.company_id ORDER BY c.code')
  return users.rows.map((row) => ({
    id: Number(row.id), username: String(row.username), displayName: String(row.display_name), disabled: Number(row.disabled) === 1,
    memberships: memberships.rows.filter((m) => Number(m.user_id) === Number(row.id)).map((m) => ({ company: String(m.code), role: String(m.role) as Role })),
  }))
}

/** Grants (or changes) a user's role in a company; `null` removes the membership. */
export async function setRole(context: LedgerContext, actor: Actor, userId: number, companyId: number, role: Role | null): Promise<void> {
  if (role !== null && !isRole(role)) throw new LedgerError('VALIDATION', `unknown role ${String(role)}`)
  await context.db.write(async (tx) => {
    if (role === null) await tx.execute({ sql: 'DELETE FROM memberships WHERE user_id = ? AND company_id = ?', args: [userId, companyId] })
    else await tx.execute({ sql: 'INSERT INTO memberships (user_id, company_id, role) VALUES (?,?,?) ON CONFLICT (user_id, company_id) DO UPDATE SET role = excluded.role', args: [userId, companyId, role] })
    await appendAudit(tx, [{ at: isoNow(context), companyId, actorId: actor.userId, action: 'user.role', entity: 'user', entityId: String(userId), payload: { role } }])
  })
}

export async function membershipsOf(context: LedgerContext, userId: number): Promise<Membership[]> {
  const result = await context.db.client.execute({ sql: 'SELECT c.id, c.code, c.name, c.base_currency, m.role FROM memberships m JOIN companies c ON c.id = m.company_id WHERE m.user_id = ? ORDER BY c.code', args: [userId] })
  return result.rows.map((row) => ({ companyId: Number(row.id), companyCode: String(row.code), companyName: String(row.name), baseCurrency: String(row.base_currency), role: String(row.role) as Role }))
}

/** Issues a bearer token; the secret is returned once and stored hashed. */
export async function issueToken(context: LedgerContext, userId: number, kind: 'session' | 'api', options: { name?: string; days?: number } = {}): Promise<{ token: string; expiresAt: string }> {
  const token = `cl_${randomBytes(32).toString('base64url')}`
  const now = context.now()
  const hours = kind === 'session' ? SESSION_HOURS : 24 * (options.days ?? 365)
  const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString()
  await context.db.write(async (tx) => {
    await tx.execute({ sql: 'INSERT INTO tokens (user_id, token_hash, kind, name, created_at, expires_at) VALUES (?,?,?,?,?,?)', args: [userId, tokenHash(token), kind, options.name ?? '', now.toISOString(), expiresAt] })
    if (kind === 'api') await appendAudit(tx, [{ at: now.toISOString(), companyId: null, actorId: userId, action: 'token.create', entity: 'user', entityId: String(userId), payload: { name: options.name ?? '', expiresAt } }])
  })
  return { token, expiresAt }
}

export async function login(context: LedgerContext, username: string, password: string): Promise<{ token: string; expiresAt: string; user: User }> {
  let user: Awaited<ReturnType<typeof findUser>> | null = null
  try {
    user = await findUser(context, username)
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error
  }
  const valid = user !== null && !user.disabled && (await verifyPassword(password, user.passwordHash))
  if (!user || !valid) throw new LedgerError('UNAUTHORIZED', 'wrong username or password')
  const { token, expiresAt } = await issueToken(context, user.id, 'session')
  return { token, expiresAt, user: { id: user.id, username: user.username, displayName: user.displayName, disabled: user.disabled } }
}

/** Resolves a bearer token to its user, or throws UNAUTHORIZED. */
export async function authenticate(context: LedgerContext, token: string): Promise<User> {
  const result = await context.db.client.execute({
    sql: 'SELECT u.id, u.username, u.display_name, u.disabled, t.expires_at, t.revoked_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?',
    args: [tokenHash(token)],
  })
  const row = result.rows[0]
  if (!row || row.revoked_at !== null || String(row.expires_at) <= context.now().toISOString() || Number(row.disabled) === 1) {
    throw new LedgerError('UNAUTHORIZED', 'sign in again: the token is unknown, expired or revoked')
  }
  return { id: Number(row.id), username: String(row.username), displayName: String(row.display_name), disabled: false }
}

export async function revokeToken(context: LedgerContext, token: string): Promise<void> {
  await context.db.client.execute({ sql: 'UPDATE tokens SET revoked_at = ? WHERE token_hash = ?', args: [isoNow(context), tokenHash(token)] })
}
