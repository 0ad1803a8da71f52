import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { storeResponseSchema, storesResponseSchema } from '../../shared/api/stores.ts'
import { defaultAccountRoles } from '../../shared/accounts.ts'
import { HOLD_HELP, HOLD_REASONS, resolveAccounts, validateMapping } from '../../shared/posting/index.ts'
import { CHANNELS } from '../../shared/records.ts'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { linkedFiles } from '../../service/generators/linked.ts'
import { importFile } from '../../service/imports/load.ts'
import { loadChart } from '../../service/ledger/company.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { addStore, listStores } from '../../service/ledger/stores.ts'
import { loadStoreProfiles } from '../../service/posting/settings.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { call, signedIn } from '../support/http.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
  return { code, out, err }
}

describe('channel default profiles', () => {
  it('give every channel in CHANNELS a complete mapping of leaf accounts on a fresh company, in both charts', async () => {
    const { context, company } = await ledgerWithCompany()
    const chart = await loadChart(context, company.id)
    for (const channel of CHANNELS) {
      const accounts = resolveAccounts(company.chartTemplate, company.taxpayerType, channel, {}, {})
      expect(validateMapping(channel, accounts, chart), channel).toEqual([])
      await addStore(context, SYSTEM, company.id, { code: `s-${channel}`, channel })
    }
    expect(resolveAccounts('small-enterprise', 'general', 'other', {}, {}).wallet).toBe('1012.99')
    expect(resolveAccounts('small-enterprise', 'general', 'bank', {}, {}).wallet).toBe(defaultAccountRoles('small-enterprise').bank)
    const { profiles, problems } = await loadStoreProfiles(context, company)
    expect(problems).toEqual([])
    expect([...profiles.keys()].sort()).toEqual(CHANNELS.map((channel) => `s-${channel}`).sort())
  })

  it('name a fix in zh-CN and en for every hold reason', () => {
    for (const reason of HOLD_REASONS) {
      expect(HOLD_HELP[reason].zh, reason).toMatch(/cledger|设置/)
      expect(HOLD_HELP[reason].en, reason).toMatch(/cledger|Settings/)
    }
    expect(HOLD_HELP.UNKNOWN_STORE.en).toContain('cledger store add')
    expect(HOLD_HELP.UNKNOWN_STORE.zh).toContain('cledger store add')
  })
})

