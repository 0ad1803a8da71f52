import type { CreateTokenRequest, CreateTokenResponse, LoginRequest, LoginResponse, MembershipDto, TokenDto, TokensResponse, UserDto } from '../../shared/api/auth.ts'
import type { Role as SharedRole } from '../../shared/roles.ts'
import { ApiError, type Transport, errorFromResponse, networkError, segment } from './core.ts'

/** Sign-in and the signed-in user's own tokens (shared/api/auth.ts). */
export type Role = SharedRole
export type User = UserDto
/** A company the user belongs to, with their role there. */
export type Company = MembershipDto
/** What sign-in answers: the bearer token, the user and their companies. */
export type Session = LoginResponse
/** A sign-in session or API token of the signed-in user (never its secret); `current`: the token this pane signed in with. */
export type TokenInfo = TokenDto
/** A freshly minted API token: the secret is shown once. */
export type MintedToken = CreateTokenResponse

export interface AuthApi {
  login(username: string, password: string): Promise<Session>
  companies(): Promise<Company[]>
  /** the signed-in user's live tokens (sessions and API tokens) and the longest API token life */
  tokens(): Promise<TokensResponse>
  /** mints an API token; the service asks for the password again */
  createToken(options: { name: string; days?: number; password: string }): Promise<MintedToken>
  revokeToken(id: number): Promise<void>
}

export function authApi(transport: Transport): AuthApi {
  const { request } = transport
  return {
    login: (username, password) => request<Session>('POST', '/auth/login', { username, password } satisfies LoginRequest),
    async companies() {
      return (await request<{ companies: Company[] }>('GET', '/companies')).companies
    },
    tokens: () => request<TokensResponse>('GET', '/auth/tokens'),
    async createToken({ name, days, password }) {
      // A wrong password answers 401 like an ended session; only the latter may sign the pane out.
      const body: CreateTokenRequest = days === undefined ? { name, password } : { name, days, password }
      let response: Response
      try {
        response = await transport.fetcher(`${transport.base()}/auth/tokens`, { method: 'POST', headers: transport.headers(true), body: JSON.stringify(body) })
      } catch (cause) {
        throw networkError(cause)
      }
      if (response.status === 401) {
        const refused = await errorFromResponse(response)
        const alive = await transport.fetcher(`${transport.base()}/auth/me`, { method: 'GET', headers: transport.headers(false) }).then((me) => me.ok, () => false)
        if (alive) throw new ApiError('validation', 401, 'WRONG_PASSWORD', refused.message, { fields: { password: refused.message } })
        transport.options.onUnauthorized?.()
        throw refused
      }
      return (await transport.settle(response)) as MintedToken
    },
    async revokeToken(id) {
      await request('DELETE', `/auth/tokens/${segment(id)}`)
    },
  }
}
