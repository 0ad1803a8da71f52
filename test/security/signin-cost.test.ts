import { describe, expect, it, vi } from 'vitest'

/**
 * An unknown user is refused at the cost of a wrong password: the same argon2
 * work (one verification against a hash with the same parameters), so response
 * time does not tell which usernames exist. Checked by the work done, not by
 * wall-clock timings (those failed on a shared, busy machine: issue #19.6).
 */
const verifications: string[] = []
vi.mock('hash-wasm', async (importOriginal) => {
  const original = await importOriginal<typeof import('hash-wasm')>()
  return {
    ...original,
    argon2Verify: async (options: { password: string; hash: string }) => {
      // `$argon2id$v=19$m=19456,t=2,p=1$salt$digest`: algorithm, version and cost parameters, without salt and digest
      verifications.push(options.hash.split('$').slice(0, 4).join('$'))
      return original.argon2Verify(options)
    },
  }
})

const { createApp } = await import('../../service/app.ts')
const { hashing } = await import('../../service/auth/passwords.ts')
const { createUser } = await import('../../service/auth/users.ts')
const { SYSTEM } = await import('../../service/ledger/context.ts')
const { ledgerWithCompany } = await import('../support/db.ts')

async function signIn(api: ReturnType<typeof createApp>, username: string, password: string, address: string): Promise<Response> {
  return api.app.request('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }, { incoming: { socket: { remoteAddress: address } } })
}

describe('sign-in refusal cost', () => {
  it('refuses an unknown user with the same argon2 work as a wrong password', { timeout: 120_000 }, async () => {
    const { context } = await ledgerWithCompany()
    const api = createApp({ context })
    await createUser(context, SYSTEM, { username: 'wang.caiwu', password: 'wang.caiwu-password' })
    // the dummy hash is made on the first unknown user; warm it so the rounds below compare refusals alone
    expect((await signIn(api, 'warm.up', 'whatever-password', '192.0.2.200')).status).toBe(401)
    for (let round = 0; round < 3; round += 1) {
      verifications.length = 0
      const before = hashing.count
      expect((await signIn(api, 'wang.caiwu', `wrong-password-${round}`, `192.0.2.${round * 2 + 1}`)).status).toBe(401)
      const known = { computations: hashing.count - before, verified: [...verifications] }
      verifications.length = 0
      const middle = hashing.count
      expect((await signIn(api, `nobody.${round}`, `wrong-password-${round}`, `192.0.2.${round * 2 + 2}`)).status).toBe(401)
      const unknown = { computations: hashing.count - middle, verified: [...verifications] }
      expect(known.computations).toBe(1)
      expect(known.verified).toEqual(['$argon2id$v=19$m=19456,t=2,p=1'])
      expect(unknown).toEqual(known)
    }
  })
})
