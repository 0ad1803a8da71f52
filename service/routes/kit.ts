import type { Context, Hono } from 'hono'
import { z } from 'zod'
import type { DeepReadonly } from '../../shared/api/common.ts'
import { LedgerError, isLedgerError } from '../../shared/errors.ts'
import { type Permission, type Role, can } from '../auth/permissions.ts'
import type { LoginGuard } from '../auth/guard.ts'
import { type User, authenticate } from '../auth/users.ts'
import type { Company } from '../ledger/company.ts'
import type { Actor, LedgerContext } from '../ledger/context.ts'
import type { ImportSlots } from '../imports/limits.ts'

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
  /** Imports running at once in this instance (default 2); more are answered 429. */
  readonly maxConcurrentImports?: number
  /** The import slots to use (tests pass their own to watch them); default createImportSlots(maxConcurrentImports). */
  readonly importSlots?: ImportSlots
  /** Longest life of an API token in days (default 90); env LEDGER_TOKEN_MAX_DAYS. */
  readonly maxTokenDays?: number
  /** Sign-in throttling (default: createLoginGuard(), 20 failures a minute per user and per address). */
  readonly loginGuard?: LoginGuard
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
  /**
   * The JSON answer's shape, from shared/api (the contract the add-in reads
   * too). Not parsed at runtime (cost on hot routes): handlers answer through
   * `call.json`, typed against it, and test/contracts/api-contract.test.ts
   * parses every route's answer with it. Non-JSON answers of the same route
   * (a report as a file, an import's event stream) are outside it.
   */
  readonly response?: z.ZodType
  /** Largest JSON body accepted, checked before parsing (default DEFAULT_JSON_BODY_BYTES). */
  readonly maxBodyBytes?: number
  readonly tag: string
}

/** JSON bodies of most routes are a few KB; routes that take bulk data say so with `maxBodyBytes`. */
export const DEFAULT_JSON_BODY_BYTES = 1024 * 1024

function bodyTooLarge(limit: number, declared?: number): LedgerError {
  return new LedgerError('PAYLOAD_TOO_LARGE', `the request body is too large${declared === undefined ? '' : ` (${declared} bytes declared)`}: the limit here is ${limit} bytes`)
}

/** Refuses a request whose Content-Length is over `limit`, before anything is read. */
export function assertDeclaredBody(c: Context<AppEnv>, limit: number): void {
  const declared = Number(c.req.header('content-length') ?? Number.NaN)
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge(limit, declared)
}

/**
 * Reads a JSON body held to `limit` bytes: the declared length is checked
 * first, then the bytes as they stream (a chunked body may declare nothing),
 * and only then is anything parsed. With `emptyAllowed` (the route's body is
 * optional) an empty or missing body reads as undefined.
 */
export async function readJsonBody(c: Context<AppEnv>, limit: number, emptyAllowed = false): Promise<unknown> {
  assertDeclaredBody(c, limit)
  const declared = c.req.header('content-length')
  if (declared !== undefined && /^\d+$/.test(declared)) {
    // A declared length within the limit (checked above) is all the HTTP parser delivers, so the body is read
    // in one go: @hono/node-server then reads the socket directly instead of through a web ReadableStream (issue #20).
    let text: string
    try {
      text = await c.req.raw.text()
    } catch {
      throw new LedgerError('BAD_REQUEST', 'the request body could not be read (the connection closed early?)')
    }
    // (a body that is not what it declared, as app.request() in a test can send, is still held to the limit)
    if (text.length > limit / 3 && Buffer.byteLength(text) > limit) throw bodyTooLarge(limit)
    if (emptyAllowed && text.trim() === '') return undefined
    return parseJsonText(text)
  }
  const stream = c.req.raw.body
  if (!stream) {
    if (emptyAllowed) return undefined
    throw new LedgerError('BAD_REQUEST', 'the request body is not valid JSON')
  }
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw bodyTooLarge(limit)
    }
    chunks.push(value)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (emptyAllowed && text.trim() === '') return undefined
  return parseJsonText(text)
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new LedgerError('BAD_REQUEST', 'the request body is not valid JSON')
  }
}

export interface Access {
  readonly user: User | null
  /** The bearer token this request came with (id and kind), for token self-service. */
  readonly token?: { readonly id: number; readonly kind: 'session' | 'api' }
  readonly actor: Actor
  readonly company: Company | null
  readonly role: Role | null
}

/** What `call.json` takes: the route's shared response type (read-only, so the domain's read-only values fit), or nothing when the route declares none. */
export type ResponseOf<R> = R extends z.ZodType ? DeepReadonly<z.input<R>> : never

