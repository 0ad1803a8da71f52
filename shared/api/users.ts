import { z } from 'zod'
import { ROLES } from '../roles.ts'
import { invitationSchema, roleSchema } from './auth.ts'
import { okResponse } from './common.ts'

/** Users and invitations of one company: `/api/v1/companies/{code}/users|invitations` (users.manage). */
export const companyUserSchema = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  disabled: z.boolean(),
  locked: z.boolean(),
})
export type CompanyUserDto = z.infer<typeof companyUserSchema>

/** GET …/users */
export const usersResponse = z.strictObject({ users: z.array(companyUserSchema) })
export type UsersResponse = z.infer<typeof usersResponse>

/** POST …/users: 200 a member's new role, 201 a new user, 202 an invitation. */
export const grantRoleRequest = z.object({ username: z.string().min(1).max(64), password: z.string().max(1024).optional(), displayName: z.string().max(100).optional(), role: z.enum(ROLES) })
const grantedUser = z.strictObject({ id: z.number().int(), username: z.string(), role: roleSchema })
export const grantRoleResponse = z.union([
  z.strictObject({ status: z.literal('updated'), user: grantedUser }),
  z.strictObject({ status: z.literal('created'), user: grantedUser }),
  z.strictObject({ status: z.literal('invited'), invitation: invitationSchema }),
])
export type GrantRoleResponse = z.infer<typeof grantRoleResponse>

/** GET …/invitations */
export const companyInvitationsResponse = z.strictObject({ invitations: z.array(invitationSchema) })
export type CompanyInvitationsResponse = z.infer<typeof companyInvitationsResponse>

/** POST …/invitations (202, the same answer whether or not the user exists) */
export const inviteRequest = z.object({ username: z.string().min(1).max(64), role: z.enum(ROLES) })
export const inviteResponse = z.strictObject({ status: z.literal('invited'), invitation: invitationSchema })
export type InviteResponse = z.infer<typeof inviteResponse>

/** DELETE …/invitations/:id */
export const withdrawInvitationResponse = okResponse

/** POST …/users/:username/disable|enable|unlock */
export const userStateResponse = z.strictObject({ user: companyUserSchema })
export type UserStateResponse = z.infer<typeof userStateResponse>
