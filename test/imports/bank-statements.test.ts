import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import * as XLSX from '@e965/xlsx'
import { describe, expect, it } from 'vitest'
import { createApp } from '../../service/app.ts'
import { main } from '../../service/cli.ts'
import { LedgerError } from '../../shared/errors.ts'
import { importFile } from '../../service/imports/load.ts'
import { startParse } from '../../service/imports/parse.ts'
import { getBatch, listBankTxns, listBatches } from '../../service/imports/query.ts'
import { MAX_XLS_BYTES } from '../../service/imports/xls.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { type GeneratedFormat, generateFile } from '../../service/generators/index.ts'
import { ledgerWithCompany, tempDatabase } from '../support/db.ts'
import { signedIn } from '../support/http.ts'

/**
 * Corporate 网银 交易明细 of ICBC, CCB, ABC, BOC, BOCOM and CMB (assumed
 * layouts, service/generators/bank-cn.ts) plus the older bank-csv-cn and
 * bank-csv: generator -> import -> query, the running-balance and stated-total
 * checks, and the refusal (unless forced) of a file that contradicts itself.
 */

const BANKS: ReadonlyArray<{ format: GeneratedFormat; container: string; states: string[] }> = [
  { format: 'bank-icbc', container: 'GB18030 CSV', states: ['借方笔数', '借方合计', '贷方笔数', '贷方合计'] },
  { format: 'bank-ccb', container: 'XLS (BIFF)', states: [] },
  { format: 'bank-abc', container: 'HTML table (.xls)', states: ['期初余额', '期末余额', '借方笔数', '借方合计', '贷方笔数', '贷方合计'] },
  { format: 'bank-boc', container: 'XLSX', states: [] },
  { format: 'bank-bocom', container: 'GB18030 CSV', states: ['借方笔数', '借方合计', '贷方笔数', '贷方合计'] },
  { format: 'bank-cmb', container: 'XLSX', states: ['期初余额', '期末余额', '借方笔数', '借方合计', '贷方笔数', '贷方合计'] },
  { format: 'bank-csv-cn', container: 'GB18030 CSV', states: [] },
  { format: 'bank-csv', container: 'UTF-8 CSV', states: [] },
]

async function refusal(promise: Promise<unknown>): Promise<LedgerError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof LedgerError) return error
    throw error
  }
  throw new Error('expected the import to be refused')
}

