/**
 * What the task-pane e2e tests share: the built pane served beside the API on
 * a real port, headless Chromium, and office.js served from node_modules (the
 * pane loads it from appsforoffice.microsoft.com, which a test must not reach).
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Hono } from 'hono'
import { type Browser, type Page, chromium } from 'playwright-core'
import { missingTools, toolsRequired } from './outside-tools.ts'

export const ROOT = join(import.meta.dirname, '..', '..')
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const E2E_TOOLS = ['chromium', 'cjk-fonts'] as const
/** Outside CI a machine without Chromium or CJK fonts skips the e2e tests (describeWithTools says why). */
export const SKIP_E2E = missingTools(E2E_TOOLS).length > 0 && !toolsRequired()
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none']
const OFFICE_JS = join(ROOT, 'node_modules/@microsoft/office-js/dist')

/** A fresh temp folder with the pane built into `<dir>/addin`, and Chromium launched (both at once). */
export async function launchWithPane(prefix: string): Promise<{ browser: Browser; dir: string; pane: string }> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}. Install it: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH.`)
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const pane = join(dir, 'addin')
  const { build } = await import('vite')
  const [browser] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true }),
    build({ configFile: join(ROOT, 'addin/vite.config.ts'), logLevel: 'warn', build: { outDir: pane, emptyOutDir: true } }),
  ])
  return { browser, dir, pane }
}

/** Serves `app` with the built pane under /addin on a free port of 127.0.0.1. */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app of the service
export async function servePane(app: Hono<any>, pane: string): Promise<{ url: string; close: () => Promise<void> }> {
  app.use('/addin/*', serveStatic({ root: pane, rewriteRequestPath: (path) => path.replace(/^\/addin/, '') }))
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(instance))
  })
  const address = server.address()
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise<void>((done) => {
      server.close(() => done())
      if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections()
    }),
  }
}

/** Answers the page's office.js requests from node_modules/@microsoft/office-js. */
export async function routeOfficeJs(page: Page): Promise<void> {
  await page.route('https://appsforoffice.microsoft.com/**', async (route) => {
    const path = join(OFFICE_JS, new URL(route.request().url()).pathname.replace(/^\/lib\/1\/hosted\//, ''))
    if (relative(OFFICE_JS, path).startsWith('..') || !existsSync(path) || statSync(path).isDirectory()) return route.abort()
    return route.fulfill({ status: 200, contentType: 'application/javascript', body: readFileSync(path) })
  })
}
