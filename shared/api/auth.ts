import { z } from 'zod'
import { ROLES } from '../roles.ts'
import { okResponse } from './common.ts'

/**
 * Sign-in and the signed-in user's own tokens and invitations:
 * `/api/v1/auth/*`. Bodies here are small (16 KB at most).
 */
export const MAX_LOGIN_PASSWORD_CHARS = 1024

export const roleSchema = z.enum(ROLES)

/** A user as sign-in shows them. */
export const userSchema = z.strictObject({ id: z.number().int(), username: z.string(), displayName: z.string(), disabled: z.boolean() })
export type UserDto = z.infer<typeof userSchema>

/** A company (账套) the user belongs to, with their role there. */
export const membershipSchema = z.strictObject({ id: z.number().int(), code: z.string(), name: z.string(), role: roleSchema, baseCurrency: z.string() })
export type MembershipDto = z.infer<typeof membershipSchema>

/** An invitation of a username into a company with a role. */
export const invitationSchema = z.strictObject({
  id: z.number().int(),
  company: z.string(),
  companyName: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  expiresAt: z.string(),
})
export type InvitationDto = z.infer<typeof invitationSchema>

/** POST /auth/login */
export const loginRequest = z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(MAX_LOGIN_PASSWORD_CHARS) })
export type LoginRequest = z.input<typeof loginRequest>
export const loginResponse = z.strictObject({ token: z.string(), expiresAt: z.string(), user: userSchema, companies: z.array(membershipSchema) })
export type LoginResponse = z.infer<typeof loginResponse>

/** POST /auth/logout */
export const logoutResponse = okResponse

/** GET /auth/me */
export const meResponse = z.strictObject({ user: userSchema.nullable(), companies: z.array(membershipSchema) })
export type MeResponse = z.infer<typeof meResponse>

/** A sign-in session or API token (never its secret); `current`: the token of this request. */
export const tokenSchema = z.strictObject({
  id: z.number().int(),
  kind: z.enum(['session', 'api']),
  name: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  current: z.boolean(),
})
export type TokenDto = z.infer<typeof tokenSchema>

/** GET /auth/tokens?all=1 */
export const tokensQuery = z.object({ all: z.enum(['0', '1', 'true', 'false']).optional() })
export const tokensResponse = z.strictObject({ tokens: z.array(tokenSchema), maxDays: z.number().int() })
export type TokensResponse = z.infer<typeof tokensResponse>

/** POST /auth/tokens: a fresh password mints an API token, shown once. */
export const createTokenRequest = z.object({ name: z.string().max(100).optional(), days: z.number().int().min(1).optional(), password: z.string().min(1).max(MAX_LOGIN_PASSWORD_CHARS) })
export type CreateTokenRequest = z.infer<typeof createTokenRequest>
export const createTokenResponse = z.strictObject({ id: z.number().int(), token: z.string(), expiresAt: z.string() })
export type CreateTokenResponse = z.infer<typeof createTokenResponse>

/** DELETE /auth/tokens/:id */
export const revokeTokenResponse = okResponse

/** GET /auth/invitations */
export const myInvitationsResponse = z.strictObject({ invitations: z.array(invitationSchema) })
export type MyInvitationsResponse = z.infer<typeof myInvitationsResponse>

/** POST /auth/invitations/:id/accept and …/decline */
export const invitationDecisionResponse = z.strictObject({ invitation: invitationSchema })
export type InvitationDecisionResponse = z.infer<typeof invitationDecisionResponse>
