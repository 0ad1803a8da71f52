import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { type Browser, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../service/db/connection.ts'
import { createDemo } from '../../service/demo.ts'
import { createContext } from '../../service/ledger/context.ts'
import { type RunningServer, startServer } from '../../service/server.ts'

/**
 * End to end in real headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core) against the real service on a free port with a temp DB and
 * the demo company. Office.js is served from the npm copy (the CDN is not
 * reachable here); outside Office it reports no host, so the pane runs in
 * preview mode and renders result tables in the page. Screenshots of each pane
 * in both languages go to docs/screenshots/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ROOT = join(import.meta.dirname, '..', '..')
const DIST = join(ROOT, 'dist/addin')
const OFFICE_JS = join(ROOT, 'node_modules/@microsoft/office-js/dist')
const SHOTS = join(ROOT, 'docs/screenshots')
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (/\.(tsx?|html|css)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** Builds the pane when dist/addin is missing or older than its sources. */
async function ensureBuilt(): Promise<void> {
  const html = join(DIST, 'taskpane.html')
  if (existsSync(html) && statSync(html).mtimeMs >= newestSource(join(ROOT, 'addin/taskpane'))) return
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'addin/vite.config.ts'), logLevel: 'warn' })
}

let browser: Browser
let server: RunningServer
let db: Database
let dir: string

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it: apt-get install -y chromium fonts-noto-cjk (CI's .ci/run does), or set CHROMIUM_PATH.`)
  }
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'cledger-e2e-'))
  db = await openDatabase(`file:${join(dir, 'ledger.db')}`)
  const context = createContext(db)
  await createDemo(context, { period: '2026-10' })
  server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
}, 90_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  db?.close()
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

async function openPane(language: 'en' | 'zh-CN'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 420, height: 900 }, locale: language })
  // The Microsoft CDN is out of reach here: answer with the npm copy of the same files.
  await page.route('https://appsforoffice.microsoft.com/**', async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^\/lib\/1\/hosted\//, '')
    const file = join(OFFICE_JS, name)
    if (relative(OFFICE_JS, file).startsWith('..') || !existsSync(file) || statSync(file).isDirectory()) return route.abort()
    return route.fulfill({ status: 200, contentType: 'application/javascript', body: readFileSync(file) })
  })
  await page.route((url) => !url.href.startsWith(server.url) && !url.href.startsWith('https://appsforoffice.microsoft.com/'), (route) => route.abort())
  await page.goto(`${server.url}/addin/taskpane.html?lang=${language}`)
  return page
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true })
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

const LABELS = {
  en: { username: 'Username', password: 'Password', signIn: 'Sign in', period: 'Period', tabs: ['Import', 'Match', 'Post', 'Reports', 'Settings'], write: 'Write to a sheet', balanced: 'Balanced', run: 'Run matching', preview: 'Preview vouchers' },
  'zh-CN': { username: '用户名', password: '密码', signIn: '登录', period: '会计期间', tabs: ['导入', '勾对', '过账', '报表', '设置'], write: '写入工作表', balanced: '借贷平衡', run: '执行勾对', preview: '预览凭证' },
} as const

describe('task pane in headless Chromium against the running service', () => {
  for (const language of ['en', 'zh-CN'] as const) {
    it(`signs in, writes the trial balance, runs matching and previews posting (${language})`, async () => {
      const text = LABELS[language]
      const suffix = language === 'en' ? 'en' : 'zh'
      const page = await openPane(language)
      await page.getByLabel(text.username).waitFor()
      expect(await page.evaluate(() => typeof Office !== 'undefined')).toBe(true)
      await shot(page, `signin-${suffix}`)

      await page.getByLabel(text.username).fill('accountant')
      await page.getByLabel(text.password).fill('demo-accountant-2026')
      await page.getByRole('button', { name: text.signIn, exact: true }).click()
      await page.getByRole('tab', { name: text.tabs[3] }).waitFor()
      await page.getByLabel(text.period).fill('2026-10')

      await page.getByRole('button', { name: text.write }).click()
      await page.getByText(text.balanced, { exact: true }).waitFor()
      const table = page.locator('table[aria-label$="2026-10"]').first()
      await table.waitFor()
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(5)
      expect(await table.locator('tbody tr').last().innerText()).toMatch(/\d{1,3}(,\d{3})*\.\d{2}/)
      await shot(page, `reports-${suffix}`)

      await page.getByRole('tab', { name: text.tabs[0] }).click()
      await page.getByTestId('file-input').setInputFiles({ name: 'alipay.csv', mimeType: 'text/csv', buffer: Buffer.from('#支付宝账务明细查询\n账务流水号,业务流水号\n') })
      await page.getByText('alipay', { exact: true }).waitFor()
      await page.getByRole('button', { name: language === 'en' ? 'Upload' : '上传', exact: true }).click()
      // Whatever the service decides about this two-line file (summary, rejects, or a refusal), the pane shows it.
      await page.locator('[role="alert"], table[aria-label="Import summary"], table[aria-label="导入结果"]').first().waitFor()
      await shot(page, `import-${suffix}`)

      await page.getByRole('tab', { name: text.tabs[1] }).click()
      await page.getByRole('button', { name: text.run }).click()
      await page.getByRole('group', { name: language === 'en' ? 'Counts by status' : '按状态统计' }).waitFor()
      await shot(page, `match-${suffix}`)

      await page.getByRole('tab', { name: text.tabs[2] }).click()
      await page.getByRole('button', { name: text.preview }).click()
      await page.waitForLoadState('networkidle')
      await shot(page, `post-${suffix}`)

      await page.getByRole('tab', { name: text.tabs[4] }).click()
      await page.getByLabel(language === 'en' ? 'Matching tolerance' : '勾对容差').waitFor()
      await shot(page, `settings-${suffix}`)
      await page.close()
    }, 60_000)
  }
})