export interface Call<Body, Query, Reply = never> {
  readonly c: Context<AppEnv>
  readonly access: Access
  readonly body: Body
  readonly query: Query
  readonly deps: AppDeps
  param(name: string): string
  /** The JSON answer, typed by the route's `response` schema (shared/api): a handler that drifts from the contract fails typecheck. */
  json(value: Reply, status?: JsonStatus, headers?: Record<string, string>): Response
}

/** Statuses a JSON answer of a route may have (errors go through errorResponse). */
export type JsonStatus = 200 | 201 | 202 | 500

type Handler<Body, Query, Reply> = (call: Call<Body, Query, Reply>) => Promise<Response> | Response

export interface RouteGroup {
  readonly specs: RouteSpec[]
  mount(app: Hono<AppEnv>): void
  route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, R extends z.ZodType | undefined = undefined>(
    spec: Omit<RouteSpec, 'tag' | 'body' | 'query' | 'response'> & { body?: B; query?: Q; response?: R },
    handler: Handler<B extends z.ZodType ? z.output<B> : undefined, Q extends z.ZodType ? z.output<Q> : Record<string, string>, ResponseOf<R>>,
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
  const code = spec.path.includes(':company') ? c.req.param('company') : undefined
  // one read: the token, its user and (for a company route) the role and the company row
  const { tokenId, tokenKind, membership, ...user } = await authenticate(deps.context, token, code)
  c.set('user', user)
  const actor: Actor = { userId: user.id, username: user.username }
  if (code === undefined) {
    return { user, actor, company: null, role: null, token: { id: tokenId, kind: tokenKind } }
  }
  if (!membership) throw new LedgerError('NOT_FOUND', `no company ${code}`)
  if (spec.permission !== null && !can(membership.role, spec.permission)) {
    throw new LedgerError('FORBIDDEN', `your role ${membership.role} in ${code} may not do this (${spec.permission})`)
  }
  return { user, actor, company: membership.company, role: membership.role, token: { id: tokenId, kind: tokenKind } }
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
            // an optional body may be left out entirely (POST …/close with nothing to say)
            const raw = await readJsonBody(c, spec.maxBodyBytes ?? DEFAULT_JSON_BODY_BYTES, spec.body.safeParse(undefined).success)
            body = spec.accept?.(raw) === true ? raw : parseWith(spec.body, raw, 'body')
          }
          const query = spec.query ? parseWith(spec.query, c.req.query(), 'query') : c.req.query()
          return handler({ c, access, body: body as never, query: query as never, deps, param: (name) => c.req.param(name) ?? '', json: (value, status = 200, headers = {}) => c.json(value as never, status, headers) })
        })
      })
      return group
    },
  }
  return group
}

/** Required access for handlers of company-scoped routes. */
const POSITIVE_ID = z.coerce.number().int().positive()

/**
 * A route's numeric id parameter (`/vouchers/:id`), or the same 400 as any invalid input. The schema is built
 * once: building it per request (zod's constructors) cost 5 % of an approval's CPU (issue #20).
 */
export function idParam(text: string): number {
  return POSITIVE_ID.parse(text)
}

export function companyOf(access: Access): Company {
  if (!access.company) throw new Error('invariant violated: company-scoped route without a company')
  return access.company
}

/**
 * The client's address for throttling and the audit log: the socket's peer
 * (the service is meant to be reached directly or through a local proxy; a
 * forwarded-for header is client-controlled and not trusted). `unknown` for
 * in-process requests (tests pass `{ incoming: { socket } }` as the env).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? env?.server?.incoming?.socket?.remoteAddress ?? 'unknown'
}

/** Maps any thrown error to the contract's error body with a fitting status. */
export function errorResponse(error: unknown): { status: number; body: { error: { code: string; message: string; details?: unknown } } } {
  if (isLedgerError(error)) return { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details } } }
  if (error instanceof z.ZodError) return { status: 400, body: { error: { code: 'VALIDATION', message: error.issues[0]?.message ?? 'invalid input', details: error.issues } } }
  const message = error instanceof Error ? error.message : String(error)
  if (/period is closed/.test(message)) return { status: 409, body: { error: { code: 'PERIOD_CLOSED', message } } }
  if (/immutable|cannot be deleted|append-only/.test(message)) return { status: 409, body: { error: { code: 'INVALID_STATE', message } } }
  if (/SQLITE_BUSY|database is locked/i.test(message)) return { status: 503, body: { error: { code: 'BUSY', message: 'the database is busy; try again' } } }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error; see the service log' } } }
}
