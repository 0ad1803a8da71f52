import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { invoiceToJson, normalizeRate, rateLabel } from '../../shared/invoices/record.ts'
import { generateFile } from '../../service/generators/index.ts'
import { invoiceXml, invoiceXmlFile, invoiceZip } from '../../service/generators/invoice-xml.ts'
import { digitalInvoiceNo, randomInvoices } from '../../service/generators/invoices.ts'
import { importFile } from '../../service/imports/load.ts'
import { listInvoices } from '../../service/invoices/query.ts'
import { SYSTEM } from '../../service/ledger/context.ts'
import { ledgerWithCompany } from '../support/db.ts'

const HEADER = '数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税率,税额,价税合计,发票状态,是否红字,对应蓝字发票号码,备注'
const csv = (...rows: string[]) => new Uint8Array(Buffer.from(`\uFEFF${HEADER}\n${rows.join('\n')}\n`, 'utf8'))
const SELLER = '91330106MA2H7K5X3Q,杭州某某电子商务有限公司'

describe('rates', () => {
  it('reads printed rates and prints them back', () => {
    expect(['13%', '9%', '6%', '0.13', '免税', '不征税', '1.5%', '3%', 'x'].map(normalizeRate)).toEqual(['0.13', '0.09', '0.06', '0.13', 'exempt', '0', '0.015', '0.03', null])
    expect(['0.13', '0.09', '0.015', 'exempt', 'mixed', '0'].map(rateLabel)).toEqual(['13%', '9%', '1.5%', '免税', '多税率', '0%'])
  })
})

describe('list export (发票查询统计)', () => {
  it('imports blue, red and coded invoices; rejects bad rows with row number, column and reason; dedupes by invoice number', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = csv(
      `24332000000000000001,${SELLER},91310115MA1K4B2C8D,上海某某贸易有限公司,2024-03-05 10:00:00,100.00,13%,13.00,113.00,正常,否,,订单号：1234567890123456789`,
      `24332000000000000002,${SELLER},,个人,2024-04-02,-100.00,13%,-13.00,-113.00,正常,是,24332000000000000001,被红冲蓝字数电发票号码：24332000000000000001`,
      `24332000000000000003,${SELLER},,个人,2024-03-06,100.00,13%,13.00,113.01,正常,否,,`,
      `24332000000000000004,${SELLER},,个人,2024-03-06,100.00,十三,13.00,113.00,正常,否,,`,
      `24332000000000000005,${SELLER},,个人,2024-03-06,100.00,13%,13.00,113.00,待审核,否,,`,
      `24332000000000000001,${SELLER},91310115MA1K4B2C8D,上海某某贸易有限公司,2024-03-05 10:00:00,100.00,13%,13.00,113.00,正常,否,,订单号：1234567890123456789`,
      `24332000000000000006,${SELLER},,个人,2024-03-07,50.00,13%、9%,5.50,55.50,正常,否,,`,
    )
    const result = await importFile(db, company.id, { name: '发票.csv', bytes: file }, { actor: SYSTEM })
    expect(result.parser).toBe('invoice-list')
    expect([result.read, result.imported, result.duplicates, result.rejected]).toEqual([7, 3, 1, 3])
    expect(result.rejects.map((reject) => [reject.rowNumber, reject.column])).toEqual([[4, '价税合计'], [5, '税率'], [6, '发票状态']])
    expect(result.rejects[0]?.reason).toContain('is not 价税合计')
    expect(result.rejects[0]?.reason).toContain('不等于价税合计')
    const stored = await listInvoices(db, company.id)
    expect(stored.map((invoice) => [invoice.invoiceNo, invoice.isRed, invoice.total, invoice.taxRate, invoice.originalInvoiceNo ?? '', invoice.issuedAt])).toEqual([
      ['24332000000000000001', false, 11_300n, '0.13', '', '2024-03-05T10:00:00+08:00'],
      ['24332000000000000006', false, 5_550n, 'mixed', '', '2024-03-07T00:00:00+08:00'],
      ['24332000000000000002', true, -11_300n, '0.13', '24332000000000000001', '2024-04-02T00:00:00+08:00'],
    ])
    const again = await importFile(db, company.id, { name: '发票.csv', bytes: file }, { actor: SYSTEM })
    expect([again.imported, again.duplicates]).toEqual([0, 4])
  })

  it('negates a red row printed with positive amounts, and refuses a negative row not marked red', async () => {
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'r.csv', bytes: csv(
      `24332000000000000011,${SELLER},,个人,2024-03-05,100.00,13%,13.00,113.00,正常,是,24332000000000000010,`,
      `24332000000000000012,${SELLER},,个人,2024-03-05,-100.00,13%,-13.00,-113.00,正常,否,,`,
    ) }, { actor: SYSTEM })
    expect([result.imported, result.rejected]).toEqual([1, 1])
    expect(result.rejects[0]?.reason).toContain('not marked 红字')
    const [red] = await listInvoices(db, company.id)
    expect([red?.amount, red?.tax, red?.total]).toEqual([-10_000n, -1_300n, -11_300n])
  })

  it('a generated XLSX list export with 500 invoices imports without rejects; each red invoice reverses a blue one to the fen', async () => {
    const { db, company } = await ledgerWithCompany()
    const file = await generateFile('invoice-list', { seed: 5, rows: 500 })
    const result = await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM })
    expect([result.rejected, result.imported]).toEqual([0, 500])
    const stored = await listInvoices(db, company.id, { limit: 1000 })
    const red = stored.filter((invoice) => invoice.isRed)
    expect(red.length).toBeGreaterThan(5)
    // every red invoice reverses a blue one of the same file, to the fen
    for (const invoice of red) {
      const blue = stored.find((candidate) => candidate.invoiceNo === invoice.originalInvoiceNo)
      expect(blue?.total).toBe(-invoice.total)
    }
    expect(stored.some((invoice) => invoice.invoiceCode !== undefined && invoice.status === 'cancelled')).toBe(true)
  })
})

