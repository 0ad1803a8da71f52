import { RateLimiterMemory } from 'rate-limiter-flexible'

/**
 * Sign-in throttling (rate-limiter-flexible, in memory: one service instance
 * owns the ledger file): failed password checks are counted per username and
 * per client address over a sliding minute; once either reaches its limit,
 * further attempts are refused before any password is hashed (RATE_LIMITED,
 * Retry-After). The persistent lockout after repeated failures is separate
 * (users.failed_logins / locked_at, cleared by an admin).
 */
export interface LoginGuardOptions {
  /** Failed sign-ins per username per window (default 20). */
  readonly perUser?: number
  /** Failed sign-ins per client address per window (default 20). */
  readonly perAddress?: number
  readonly windowSeconds?: number
}

export interface LoginGuard {
  /** Seconds to wait when either key has used up its failures, else 0. */
  retryAfter(username: string, address: string): Promise<number>
  failed(username: string, address: string): Promise<void>
  succeeded(username: string): Promise<void>
}

function userKey(username: string): string {
  return username.normalize('NFKC').toLowerCase()
}

export function createLoginGuard(options: LoginGuardOptions = {}): LoginGuard {
  const duration = options.windowSeconds ?? 60
  const byUser = new RateLimiterMemory({ keyPrefix: 'user', points: options.perUser ?? 20, duration })
  const byAddress = new RateLimiterMemory({ keyPrefix: 'address', points: options.perAddress ?? 20, duration })
  const waitFor = async (limiter: RateLimiterMemory, key: string): Promise<number> => {
    const state = await limiter.get(key)
    return state && state.consumedPoints >= limiter.points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0
  }
  return {
    async retryAfter(username, address) {
      return Math.max(await waitFor(byUser, userKey(username)), await waitFor(byAddress, address))
    },
    async failed(username, address) {
      // consume() rejects once over the limit; the count is what matters here.
      await byUser.consume(userKey(username)).catch(() => undefined)
      await byAddress.consume(address).catch(() => undefined)
    },
    async succeeded(username) {
      await byUser.delete(userKey(username))
    },
  }
}
