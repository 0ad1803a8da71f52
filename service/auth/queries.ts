import type { Client, ResultSet, Transaction } from '@libsql/client'

/**
 * The auth area's SQL (users, memberships, invitations, tokens), moved here
 * unchanged from users.ts and the CLI (data access rule,
 * docs/decisions.d/h-data.md). Raw SQL: nearly every statement runs inside a
 * `db.write` transaction, which drizzle's client-bound query builder does not
 * join. Functions return the driver's rows or counts; users.ts maps them.
 */
type Runner = Pick<Client, 'execute'> | Transaction

// ---- users

export async function userIdRows(db: Runner, username: string): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT id FROM users WHERE username = ?', args: [username] })
}

export async function insertUser(tx: Transaction, username: string, displayName: string, passwordHash: string, at: string): Promise<number> {
  const inserted = await tx.execute({ sql: 'INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?,?,?,?) RETURNING id', args: [username, displayName, passwordHash, at] })
  return Number(inserted.rows[0]?.id)
}

export async function setPasswordHash(tx: Transaction, userId: number, passwordHash: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE users SET password_hash = ?, failed_logins = 0, locked_at = NULL WHERE id = ?', args: [passwordHash, userId] })
}

export async function userRowByName(db: Runner, username: string): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT id, username, display_name, disabled, password_hash, failed_logins, locked_at FROM users WHERE username = ?', args: [username] })
}

export async function userRowById(db: Runner, userId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT id, username, display_name, disabled, failed_logins, locked_at FROM users WHERE id = ?', args: [userId] })
}

export async function allUserRows(db: Runner): Promise<{ users: ResultSet; memberships: ResultSet }> {
  const users = await db.execute('SELECT id, username, display_name, disabled, failed_logins, locked_at FROM users ORDER BY username')
  const memberships = await db.execute('SELECT m.user_id, c.code, m.role FROM memberships m JOIN companies c ON c.id = m.company_id ORDER BY c.code')
  return { users, memberships }
}

export async function companyUserRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT u.id, u.username, u.display_name, u.disabled, u.failed_logins, u.locked_at, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.company_id = ? ORDER BY u.username', args: [companyId] })
}

/** The company's first admin (lowest user id): the CLI's default acting user. */
export async function companyAdminRow(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: "SELECT u.id, u.username FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.company_id = ? AND m.role = 'admin' ORDER BY u.id LIMIT 1", args: [companyId] })
}

export async function setUserDisabled(tx: Transaction, userId: number, disabled: boolean): Promise<number> {
  return (await tx.execute({ sql: 'UPDATE users SET disabled = ? WHERE id = ?', args: [disabled ? 1 : 0, userId] })).rowsAffected
}

export async function clearLockout(tx: Transaction, userId: number): Promise<number> {
  return (await tx.execute({ sql: 'UPDATE users SET failed_logins = 0, locked_at = NULL WHERE id = ?', args: [userId] })).rowsAffected
}

/** Counts a failed sign-in; the same statement for an unknown user (id 0 matches no row). */
export async function countFailedLogin(tx: Transaction, userId: number): Promise<ResultSet> {
  return tx.execute({ sql: 'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins', args: [userId] })
}

export async function lockUser(tx: Transaction, userId: number, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE users SET locked_at = ? WHERE id = ?', args: [at, userId] })
}

export async function resetFailedLogins(tx: Transaction, userId: number): Promise<void> {
  await tx.execute({ sql: 'UPDATE users SET failed_logins = 0 WHERE id = ?', args: [userId] })
}

// ---- memberships

export async function deleteMembership(tx: Transaction, userId: number, companyId: number): Promise<void> {
  await tx.execute({ sql: 'DELETE FROM memberships WHERE user_id = ? AND company_id = ?', args: [userId, companyId] })
}

export async function upsertMembership(tx: Transaction, userId: number, companyId: number, role: string): Promise<void> {
  await tx.execute({ sql: 'INSERT INTO memberships (user_id, company_id, role) VALUES (?,?,?) ON CONFLICT (user_id, company_id) DO UPDATE SET role = excluded.role', args: [userId, companyId, role] })
}

export async function membershipRows(db: Runner, userId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT c.id, c.code, c.name, c.base_currency, m.role FROM memberships m JOIN companies c ON c.id = m.company_id WHERE m.user_id = ? ORDER BY c.code', args: [userId] })
}

/** user_id and role of every member of a company. */
export async function companyRoleRows(db: Runner, companyId: number): Promise<ResultSet> {
  return db.execute({ sql: 'SELECT user_id, role FROM memberships WHERE company_id = ?', args: [companyId] })
}

// ---- invitations

export async function withdrawPendingInvitations(tx: Transaction, companyId: number, username: string, at: string): Promise<void> {
  await tx.execute({ sql: "UPDATE invitations SET outcome = 'withdrawn', decided_at = ? WHERE company_id = ? AND username = ? AND outcome IS NULL", args: [at, companyId, username] })
}

export async function insertInvitation(tx: Transaction, values: { companyId: number; username: string; role: string; invitedBy: number | null; createdAt: string; expiresAt: string }): Promise<number> {
  const inserted = await tx.execute({ sql: 'INSERT INTO invitations (company_id, username, role, invited_by, created_at, expires_at) VALUES (?,?,?,?,?,?) RETURNING id', args: [values.companyId, values.username, values.role, values.invitedBy, values.createdAt, values.expiresAt] })
  return Number(inserted.rows[0]?.id)
}