describe('XML (one invoice per file, zips of many)', () => {
  it('round-trips a generated XML invoice with its items, and the red one names its blue one from the remark', async () => {
    const { db, company } = await ledgerWithCompany()
    const invoices = randomInvoices(3, 12)
    const red = invoices.find((invoice) => invoice.isRed)
    expect(red).toBeDefined()
    for (const invoice of invoices) {
      const file = invoiceXmlFile(invoice)
      const result = await importFile(db, company.id, { name: file.fileName, bytes: file.bytes }, { actor: SYSTEM })
      expect([result.parser, result.imported, result.rejected]).toEqual(['invoice-xml', 1, 0])
      const [stored] = await listInvoices(db, company.id, { invoiceNo: invoice.invoiceNo })
      expect(stored).toEqual(file.expected[0])
    }
    const [storedRed] = await listInvoices(db, company.id, { invoiceNo: red?.invoiceNo ?? '' })
    expect(storedRed?.originalInvoiceNo).toBe(red?.originalInvoiceNo)
    expect(invoiceToJson(storedRed ?? invoices[0]!).total.startsWith('-')).toBe(true)
  })

  it('imports a zip of 200 XML files in one batch; a broken entry is a reject of its row, a PDF is counted, a re-import adds nothing', async () => {
    const { db, company } = await ledgerWithCompany()
    const invoices = randomInvoices(11, 200)
    const zip = invoiceZip(invoices, { 'dzfp_broken.xml': strToU8('<EInvoice><EInvoiceData>'), 'dzfp_x.pdf': strToU8('%PDF-1.7 ...') })
    const result = await importFile(db, company.id, { name: zip.fileName, bytes: zip.bytes }, { actor: SYSTEM })
    expect([result.parser, result.read, result.imported, result.rejected]).toEqual(['invoice-xml', 201, 200, 1])
    expect(result.rejects[0]).toMatchObject({ sheet: 'dzfp_broken.xml', rowNumber: 201 })
    expect(result.checks.map((check) => check.code)).toContain('INVOICE_ATTACHMENTS')
    const stored = await listInvoices(db, company.id, { limit: 1000 })
    expect([...stored].sort((a, b) => a.invoiceNo.localeCompare(b.invoiceNo))).toEqual([...zip.expected].sort((a, b) => a.invoiceNo.localeCompare(b.invoiceNo)))
    const again = await importFile(db, company.id, { name: zip.fileName, bytes: zip.bytes }, { actor: SYSTEM })
    expect([again.imported, again.duplicates]).toEqual([0, 200])
  })

  it('refuses a zip whose XML entry inflates past its cap (a bomb) and writes nothing; an XLSX-shaped zip is never read as invoices', async () => {
    const { db, company } = await ledgerWithCompany()
    const invoices = randomInvoices(12, 3)
    const bomb = invoiceZip(invoices, { 'dzfp_bomb.xml': new Uint8Array(17 * 1024 * 1024).fill(0x20) })
    await expect(importFile(db, company.id, { name: bomb.fileName, bytes: bomb.bytes }, { actor: SYSTEM })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect(await listInvoices(db, company.id, { limit: 10 })).toEqual([])
    const xlsxShaped = zipSync({ 'xl/workbook.xml': strToU8('<?xml version="1.0"?><workbook/>'), 'xl/sharedStrings.xml': strToU8('<?xml version="1.0"?><sst/>') })
    const result = importFile(db, company.id, { name: 'book.xlsx', bytes: xlsxShaped }, { actor: SYSTEM })
    await expect(result).rejects.toBeTruthy()
    await expect(result).rejects.not.toMatchObject({ message: expect.stringContaining('invoice') })
  })

  it('rejects an XML whose items do not add up to its totals, naming the element', async () => {
    const { db, company } = await ledgerWithCompany()
    const [invoice] = randomInvoices(4, 1)
    const xml = invoiceXml({ ...invoice!, invoiceNo: digitalInvoiceNo(2024, 9) }).replace(/<Amount>[^<]*<\/Amount>/, '<Amount>0.01</Amount>')
    const zip = zipSync({ 'a.xml': strToU8(xml) })
    const result = await importFile(db, company.id, { name: 'a.zip', bytes: zip }, { actor: SYSTEM })
    expect([result.imported, result.rejected]).toEqual([0, 1])
    expect(result.rejects[0]?.column).toBe('IssuItemInformation')
  })

  it('refuses an XML that is not an invoice with a clear reject', async () => {
    const { db, company } = await ledgerWithCompany()
    const result = await importFile(db, company.id, { name: 'x.xml', bytes: strToU8('<?xml version="1.0"?><Order><Id>1</Id></Order>') }, { actor: SYSTEM })
    expect([result.imported, result.rejected]).toEqual([0, 1])
    expect(result.rejects[0]?.reason).toContain('EInvoice')
  })
})
