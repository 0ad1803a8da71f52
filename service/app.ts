import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { z } from 'zod'
import { healthResponse } from '../shared/api/common.ts'
import { LedgerError, isLedgerError } from '../shared/errors.ts'
import { pingDatabase } from './db/connection.ts'
import { authRoutes } from './routes/auth.ts'
import { apiHeaders } from './routes/headers.ts'
import { companyRoutes } from './routes/companies.ts'
import { functionRoutes } from './routes/functions.ts'
import { type AppDeps, type AppEnv, type RouteGroup, type RouteSpec, errorResponse, routeGroup } from './routes/kit.ts'
import { registerPostingCloseSteps } from './posting/close-steps.ts'
import { ledgerRoutes } from './routes/ledger.ts'
import { postingRoutes } from './routes/posting.ts'
import { reconciliationReport } from './reports/reconciliation.ts'
import { reportRoutes } from './routes/reports.ts'
import { userRoutes } from './routes/users.ts'
import { voucherRoutes } from './routes/vouchers.ts'
import { matchRoutes } from './routes/match.ts'
import { importRoutes } from './routes/imports.ts'
import { invoiceRoutes } from './routes/invoices.ts'
import { storeRoutes } from './routes/stores.ts'
import { profileRoutes } from './routes/profiles.ts'
import { drillRoutes } from './routes/drill.ts'

/**
 * The Hono app factory (no listen; see server.ts). Route groups live in
 * service/routes, one file each; to add one, push it to `groups` below.
 */
export const API_VERSION = '0.1.0'

/** Kept here too for callers of the app factory; the route kit owns it. */
export { errorResponse }

export interface App {
  readonly app: Hono<AppEnv>
  readonly routes: ReadonlyArray<RouteSpec>
}

function openApiDocument(routes: ReadonlyArray<RouteSpec>): unknown {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = `/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`
    const parameters: unknown[] = [...route.path.matchAll(/:(\w+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }))
    if (route.query instanceof z.ZodObject) {
      for (const [name, schema] of Object.entries(route.query.shape as Record<string, z.ZodType>)) {
        parameters.push({ name, in: 'query', required: !schema.safeParse(undefined).success, schema: z.toJSONSchema(schema, { unrepresentable: 'any' }) })
      }
    }
    paths[path] = {
      ...paths[path],
      [route.method]: {
        summary: route.summary,
        tags: [route.tag],
        ...(route.permission === 'public' ? { security: [] } : {}),
        'x-permission': route.permission,
        parameters,
        ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(route.body, { unrepresentable: 'any' }) } } } } : {}),
        responses: {
          ...(route.response ? { '2XX': { description: 'JSON (shared/api)', content: { 'application/json': { schema: z.toJSONSchema(route.response, { unrepresentable: 'any' }) } } } } : {}),
          default: { description: 'JSON; errors are {"error":{"code","message","details"}}' },
        },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'channel-ledger API', version: API_VERSION, description: 'Amounts are decimal strings. Authorization: Bearer <token> from POST /api/v1/auth/login.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  }
}

export function createApp(deps: AppDeps, extraGroups: ReadonlyArray<(deps: AppDeps) => RouteGroup> = []): App {
  // Steps that period close runs besides the ledger's own (FX revaluation, matching and posting checks), registered
  // explicitly here (and by the CLI's buildProgram), not as a side effect of importing or mounting a route group.
  registerPostingCloseSteps()
  const app = new Hono<AppEnv>()
  const origins = deps.corsOrigins ?? []
  // Security headers: the API gets hono's full set, no-store (answers carry tokens and ledger data) and CORS for the
  // configured origins (routes/headers.ts); the add-in files (server.ts) get the set minus what would stop Excel
  // from framing the task pane or loading its scripts.
  app.use('/api/*', apiHeaders(origins))
  const addinHeaders = secureHeaders({ xFrameOptions: false, crossOriginOpenerPolicy: false, crossOriginResourcePolicy: false, crossOriginEmbedderPolicy: false })
  app.use('*', (c, next) => (c.req.path.startsWith('/api/') ? next() : addinHeaders(c, next)))
  // No app-wide body limit: hono's bodyLimit buffers a chunked body whole before the route runs. Each route holds its own
  // body to its size as it reads it instead (kit.ts readJsonBody for JSON, imports/multipart.ts for uploads).
  app.onError((error, c) => {
    const { status, body } = errorResponse(error)
    if (status >= 500 && !isLedgerError(error)) console.error(error)
    const retryAfter = isLedgerError(error) ? (error.details as { retryAfter?: number } | undefined)?.retryAfter : undefined
    return c.json(body, status as 400, status === 429 ? { 'retry-after': String(retryAfter ?? 5) } : {})
  })
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404))

  const health = routeGroup('health', deps).route({ method: 'get', path: '/health', summary: 'Liveness and database check', permission: 'public', response: healthResponse }, async ({ json }) => {
    await pingDatabase(deps.context.db)
    return json({ ok: true, version: API_VERSION }, 200)
  })
  const groups: RouteGroup[] = [
    health,
    authRoutes(deps),
    companyRoutes(deps),
    voucherRoutes(deps),
    matchRoutes(deps),
    importRoutes(deps),
    invoiceRoutes(deps),
    storeRoutes(deps),
    profileRoutes(deps),
    drillRoutes(deps),
    ledgerRoutes(deps),
    postingRoutes(deps),
    reportRoutes(deps, { reconciliation: reconciliationReport }),
    functionRoutes(deps),
    userRoutes(deps),
    ...extraGroups.map((make) => make(deps)),
  ]
  const routes = groups.flatMap((group) => group.specs)
  app.get('/api/v1/openapi.json', (c) => c.json(openApiDocument(routes) as Record<string, unknown>, 200))
  for (const group of groups) group.mount(app)
  return { app, routes }
}

export { LedgerError }
