import { z } from 'zod'
import { login, membershipsOf, revokeToken } from '../auth/users.ts'
import { type AppDeps, routeGroup } from './kit.ts'

export function authRoutes(deps: AppDeps) {
  return routeGroup('auth', deps)
    .route({ method: 'post', path: '/auth/login', summary: 'Sign in with username and password; returns a bearer token', permission: 'public', body: z.object({ username: z.string().min(1), password: z.string().min(1) }) }, async ({ c, body }) => {
      const session = await login(deps.context, body.username, body.password)
      const companies = await membershipsOf(deps.context, session.user.id)
      return c.json({ token: session.token, expiresAt: session.expiresAt, user: session.user, companies: companies.map((m) => ({ id: m.companyId, code: m.companyCode, name: m.companyName, role: m.role, baseCurrency: m.baseCurrency })) }, 200)
    })
    .route({ method: 'post', path: '/auth/logout', summary: 'Revoke the current token', permission: null }, async ({ c }) => {
      const token = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1]
      if (token) await revokeToken(deps.context, token)
      return c.json({ ok: true }, 200)
    })
    .route({ method: 'get', path: '/auth/me', summary: 'The signed-in user and their companies', permission: null }, async ({ c, access }) => {
      const user = access.user
      const companies = user ? await membershipsOf(deps.context, user.id) : []
      return c.json({ user, companies: companies.map((m) => ({ id: m.companyId, code: m.companyCode, name: m.companyName, role: m.role, baseCurrency: m.baseCurrency })) }, 200)
    })
}
