import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { translator } from '../../addin/taskpane/i18n.ts'
import { createApp } from '../../service/app.ts'
import { openDatabase, type Database } from '../../service/db/connection.ts'
import { DEMO_STORES, createDemo } from '../../service/demo.ts'
import { generateFile } from '../../service/generators/index.ts'
import { createContext } from '../../service/ledger/context.ts'
import { describeWithTools, missingTools, toolsRequired } from '../support/outside-tools.ts'

/**
 * The import progress bar in real headless Chromium: the pane posts a large
 * Alipay bill with `Accept: text/event-stream`, reads the stream with a fetch
 * reader, shows a determinate Fluent ProgressBar while the service parses and
 * writes, then the summary. The pane is built into a temp folder of its own
 * (vite takes ~3 s), so this file never races the month-end e2e over
 * dist/addin. With SCREENSHOTS=1 the pane mid-import is saved to
 * docs/screenshots/import-progress-en.png.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const E2E_TOOLS = ['chromium', 'cjk-fonts'] as const
/** Outside CI a machine without Chromium skips these tests visibly (test/support/outside-tools.ts). */
const SKIP_E2E = missingTools(E2E_TOOLS).length > 0 && !toolsRequired()
const ROOT = join(import.meta.dirname, '..', '..')
const OFFICE_JS = join(ROOT, 'node_modules/@microsoft/office-js/dist')
const SHOTS = join(ROOT, 'docs/screenshots')
const SCREENSHOTS = process.env.SCREENSHOTS === '1'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none']
const STORE = DEMO_STORES.find((store) => store.channel === 'taobao')?.code ?? 'tmall-main'
const ROWS = 120_000

let browser: Browser | undefined
let dir = ''
let db: Database | undefined
let url = ''
let close: () => Promise<void> = async () => undefined

beforeAll(async () => {
  if (SKIP_E2E) return
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}. Install it: apt-get install -y chromium fonts-noto-cjk, or set CHROMIUM_PATH.`)
  dir = mkdtempSync(join(tmpdir(), 'cledger-e2e-progress-'))
  const pane = join(dir, 'addin')
  const { build } = await import('vite')
  const [launched] = await Promise.all([
    chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true }),
    build({ configFile: join(ROOT, 'addin/vite.config.ts'), logLevel: 'warn', build: { outDir: pane, emptyOutDir: true } }),
  ])
  browser = launched
  db = await openDatabase(`file:${join(dir, 'ledger.db')}`)
  const context = createContext(db)
  await createDemo(context)
  const { app } = createApp({ context })
  app.use('/addin/*', serveStatic({ root: pane, rewriteRequestPath: (path) => path.replace(/^\/addin/, '') }))
  const server = await new Promise<ReturnType<typeof serve>>((done) => {
    const instance = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(instance))
  })
  const address = server.address()
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  close = () => new Promise<void>((done) => {
    server.close(() => done())
    if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') server.closeAllConnections()
  })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await close()
  db?.close()
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

describeWithTools(E2E_TOOLS, 'import progress in the task pane, in headless Chromium', () => {
  it('shows a progress bar fed by the event stream while a 120,000-row bill imports, then the summary', async () => {
    if (browser === undefined) throw new Error('no browser')
    const t = translator('en')
    const file = await generateFile('alipay-merchant-account', { seed: 21, rows: ROWS, store: STORE })
    const page = await browser.newPage({ viewport: { width: 360, height: 800 }, locale: 'en' })
    await page.route('https://appsforoffice.microsoft.com/**', async (route) => {
      const path = join(OFFICE_JS, new URL(route.request().url()).pathname.replace(/^\/lib\/1\/hosted\//, ''))
      if (relative(OFFICE_JS, path).startsWith('..') || !existsSync(path) || statSync(path).isDirectory()) return route.abort()
      return route.fulfill({ status: 200, contentType: 'application/javascript', body: readFileSync(path) })
    })
    const accepts: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/imports')) accepts.push(request.headers().accept ?? '')
    })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${url}/addin/taskpane.html?lang=en`)
    await page.getByLabel(t('username')).fill('accountant')
    await page.getByLabel(t('password')).fill('demo-accountant-2026')
    await page.getByRole('button', { name: t('signIn'), exact: true }).click()
    await page.getByRole('tab', { name: t('tabImport') }).click()
    await page.getByTestId('file-input').setInputFiles([{ name: '支付宝账务明细.csv', mimeType: 'text/csv', buffer: Buffer.from(file.bytes) }])
    await page.getByLabel(t('store')).fill(STORE)
    await page.getByRole('button', { name: t('upload'), exact: true }).click()

    // Mid-import: a determinate bar (aria-valuenow set) between 20% and 95%, labelled with the file, percent and rows.
    const bar = page.getByRole('progressbar')
    await page.waitForFunction(() => {
      const value = Number(document.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? 'NaN')
      return value >= 0.2 && value <= 0.95
    }, undefined, { timeout: 60_000, polling: 50 })
    const label = await page.getByText(/^Importing 支付宝账务明细\.csv: \d+% · [\d,]+ rows, 0 rejected$/).innerText()
    const [, percent, rows] = /: (\d+)% · ([\d,]+) rows/.exec(label) ?? []
    expect(Number(percent)).toBeGreaterThanOrEqual(20)
    expect(Number((rows ?? '').replace(/,/g, ''))).toBeGreaterThan(0)
    if (SCREENSHOTS) {
      mkdirSync(SHOTS, { recursive: true })
      await page.evaluate(async () => { await document.fonts.ready })
      await page.screenshot({ path: join(SHOTS, 'import-progress-en.png'), fullPage: true })
    }

    const summary = page.getByRole('table', { name: t('importSummary') })
    await summary.waitFor({ timeout: 120_000 })
    expect(await bar.count()).toBe(0)
    const cells = (await summary.locator('tbody tr td').allInnerTexts()).map((text) => text.trim())
    expect(cells).toEqual(['支付宝账务明细.csv\nalipay-merchant-account', String(ROWS), String(file.expected.length), '0', '0'])
    expect(accepts).toEqual(['text/event-stream'])
    expect(errors).toEqual([])
  }, 180_000)
})