describe('bank statements: generator -> import -> query', () => {
  for (const { format, container, states } of BANKS) {
    it(`${format}: gives back exactly the generated lines, checks the running balance${states.length ? ' and the stated figures' : ''}, re-import adds none`, async () => {
      const { db, company } = await ledgerWithCompany()
      const file = await generateFile(format, { seed: 15, rows: 80, store: 'BANK-1' })
      const result = await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, store: 'BANK-1' })
      expect([result.parser, result.rejected, result.imported]).toEqual([file.parser, 0, file.expected.length])
      expect(result.detected).toContain(container)
      const codes = result.checks.map((check) => `${check.level}:${check.code}`)
      expect(codes).toContain('info:BALANCE_CHAIN_OK')
      expect(codes.filter((code) => !code.startsWith('info:'))).toEqual([])
      const stated = result.checks.find((check) => check.code === 'STATED_TOTALS_OK')?.message ?? ''
      for (const name of states) expect(stated).toContain(name)
      if (states.length === 0) expect(stated).toBe('')
      // The batch keeps the result of the checks.
      expect((await getBatch(db, company.id, result.batchId)).checks.map((check) => check.code)).toEqual(result.checks.map((check) => check.code))
      const stored = await listBankTxns(db, company.id, { limit: 10_000 })
      const key = (line: { externalId: string }) => line.externalId
      expect([...stored].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(file.expected.map((item) => item.record).sort((a, b) => key(a as { externalId: string }).localeCompare(key(b as { externalId: string }))))
      const again = await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM, store: 'BANK-1' })
      expect([again.imported, again.duplicates]).toEqual([0, file.expected.length])
    })
  }

  it('finds the row order: BOCOM lists the newest line first, the others oldest first', async () => {
    const { db, company } = await ledgerWithCompany()
    const bocom = await generateFile('bank-bocom', { seed: 3, rows: 20 })
    const result = await importFile(db, company.id, { name: bocom.fileName, bytes: bocom.bytes }, { actor: SYSTEM })
    expect(result.checks.find((check) => check.code === 'BALANCE_CHAIN_OK')?.message).toContain('(newest first)')
    const icbc = await generateFile('bank-icbc', { seed: 3, rows: 20 })
    const other = await importFile(db, company.id, { name: icbc.fileName, bytes: icbc.bytes }, { actor: SYSTEM })
    expect(other.checks.find((check) => check.code === 'BALANCE_CHAIN_OK')?.message).toContain('(oldest first)')
  })

  it('skips page subtotals and remark lines between pages without losing the lines after them', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = await generateFile('bank-icbc', { seed: 6, rows: 20 })
    const lines = iconv.decode(Buffer.from(file.bytes), 'gbk').split('\n')
    // After data line 10 (line 15): a page subtotal and a remark, as a multi-page export prints them.
    lines.splice(15, 0, '本页合计,,,,,1.00,2.00', ',,,,,,,,以下为第2页')
    const result = await importFile(db, company.id, { name: 'icbc-pages.csv', bytes: iconv.encode(lines.join('\n'), 'gbk') }, { actor: SYSTEM })
    expect([result.imported, result.rejected, result.skipped]).toEqual([file.expected.length, 0, 4])
    expect(result.checks.map((check) => check.code)).toEqual(expect.arrayContaining(['BALANCE_CHAIN_OK', 'STATED_TOTALS_OK']))
    expect(result.checks.filter((check) => check.level !== 'info')).toEqual([])
  })

  it('starts a new balance chain on each sheet of a workbook with one sheet per account', async () => {
    const header = ['交易日', '交易时间', '借方金额', '贷方金额', '余额', '收/付方名称', '流水号']
    const workbook = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['账号：571908801032801'], header, ['20240301', '10:00:00', '', '100.00', '1100.00', '财付通支付科技有限公司', 'A1'], ['20240302', '10:00:00', '50.00', '', '1050.00', '某供应商', 'A2']]), '5719')
    XLSX.utils.book_append_sheet(workbook, XLSX.utils.aoa_to_sheet([['账号：571908801099999'], header, ['20240301', '11:00:00', '', '7.00', '20007.00', '支付宝（中国）网络技术有限公司', 'B1'], ['20240303', '11:00:00', '', '3.00', '20010.00', '支付宝（中国）网络技术有限公司', 'B2']]), '9999')
    const bytes = new Uint8Array(XLSX.write(workbook, { bookType: 'xlsx', type: 'buffer' }) as Buffer)
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'cmb-2.xlsx', bytes }, { actor: SYSTEM, store: 'CMB' })
    expect([result.parser, result.imported, result.rejected]).toEqual(['bank-cmb', 4, 0])
    expect(result.checks.map((check) => check.message)).toContain('bank-cmb: running balance agrees on all 4 rows (oldest first, 2 accounts/sheets)')
  })

  it('uses the statement account number from the preamble when no store is given', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = await generateFile('bank-cmb', { seed: 4, rows: 5 })
    await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM })
    expect(new Set((await listBankTxns(db, company.id, { limit: 100 })).map((line) => line.account))).toEqual(new Set(['571908801032801']))
  })
})

/** The ICBC CSV text with one data line removed (a line lost between export and import). */
async function icbcWithoutOneLine(): Promise<{ bytes: Uint8Array; rows: number; dropped: number }> {
  const file = await generateFile('bank-icbc', { seed: 21, rows: 30 })
  const lines = iconv.decode(Buffer.from(file.bytes), 'gbk').split('\n')
  // 4 preamble lines, the header on line 5, data from line 6: drop line 12.
  lines.splice(11, 1)
  return { bytes: iconv.encode(lines.join('\n'), 'gbk'), rows: file.expected.length - 1, dropped: 12 }
}

