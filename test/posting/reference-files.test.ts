import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { main } from '../../service/cli.ts'
import { parseRatesCsv, readRatesFile } from '../../service/posting/rates.ts'
import { parseReceiptsCsv, readReceiptsFile } from '../../service/posting/inventory.ts'
import { tempDatabase } from '../support/db.ts'
import { ledgerRefusal } from '../support/errors.ts'

/**
 * Issue #19 item 4: exchange rates and purchase receipts are read by the import
 * pipeline's reader (imports/table.ts over imports/source.ts and csv.ts), so
 * they get its handling of encodings, formula cells, truncated files and bad
 * rows, each named by its line.
 */
const gbk = (text: string) => new Uint8Array(iconv.encode(text, 'gbk'))

describe('rates and receipts through the import pipeline reader', () => {
  it('reads a GBK-encoded rates file (Chinese source names decoded, not mojibake)', async () => {
    const bytes = gbk('date,currency,rate,source\r\n2026-10-01,USD,7.1000,中国人民银行\r\n2026-10-31,USD,7.2000,中国外汇交易中心\r\n')
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow()
    expect(await readRatesFile({ name: '汇率.csv', bytes }, 'csv')).toEqual([
      { date: '2026-10-01', currency: 'USD', rate: '7.1000', source: '中国人民银行' },
      { date: '2026-10-31', currency: 'USD', rate: '7.2000', source: '中国外汇交易中心' },
    ])
  })

  it('reads receipts with a BOM, semicolons and padded cells; formula text ="..." is unwrapped as the pipeline does', async () => {
    const bytes = new TextEncoder().encode('\uFEFFdate;sku;quantity;total_cost;name\n2026-10-01; TEA ;10;="100.00";茶叶\n')
    expect(await readReceiptsFile({ name: 'receipts.csv', bytes }, 'CNY')).toEqual([{ date: '2026-10-01', sku: 'TEA', quantity: 10n, cost: 10000n, name: '茶叶', reference: 'line 2' }])
  })

  it('refuses a formula-looking cell with its line, and imports nothing of the file', async () => {
    const error = await ledgerRefusal(() => parseRatesCsv('date,currency,rate\n2026-10-01,USD,7.1\n2026-10-02,USD,=7.1*1.01\n', 'csv', 'rates.csv'))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toBe('rates.csv: 1 row(s) rejected, nothing imported: line 3: rate holds a formula (=7.1*1.01), not a value: type the value itself')
    const receipt = await ledgerRefusal(() => parseReceiptsCsv('date,sku,quantity,total_cost,name\n2026-10-01,TEA,1,1.00,"=HYPERLINK(""http://x"",""茶"")"\n', 'CNY', 'receipts.csv'))
    expect(receipt.message).toMatch(/^receipts\.csv: 1 row\(s\) rejected, nothing imported: line 2: name holds a formula \(=HYPERLINK/)
  })

  it('names a truncated file (an unclosed quote at the end) by the line where the broken record starts', async () => {
    const bytes = new TextEncoder().encode('date,currency,rate,source\n2026-10-01,USD,7.1000,PBOC\n2026-10-31,USD,7.2000,"PBOC')
    const error = await ledgerRefusal(() => readRatesFile({ name: 'rates.csv', bytes }, 'csv'))
    expect(error.message).toBe('rates.csv: 1 row(s) rejected, nothing imported: line 3: truncated file or broken quoting: a quoted field opened on line 3 is never closed')
    // the same through the text path
    expect((await ledgerRefusal(() => parseRatesCsv(new TextDecoder().decode(bytes), 'csv', 'rates.csv'))).message).toBe(error.message)
  })

  it('lists every malformed row by its physical line (blank lines and a quoted newline counted), not only the first', async () => {
    const text = 'date,sku,quantity,total_cost,name\n\n2026-10-01,A,2,10.00,"two\nlines"\n2026-10-02,B,0,5.00,x\n2026-13-01,C,1,5.00,x\n2026-10-03,D,1,5.00,x,extra\n2026-10-04,E,1,1.234,x\n'
    const error = await ledgerRefusal(() => parseReceiptsCsv(text, 'CNY', 'receipts.csv'))
    expect(error.message).toBe([
      'receipts.csv: 4 row(s) rejected, nothing imported: line 5: quantity must be a positive whole number',
      'line 6: "2026-13-01" is not a date',
      'line 7: 6 cells, but the header has 5 columns',
      'line 8: amount 1.234 has more decimals than CNY allows (2)',
    ].join('; '))
    expect((error.details as { rejects: unknown[] }).rejects).toHaveLength(4)
  })

  it('keeps the error code of a single bad value and names a missing column', async () => {
    expect((await ledgerRefusal(() => parseRatesCsv('date,currency,rate\n2026-10-01,XYZ,7.1\n', 'csv'))).code).toBe('UNKNOWN_CURRENCY')
    expect((await ledgerRefusal(() => parseRatesCsv('date,currency,value\n2026-10-01,USD,7.1\n', 'csv', 'rates.csv'))).message).toBe('rates.csv: missing column(s) rate (the header row is: date,currency,value)')
    expect((await ledgerRefusal(() => readRatesFile({ name: 'empty.csv', bytes: new TextEncoder().encode('\n\n') }, 'csv'))).message).toBe('empty.csv: the file has no header row')
  })

  it('refuses undecodable bytes in a UTF-8 file row by row instead of storing U+FFFD', async () => {
    const head = new TextEncoder().encode(`date,currency,rate,source\n2026-10-01,USD,7.1000,PBOC\n${'2026-10-02,USD,7.1000,PBOC\n'.repeat(3000)}`)
    const bad = new Uint8Array([...head, ...new TextEncoder().encode('2026-10-31,USD,7.2000,'), 0xff, 0xfe, 0x0a])
    const error = await ledgerRefusal(() => readRatesFile({ name: 'rates.csv', bytes: bad }, 'csv'))
    expect(error.message).toBe('rates.csv: 1 row(s) rejected, nothing imported: line 3003: undecodable bytes (the file is neither UTF-8 nor GBK text)')
  })

  it('reads an XLSX rates sheet', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('汇率')
    sheet.addRow(['date', 'currency', 'rate', 'source'])
    sheet.addRow(['2026-10-01', 'USD', '7.1000', 'PBOC'])
    const bytes = new Uint8Array(await workbook.xlsx.writeBuffer())
    expect(await readRatesFile({ name: 'rates.xlsx', bytes }, 'csv')).toEqual([{ date: '2026-10-01', currency: 'USD', rate: '7.1000', source: 'PBOC' }])
  })

  it('cledger rates import and inventory receipts read GBK files; a bad file exits non-zero naming the line and stores nothing', async () => {
    const { dir, url } = await tempDatabase()
    const run = async (...args: string[]) => {
      let out = ''
      let err = ''
      const code = await main(['node', 'cledger', '--db', url, ...args], { stdout: (text) => { out += text }, stderr: (text) => { err += text } })
      return { code, out, err }
    }
    expect((await run('init', '--company', 'GBKCO', '--name', '某某电商有限公司')).code).toBe(0)
    const rates = join(dir, '汇率.csv')
    writeFileSync(rates, gbk('date,currency,rate,source\n2026-10-01,USD,7.1000,中国人民银行\n'))
    expect(await run('rates', 'import', rates)).toEqual({ code: 0, out: 'imported 1 rate(s)\n', err: '' })
    const receipts = join(dir, '入库.csv')
    writeFileSync(receipts, gbk('date,sku,quantity,total_cost,name\n2026-10-01,TEA,10,100.00,茶叶\n'))
    expect(await run('inventory', 'receipts', receipts)).toMatchObject({ code: 0, out: 'imported 1 receipt(s)\n' })
    const broken = join(dir, 'broken.csv')
    writeFileSync(broken, 'date,currency,rate\n2026-10-02,USD,7.2\n2026-10-03,USD,"7.3')
    const failed = await run('rates', 'import', broken)
    expect(failed.code).not.toBe(0)
    expect(failed.err).toContain('broken.csv: 1 row(s) rejected, nothing imported: line 3: truncated file')
    expect(JSON.parse((await run('--json', 'rates', 'list')).out)).toEqual({ rates: [{ date: '2026-10-01', currency: 'USD', rate: '7.1000', source: '中国人民银行' }] })
    expect((await run('rates', 'import', join(dir, 'missing.csv'))).err).toContain('cannot read')
  })
})
