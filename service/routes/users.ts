import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { ROLES } from '../auth/permissions.ts'
import { createUser, findUser, issueToken, listUsers, setRole } from '../auth/users.ts'
import { type AppDeps, companyOf, routeGroup } from './kit.ts'

export function userRoutes(deps: AppDeps) {
  return routeGroup('users', deps)
    .route({ method: 'get', path: '/companies/:company/users', summary: 'Users with a role in this company', permission: 'users.manage' }, async ({ c, access }) => {
      const code = companyOf(access).code
      const users = (await listUsers(deps.context)).filter((user) => user.memberships.some((m) => m.company === code))
      return c.json({ users }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/users', summary: 'Create a user (or reuse an existing one) and give them a role here', permission: 'users.manage', body: z.object({ username: z.string(), password: z.string().optional(), displayName: z.string().optional(), role: z.enum(ROLES) }) }, async ({ c, access, body }) => {
      let userId: number
      try {
        userId = (await findUser(deps.context, body.username)).id
      } catch (error) {
        if (!(error instanceof LedgerError) || error.code !== 'NOT_FOUND') throw error
        if (!body.password) throw new LedgerError('VALIDATION', 'body password: a new user needs a password')
        userId = (await createUser(deps.context, access.actor, { username: body.username, password: body.password, displayName: body.displayName })).id
      }
      await setRole(deps.context, access.actor, userId, companyOf(access).id, body.role)
      return c.json({ user: { id: userId, username: body.username, role: body.role } }, 201)
    })
    .route({ method: 'post', path: '/auth/tokens', summary: 'Create an API token for scripts (shown once)', permission: null, body: z.object({ name: z.string().max(100).optional(), days: z.number().int().min(1).max(3650).optional() }) }, async ({ c, access, body }) => {
      if (!access.user) throw new LedgerError('UNAUTHORIZED', 'sign in first')
      return c.json(await issueToken(deps.context, access.user.id, 'api', body), 201)
    })
}
