import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, it } from 'vitest'
import { codeName, moneyKindName, translator } from '../../addin/taskpane/i18n.ts'
import { createApp } from '../../service/app.ts'
import { openDatabase, type Database } from '../../service/db/connection.ts'
import { createDemo } from '../../service/demo.ts'
import { SYSTEM, createContext } from '../../service/ledger/context.ts'
import { updateCompanySettings } from '../../service/ledger/company.ts'
import { unknownLayoutFile } from '../../service/generators/unknown-layout.ts'
import { describeWithTools } from '../support/outside-tools.ts'
import { untranslated } from '../support/untranslated.ts'
import { E2E_TOOLS, ROOT, SKIP_E2E, launchWithPane, routeOfficeJs, servePane } from '../support/e2e.ts'

/**
 * Settings in real headless Chromium against the real service (issue #18 item 5
 * and #13's stores in the pane): the admin edits a store's account override and
 * adds a store; sees what each store holds back from posting in words; mints an
 * API token (the password asked again, a wrong one refused), uses it from outside
 * the browser, revokes it in the pane, and the next request with it is refused
 * 401; disables a user (their token stops at the next request) and enables them
 * again. And 建立映射: a file of an unknown layout (a generated export with its
 * columns renamed) is refused with its header, the accountant maps its columns in
 * the wizard, and the same file imports. And 对账汇总 on the 结账 tab, each figure
 * opening the rows behind it. Once per language, each with its own
 * service, DB and pane build (a temp
 * folder, so this never races the month-end e2e over dist/addin). With
 * SCREENSHOTS=1 the Settings pane is saved at 420 and 1200 px.
 */

const SHOTS = join(ROOT, 'docs/screenshots')
const SCREENSHOTS = process.env.SCREENSHOTS === '1'
const LANGUAGES = ['en', 'zh-CN'] as const
type Language = (typeof LANGUAGES)[number]

interface Service { readonly url: string; readonly db: Database; close(): Promise<void> }

let browser: Browser | undefined
let dir = ''
const services = new Map<Language, Service>()

async function startService(pane: string, language: Language): Promise<Service> {
  const db = await openDatabase(`file:${join(dir, `ledger-${language}.db`)}`)
  const context = createContext(db)
  await createDemo(context)
  const { app } = createApp({ context })
  const served = await servePane(app, pane)
  return { url: served.url, db, close: served.close }
}

beforeAll(async () => {
  if (SKIP_E2E) return
  const launched = await launchWithPane('cledger-e2e-settings-')
  browser = launched.browser
  dir = launched.dir
  const pane = launched.pane
  for (const language of LANGUAGES) services.set(language, await startService(pane, language))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  for (const service of services.values()) {
    await service.close()
    service.db.close()
  }
  if (dir !== '') rmSync(dir, { recursive: true, force: true })
})

async function openPane(language: Language, url: string): Promise<Page> {
  if (browser === undefined) throw new Error('no browser')
  const page = await browser.newPage({ viewport: { width: 420, height: 900 }, locale: language })
  await routeOfficeJs(page)
  await page.goto(`${url}/addin/taskpane.html?lang=${language}`)
  return page
}

