import { existsSync, readFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { LedgerError } from '../shared/errors.ts'
import type { RouteGroup } from './routes/kit.ts'
import { type App, createApp } from './app.ts'
import type { AppDeps } from './routes/kit.ts'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const ADDIN_DIST = resolve(REPO_ROOT, 'dist/addin')

export interface ServerOptions {
  readonly port: number
  readonly host: string
  readonly https?: { readonly cert: string; readonly key: string }
  readonly extraGroups?: ReadonlyArray<(deps: AppDeps) => RouteGroup>
}

export interface RunningServer {
  readonly url: string
  readonly app: App
  close(): Promise<void>
}

/** The manifest with the service URL filled in (one manifest per environment). */
export function manifestFor(baseUrl: string): string | null {
  const candidates = [resolve(ADDIN_DIST, 'manifest.template.xml'), resolve(REPO_ROOT, 'addin/manifest.template.xml'), resolve(REPO_ROOT, 'manifest.xml')]
  const path = candidates.find((candidate) => existsSync(candidate))
  if (!path) return null
  return readFileSync(path, 'utf8').replaceAll('{{BASE_URL}}', baseUrl).replaceAll('https://localhost:3000', baseUrl).replaceAll('https://localhost:8787', baseUrl)
}

/**
 * The origin a request reached us at, from its Host header: only a local host
 * name or address with our own port (a manifest must never name a host a
 * client made up); null otherwise.
 */
export function servingUrl(hostHeader: string | undefined, scheme: 'http' | 'https', port: number): string | null {
  if (hostHeader === undefined) return null
  const match = /^(localhost|127\.0\.0\.1|\[::1\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}))?$/i.exec(hostHeader.trim())
  if (match === null) return null
  const requestedPort = match[2] === undefined ? (scheme === 'https' ? 443 : 80) : Number(match[2])
  if (requestedPort !== port) return null
  return `${scheme}://${(match[1] ?? '').toLowerCase()}:${port}`
}

/** API + built add-in files + manifest, on one port. */
export async function startServer(deps: AppDeps, options: ServerOptions): Promise<RunningServer> {
  const app = createApp(deps, options.extraGroups)
  const scheme = options.https ? 'https' : 'http'
  const publicHost = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  let baseUrl = ''
  let port = options.port
  app.app.get('/', (c) => c.redirect('/addin/taskpane.html'))
  app.app.get('/manifest.xml', (c) => {
    // The manifest names the host and port that actually serve it (the one the browser or Excel asked),
    // not the port some file was generated for; an unexpected Host falls back to the listening URL.
    const xml = manifestFor(servingUrl(c.req.header('host'), scheme, port) ?? baseUrl)
    if (!xml) return c.json({ error: { code: 'NOT_FOUND', message: 'no manifest built yet: run npm run build' } }, 404)
    return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8' })
  })
  app.app.use('/addin/*', serveStatic({ root: ADDIN_DIST, rewriteRequestPath: (path) => path.replace(/^\/addin/, '') }))
  const server = await new Promise<ReturnType<typeof serve>>((done, fail) => {
    const instance = serve({
      fetch: app.app.fetch, port: options.port, hostname: options.host,
      ...(options.https ? { createServer: createHttpsServer, serverOptions: { cert: options.https.cert, key: options.https.key } } : {}),
    }, () => done(instance))
    instance.on('error', (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE'
      ? new LedgerError('VALIDATION', `port ${options.port} on ${options.host} is already in use (another cledger serve?); stop it or choose another port: npm start -- --port ${options.port + 1}`)
      : error))
  })
  const address = server.address()
  port = typeof address === 'object' && address ? address.port : options.port
  baseUrl = `${scheme}://${publicHost}:${port}`
  return {
    url: baseUrl,
    app,
    close: () => new Promise<void>((done) => {
      server.close(() => done())
      if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections()
    }),
  }
}
