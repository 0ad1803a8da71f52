import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { type Browser, type Locator, type Page, chromium } from 'playwright-core'
import { afterAll, beforeAll, it } from 'vitest'
import { type Translate, translator } from '../../addin/taskpane/i18n.ts'
import { openDatabase, type Database } from '../../service/db/connection.ts'
import { DEMO_STORES, createDemo } from '../../service/demo.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { updatePostingSettings } from '../../service/posting/settings.ts'
import { type RunningServer, startServer } from '../../service/server.ts'
import { type LinkedCase, linkedFiles } from '../../service/generators/linked.ts'
import { describeWithTools, missingTools, toolsRequired } from '../support/outside-tools.ts'

/**
 * The accountant's month-end, end to end, in real headless Chromium (Debian's
 * /usr/bin/chromium driven by playwright-core) against the real service on a
 * free port with a temp DB and the demo company: sign in, import a Taobao 千牛
 * order export and the Alipay 账务明细 of the same orders (seeded generator files
 * with one amount mismatch and one orphan payment planted), run matching, open
 * the mismatch side by side and resolve it with a reason, preview and post the
 * vouchers, let the approver approve the one above the auto-approval limit, and
 * read the trial balance with the posted figures. Once per language (en, zh-CN),
 * each against its own service and DB.
 *
 * Office.js is served from the npm copy (the CDN is not reachable here); outside
 * Office it reports no host, so the pane runs in preview mode and renders the
 * sheets it writes in the page. With SCREENSHOTS=1 every pane is saved to
 * docs/screenshots/<pane>-<en|zh>.png.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const E2E_TOOLS = ['chromium', 'cjk-fonts'] as const
/** Outside CI a machine without Chromium skips these tests visibly (test/support/outside-tools.ts). */
const SKIP_E2E = missingTools(E2E_TOOLS).length > 0 && !toolsRequired()
const ROOT = join(import.meta.dirname, '..', '..')
const DIST = join(ROOT, 'dist/addin')
const OFFICE_JS = join(ROOT, 'node_modules/@microsoft/office-js/dist')
const SHOTS = join(ROOT, 'docs/screenshots')
const SCREENSHOTS = process.env.SCREENSHOTS === '1'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none']
/** A narrow task pane, as Excel opens it. */
const VIEWPORT = { width: 360, height: 800 }
const PERIOD = '2024-03'
/** The demo's Tmall store (settles through Alipay): it has a posting profile. */
const STORE = DEMO_STORES.find((store) => store.channel === 'taobao')?.code ?? 'tmall-main'
/** Day vouchers above this wait for an approver (the demo auto-approves up to 20000.00). */
const AUTO_APPROVE_MAX = '10000.00'
const LINKED = linkedFiles({ seed: 7, orders: 30, defects: ['amountMismatch', 'orphanPayment'] })
const LANGUAGES = ['en', 'zh-CN'] as const
type Language = (typeof LANGUAGES)[number]

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
  const sources = Math.max(newestSource(join(ROOT, 'addin/taskpane')), newestSource(join(ROOT, 'addin/excel')), statSync(join(ROOT, 'addin/api-client.ts')).mtimeMs)
  if (existsSync(html) && statSync(html).mtimeMs >= sources) return
  const { build } = await import('vite')
  await build({ configFile: join(ROOT, 'addin/vite.config.ts'), logLevel: 'warn' })
}

interface Service {
  readonly server: RunningServer
  readonly db: Database
  readonly dir: string
}

async function startService(): Promise<Service> {
  const dir = mkdtempSync(join(tmpdir(), 'cledger-e2e-'))
  const db = await openDatabase(`file:${join(dir, 'ledger.db')}`)
  const context = createContext(db)
  const demo = await createDemo(context)
  await updatePostingSettings(context, SYSTEM, demo.company.id, { autoApprove: { maxTotal: AUTO_APPROVE_MAX } })
  const server = await startServer({ context }, { port: 0, host: '127.0.0.1' })
  return { server, db, dir }
}

let browser: Browser | undefined
const services = new Map<Language, Service>()

