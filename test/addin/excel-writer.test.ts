import { describe, expect, it } from 'vitest'
import { excelSerial, neutralise, safeSheetName, safeTableName, toCell } from '../../addin/excel/cells.ts'
import { FakeExcel, FakeExcelError, FAKE_REQUEST_LIMIT_BYTES } from '../support/fake-excel.ts'
import { type ColumnSpec, createExcelWriter } from '../../addin/excel/writer.ts'

const columns: ColumnSpec[] = [
  { header: '订单号', kind: 'id' },
  { header: '摘要', kind: 'text' },
  { header: '金额', kind: 'amount' },
  { header: '日期', kind: 'date' },
]

function orderRows(count: number): string[][] {
  return Array.from({ length: count }, (_, index) => [
    `2026100${String(index).padStart(11, '0')}`,
    index % 7 === 0 ? `=HYPERLINK("http://evil/${index}")` : index % 11 === 0 ? `+cmd|' /C calc'!A0` : `淘宝订单 ${index}`,
    `${index % 3 === 0 ? '-' : ''}${index}.${String(index % 100).padStart(2, '0')}`,
    '2026-10-15',
  ])
}

describe('Excel writer against the fake workbook', () => {
  it('writes 100k rows in ceil(rows/chunk) data syncs, each under 5 MB, with calculation suspended', async () => {
    const excel = new FakeExcel()
    const writer = createExcelWriter(excel.run)
    const rows = orderRows(100_000)
    const report = await writer.writeTable({ sheetName: '订单', tableName: 'Orders', columns, rows })

    expect(report.rows).toBe(100_000)
    expect(report.chunks).toBe(Math.ceil(100_000 / report.chunkRows))
    expect(report.syncs).toBe(1 + report.chunks)
    expect(excel.syncs).toHaveLength(report.syncs)
    for (const sync of excel.syncs) expect(sync.bytes).toBeLessThan(FAKE_REQUEST_LIMIT_BYTES)
    expect(excel.syncs.slice(1).every((sync) => sync.calculationSuspended)).toBe(true)
    expect(excel.sheet('订单').tables).toEqual([{ name: 'Orders', address: 'A1:D100001', style: 'TableStyleMedium2' }])
    expect(excel.sheet('订单').frozenRows).toBe(1)
  })

  it('never lets data become a formula and keeps 18-digit order numbers as text', async () => {
    const excel = new FakeExcel()
    await createExcelWriter(excel.run).writeTable({ sheetName: 'Orders', tableName: 'Orders', columns, rows: orderRows(2_000) })
    expect(excel.allCells().filter((cell) => cell.formula !== null)).toEqual([])
    expect(excel.cell('Orders', 'A2')).toEqual({ value: '202610000000000000', formula: null, numberFormat: '@' })
    expect(excel.cell('Orders', 'B2')).toEqual({ value: '=HYPERLINK("http://evil/0")', formula: null, numberFormat: '@' })
    expect(excel.cell('Orders', 'C3')).toEqual({ value: 1.01, formula: null, numberFormat: '#,##0.00;-#,##0.00' })
    expect(excel.cell('Orders', 'C5')?.value).toBe(-3.03)
    expect(excel.cell('Orders', 'D2')).toEqual({ value: excelSerial('2026-10-15'), formula: null, numberFormat: 'yyyy-mm-dd' })
  })

  it('proves the fake is strict: the same id without a text format turns into a 15-digit number, = into a formula', () => {
    const excel = new FakeExcel()
    return excel.run(async (context) => {
      const sheet = context.workbook.worksheets.add('Raw')
      sheet.getRange('A1:B1').values = [['202610000000000123', '=1+1']]
      await context.sync()
      expect(excel.cell('Raw', 'A1')?.value).toBe(202610000000000000)
      expect(excel.cell('Raw', 'B1')?.formula).toBe('=1+1')
    })
  })

  it('shrinks chunks when rows are wide so a request never exceeds the limit', async () => {
    const excel = new FakeExcel()
    const writer = createExcelWriter(excel.run)
    const wide = Array.from({ length: 3_000 }, (_, index) => [`${index}`, '长文本'.repeat(2_000), '1.00', '2026-10-01'])
    const report = await writer.writeTable({ sheetName: 'Wide', tableName: 'Wide', columns, rows: wide })
    expect(report.chunkRows).toBeLessThan(300)
    expect(report.chunks).toBe(Math.ceil(3_000 / report.chunkRows))
    expect(Math.max(...excel.syncs.map((sync) => sync.bytes))).toBeGreaterThan(3 * 1024 * 1024)
    expect(excel.syncs.every((sync) => sync.bytes < FAKE_REQUEST_LIMIT_BYTES)).toBe(true)
  })

  it('fails loudly in the fake when a single request is over the limit', async () => {
    const excel = new FakeExcel(1024)
    await expect(excel.run(async (context) => {
      context.workbook.worksheets.add('Big').getRange('A1:A2').values = [['x'.repeat(2_000)], ['y']]
      await context.sync()
    })).rejects.toBeInstanceOf(FakeExcelError)
  })

  it('replaces an existing sheet of the same name, writes a title, and adds a chart block beside the table', async () => {
    const excel = new FakeExcel()
    const writer = createExcelWriter(excel.run)
    await writer.writeTable({ sheetName: 'TB', tableName: 'TB1_2026', columns, rows: orderRows(3) })
    await writer.writeTable({
      sheetName: 'TB', tableName: 'TB1_2026', title: '试算平衡表 2026-10', columns, rows: orderRows(5),
      chart: { type: 'column', title: '余额', categoryHeader: '类别', categories: ['资产', '负债'], series: [{ name: '余额', values: ['100.00', '-50.00'] }] },
    })
    expect(excel.sheets.filter((sheet) => !sheet.deleted).map((sheet) => sheet.name)).toEqual(['Sheet1', 'TB'])
    const sheet = excel.sheet('TB')
    expect(excel.cell('TB', 'A1')?.value).toBe('试算平衡表 2026-10')
    expect(sheet.frozenRows).toBe(3)
    expect(sheet.tables[0]?.address).toBe('A3:D8')
    expect(sheet.charts).toEqual([{ type: 'ColumnClustered', source: 'F3:G5', title: '余额', position: 'F7:M23' }])
    expect(excel.cell('TB', 'G5')).toEqual({ value: -50, formula: null, numberFormat: '#,##0.00;-#,##0.00' })
    expect(excel.activeSheet).toBe('TB')
  })

  it('writes a header-only table for zero rows and recalculates fully on request', async () => {
    const excel = new FakeExcel()
    const writer = createExcelWriter(excel.run)
    const report = await writer.writeTable({ sheetName: 'Empty', tableName: 'Empty', columns, rows: [] })
    expect(report).toEqual({ sheetName: 'Empty', rows: 0, chunkRows: expect.any(Number), chunks: 1, syncs: 2 })
    await writer.recalculate()
    expect(excel.calculations).toEqual(['Full'])
  })
})

describe('cell preparation', () => {
  it('prefixes every formula trigger with the text prefix', () => {
    expect(['=A1', '+1+1', '-x', '@SUM(A1)', '\tx', 'plain', '1-2'].map(neutralise))
      .toEqual(["'=A1", "'+1+1", "'-x", "'@SUM(A1)", "'\tx", 'plain', '1-2'])
  })

  it('turns decimal-string amounts into numbers only at the cell and keeps junk as safe text', () => {
    expect(toCell('1234.50', 'amount')).toBe(1234.5)
    expect(toCell('-0.01', 'amount')).toBe(-0.01)
    expect(toCell('=1', 'amount')).toBe("'=1")
    expect(toCell(null, 'amount')).toBe('')
    expect(toCell('9007199254740993', 'id')).toBe('9007199254740993')
  })

  it('makes sheet and table names Excel accepts', () => {
    expect(safeTableName('TB1')).toBe('T_TB1')
    expect(safeTableName('试算 2026-10')).toBe('试算_2026_10')
    expect(safeSheetName('a/b:c*d?[e]')).toBe('a_b_c_d__e_')
    expect(safeSheetName('x'.repeat(40))).toHaveLength(31)
  })
})
