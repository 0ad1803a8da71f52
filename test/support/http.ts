import { createApp } from '../../service/app.ts'
import { createUser, setRole } from '../../service/auth/users.ts'
import type { Role } from '../../service/auth/permissions.ts'
import { SYSTEM, type LedgerContext } from '../../service/ledger/context.ts'
import type { Company } from '../../service/ledger/company.ts'

export type Api = ReturnType<typeof createApp>

/** Creates a user with `role` in `company` and signs them in through the API. */
export async function signedIn(api: Api, context: LedgerContext, company: Company, username: string, role: Role): Promise<string> {
  const existing = await context.db.client.execute({ sql: 'SELECT id FROM users WHERE username = ?', args: [username] })
  const id = existing.rows[0] ? Number(existing.rows[0].id) : (await createUser(context, SYSTEM, { username, password: `${username}-password` })).id
  await setRole(context, SYSTEM, id, company.id, role)
  const response = await api.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: `${username}-password` }) })
  const body = (await response.json()) as { token: string }
  return body.token
}

export function call(api: Api, token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return Promise.resolve(api.app.request(`/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }))
}