beforeAll(async () => {
  if (SKIP_E2E) return
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it: apt-get install -y chromium fonts-noto-cjk (CI's .ci/run does), or set CHROMIUM_PATH.`)
  }
  const [, launched, ...started] = await Promise.all([
    ensureBuilt(),
    chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true }),
    ...LANGUAGES.map(() => startService()),
  ])
  browser = launched
  LANGUAGES.forEach((language, index) => {
    const service = started[index]
    if (service !== undefined) services.set(language, service)
  })
}, 90_000)

afterAll(async () => {
  await browser?.close()
  for (const { server, db, dir } of services.values()) {
    await server.close()
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

async function openPane(language: Language, serviceUrl: string): Promise<Page> {
  if (browser === undefined) throw new Error('no browser')
  const page = await browser.newPage({ viewport: VIEWPORT, locale: language })
  // The Microsoft CDN is out of reach here: answer with the npm copy of the same files.
  await page.route('https://appsforoffice.microsoft.com/**', async (route) => {
    const name = new URL(route.request().url()).pathname.replace(/^\/lib\/1\/hosted\//, '')
    const file = join(OFFICE_JS, name)
    if (relative(OFFICE_JS, file).startsWith('..') || !existsSync(file) || statSync(file).isDirectory()) return route.abort()
    return route.fulfill({ status: 200, contentType: 'application/javascript', body: readFileSync(file) })
  })
  await page.route((url) => !url.href.startsWith(serviceUrl) && !url.href.startsWith('https://appsforoffice.microsoft.com/'), (route) => route.abort())
  await page.goto(`${serviceUrl}/addin/taskpane.html?lang=${language}`)
  return page
}

/** Saves the page (whole height) as docs/screenshots/<name>-<en|zh>.png when SCREENSHOTS=1. */
async function shot(page: Page, name: string, language: Language): Promise<void> {
  if (!SCREENSHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  // Wait for web fonts (Noto CJK) so Chinese never renders as boxes.
  await page.evaluate(async () => { await document.fonts.ready })
  await page.screenshot({ path: join(SHOTS, `${name}-${language === 'en' ? 'en' : 'zh'}.png`), fullPage: true })
}

/** Minor units of a decimal string ("-1,234.50" -> -123450n). */
function minorOf(text: string): bigint {
  const match = /^(-?)([\d,]+)\.(\d{2})$/.exec(text.trim())
  if (match === null) throw new Error(`not an amount: ${text}`)
  const value = BigInt(`${(match[2] ?? '').replace(/,/g, '')}${match[3] ?? ''}`)
  return match[1] === '-' ? -value : value
}

/** 1234550n -> "12,345.50", as the pane groups digits. */
function shown(minor: bigint): string {
  const sign = minor < 0n ? '-' : ''
  const digits = (minor < 0n ? -minor : minor).toString().padStart(3, '0')
  return `${sign}${digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${digits.slice(-2)}`
}

function planted(name: 'amountMismatch' | 'orphanPayment'): LinkedCase {
  const found = LINKED.cases[name]
  if (found === undefined) throw new Error(`no planted ${name}`)
  return found
}

async function signIn(page: Page, t: Translate, username: string, password: string): Promise<void> {
  await page.getByLabel(t('username')).fill(username)
  await page.getByLabel(t('password')).fill(password)
  await page.getByRole('button', { name: t('signIn'), exact: true }).click()
  await page.getByRole('tab', { name: t('tabImport') }).waitFor()
}

async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.locator('td').allInnerTexts()).map((text) => text.trim())
}

describeWithTools(E2E_TOOLS, 'the month-end in the task pane, in headless Chromium against the running service', () => {
  for (const language of LANGUAGES) {
    // Both languages at once: each has its own service and page, and most of a flow is waiting on the other process.
    it.concurrent(`imports, matches, resolves an exception, posts, approves and shows the trial balance (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      const page = await openPane(language, service.server.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))

      // Sign in as the accountant and pick the period of the files.
      await page.getByLabel(t('username')).waitFor()
      expect(await page.evaluate(() => typeof Office !== 'undefined')).toBe(true)
      await shot(page, 'signin', language)
      await signIn(page, t, 'accountant', 'demo-accountant-2026')
      await page.getByLabel(t('period')).fill(PERIOD)

      // Import: both files at once, format guessed on pick, detected by the service, counted.
      await page.getByRole('tab', { name: t('tabImport') }).click()
      await page.getByTestId('file-input').setInputFiles([
        { name: '千牛订单导出.csv', mimeType: 'text/csv', buffer: Buffer.from(LINKED.files.orders.bytes) },
        { name: '支付宝账务明细.csv', mimeType: 'text/csv', buffer: Buffer.from(LINKED.files.alipay.bytes) },
      ])
      const guesses = page.getByRole('list', { name: t('detectedFormat') })
      await guesses.getByText('alipay', { exact: true }).waitFor()
      expect(await guesses.locator('li').allInnerTexts()).toEqual([`千牛订单导出.csv — ${t('detectedFormat')}: taobao`, `支付宝账务明细.csv — ${t('detectedFormat')}: alipay`])
      await page.getByLabel(t('store')).fill(STORE)
      await page.getByRole('button', { name: t('upload'), exact: true }).click()
      const summary = page.getByRole('table', { name: t('importSummary') })
      await summary.waitFor()
      const imported = await summary.locator('tbody tr').all()
      // file with the format the service detected, rows read, records imported (orders + order lines / txns), duplicates, rejected.
      expect(await Promise.all(imported.map(cellTexts))).toEqual([
        ['千牛订单导出.csv\ntaobao-qianniu', '44', '75', '0', '0'],
        ['支付宝账务明细.csv\nalipay-merchant-account', '42', '42', '0', '0'],
      ])
      await shot(page, 'import', language)

      // Match: 30 clean orders confirmed, the two planted defects open.
      await page.getByRole('tab', { name: t('tabMatch') }).click()
      await page.getByRole('button', { name: t('runMatch') }).click()
      const counts = page.getByRole('group', { name: t('countsByStatus') })
      await counts.waitFor()
      expect(await counts.innerText()).toMatch(/confirmed: 30[\s\S]*AMOUNT_MISMATCH: 1[\s\S]*ORPHAN_PAYMENT: 1/)
      const exceptions = page.getByRole('list', { name: t('exceptions') })
      const mismatch = planted('amountMismatch')
      const orphan = planted('orphanPayment')
      const gross = mismatch.gross ?? 0n
      await exceptions.getByRole('button', { name: new RegExp(`AMOUNT_MISMATCH · ${mismatch.orderNo ?? '?'}`) }).waitFor()
      expect((await exceptions.getByRole('button').allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
        `ORPHAN_PAYMENT · ${orphan.orderRef ?? '?'} 43.21`,
        `AMOUNT_MISMATCH · ${mismatch.orderNo ?? '?'} -12.00`,
      ])
      await shot(page, 'match', language)

      // The mismatch side by side: the order and its total on the left, the Alipay payment 12.00 short on the right.
      await exceptions.getByRole('button', { name: /AMOUNT_MISMATCH/ }).click()
      const detail = page.getByRole('region', { name: `AMOUNT_MISMATCH ${mismatch.orderNo ?? '?'}` })
      await detail.waitFor()
      const orderSide = detail.getByRole('group', { name: t('orderSide') })
      const moneySide = detail.getByRole('group', { name: t('moneySide') })
      const orderText = await orderSide.innerText()
      expect(orderText).toContain(mismatch.orderNo ?? '?')
      expect(orderText).toContain(shown(gross))
      expect(orderText).toContain('-12.00')
      const moneyText = await moneySide.innerText()
      expect(moneyText).toContain(mismatch.refs[0] ?? '?')
      expect(moneyText).toContain(shown(gross - 1_200n))
      expect(moneyText).not.toContain(mismatch.orderNo ?? '?')
      await detail.scrollIntoViewIfNeeded()
      await shot(page, 'match-detail', language)
      await detail.getByRole('textbox').fill(language === 'en' ? 'Coupon of 12.00 paid by the platform' : '平台承担 12.00 元优惠券')
      await detail.getByRole('button', { name: t('resolve'), exact: true }).click()
      await page.getByText(t('done'), { exact: true }).waitFor()
      await expect.poll(async () => exceptions.getByRole('button').count()).toBe(1)
      expect(await exceptions.innerText()).toContain('ORPHAN_PAYMENT')

      // Post: preview the day vouchers, see what waits, post; the one above the limit waits for an approver.
      await page.getByRole('tab', { name: t('tabPost') }).click()
      await page.getByRole('button', { name: t('previewVouchers') }).click()
      const preview = page.getByRole('table', { name: t('voucher') })
      await preview.waitFor()
      const rows = await Promise.all((await preview.locator('tbody tr').all()).map(cellTexts))
      expect(rows.map((cells) => cells[0])).toEqual(['记-1 2024-03-02', '记-2 2024-03-03'])
      // One day-summary voucher per day for the store (the summary wording is the posting engine's).
      expect(rows.map((cells) => [cells[1]?.includes('2024-03-02'), cells[1]?.includes('2024-03-03'), cells[1]?.includes(STORE)])).toEqual([[true, false, true], [false, true, true]])
      const totals = rows.map((cells) => minorOf(cells[2] ?? ''))
      const posted = totals.reduce((sum, value) => sum + value, 0n)
      expect(totals.filter((total) => total > minorOf(AUTO_APPROVE_MAX))).toHaveLength(1)
      // Only the orphan payment waits: the resolved mismatch posts, its 12.00 on the company's difference account (5711).
      const held = page.getByRole('group', { name: t('heldItems', { count: 1 }) })
      expect(await held.innerText()).toMatch(/NOT_MATCHED/)
      expect(await held.innerText()).not.toMatch(/AMOUNT_MISMATCH/)
      await shot(page, 'post', language)
      await page.getByRole('button', { name: t('postVouchers', { count: 2 }) }).click()
      await page.getByText(t('posted', { vouchers: 2, lines: 7 })).waitFor()
      await page.getByText(/记-\d+ · 2024-03-0\d/).waitFor()
      expect(await page.getByRole('button', { name: t('approve'), exact: true }).count()).toBe(0)

      // The approver signs in and approves the draft (审核 posts it).
      await page.getByRole('button', { name: t('signOut') }).click()
      await signIn(page, t, 'approver', 'demo-approver-2026')
      await page.getByRole('tab', { name: t('tabPost') }).click()
      const approve = page.getByRole('button', { name: t('approve'), exact: true })
      await approve.waitFor()
      expect(await approve.count()).toBe(1)
      await shot(page, 'post-approve', language)
      await approve.click()
      await page.getByText(t('noDrafts')).waitFor()

      // Reports: the trial balance of the period carries exactly what was posted, balanced, with its chart.
      await page.getByRole('tab', { name: t('tabReports') }).click()
      await page.getByRole('button', { name: t('writeToSheet') }).click()
      const totalsGroup = page.getByRole('group', { name: t('totals') })
      await totalsGroup.getByText(t('balanced'), { exact: true }).waitFor()
      expect((await totalsGroup.innerText()).replace(/\s+/g, ' ')).toContain(`${t('debit')} ${shown(posted)} ${t('credit')} ${shown(posted)}`)
      const table = page.locator(`table[aria-label$="${PERIOD}"]`).first()
      await table.waitFor()
      const alipay = table.locator('tbody tr', { hasText: '1012.01' })
      expect((await cellTexts(alipay)).join(' ')).toContain(language === 'en' ? 'Alipay' : '支付宝')
      expect((await cellTexts(table.locator('tbody tr', { hasText: '5711' }))).join(' ')).toContain('12.00')
      const lastRow = await cellTexts(table.locator('tbody tr').last())
      expect(lastRow).toContain(shown(posted))
      const chart = page.getByRole('figure')
      expect(await chart.innerText()).toContain(t('chartTitle'))
      expect(await chart.locator('div > div').count()).toBeGreaterThan(0)
      await shot(page, 'trial-balance', language)

      // The shared workbook: bound on first sign-in to the chosen company and this service (preview: in memory).
      const workbookCard = page.getByRole('region', { name: t('workbookTitle') })
      const companyShown = await page.getByLabel(t('company')).inputValue()
      await workbookCard.getByText(t('workbookBound', { company: companyShown, url: service.server.url }), { exact: false }).waitFor()
      expect(await workbookCard.getByRole('button', { name: t('convertToValues') }).count()).toBe(0)

      await page.getByRole('tab', { name: t('tabSettings') }).click()
      await page.getByLabel(t('tolerance')).waitFor()
      await shot(page, 'settings', language)
      expect(errors).toEqual([])
      await page.close()
    }, 90_000)
  }
})
