import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { LedgerError } from '../../shared/errors.ts'
import { type Permission, type Role, can } from '../auth/permissions.ts'
import { type Membership, type User, authenticate, membershipsOf } from '../auth/users.ts'
import type { Company } from '../ledger/company.ts'
import { getCompany } from '../ledger/company.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'

/**
 * A tiny route kit: every route states its permission, schemas and summary in
 * one spec. The spec list drives the OpenAPI document and the RBAC table test,
 * so what is documented, what is enforced and what is tested cannot drift.
 */
export interface AppEnv {
  Variables: { user?: User }
}

export interface AppDeps {
  readonly context: LedgerContext
  readonly corsOrigins?: ReadonlyArray<string>
  readonly maxUploadBytes?: number
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

export interface RouteSpec {
  readonly method: Method
  /** path under /api/v1, Hono syntax; `:company` makes the route company-scoped */
  readonly path: string
  readonly summary: string
  /** null: any signed-in user; 'public': no sign-in */
  readonly permission: Permission | null | 'public'
  readonly body?: z.ZodType
  /**
   * Optional fast check for hot routes: true only when `body` would accept the
   * value unchanged (a schema without transforms or stripped keys); then the
   * zod parse is skipped. On false, zod parses and reports what is wrong.
   */
  readonly accept?: (raw: unknown) => boolean
  readonly query?: z.ZodType
  readonly tag: string
}

export interface Access {
  readonly user: User | null
  readonly actor: Actor
  readonly company: Company | null
  readonly role: Role | null
}

export interface Call<Body, Query> {
  readonly c: Context<AppEnv>
  readonly access: Access
  readonly body: Body
  readonly query: Query
  readonly deps: AppDeps
  param(name: string): string
}

type Handler<Body, Query> = (call: Call<Body, Query>) => Promise<Response> | Response

export interface RouteGroup {
  readonly specs: RouteSpec[]
  mount(app: Hono<AppEnv>): void
  route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
    spec: Omit<RouteSpec, 'tag' | 'body' | 'query'> & { body?: B; query?: Q },
    handler: Handler<B extends z.ZodType ? z.output<B> : undefined, Q extends z.ZodType ? z.output<Q> : Record<string, string>>,
  ): RouteGroup
}

function bearer(c: Context<AppEnv>): string | null {
  const header = c.req.header('authorization') ?? ''
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] ?? null
}

/** Signs the caller in and resolves their role in the route's company. */
export async function resolveAccess(c: Context<AppEnv>, deps: AppDeps, spec: Pick<RouteSpec, 'permission' | 'path'>): Promise<Access> {
  if (spec.permission === 'public') return { user: null, actor: { userId: null }, company: null, role: null }
  const token = bearer(c)
  if (!token) throw new LedgerError('UNAUTHORIZED', 'sign in first: send Authorization: Bearer <token>')
  const user = await authenticate(deps.context, token)
  c.set('user', user)
  const actor: Actor = { userId: user.id, username: user.username }
  const code = spec.path.includes(':company') ? c.req.param('company') : undefined
  if (code === undefined) {
    return { user, actor, company: null, role: null }
  }
  const memberships = await membershipsOf(deps.context, user.id)
  const membership = memberships.find((m: Membership) => m.companyCode === code)
  if (!membership) throw new LedgerError('NOT_FOUND', `no company ${code}`)
  if (spec.permission !== null && !can(membership.role, spec.permission)) {
    throw new LedgerError('FORBIDDEN', `your role ${membership.role} in ${code} may not do this (${spec.permission})`)
  }
  return { user, actor, company: await getCompany(deps.context, membership.companyId), role: membership.role }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.join('.') ?? ''
  throw new LedgerError('VALIDATION', `${where}${field ? ` ${field}` : ''}: ${issue?.message ?? 'invalid'}`, { fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) })
}

export function routeGroup(tag: string, deps: AppDeps): RouteGroup {
  const specs: RouteSpec[] = []
  const mounts: Array<(app: Hono<AppEnv>) => void> = []
  const group: RouteGroup = {
    specs,
    mount(app) {
      for (const mount of mounts) mount(app)
    },
    route(spec, handler) {
      const full: RouteSpec = { ...spec, tag }
      specs.push(full)
      mounts.push((app) => {
        app.on(spec.method.toUpperCase(), `/api/v1${spec.path}`, async (c) => {
          const access = await resolveAccess(c, deps, full)
          let body: unknown
          if (spec.body) {
            let raw: unknown
            const text = await c.req.text()
            // an optional body may be left out entirely (POST …/close with nothing to say)
            if (text.trim() === '' && spec.body.safeParse(undefined).success) raw = undefined
            else {
              try {
                raw = JSON.parse(text)
              } catch {
                throw new LedgerError('BAD_REQUEST', 'the request body is not valid JSON')
              }
            }
            body = spec.accept?.(raw) === true ? raw : parseWith(spec.body, raw, 'body')
          }
          const query = spec.query ? parseWith(spec.query, c.req.query(), 'query') : c.req.query()
          return handler({ c, access, body: body as never, query: query as never, deps, param: (name) => c.req.param(name) ?? '' })
        })
      })
      return group
    },
  }
  return group
}

/** Required access for handlers of company-scoped routes. */
export function companyOf(access: Access): Company {
  if (!access.company) throw new Error('invariant violated: company-scoped route without a company')
  return access.company
}