describe('a statement that contradicts itself imports nothing unless forced', () => {
  it('refuses a file with a row missing (running balance and stated totals), writes nothing, and imports it with force', async () => {
    const { db, company } = await ledgerWithCompany()
    const { bytes, rows, dropped } = await icbcWithoutOneLine()
    const error = await refusal(importFile(db, company.id, { name: 'icbc.csv', bytes }, { actor: SYSTEM, store: 'ICBC-1' }))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toContain('nothing was imported')
    expect(error.message).toContain('未导入任何行')
    // The line after the gap is where the balance breaks (line 12 was removed, so the old line 13 is now line 12).
    expect(error.message).toContain(`running balance breaks at row(s) ${dropped} `)
    const codes = (error.details as { checks: Array<{ code: string }> }).checks.map((check) => check.code)
    expect(codes).toEqual(['BALANCE_CHAIN_BROKEN', 'STATED_TOTALS_MISMATCH'])
    expect(await listBankTxns(db, company.id, { limit: 100 })).toEqual([])
    expect(await listBatches(db, company.id)).toEqual([])

    const forced = await importFile(db, company.id, { name: 'icbc.csv', bytes }, { actor: SYSTEM, store: 'ICBC-1', force: true })
    expect([forced.imported, forced.rejected]).toEqual([rows, 0])
    expect(forced.checks.map((check) => check.code)).toEqual(expect.arrayContaining(['BALANCE_CHAIN_BROKEN', 'STATED_TOTALS_MISMATCH', 'FORCED']))
    expect((await getBatch(db, company.id, forced.batchId)).checks.map((check) => check.code)).toContain('FORCED')
  })

  it('refuses a file whose rows are intact but whose trailer counts differ (stated totals only)', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = await generateFile('bank-bocom', { seed: 8, rows: 25 })
    const text = iconv.decode(Buffer.from(file.bytes), 'gbk')
    const tampered = text.replace(/贷方笔数：(\d+)/, (_all, count: string) => `贷方笔数：${Number(count) + 1}`)
    expect(tampered).not.toBe(text)
    const error = await refusal(importFile(db, company.id, { name: 'bocom.csv', bytes: iconv.encode(tampered, 'gbk') }, { actor: SYSTEM }))
    const checks = (error.details as { checks: Array<{ code: string; message: string }> }).checks
    expect(checks.map((check) => check.code)).toEqual(['STATED_TOTALS_MISMATCH'])
    expect(checks[0]?.message).toMatch(/贷方笔数 credit count: the file states \d+, the rows give \d+/)
    expect(await listBankTxns(db, company.id, { limit: 10 })).toEqual([])
  })

  it('names a stated 期初余额 that the rows contradict (XLSX preamble edited)', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = await generateFile('bank-cmb', { seed: 9, rows: 10 })
    const workbook = XLSX.read(file.bytes, { type: 'array' })
    const sheet = workbook.Sheets[workbook.SheetNames[0] ?? ''] as XLSX.WorkSheet
    // The preamble line that states 期初余额 now states another figure; the rows are untouched.
    const rows = XLSX.utils.sheet_to_json<string[]>(sheet, { header: 1, raw: false, blankrows: true })
    const opening = rows.findIndex((row) => String(row[0] ?? '').startsWith('期初余额'))
    sheet[XLSX.utils.encode_cell({ r: opening, c: 0 })] = { t: 's', v: '期初余额：999.99' }
    const bytes = new Uint8Array(XLSX.write(workbook, { bookType: 'xlsx', type: 'buffer' }) as Buffer)
    const error = await refusal(importFile(db, company.id, { name: 'cmb.xlsx', bytes }, { actor: SYSTEM }))
    expect(error.message).toMatch(/期初余额 opening balance: the file states 999\.99, the rows give 1000000\.00/)
  })

  it('the CLI refuses without --force (exit code 1, nothing imported) and imports with it', async () => {
    const { dir, url, db } = await tempDatabase()
    db.close()
    const io = () => {
      const out: string[] = []
      const err: string[] = []
      return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } }
    }
    expect(await main(['node', 'cledger', '--db', url, 'init', '--company', 'SHOP', '--name', 'x'], io().io)).toBe(0)
    const { bytes, rows } = await icbcWithoutOneLine()
    const path = join(dir, 'icbc.csv')
    writeFileSync(path, bytes)
    const refused = io()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', path, '--store', 'ICBC-1'], refused.io)).toBe(1)
    expect(refused.err.join('')).toContain('余额不连续')
    const forced = io()
    expect(await main(['node', 'cledger', '--db', url, '--json', 'import', path, '--store', 'ICBC-1', '--force'], forced.io)).toBe(0)
    expect(JSON.parse(forced.out.join(''))).toMatchObject({ imported: rows, rejected: 0 })
  })

  it('the HTTP upload answers 400 without force and 201 with force=true', async () => {
    const { context, company, db } = await ledgerWithCompany()
    const api = createApp({ context })
    const token = await signedIn(api, context, company, 'acc', 'accountant')
    const { bytes, rows } = await icbcWithoutOneLine()
    const upload = async (force: boolean) => {
      const form = new FormData()
      form.append('file', new Blob([new Uint8Array(bytes)]), 'icbc.csv')
      form.append('store', 'ICBC-1')
      if (force) form.append('force', 'true')
      return api.app.request(`/api/v1/companies/${company.code}/imports`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
    }
    const refused = await upload(false)
    expect(refused.status).toBe(400)
    expect(JSON.stringify(await refused.json())).toContain('BALANCE_CHAIN_BROKEN')
    expect(await listBankTxns(db, company.id, { limit: 10 })).toEqual([])
    const forced = await upload(true)
    expect(forced.status).toBe(201)
    expect(((await forced.json()) as { imports: Array<{ imported: number }> }).imports[0]?.imported).toBe(rows)
  })
})