describe('stores over the API', () => {
  it('lists, creates, shows and changes stores in the contract shape, and refuses bad input with clear errors', async () => {
    const { context, company } = await ledgerWithCompany()
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    const sales = await signedIn(api, context, company, 'zhao.sales', 'sales')
    const base = `/companies/${company.code}/stores`
    expect(await (await call(api, sales, 'GET', base)).json()).toEqual({ stores: [] })

    const created = await call(api, accountant, 'POST', base, { code: 'tmall-main', name: '天猫旗舰店', channel: 'tmall', taxCode: 'GENERAL_13', bankAccount: '1002', overrides: { commission: '5601.04' } })
    expect(created.status).toBe(201)
    const { store } = storeResponseSchema.parse(await created.json())
    expect(store).toMatchObject({ code: 'tmall-main', name: '天猫旗舰店', channel: 'tmall', taxCode: 'GENERAL_13', bankAccount: '1002', overrides: { commission: '5601.04' } })
    expect(store.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect((await call(api, sales, 'POST', base, { code: 'x', channel: 'jd' })).status).toBe(403)

    const listed = storesResponseSchema.parse(await (await call(api, sales, 'GET', base)).json())
    expect(listed.stores.map((each) => each.code)).toEqual(['tmall-main'])
    expect(storeResponseSchema.parse(await (await call(api, sales, 'GET', `${base}/tmall-main`)).json()).store).toEqual(store)

    const patched = await call(api, accountant, 'PATCH', `${base}/tmall-main`, { name: '天猫店', bankAccount: null, overrides: { paymentFee: '5601.04' } })
    expect(patched.status).toBe(200)
    expect(storeResponseSchema.parse(await patched.json()).store).toMatchObject({ name: '天猫店', bankAccount: null, overrides: { paymentFee: '5601.04' }, taxCode: 'GENERAL_13', createdAt: store.createdAt })

    const refusals: Array<[unknown, number, string, string]> = [
      [{ code: 'tmall-main', channel: 'tmall' }, 409, 'DUPLICATE', 'exists already'],
      [{ code: 'jd', channel: 'jingdong' }, 400, 'VALIDATION', 'channel'],
      [{ code: 'my shop', channel: 'jd' }, 400, 'VALIDATION', 'code'],
      [{ code: 'jd', channel: 'jd', bankAccount: '1012' }, 422, 'NON_LEAF_ACCOUNT', '1012 has sub-accounts'],
      [{ code: 'jd', channel: 'jd', overrides: { commission: '9999' } }, 422, 'UNKNOWN_ACCOUNT', '9999 is not in the chart'],
      [{ code: 'jd', channel: 'jd', overrides: { tip: '5601.04' } }, 400, 'VALIDATION', 'unknown posting role "tip"'],
      [{ code: 'jd', channel: 'jd', taxCode: 'VAT_99' }, 400, 'VALIDATION', 'unknown tax code "VAT_99"'],
    ]
    for (const [body, status, code, words] of refusals) {
      const response = await call(api, accountant, 'POST', base, body)
      expect(response.status, JSON.stringify(body)).toBe(status)
      const error = ((await response.json()) as { error: { code: string; message: string } }).error
      expect(error.code).toBe(code)
      expect(error.message).toContain(words)
    }
    const missing = await call(api, sales, 'GET', `${base}/nope`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain('the company\'s stores: tmall-main (天猫店, tmall)')
    expect((await listStores(context, company.id)).length).toBe(1)
    const audit = await context.db.client.execute("SELECT action FROM audit_log WHERE entity = 'store' ORDER BY id")
    expect(audit.rows.map((row) => String(row.action))).toEqual(['store.create', 'store.update'])
  })

  it('returns each hold reason with its fix in zh and en from the posting preview', async () => {
    const { context, company, dir } = await ledgerWithCompany()
    const api = createApp({ context })
    const accountant = await signedIn(api, context, company, 'li.kuaiji', 'accountant')
    // A library import without a store (the CLI and the API refuse these): its rows wait as UNKNOWN_STORE.
    const linked = linkedFiles({ seed: 3, orders: 5 })
    for (const file of [linked.files.orders, linked.files.alipay]) {
      const path = join(dir, file.fileName)
      writeFileSync(path, file.bytes)
      await importFile(context.db, company.id, { name: file.fileName, path }, { actor: SYSTEM })
    }
    await call(api, accountant, 'POST', `/companies/${company.code}/match/run`, {})
    const preview = await call(api, accountant, 'POST', `/companies/${company.code}/posting/preview`, {})
    expect(preview.status).toBe(200)
    const body = (await preview.json()) as { held: Array<{ reason: string; message: string }>; holdReasons: Array<{ reason: string; count: number; zh: string; en: string }> }
    const unknown = body.holdReasons.find((reason) => reason.reason === 'UNKNOWN_STORE')
    expect(unknown).toMatchObject({ zh: HOLD_HELP.UNKNOWN_STORE.zh, en: HOLD_HELP.UNKNOWN_STORE.en })
    expect(unknown?.count).toBe(body.held.filter((item) => item.reason === 'UNKNOWN_STORE').length)
    expect(unknown?.count).toBeGreaterThan(0)
    expect(body.held.find((item) => item.reason === 'UNKNOWN_STORE')?.message).toMatch(/was imported without a store/)
  })
})

describe('cledger store', () => {
  it('adds, lists, shows and sets stores; overrides and the bank account change what posting books', async () => {
    const { url, dir } = await tempDatabase()
    expect((await cledger(url, 'init', '--company', 'NEWCO', '--name', '新公司')).code).toBe(0)
    const linked = linkedFiles({ seed: 7, orders: 10, store: 'tmall-main' })
    const paths = [linked.files.orders, linked.files.alipay].map((file) => {
      const path = join(dir, file.fileName)
      writeFileSync(path, file.bytes)
      return path
    })
    const imported = await cledger(url, 'import', ...paths, '--store', 'tmall-main')
    expect(imported.out).toContain('store tmall-main (new: registered with its channel defaults')
    const set = await cledger(url, 'store', 'set', 'tmall-main', '--name', '天猫旗舰店', '--account', 'wallet=1012.99', '--tax-code', 'GENERAL_13')
    expect(set.code).toBe(0)
    expect(set.out).toContain('store tmall-main: 天猫旗舰店')
    expect(set.out).toContain('overrides     wallet=1012.99')
    const added = await cledger(url, 'store', 'add', 'jd-1', '--channel', 'jd', '--bank-account', '1002', '--account', 'commission=5601.04')
    expect(added.code).toBe(0)
    const list = await cledger(url, 'store', 'list')
    expect(list.out).toMatch(/jd-1\s+jd-1\s+jd\s+1002\s+commission=5601.04/)
    expect(list.out).toMatch(/tmall-main\s+天猫旗舰店\s+taobao\s+GENERAL_13\s+wallet=1012.99/)
    expect((await cledger(url, 'store', 'set', 'jd-1', '--account', 'commission=', '--bank-account', 'none')).code).toBe(0)
    const shown = JSON.parse((await cledger(url, '--json', 'store', 'show', 'jd-1')).out) as { store: { overrides: Record<string, string>; bankAccount: string | null } }
    expect(shown.store).toMatchObject({ overrides: {}, bankAccount: null })
    const bad = await cledger(url, 'store', 'set', 'jd-1', '--account', 'wallet=1012')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('1012 has sub-accounts')
    const unknown = await cledger(url, 'store', 'show', 'nope')
    expect(unknown.code).toBe(1)
    expect(unknown.err).toContain('jd-1 (jd), tmall-main (天猫旗舰店, taobao)')

    expect((await cledger(url, 'match')).code).toBe(0)
    expect((await cledger(url, 'post', '--period', '2024-03')).code).toBe(0)
    const tb = JSON.parse((await cledger(url, '--json', 'report', 'trial-balance', '--period', '2024-03', '--format', 'json')).out) as { rows: Array<{ code: string; debit: string; credit: string }> }
    const moved = (code: string) => tb.rows.find((row) => row.code === code)
    expect(moved('1012.99')?.debit).not.toBe('0.00')
    expect(moved('1012.01')?.debit ?? '0.00').toBe('0.00')
    expect(moved('1012.01')?.credit ?? '0.00').toBe('0.00')
  })

  it('prints each hold reason with its fix, in zh-CN when LANG says so', async () => {
    const { url, dir } = await tempDatabase()
    expect((await cledger(url, 'init', '--company', 'NEWCO', '--name', '新公司')).code).toBe(0)
    const linked = linkedFiles({ seed: 7, orders: 10, store: 'tmall-main', defects: ['orphanPayment'] })
    const paths = [linked.files.orders, linked.files.alipay].map((file) => {
      const path = join(dir, file.fileName)
      writeFileSync(path, file.bytes)
      return path
    })
    expect((await cledger(url, 'import', ...paths, '--store', 'tmall-main')).code).toBe(0)
    expect((await cledger(url, 'match')).code).toBe(0)
    const saved = process.env.LANG
    const savedAll = process.env.LC_ALL
    const savedMessages = process.env.LC_MESSAGES
    try {
      delete process.env.LC_ALL
      delete process.env.LC_MESSAGES
      process.env.LANG = 'en_US.UTF-8'
      const english = await cledger(url, 'post', '--dry-run')
      expect(english.out).toMatch(/item\(s\) wait:\n {2}NOT_MATCHED \d+: Not matched: import the missing orders/)
      process.env.LANG = 'zh_CN.UTF-8'
      const chinese = await cledger(url, 'post', '--dry-run')
      expect(chinese.out).toMatch(/ {2}NOT_MATCHED \d+: 未匹配：导入缺少的订单或账单后重新对账/)
    } finally {
      if (saved === undefined) delete process.env.LANG
      else process.env.LANG = saved
      if (savedAll !== undefined) process.env.LC_ALL = savedAll
      if (savedMessages !== undefined) process.env.LC_MESSAGES = savedMessages
    }
  })
})