/** Invitations with their company, filtered by `where` over `i` (invitations) and `c` (companies). */
export async function invitationRows(db: Runner, where: string, args: Array<string | number>): Promise<ResultSet> {
  return db.execute({ sql: `SELECT i.id, c.code, c.name, i.username, i.role, i.created_at, i.expires_at FROM invitations i JOIN companies c ON c.id = i.company_id WHERE ${where} ORDER BY i.id`, args })
}

export async function pendingInvitationRow(tx: Transaction, invitationId: number, username: string, at: string): Promise<ResultSet> {
  return tx.execute({ sql: 'SELECT i.id, c.code, c.name, i.username, i.role, i.created_at, i.expires_at, i.company_id FROM invitations i JOIN companies c ON c.id = i.company_id WHERE i.id = ? AND i.username = ? AND i.outcome IS NULL AND i.expires_at > ?', args: [invitationId, username, at] })
}

export async function setInvitationOutcome(tx: Transaction, invitationId: number, outcome: string, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE invitations SET outcome = ?, decided_at = ? WHERE id = ?', args: [outcome, at, invitationId] })
}

export async function withdrawInvitationRow(tx: Transaction, companyId: number, invitationId: number, at: string): Promise<number> {
  return (await tx.execute({ sql: "UPDATE invitations SET outcome = 'withdrawn', decided_at = ? WHERE id = ? AND company_id = ? AND outcome IS NULL", args: [at, invitationId, companyId] })).rowsAffected
}

// ---- tokens

export async function insertToken(tx: Transaction, values: { userId: number; tokenHash: string; kind: string; name: string; createdAt: string; expiresAt: string }): Promise<number> {
  const inserted = await tx.execute({ sql: 'INSERT INTO tokens (user_id, token_hash, kind, name, created_at, expires_at) VALUES (?,?,?,?,?,?) RETURNING id', args: [values.userId, values.tokenHash, values.kind, values.name, values.createdAt, values.expiresAt] })
  return Number(inserted.rows[0]?.id)
}

export async function insertSessionToken(tx: Transaction, userId: number, tokenHash: string, createdAt: string, expiresAt: string): Promise<void> {
  await tx.execute({ sql: 'INSERT INTO tokens (user_id, token_hash, kind, name, created_at, expires_at) VALUES (?,?,?,?,?,?)', args: [userId, tokenHash, 'session', '', createdAt, expiresAt] })
}

export async function revokeUserTokens(tx: Transaction, userId: number, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', args: [at, userId] })
}

export async function tokenRows(db: Runner, userId: number, all: boolean, now: string): Promise<ResultSet> {
  return db.execute({
    sql: `SELECT id, kind, name, created_at, expires_at, revoked_at, last_used_at FROM tokens WHERE user_id = ?${all ? '' : ' AND revoked_at IS NULL AND expires_at > ?'} ORDER BY id DESC`,
    args: all ? [userId] : [userId, now],
  })
}

export async function revokeTokenRow(tx: Transaction, userId: number, tokenId: number, at: string): Promise<number> {
  return (await tx.execute({ sql: 'UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL', args: [at, tokenId, userId] })).rowsAffected
}

/** Token and user columns of the access read, in this order (authenticate unpacks them). */
export const AUTH_FIELDS = ['u_id', 'u_username', 'u_display_name', 'u_disabled', 't_id', 't_kind', 't_expires_at', 't_revoked_at', 't_last_used_at'] as const
/** Company columns of the access read (a companies row as company.ts reads it), after m_role. */
export const AUTH_COMPANY_FIELDS = ['id', 'code', 'name', 'base_currency', 'taxpayer_type', 'chart_template', 'settings_json', 'chart_version'] as const
const AUTH_VALUES = 'u.id, u.username, u.display_name, u.disabled, t.id, t.kind, t.expires_at, t.revoked_at, t.last_used_at'

/**
 * A token's row with its user; with `companyCode` also the caller's role there and the company row (nulls when
 * there is no such company or membership): one read per request (issue #20). The values come packed in one
 * JSON array column `r` (AUTH_FIELDS, then m_role and AUTH_COMPANY_FIELDS): libSQL's client reads a statement's
 * column list twice per execute, and one column instead of nineteen made this read 2.5x cheaper.
 */
export async function tokenUserRow(db: Runner, tokenHash: string, companyCode?: string): Promise<ResultSet> {
  return companyCode === undefined
    ? db.execute({ sql: `SELECT json_array(${AUTH_VALUES}) AS r FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, args: [tokenHash] })
    : db.execute({
      sql: `SELECT json_array(${AUTH_VALUES}, m.role, c.id, c.code, c.name, c.base_currency, c.taxpayer_type, c.chart_template, c.settings_json, c.chart_version) AS r
        FROM tokens t JOIN users u ON u.id = t.user_id
        LEFT JOIN companies c ON c.code = ? LEFT JOIN memberships m ON m.user_id = u.id AND m.company_id = c.id WHERE t.token_hash = ?`,
      args: [companyCode, tokenHash],
    })
}

export async function touchToken(tx: Transaction, tokenId: number, at: string): Promise<void> {
  await tx.execute({ sql: 'UPDATE tokens SET last_used_at = ? WHERE id = ?', args: [at, tokenId] })
}

export async function revokeTokenByHash(db: Runner, tokenHash: string, at: string): Promise<void> {
  await db.execute({ sql: 'UPDATE tokens SET revoked_at = ? WHERE token_hash = ?', args: [at, tokenHash] })
}
