import { LedgerError } from '../../shared/errors.ts'
import { createLoginGuard } from '../auth/guard.ts'
import { DEFAULT_MAX_TOKEN_DAYS, checkPassword, decideInvitation, invitationsFor, issueToken, listTokens, login, membershipsOf, revokeToken, revokeTokenById } from '../auth/users.ts'
import { createTokenRequest, createTokenResponse, invitationDecisionResponse, loginRequest, loginResponse, logoutResponse, meResponse, myInvitationsResponse, revokeTokenResponse, tokensQuery, tokensResponse } from '../../shared/api/auth.ts'
import { type AppDeps, clientAddress, routeGroup, idParam } from './kit.ts'

/**
 * Sign-in and self-service of the signed-in user: tokens (list, mint with a
 * fresh password, revoke) and invitations into companies (accept, decline).
 * Bodies here are tiny: 16 KB at most, checked before parsing.
 */
export function authRoutes(deps: AppDeps) {
  const guard = deps.loginGuard ?? createLoginGuard()
  const maxDays = deps.maxTokenDays ?? DEFAULT_MAX_TOKEN_DAYS
  const small = 16 * 1024
  return routeGroup('auth', deps)
    .route({ method: 'post', path: '/auth/login', summary: 'Sign in with username and password; returns a bearer token. Throttled per user and per address (429 with Retry-After), locks after repeated failures, audited', permission: 'public', maxBodyBytes: small, body: loginRequest, response: loginResponse }, async ({ c, json, body }) => {
      const session = await login(deps.context, guard, { username: body.username, password: body.password, address: clientAddress(c) })
      const companies = await membershipsOf(deps.context, session.user.id)
      return json({ token: session.token, expiresAt: session.expiresAt, user: session.user, companies: companies.map((m) => ({ id: m.companyId, code: m.companyCode, name: m.companyName, role: m.role, baseCurrency: m.baseCurrency })) }, 200)
    })
    .route({ method: 'post', path: '/auth/logout', summary: 'Revoke the current token', permission: null, response: logoutResponse }, async ({ c, json }) => {
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (token) await revokeToken(deps.context, token)
      return json({ ok: true }, 200)
    })
    .route({ method: 'get', path: '/auth/me', summary: 'The signed-in user and their companies', permission: null, response: meResponse }, async ({ c, json, access }) => {
      const user = access.user
      const companies = user ? await membershipsOf(deps.context, user.id) : []
      return json({ user, companies: companies.map((m) => ({ id: m.companyId, code: m.companyCode, name: m.companyName, role: m.role, baseCurrency: m.baseCurrency })) }, 200)
    })
    .route({ method: 'get', path: '/auth/tokens', summary: 'Your tokens (sign-in sessions and API tokens), never their secrets; ?all=1 includes expired and revoked ones', permission: null, query: tokensQuery, response: tokensResponse }, async ({ c, json, access, query }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      const tokens = await listTokens(deps.context, access.user.id, { all: query.all === '1' || query.all === 'true' })
      return json({ tokens: tokens.map((token) => ({ ...token, current: token.id === access.token?.id })), maxDays }, 200)
    })
    .route({ method: 'post', path: '/auth/tokens', summary: `Create an API token for scripts (shown once). Needs your password again; lives at most the service's maximum (default ${DEFAULT_MAX_TOKEN_DAYS} days)`, permission: null, maxBodyBytes: small, body: createTokenRequest, response: createTokenResponse }, async ({ c, json, access, body }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      if (body.days !== undefined && body.days > maxDays) throw new LedgerError('VALIDATION', `days: an API token lives at most ${maxDays} days here / API 令牌最长有效 ${maxDays} 天`)
      // A fresh password: a stolen session alone cannot mint a long-lived credential.
      await checkPassword(deps.context, guard, { username: access.user.username, password: body.password, address: clientAddress(c) }, 'confirm')
      const issued = await issueToken(deps.context, access.user.id, 'api', { name: body.name, days: body.days, maxDays })
      return json(issued, 201)
    })
    .route({ method: 'delete', path: '/auth/tokens/:id', summary: 'Revoke one of your tokens (it stops working on the next request)', permission: null, response: revokeTokenResponse }, async ({ c, json, access, param }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      await revokeTokenById(deps.context, access.actor, access.user.id, idParam(param('id')))
      return json({ ok: true }, 200)
    })
    .route({ method: 'get', path: '/auth/invitations', summary: 'Invitations into companies waiting for your answer', permission: null, response: myInvitationsResponse }, async ({ c, json, access }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      return json({ invitations: await invitationsFor(deps.context, access.user) }, 200)
    })
    .route({ method: 'post', path: '/auth/invitations/:id/accept', summary: 'Accept an invitation: you get its role in its company', permission: null, response: invitationDecisionResponse }, async ({ c, json, access, param }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      return json({ invitation: await decideInvitation(deps.context, access.user, idParam(param('id')), 'accepted') }, 200)
    })
    .route({ method: 'post', path: '/auth/invitations/:id/decline', summary: 'Decline an invitation', permission: null, response: invitationDecisionResponse }, async ({ c, json, access, param }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      return json({ invitation: await decideInvitation(deps.context, access.user, idParam(param('id')), 'declined') }, 200)
    })
}