async function shot(page: Page, name: string, language: Language): Promise<void> {
  if (!SCREENSHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  await page.evaluate(async () => { await document.fonts.ready })
  const tag = language === 'en' ? 'en' : 'zh'
  await page.screenshot({ path: join(SHOTS, `${name}-${tag}-420.png`), fullPage: true })
  await page.setViewportSize({ width: 1200, height: 900 })
  await page.screenshot({ path: join(SHOTS, `${name}-${tag}-1200.png`), fullPage: true })
  await page.setViewportSize({ width: 420, height: 900 })
}

/** A request from outside the browser (a script holding the token). */
async function statusWith(url: string, token: string, path = '/api/v1/auth/me'): Promise<number> {
  return (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status
}

async function signInFromOutside(url: string, username: string, password: string): Promise<{ status: number; token: string }> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  const body = (await response.json()) as { token?: string }
  return { status: response.status, token: body.token ?? '' }
}

describeWithTools(E2E_TOOLS, 'Settings in the task pane (stores, tokens, users), in headless Chromium against the running service', () => {
  for (const language of LANGUAGES) {
    it.concurrent(`edits and adds stores, mints a token shown once, revokes it (401 at once), disables and enables a user (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      const page = await openPane(language, service.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))

      await page.getByLabel(t('username')).fill('admin')
      await page.getByLabel(t('password')).fill('demo-admin-2026')
      await page.getByRole('button', { name: t('signIn'), exact: true }).click()
      await page.getByRole('tab', { name: t('tabSettings') }).click()

      // Stores: the demo's stores in words (channel, VAT, bank account, overrides).
      const stores = page.getByRole('list', { name: t('storesTitle') })
      const tmall = stores.getByRole('listitem', { name: 'tmall-main' })
      await tmall.waitFor()
      expect(await tmall.innerText()).toContain(codeName(language, 'channel', 'taobao'))
      expect(await tmall.innerText()).toContain(codeName(language, 'taxCode', 'GENERAL_13'))
      // Override the commission account of tmall-main: 5601.04 instead of the channel default.
      await page.getByRole('button', { name: `${t('editStore')} tmall-main` }).click()
      const form = page.getByRole('form', { name: `${t('editStore')} tmall-main` })
      await form.getByRole('button', { name: t('addOverride') }).click()
      const override = form.getByRole('group', { name: `${t('storeOverrides')} 1` })
      await override.getByRole('combobox', { name: t('overrideRole') }).selectOption('commission')
      await override.getByRole('combobox', { name: t('overrideAccount') }).selectOption('5601.04')
      await form.getByRole('button', { name: t('saveStore') }).click()
      await page.getByText(t('storeSaved', { code: 'tmall-main' })).waitFor()
      expect(await tmall.innerText()).toContain(`${codeName(language, 'postingRole', 'commission')} → 5601.04 ${language === 'en' ? 'Other platform charges' : '其他平台费用'}`)
      // A new store, Shopify, payouts into 1002 (bank).
      await page.getByRole('button', { name: t('addStore') }).click()
      const adding = page.getByRole('form', { name: t('addStore') })
      await adding.getByLabel(t('storeCode')).fill('web shop')
      await adding.getByLabel(t('storeDisplayName')).fill('独立站')
      await adding.getByRole('combobox', { name: t('storeChannel') }).selectOption('shopify')
      await adding.getByRole('button', { name: t('saveStore') }).click()
      await adding.getByText(t('invalidStoreCode')).waitFor()
      await adding.getByLabel(t('storeCode')).fill('web-shop')
      await adding.getByRole('button', { name: t('saveStore') }).click()
      await page.getByText(t('storeSaved', { code: 'web-shop' })).waitFor()
      await stores.getByRole('listitem', { name: 'web-shop' }).waitFor()
      // What the service now holds (read back over the API, not from the page).
      const session = await signInFromOutside(service.url, 'auditor', 'demo-auditor-2026')
      const listed = (await (await fetch(`${service.url}/api/v1/companies/DEMO/stores`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as { stores: Array<{ code: string; channel: string; name: string; overrides: Record<string, string> }> }
      expect(listed.stores.find((store) => store.code === 'tmall-main')?.overrides).toEqual({ commission: '5601.04' })
      expect(listed.stores.find((store) => store.code === 'web-shop')).toMatchObject({ channel: 'shopify', name: '独立站', overrides: {} })
      // What waits in the demo month, per store, in words.
      await page.getByRole('button', { name: t('showHeld', { period: '2026-10' }) }).click()
      const held = page.getByRole('note', { name: `${t('storeHeld', { period: '2026-10' })} web-shop` })
      await held.waitFor()
      expect(await held.innerText()).toContain(t('storeNothingHeld'))

      // Tokens: this pane's session is listed; a new API token needs the password again.
      const tokens = page.getByRole('list', { name: t('tokensTitle') })
      await tokens.getByText(t('tokenCurrent')).waitFor()
      await page.getByLabel(t('tokenName')).fill('nightly-export')
      await page.getByLabel(t('mintDays')).fill('30')
      await page.getByLabel(t('mintPassword')).fill('not-my-password')
      await page.getByRole('button', { name: t('mintToken') }).click()
      // a wrong password is refused next to the field, without ending the pane's session
      await page.getByText(codeName(language, 'errorCode', 'WRONG_PASSWORD')).waitFor()
      expect(await page.getByRole('tab', { name: t('tabSettings') }).count()).toBe(1)
      await page.getByLabel(t('mintPassword')).fill('demo-admin-2026')
      await page.getByRole('button', { name: t('mintToken') }).click()
      const secret = page.getByLabel(t('mintedToken'))
      await secret.waitFor()
      const token = await secret.inputValue()
      expect(token).toMatch(/^cl_/)
      expect(await page.getByLabel(t('mintPassword')).inputValue()).toBe('')
      await tokens.getByText('nightly-export').waitFor()
      // The script uses it: works.
      expect(await statusWith(service.url, token)).toBe(200)
      expect(await statusWith(service.url, token, '/api/v1/companies/DEMO/stores')).toBe(200)
      await expectChinese(page, language, 'settings', [token])
      await shot(page, 'settings-tokens', language)
      // Revoke it in the pane, confirming; the next request with it is refused.
      await tokens.getByRole('button', { name: `${t('revokeToken')} nightly-export` }).click()
      const confirm = page.getByRole('alertdialog', { name: t('revokeToken') })
      expect(await confirm.innerText()).toContain('nightly-export')
      await confirm.getByRole('button', { name: t('revokeYes') }).click()
      await page.getByText(t('tokenRevoked')).waitFor()
      expect(await statusWith(service.url, token)).toBe(401)
      await expect.poll(async () => tokens.getByText('nightly-export').count()).toBe(0)
      // the pane itself is still signed in
      expect(await page.getByRole('tab', { name: t('tabSettings') }).count()).toBe(1)

      // Users: disable sales; their live token stops at the next request; enable them again.
      const sales = await signInFromOutside(service.url, 'sales', 'demo-sales-2026')
      expect(sales.status).toBe(200)
      expect(await statusWith(service.url, sales.token)).toBe(200)
      const users = page.getByRole('table', { name: t('usersTitle') })
      await users.getByRole('button', { name: `${t('disableUser')} sales` }).click()
      await page.getByText(t('userChanged', { name: 'sales', state: t('userDisabled') })).waitFor()
      expect(await statusWith(service.url, sales.token)).toBe(401)
      expect((await signInFromOutside(service.url, 'sales', 'demo-sales-2026')).status).toBe(401)
      expect(await users.locator('tr', { hasText: 'sales' }).innerText()).toContain(t('userDisabled'))
      // the admin cannot disable themself from here
      expect(await users.getByRole('button', { name: `${t('disableUser')} admin` }).count()).toBe(0)
      await expectChinese(page, language, 'settings (users)', [token])
      await shot(page, 'settings-users', language)
      await users.getByRole('button', { name: `${t('enableUser')} sales` }).click()
      await page.getByText(t('userChanged', { name: 'sales', state: t('userActive') })).waitFor()
      expect((await signInFromOutside(service.url, 'sales', 'demo-sales-2026')).status).toBe(200)
      expect(errors).toEqual([])
      await page.close()
    }, 240_000)

    it.concurrent(`shows the reconciliation summary on the close tab and drills from a figure to its rows (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      const page = await openPane(language, service.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.getByLabel(t('username')).fill('approver')
      await page.getByLabel(t('password')).fill('demo-approver-2026')
      await page.getByRole('button', { name: t('signIn'), exact: true }).click()
      await page.getByRole('tab', { name: t('tabClose') }).click()
      const jd = page.getByRole('group', { name: 'jd-flagship CNY' })
      await jd.waitFor()
      // the same figures as the service's summary
      const session = await signInFromOutside(service.url, 'auditor', 'demo-auditor-2026')
      const get = async (path: string) => (await fetch(`${service.url}/api/v1${path}`, { headers: { authorization: `Bearer ${session.token}` } })).json() as Promise<Record<string, unknown>>
      const summary = (await get('/companies/DEMO/reconcile?period=2026-10')) as { stores: Array<{ store: string; received: string; openExceptions: Record<string, number>; drill: Record<string, string[]> }> }
      const row = summary.stores.find((item) => item.store === 'jd-flagship')
      if (row === undefined) throw new Error('no jd-flagship row')
      expect(await jd.innerText()).toContain(codeName(language, 'channel', 'jd'))
      for (const [type, count] of Object.entries(row.openExceptions)) expect(await jd.innerText()).toContain(`${codeName(language, 'exceptionType', type)} ${count}`)
      // received → the payment rows behind it
      await jd.getByRole('button', { name: new RegExp(`^${t('recReceived')} jd-flagship`) }).click()
      const payments = (await get(`${row.drill.received?.[0] ?? ''}&limit=200`)) as { txns: unknown[] }
      const region = jd.getByRole('region', { name: t('drillRowsOf', { figure: t('recReceived'), store: 'jd-flagship', count: payments.txns.length }) })
      await region.waitFor()
      expect(await region.locator('tbody tr').count()).toBe(payments.txns.length)
      expect(await region.locator('thead').innerText()).toContain(t('colOrderNo'))
      expect(await region.locator('tbody tr').first().innerText()).toContain(moneyKindName(language, 'payment'))
      // open exceptions → the exception rows, types in words
      await jd.getByRole('button', { name: `${t('recOpenExceptions')} jd-flagship` }).click()
      const total = Object.values(row.openExceptions).reduce((sum, count) => sum + count, 0)
      const listed = jd.getByRole('region', { name: t('drillRowsOf', { figure: t('recOpenExceptions'), store: 'jd-flagship', count: total }) })
      await listed.waitFor()
      expect(await listed.locator('tbody tr').count()).toBe(total)
      expect(await listed.innerText()).toContain(codeName(language, 'exceptionType', Object.keys(row.openExceptions)[0] ?? ''))
      await expectChinese(page, language, 'reconciliation', [])
      await listed.scrollIntoViewIfNeeded()
      await shot(page, 'close-reconcile', language)
      expect(errors).toEqual([])
      await page.close()
    }, 240_000)

    it.concurrent(`drills from a 明细账 line to its voucher and on to the orders and bill lines it was made from; finds an order by number (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      const page = await openPane(language, service.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.getByLabel(t('username')).fill('auditor')
      await page.getByLabel(t('password')).fill('demo-auditor-2026')
      await page.getByRole('button', { name: t('signIn'), exact: true }).click()
      await page.getByRole('tab', { name: t('tabReports') }).click()
      await page.getByRole('combobox', { name: t('chooseReport') }).selectOption('account-detail')
      await page.getByRole('combobox', { name: t('account') }).or(page.getByLabel(t('account'))).first().fill('1122')
      await page.getByRole('button', { name: t('loadReport') }).click()
      // the first voucher of 1122's detail: open it
      // (a Fluent Link without href is a button)
      const first = page.getByRole('button', { name: new RegExp(`^${t('openVoucher', { voucher: '' }).trim()}`) }).first()
      await first.waitFor()
      const label = (await first.innerText()).trim()
      await first.click()
      const drill = page.getByRole('region', { name: t('voucherSourcesTitle') })
      await drill.getByRole('article').waitFor()
      expect(await drill.getByRole('article').getAttribute('aria-label')).toMatch(new RegExp(`^${label} `))
      // the sources the service names, each as a row with its kind in words
      const session = await signInFromOutside(service.url, 'auditor', 'demo-auditor-2026')
      const get = async (path: string) => (await fetch(`${service.url}/api/v1${path}`, { headers: { authorization: `Bearer ${session.token}` } })).json() as Promise<Record<string, unknown>>
      const vouchers = (await get('/companies/DEMO/vouchers?period=2026-10&limit=5000')) as { vouchers: Array<{ id: number; word: string; number: number | null }> }
      const voucher = vouchers.vouchers.find((item) => `${item.word}-${item.number}` === label)
      if (voucher === undefined) throw new Error(`no voucher ${label}`)
      const sources = (await get(`/companies/DEMO/vouchers/${voucher.id}/sources`)) as { sources: Array<{ kind: string; records: Array<{ kind: string; id: number; number: string }> }> }
      const records = sources.sources.flatMap((source) => source.records).filter((record, index, all) => all.findIndex((other) => other.kind === record.kind && other.id === record.id) === index)
      expect(records.length).toBeGreaterThan(0)
      const table = drill.getByRole('table', { name: t('voucherSourcesTitle') })
      await table.waitFor()
      expect(await table.locator('tr').count()).toBe(records.length)
      const kinds = new Set(records.map((record) => record.kind))
      const names: Record<string, string> = { order: t('sourceOrder'), settlementTxn: t('sourceSettlementTxn'), bankTxn: t('sourceBankTxn'), voucher: t('sourceVoucher') }
      for (const kind of kinds) expect(await table.innerText()).toContain(names[kind] ?? '?')
      await expectChinese(page, language, 'voucher drill', ['1122'])
      await drill.scrollIntoViewIfNeeded()
      await shot(page, 'reports-voucher-drill', language)

      // 查找: an order number → the order, its bill lines, its voucher
      const order = records.find((record) => record.kind === 'order') ?? records[0]
      const search = page.getByRole('search')
      await search.getByLabel(t('searchLabel')).fill(order?.number ?? '')
      await search.getByRole('button', { name: t('searchButton') }).click()
      const found = (await get(`/companies/DEMO/search?q=${encodeURIComponent(order?.number ?? '')}`)) as { orders: unknown[]; settlementTxns: unknown[]; vouchers: Array<{ id: number }> }
      expect(found.vouchers.map((item) => item.id)).toContain(voucher.id)
      const orders = page.getByRole('table', { name: t('searchOrders', { count: found.orders.length }) })
      await orders.waitFor()
      expect(await orders.locator('tr').count()).toBe(found.orders.length)
      const inVouchers = page.getByRole('table', { name: t('searchVouchers', { count: found.vouchers.length }) })
      expect(await inVouchers.getByRole('button', { name: label, exact: true }).count()).toBe(1)
      await expectChinese(page, language, 'search', ['1122', order?.number ?? ''])
      await inVouchers.scrollIntoViewIfNeeded()
      await shot(page, 'reports-search', language)
      expect(errors).toEqual([])
      await page.close()
    }, 240_000)

    it.concurrent(`un-approves (反审核) an approved, unposted voucher in the voucher view (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      // A company that keeps 审核 and 记账 apart, and a draft keyed in by the accountant.
      const company = (await service.db.client.execute("SELECT id FROM companies WHERE code = 'DEMO'")).rows[0]
      await updateCompanySettings(createContext(service.db), SYSTEM, Number(company?.id), { postOnApprove: false })
      const accountant = await signInFromOutside(service.url, 'accountant', 'demo-accountant-2026')
      const summary = language === 'en' ? 'Unapprove test' : '反审核测试'
      const created = await fetch(`${service.url}/api/v1/companies/DEMO/vouchers`, {
        method: 'POST', headers: { authorization: `Bearer ${accountant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ date: '2026-10-20', word: '记', summary, lines: [{ account: '1122', store: 'tmall-main', debit: '226.00', summary }, { account: '5001', store: 'tmall-main', credit: '200.00', summary }, { account: '2221.01.02', store: 'tmall-main', credit: '26.00', summary }] }),
      })
      expect(created.status).toBe(201)
      const id = ((await created.json()) as { voucher: { id: number } }).voucher.id

      const page = await openPane(language, service.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.getByLabel(t('username')).fill('approver')
      await page.getByLabel(t('password')).fill('demo-approver-2026')
      await page.getByRole('button', { name: t('signIn'), exact: true }).click()
      await page.getByRole('tab', { name: t('tabPost') }).click()
      const draft = page.getByRole('article').filter({ hasText: summary })
      await draft.first().waitFor()
      await draft.first().getByRole('button', { name: t('approve'), exact: true }).click()
      const approved = page.getByRole('group', { name: t('approvedVouchers') })
      await approved.getByRole('article').filter({ hasText: summary }).waitFor()
      const status = async () => String((await service.db.client.execute({ sql: 'SELECT status FROM vouchers WHERE id = ?', args: [id] })).rows[0]?.status)
      expect(await status()).toBe('approved')
      await approved.getByLabel(t('unapproveReason')).fill(language === 'en' ? 'Amount to be checked' : '金额待核实')
      await expectChinese(page, language, 'approved vouchers', ['ICBC']) // the demo's own draft names its bank account (data)
      await shot(page, 'post-unapprove', language)
      await approved.getByRole('article').filter({ hasText: summary }).getByRole('button', { name: t('unapprove') }).click()
      await page.getByText(t('unapproved', { voucher: `记-${id}` })).waitFor()
      expect(await status()).toBe('draft')
      const audit = await service.db.client.execute({ sql: "SELECT payload_json FROM audit_log WHERE action = 'voucher.unapprove' AND entity_id = ?", args: [String(id)] })
      expect((JSON.parse(String(audit.rows[0]?.payload_json)) as { reason: string }).reason).toBe(language === 'en' ? 'Amount to be checked' : '金额待核实')
      // it is a draft again, waiting for approval
      await page.getByRole('article').filter({ hasText: summary }).getByRole('button', { name: t('approve'), exact: true }).waitFor()
      expect(errors).toEqual([])
      await page.close()
    }, 240_000)

    it.concurrent(`maps the columns of an unknown file in the wizard and imports it (${language})`, async ({ expect }) => {
      const t = translator(language)
      const service = services.get(language)
      if (service === undefined) throw new Error('service did not start')
      const file = await unknownLayoutFile({ seed: 11, rows: 25 })
      const page = await openPane(language, service.url)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.getByLabel(t('username')).fill('accountant')
      await page.getByLabel(t('password')).fill('demo-accountant-2026')
      await page.getByRole('button', { name: t('signIn'), exact: true }).click()
      await page.getByRole('tab', { name: t('tabImport') }).click()
      await page.getByTestId('file-input').setInputFiles([{ name: file.fileName, mimeType: 'text/csv', buffer: Buffer.from(file.bytes) }])
      await page.getByLabel(t('store')).fill('web-cn')
      await page.getByRole('button', { name: t('upload'), exact: true }).click()
      // not recognised: said in words, and the pane offers the mapping
      await page.getByRole('button', { name: t('buildMapping') }).waitFor()
      // zh-CN says it from the catalogue; English shows the service's own sentence
      const said = await page.getByRole('alert').first().innerText()
      if (language === 'zh-CN') expect(said).toBe(codeName(language, 'errorCode', 'UNSUPPORTED_FORMAT'))
      else expect(said).toContain(file.fileName)
      await page.getByRole('button', { name: t('buildMapping') }).click()
      const wizard = page.getByRole('form', { name: t('buildMapping') })
      await wizard.waitFor()
      const field = (name: string) => wizard.getByRole('combobox', { name: codeName(language, 'profileField', name) })
      // every column of the file is offered for each field
      expect((await field('occurredAt').locator('option').allInnerTexts()).slice(1)).toEqual(file.columns)
      await wizard.getByRole('combobox', { name: t('mappingChannel') }).selectOption('shopify')
      await wizard.getByLabel(t('mappingCurrency')).fill('USD')
      // a required field left out is named before anything is sent
      await field('amount').selectOption(file.mapping.amount ?? '')
      await wizard.getByRole('button', { name: t('saveMappingAndImport') }).click()
      await wizard.getByText(t('mappingMissing', { fields: codeName(language, 'profileField', 'occurredAt') })).waitFor()
      for (const [name, column] of Object.entries(file.mapping)) await field(name).selectOption(column)
      await expectChinese(page, language, 'mapping wizard', [file.fileName, ...file.columns, '网店资金流水', 'web-cn', 'USD'])
      await shot(page, 'import-mapping', language)
      await wizard.getByRole('button', { name: t('saveMappingAndImport') }).click()
      const summary = page.getByRole('table', { name: t('importSummary') })
      await summary.waitFor()
      const cells = (await summary.locator('tbody tr').first().locator('td').allInnerTexts()).map((text) => text.trim())
      expect(cells).toEqual([`${file.fileName}\ngeneric:网店资金流水`, String(file.rows), String(file.rows), '0', '0'])
      await page.getByText(t('mappingSaved', { name: '网店资金流水' })).waitFor()
      // stored in the service, in the file's currency
      const stored = await service.db.client.execute({ sql: "SELECT COUNT(*) AS n FROM settlement_txns WHERE store = 'web-cn' AND currency = 'USD'", args: [] })
      expect(Number(stored.rows[0]?.n)).toBe(file.rows)
      await shot(page, 'import-mapped', language)
      expect(errors).toEqual([])
      await page.close()
    }, 240_000)
  }
})

/** zh-CN: the page shows no raw code and no English sentence (data the user brought aside). */
async function expectChinese(page: Page, language: Language, where: string, allowed: readonly string[]): Promise<void> {
  if (language !== 'zh-CN') return
  const text = await page.evaluate(() => document.body.innerText)
  const found = untranslated(text, ['DEMO', '(Demo Trading Co.)', 'tmall-main', 'jd-flagship', 'shopify-us', 'Shopify US', 'web-shop', 'nightly-export', ...allowed])
  if (found.length > 0) throw new Error(`untranslated on the ${where} screen: ${JSON.stringify(found)}`)
}
