import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import { afterEach, describe, expect, it } from 'vitest'
import { writeVouchers } from '../../service/ledger/vouchers.ts'
import { buildReport } from '../../service/reports/index.ts'
import { renderCsv } from '../../service/reports/render/csv.ts'
import { renderPdf } from '../../service/reports/render/pdf.ts'
import { renderTable } from '../../service/reports/render/table.ts'
import { displayWidth } from '../../service/reports/render/text.ts'
import { renderXlsx } from '../../service/reports/render/xlsx.ts'
import { ledgerWithCompany } from '../support/db.ts'
import { demoMonth } from './fixtures.ts'
import { describeWithTools } from '../support/outside-tools.ts'

const dirs: string[] = []
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop() ?? '', { recursive: true, force: true })
})

async function demo() {
  const { context, company } = await ledgerWithCompany()
  await writeVouchers(context, { userId: 1 }, company.id, demoMonth().map((input) => ({ input })), { mode: 'post' })
  return { context, company }
}

async function openXlsx(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook()
  const copy = new Uint8Array(bytes.byteLength)
  copy.set(bytes)
  await workbook.xlsx.load(copy.buffer)
  return workbook
}

describeWithTools(['cjk-fonts'], 'xlsx output', () => {
  it('writes the balance sheet with a frozen header, number formats, widths and totals as formulas', async () => {
    const { context, company } = await demo()
    const workbook = await openXlsx(await renderXlsx(await buildReport(context, company.id, 'balance-sheet', { period: '2026-10' })))
    const sheet = workbook.getWorksheet('资产负债表')
    expect(sheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 })
    expect(sheet?.getCell('A1').value).toBe('资产负债表')
    expect(sheet?.getRow(4).values).toEqual([undefined, '资产', '行次', '期末余额', '年初余额', '负债和所有者权益', '行次', '期末余额', '年初余额'])
    const cash = sheet?.getCell('C6')
    expect([sheet?.getCell('A6').value, cash?.value, cash?.numFmt]).toEqual(['货币资金', 65448, '#,##0.00;[Red]-#,##0.00'])
    expect([sheet?.getCell('A20').value, sheet?.getCell('C20').value]).toEqual(['流动资产合计', { formula: 'C6+C7+C8+C9+C10+C11+C12+C13+C14+C19', result: 101708 }])
    expect(sheet?.getCell('G5').value).toBe(null)
    expect(sheet?.getColumn(1).width).toBe(28)
  })

  it('writes channel profit with SUM totals, a percent format and a 图表 sheet holding the chart image', async () => {
    const { context, company } = await demo()
    const workbook = await openXlsx(await renderXlsx(await buildReport(context, company.id, 'channel-profit', { period: '2026-10' })))
    const sheet = workbook.getWorksheet('渠道利润表')
    expect(sheet?.getCell('C7').value).toEqual({ formula: 'SUM(C5:C6)', result: 12000 })
    expect(sheet?.getCell('L6').value).toEqual({ formula: 'K6-E6-F6-G6-H6-I6-J6', result: 3048 })
    expect([sheet?.getCell('M6').value, sheet?.getCell('M6').numFmt]).toEqual([0.3048, '0.00%'])
    const chartSheet = workbook.getWorksheet('图表')
    expect(chartSheet?.getImages()).toHaveLength(1)
    expect(chartSheet?.getCell('A32').value).toBe('jd')
    expect(chartSheet?.getCell('B33').value).toBe(10000)
  })
})

describe('text and csv output', () => {
  it('aligns CJK text by display width so amount columns line up', async () => {
    const { context, company } = await demo()
    const text = renderTable(await buildReport(context, company.id, 'income-statement', { period: '2026-10' }))
    const lines = text.split('\n')
    const revenue = lines.find((line) => line.startsWith('一、营业收入')) ?? ''
    const cost = lines.find((line) => line.startsWith('减：营业成本')) ?? ''
    expect(displayWidth(revenue)).toBe(displayWidth(cost))
    expect(revenue.endsWith('12,000.00     12,000.00')).toBe(true)
    expect(text).toContain('✓ 净利润 = 损益类科目本月净发生额')
  })

  it('writes csv with a BOM, decimal strings and guarded formula-like text', async () => {
    const { context, company } = await demo()
    const csv = renderCsv(await buildReport(context, company.id, 'voucher-register', { period: '2026-10' }))
    const lines = csv.split('\r\n')
    expect(lines[0]).toBe('\uFEFF科目编码,科目名称,借方金额,贷方金额')
    expect(lines[1]).toBe('1002,银行存款,110000.00,45200.00')
    expect(lines.at(-2)).toBe(',合计,186860.00,186860.00')
  })
})

describeWithTools(['cjk-fonts', 'pdffonts', 'pdftotext', 'pdftoppm'], 'pdf output', () => {
  it('embeds a Chinese font subset and renders to PNG pages with pdftoppm', async () => {
    const { context, company } = await demo()
    const pdf = await renderPdf(await buildReport(context, company.id, 'channel-profit', { period: '2026-10' }), { now: new Date('2026-11-01T00:00:00Z') })
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-')
    const dir = mkdtempSync(join(tmpdir(), 'cledger-pdf-'))
    dirs.push(dir)
    writeFileSync(join(dir, 'report.pdf'), pdf)
    expect(execFileSync('pdffonts', [join(dir, 'report.pdf')]).toString()).toMatch(/\+NotoSansCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/)
    expect(execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-']).toString()).toContain('渠道利润表')
    execFileSync('pdftoppm', ['-png', '-r', '40', join(dir, 'report.pdf'), join(dir, 'page')])
    expect(readdirSync(dir).filter((file) => file.endsWith('.png')).sort()).toEqual(['page-1.png', 'page-2.png'])
  })
})