describe('legacy .xls and HTML ".xls"', () => {
  it('reads an HTML table saved as .xls: GBK by its meta charset, entities, <br>, colspan, a preamble table', async () => {
    const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<table><tr><td colspan="3">中国农业银行 账户明细</td></tr><tr><td>账号：19015101040012345</td></tr></table>
<table border=1>
<tr><th>交易时间</th><th>收入金额</th><th>支出金额</th><th>本次余额</th><th>对方户名</th><th>摘要</th><th>交易流水号</th></tr>
<tr><td>2024-03-01 10:00:00</td><td>1,000.00</td><td>&nbsp;</td><td>11,000.00</td><td>支付宝（中国）网络技术有限公司</td><td>提现<br>A&amp;B</td><td>S1</td></tr>
<tr><td>2024-03-02 11:00:00</td><td></td><td>200.00</td><td>10,800.00</td><td>杭州&lt;某&gt;公司</td><td>货款</td><td>S2
</table></body></html>`
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'abc.xls', bytes: iconv.encode(html, 'gbk') }, { actor: SYSTEM })
    expect([result.parser, result.imported, result.rejected]).toEqual(['bank-abc', 2, 0])
    expect(result.detected).toContain('HTML table (.xls)')
    const lines = (await listBankTxns(db, company.id, { limit: 10 })).sort((a, b) => a.externalId.localeCompare(b.externalId))
    expect(lines.map((line) => [line.account, line.externalId, line.amount, line.balanceAfter, line.counterparty, line.memo])).toEqual([
      ['19015101040012345', 'S1', 100_000n, 1_100_000n, '支付宝（中国）网络技术有限公司', '提现 A&B'],
      ['19015101040012345', 'S2', -20_000n, 1_080_000n, '杭州<某>公司', '货款'],
    ])
  })

  it('reads a hostile HTML .xls in linear time: unclosed tags and comments do not make it backtrack', async () => {
    const pieces = ['<html><table><tr><td>交易时间</td><td>收入金额</td><td>支出金额</td><td>本次余额</td><td>对方户名</td></tr><tr><td>', '<td'.repeat(300_000), '<!--'.repeat(100_000), '<script'.repeat(100_000)]
    const started = performance.now()
    const session = await startParse({ name: 'evil.xls', bytes: new TextEncoder().encode(pieces.join('')) })
    for await (const batch of session.batches()) void batch
    expect(performance.now() - started).toBeLessThan(20_000)
  })

  it('reads a BIFF8 .xls with numeric and date cells as Excel shows them', async () => {
    const sheet = XLSX.utils.aoa_to_sheet([
      ['交易日', '交易时间', '借方金额', '贷方金额', '余额', '收/付方名称', '流水号'],
      [45352, '10:15:22', '', 1234.5, 101234.5, '财付通支付科技有限公司', 'K1'],
    ])
    // 45352 = 2024-03-01 as an Excel date.
    const cell = sheet.A2 as XLSX.CellObject
    cell.z = 'yyyy-mm-dd'
    const workbook = XLSX.utils.book_new()
    XLSX.utils.book_append_sheet(workbook, sheet, '明细')
    const bytes = new Uint8Array(XLSX.write(workbook, { bookType: 'biff8', type: 'buffer' }) as Buffer)
    const session = await startParse({ name: 'cmb.xls', bytes })
    const items = []
    for await (const item of session.items()) items.push(item)
    expect(items.map((item) => (item.type === 'record' && item.item.kind === 'bankTxn' ? [item.item.record.occurredAt, item.item.record.amount, item.item.record.balanceAfter, item.sheet] : item))).toEqual([
      ['2024-03-01T10:15:22+08:00', 123_450n, 10_123_450n, '明细'],
    ])
  })

  it('refuses a broken .xls and one over the size limit with clear errors', async () => {
    const magic = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
    const broken = await refusal(startParse({ name: 'a.xls', bytes: new Uint8Array([...magic, 0, 0, 0, 0]) }))
    expect([broken.code, broken.message.startsWith('a.xls: not a readable legacy .xls')]).toEqual(['UNSUPPORTED_FORMAT', true])
    const big = new Uint8Array(MAX_XLS_BYTES + 1)
    big.set(magic)
    const tooBig = await refusal(startParse({ name: 'big.xls', bytes: big }))
    expect(tooBig.code).toBe('PAYLOAD_TOO_LARGE')
    expect(tooBig.message).toContain('save it as .xlsx or .csv')
  })
})
