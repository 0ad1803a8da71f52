import { companyInvitationsResponse, grantRoleRequest, grantRoleResponse, inviteRequest, inviteResponse, userStateResponse, usersResponse, withdrawInvitationResponse } from '../../shared/api/users.ts'
import { LedgerError } from '../../shared/errors.ts'
import { type UserStatus, companyInvitations, companyMember, createUser, inviteUser, listCompanyUsers, membershipsOf, setDisabled, setRole, unlockUser, withdrawInvitation } from '../auth/users.ts'
import type { LedgerContext } from '../ledger/context.ts'
import { type Access, type AppDeps, companyOf, routeGroup, idParam } from './kit.ts'

function userJson(user: UserStatus & { role: string }) {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, disabled: user.disabled, locked: user.locked }
}

/**
 * Disabling a user acts on every company they belong to, so a company admin
 * may do it only when they are admin of all of them; elsewhere they remove the
 * user from their own company (role none).
 */
async function assertAdminOfAll(context: LedgerContext, access: Access, userId: number): Promise<void> {
  const actorId = access.user?.id
  if (actorId === undefined) throw new LedgerError('UNAUTHORIZED', 'sign in first')
  const mine = new Set((await membershipsOf(context, actorId)).filter((m) => m.role === 'admin').map((m) => m.companyId))
  if ((await membershipsOf(context, userId)).some((m) => !mine.has(m.companyId))) {
    throw new LedgerError('FORBIDDEN', 'this user also belongs to companies you do not administer: remove them from this company instead (role none) / 该用户还属于您不管理的账套：请改为将其移出本账套')
  }
}

export function userRoutes(deps: AppDeps) {
  const small = 16 * 1024
  return routeGroup('users', deps)
    .route({ method: 'get', path: '/companies/:company/users', summary: 'Users with a role in this company: their role here only (nothing about other companies)', permission: 'users.manage', response: usersResponse }, async ({ c, json, access }) => {
      const users = await listCompanyUsers(deps.context, companyOf(access).id)
      return json({ users: users.map(userJson) }, 200)
    })
    .route({
      method: 'post', path: '/companies/:company/users', permission: 'users.manage', maxBodyBytes: small,
      summary: 'Give a role here: a member gets the new role (200); with a password, a new user is created with the role (201); without one, the username is invited and gets the role once they accept (202, the same answer whether or not such a user exists)',
      body: grantRoleRequest, response: grantRoleResponse,
    }, async ({ c, json, access, body }) => {
      const company = companyOf(access)
      const member = (await listCompanyUsers(deps.context, company.id)).find((user) => user.username === body.username)
      if (member) {
        await setRole(deps.context, access.actor, member.id, company.id, body.role)
        return json({ status: 'updated', user: { id: member.id, username: member.username, role: body.role } }, 200)
      }
      if (body.password) {
        const created = await createUser(deps.context, access.actor, { username: body.username, password: body.password, displayName: body.displayName })
        await setRole(deps.context, access.actor, created.id, company.id, body.role)
        return json({ status: 'created', user: { id: created.id, username: created.username, role: body.role } }, 201)
      }
      const invitation = await inviteUser(deps.context, access.actor, company.id, body.username, body.role)
      return json({ status: 'invited', invitation }, 202)
    })
    .route({ method: 'get', path: '/companies/:company/invitations', summary: 'Pending invitations into this company', permission: 'users.manage', response: companyInvitationsResponse }, async ({ c, json, access }) => {
      return json({ invitations: await companyInvitations(deps.context, companyOf(access).id) }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/invitations', summary: 'Invite a username with a role (202, the same answer whether or not such a user exists)', permission: 'users.manage', maxBodyBytes: small, body: inviteRequest, response: inviteResponse }, async ({ c, json, access, body }) => {
      return json({ status: 'invited', invitation: await inviteUser(deps.context, access.actor, companyOf(access).id, body.username, body.role) }, 202)
    })
    .route({ method: 'delete', path: '/companies/:company/invitations/:id', summary: 'Withdraw a pending invitation', permission: 'users.manage', response: withdrawInvitationResponse }, async ({ c, json, access, param }) => {
      await withdrawInvitation(deps.context, access.actor, companyOf(access).id, idParam(param('id')))
      return json({ ok: true }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/users/:username/disable', summary: 'Disable a user: every token stops working on the next request (admin of every company the user belongs to; audited)', permission: 'users.manage', response: userStateResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const member = await companyMember(deps.context, company.id, param('username'))
      if (member.id === access.user?.id) throw new LedgerError('VALIDATION', 'you cannot disable yourself / 不能停用自己')
      await assertAdminOfAll(deps.context, access, member.id)
      await setDisabled(deps.context, access.actor, member.id, true, company.id)
      return json({ user: { ...userJson(member), disabled: true } }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/users/:username/enable', summary: 'Enable a disabled user again (admin of every company the user belongs to; audited)', permission: 'users.manage', response: userStateResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const member = await companyMember(deps.context, company.id, param('username'))
      await assertAdminOfAll(deps.context, access, member.id)
      await setDisabled(deps.context, access.actor, member.id, false, company.id)
      return json({ user: { ...userJson(member), disabled: false } }, 200)
    })
    .route({ method: 'post', path: '/companies/:company/users/:username/unlock', summary: 'Unlock a user locked after repeated wrong passwords (audited)', permission: 'users.manage', response: userStateResponse }, async ({ c, json, access, param }) => {
      const company = companyOf(access)
      const member = await companyMember(deps.context, company.id, param('username'))
      await unlockUser(deps.context, access.actor, member.id, company.id)
      return json({ user: { ...userJson(member), locked: false } }, 200)
    })
}
