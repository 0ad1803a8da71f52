import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { openDatabase } from '../../service/db/connection.ts'
import { getCompany } from '../../service/ledger/company.ts'
import { createContext } from '../../service/ledger/context.ts'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { call, signedIn } from '../support/http.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { demoMonth } from './fixtures.ts'
import { describeWithTools } from '../support/outside-tools.ts'

async function cledger(url: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (t) => { stdout += t }, stderr: (t) => { stderr += t } })
  return { code, stdout, stderr }
}

describe('report interfaces', () => {
  it('serves statements over HTTP as JSON with decimal strings and as xlsx/csv downloads to every role', async () => {
    const { context, company } = await ledgerWithCompany()
    await writeVouchers(context, { userId: 1 }, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'xiao.shou', 'sales')
    const json = await call(api, token, 'GET', `/companies/${company.code}/reports/income-statement?period=2026-10`)
    expect(json.status).toBe(200)
    const body = (await json.json()) as { rows: Array<{ item: string; month: string }>; balanced: boolean }
    expect(body.rows[0]).toMatchObject({ item: '一、营业收入', month: '12000.00' })
    expect(body.balanced).toBe(true)
    const xlsx = await call(api, token, 'GET', `/companies/${company.code}/reports/balance-sheet?period=2026-10&format=xlsx`)
    expect(xlsx.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="ACME-balance-sheet-2026-10.xlsx"')
    const workbook = new ExcelJS.Workbook()
    await workbook.xlsx.load(await xlsx.arrayBuffer())
    expect(workbook.getWorksheet('资产负债表')?.getCell('C6').value).toBe(65448)
    const csv = await call(api, token, 'GET', `/companies/${company.code}/reports/ar-aging?period=2026-10&format=csv`)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const missing = await call(api, token, 'GET', `/companies/${company.code}/reports/account-detail?period=2026-10`)
    expect(missing.status).toBe(400)
  })

  it('writes reports from the command line to stdout and refuses binary formats without --out', async () => {
    const { url } = await cliCompany()
    const table = await cledger(url, 'report', 'cash-flow', '--period', '2026-10')
    expect(table.code).toBe(0)
    expect(table.stdout).toContain('现金流量表')
    expect(table.stdout).toMatch(/五、期末现金余额\s+22\s+65,448\.00\s+65,448\.00/)
    const json = await cledger(url, 'report', 'channel-profit', '--period', '2026-10', '--format', 'json')
    expect((JSON.parse(json.stdout) as { rows: Array<{ store: string; margin: string }> }).rows.at(-1)).toMatchObject({ store: '合计', margin: '5048.00' })
    const binary = await cledger(url, 'report', 'balance-sheet', '--period', '2026-10', '--format', 'xlsx')
    expect([binary.code, binary.stderr]).toEqual([1, 'cledger: --format xlsx is binary; pass --out FILE\n'])
    const detail = await cledger(url, 'report', 'account-detail', '--period', '2026-10')
    expect([detail.code, detail.stderr]).toEqual([1, 'cledger: account detail needs --account CODE (e.g. 1122)\n'])
  })
})

/** A company made with `cledger init`, holding the demo month's vouchers. */
async function cliCompany(): Promise<{ url: string; dir: string }> {
  const { url, dir, db } = await tempDatabase()
  db.close()
  expect((await cledger(url, 'init', '--company', 'ACME', '--name', '测试公司')).code).toBe(0)
  const opened = await openDatabase(url)
  const context = createContext(opened)
  const company = await getCompany(context, 'ACME')
  await writeVouchers(context, { userId: 1 }, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
  opened.close()
  return { url, dir }
}

describeWithTools(['cjk-fonts'], 'report interfaces: pdf', () => {
  it('writes a pdf file from the command line', async () => {
    const { url, dir } = await cliCompany()
    const pdf = join(dir, 'bs.pdf')
    expect((await cledger(url, 'report', 'balance-sheet', '--period', '2026-10', '--format', 'pdf', '--out', pdf)).code).toBe(0)
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-')
  })
})

