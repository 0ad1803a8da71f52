import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { LAST_USED_EVERY_MS } from '../../service/auth/users.ts'
import { createContext } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

interface Listed { tokens: Array<{ id: number; kind: string; name: string; lastUsedAt: string | null; current: boolean }> }

/** The write of "last used" is not awaited by the request: wait for the write queue to have done it. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read()
    if (done(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('timed out')
}

describe('token list: last used', () => {
  it('records when each token last signed a request, at most once a minute, and never for an unused token', async () => {
    const { db, company } = await ledgerWithCompany()
    let now = new Date('2026-12-05T10:00:00.000Z')
    const context = createContext(db, () => now)
    const api = createApp({ context })
    const session = await signedIn(api, context, company, 'keeper', 'accountant')
    const minted = await call(api, session, 'POST', '/auth/tokens', { name: 'script', password: 'keeper-password', days: 30 })
    expect(minted.status).toBe(201)
    const apiToken = ((await minted.json()) as { token: string; id: number })
    const list = async () => ((await (await call(api, session, 'GET', '/auth/tokens')).json()) as Listed).tokens

    // the session was used (this very list); the API token not yet
    const first = await until(list, (tokens) => tokens.find((token) => token.current)?.lastUsedAt !== null)
    expect(first.find((token) => token.current)?.lastUsedAt).toBe('2026-12-05T10:00:00.000Z')
    expect(first.find((token) => token.id === apiToken.id)?.lastUsedAt).toBeNull()

    // the script uses its token 30 s later: recorded
    now = new Date('2026-12-05T10:00:30.000Z')
    expect((await call(api, apiToken.token, 'GET', '/auth/me')).status).toBe(200)
    const used = await until(list, (tokens) => tokens.find((token) => token.id === apiToken.id)?.lastUsedAt !== null)
    expect(used.find((token) => token.id === apiToken.id)?.lastUsedAt).toBe('2026-12-05T10:00:30.000Z')

    // again within the minute: not rewritten; after it: rewritten
    now = new Date(Date.parse('2026-12-05T10:00:30.000Z') + LAST_USED_EVERY_MS - 1)
    expect((await call(api, apiToken.token, 'GET', '/auth/me')).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await list()).find((token) => token.id === apiToken.id)?.lastUsedAt).toBe('2026-12-05T10:00:30.000Z')
    now = new Date('2026-12-05T10:05:00.000Z')
    expect((await call(api, apiToken.token, 'GET', '/auth/me')).status).toBe(200)
    const later = await until(list, (tokens) => tokens.find((token) => token.id === apiToken.id)?.lastUsedAt === '2026-12-05T10:05:00.000Z')
    expect(later.find((token) => token.id === apiToken.id)?.lastUsedAt).toBe('2026-12-05T10:05:00.000Z')
    const rows = await db.client.execute({ sql: 'SELECT last_used_at FROM tokens WHERE id = ?', args: [apiToken.id] })
    expect(String(rows.rows[0]?.last_used_at)).toBe('2026-12-05T10:05:00.000Z')
  })
})
