import ExcelJS from 'exceljs'
import { exponentOf, toExcelNumber } from '../../../shared/money.ts'
import { type CellValue, type ColumnKind, type Formula, type Report, isRatio, metaLine } from '../../../shared/reports/report.ts'
import { renderChartPng } from './chart.ts'

/**
 * xlsx via exceljs: title block, frozen header row, column widths, number
 * formats per currency, subtotals and totals as live formulas (with cached
 * results), checks and notes under the table, and a 图表 sheet holding a PNG
 * chart (exceljs writes no native charts) beside the numbers it shows.
 */
export const HEADER_ROW = 4
const FIRST_DATA_ROW = HEADER_ROW + 1

export function amountFormat(currency: string): string {
  const exponent = exponentOf(currency)
  const digits = exponent === 0 ? '#,##0' : `#,##0.${'0'.repeat(exponent)}`
  return `${digits};[Red]-${digits}`
}

function excelValue(value: CellValue | undefined, kind: ColumnKind, currency: string): ExcelJS.CellValue {
  if (value === null || value === undefined) return null
  if (isRatio(value)) return Number(value.ratio)
  if (typeof value === 'bigint') return kind === 'amount' ? toExcelNumber(value, currency) : Number(value)
  return value
}

function formulaText(formula: Formula, letterOf: (key: string) => string): string {
  if (formula.kind === 'range') return `SUM(${letterOf(formula.column)}${FIRST_DATA_ROW + formula.from}:${letterOf(formula.column)}${FIRST_DATA_ROW + formula.to})`
  return formula.terms.map((term, index) => `${term.sign === -1 ? '-' : index === 0 ? '' : '+'}${letterOf(term.column)}${FIRST_DATA_ROW + term.row}`).join('') || '0'
}

function sheetName(title: string): string {
  return title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31)
}

export async function renderXlsx(report: Report, options: { chart?: boolean } = {}): Promise<Uint8Array> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'channel-ledger'
  const sheet = workbook.addWorksheet(sheetName(report.title), { views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }] })
  const count = report.columns.length
  sheet.columns = report.columns.map((column) => ({ key: column.key, width: Math.max(6, (column.width ?? 12) + 2) }))
  const letterOf = (key: string) => {
    const index = report.columns.findIndex((column) => column.key === key)
    if (index < 0) throw new Error(`invariant violated: formula refers to unknown column ${key}`)
    return sheet.getColumn(index + 1).letter
  }
  sheet.mergeCells(1, 1, 1, count)
  const title = sheet.getCell(1, 1)
  title.value = report.title
  title.font = { bold: true, size: 16 }
  title.alignment = { horizontal: 'center' }
  sheet.mergeCells(2, 1, 2, count)
  sheet.getCell(2, 1).value = `${report.dateLabel}${report.formCode ? `    ${report.formCode}` : ''}`
  sheet.getCell(2, 1).alignment = { horizontal: 'center' }
  sheet.mergeCells(3, 1, 3, count)
  const meta = metaLine(report)
  sheet.getCell(3, 1).value = `编制单位：${report.company.name}    单位：${report.currency === 'CNY' ? '元' : report.currency}${meta ? `    ${meta}` : ''}`
  const header = sheet.getRow(HEADER_ROW)
  report.columns.forEach((column, index) => {
    const cell = header.getCell(index + 1)
    cell.value = column.label
    cell.font = { bold: true }
    cell.alignment = { horizontal: 'center', vertical: 'middle' }
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } }
    cell.border = { bottom: { style: 'thin' } }
  })
  const money = amountFormat(report.currency)
  report.rows.forEach((row, rowIndex) => {
    const excelRow = sheet.getRow(FIRST_DATA_ROW + rowIndex)
    report.columns.forEach((column, columnIndex) => {
      const cell = excelRow.getCell(columnIndex + 1)
      const value = excelValue(row.cells[column.key], column.kind, report.currency)
      const formula = row.formulas?.[column.key]
      cell.value = formula && typeof value === 'number' ? { formula: formulaText(formula, letterOf), result: value } : value
      if (column.kind === 'amount') cell.numFmt = money
      if (column.kind === 'ratio') cell.numFmt = '0.00%'
      if (column.kind === 'text' && row.indent) cell.alignment = { indent: row.indent }
    })
    if (row.style === 'total' || row.style === 'subtotal' || row.style === 'heading') excelRow.font = { bold: true }
    if (row.style === 'total') excelRow.eachCell((cell) => { cell.border = { top: { style: 'thin' }, bottom: { style: 'double' } } })
  })
  let next = FIRST_DATA_ROW + report.rows.length + 1
  for (const note of report.notes) sheet.getCell(next++, 1).value = note
  for (const item of report.checks) {
    sheet.getCell(next++, 1).value = `${item.ok ? '✓' : '✗'} ${item.label}${item.ok ? '' : `（应为 ${item.expected}，实为 ${item.actual}）`}`
  }
  sheet.pageSetup = { orientation: count > 6 ? 'landscape' : 'portrait', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` }
  if (report.chart && options.chart !== false) addChartSheet(workbook, report)
  const buffer = await workbook.xlsx.writeBuffer()
  return new Uint8Array(buffer)
}

function addChartSheet(workbook: ExcelJS.Workbook, report: Report): void {
  const chart = report.chart
  if (!chart) return
  const sheet = workbook.addWorksheet('图表')
  const png = renderChartPng(chart, report.currency)
  const bytes = new Uint8Array(png.byteLength)
  bytes.set(png)
  const image = workbook.addImage({ buffer: bytes.buffer, extension: 'png' })
  sheet.addImage(image, { tl: { col: 0, row: 0 }, ext: { width: 960, height: 540 } })
  const top = 30
  sheet.getCell(top, 1).value = chart.title
  sheet.getCell(top, 1).font = { bold: true }
  chart.series.forEach((series, index) => {
    sheet.getCell(top + 1, index + 2).value = series.name
    sheet.getCell(top + 1, index + 2).font = { bold: true }
  })
  chart.categories.forEach((category, row) => {
    sheet.getCell(top + 2 + row, 1).value = category
    chart.series.forEach((series, column) => {
      const cell = sheet.getCell(top + 2 + row, column + 2)
      cell.value = toExcelNumber(series.values[row] ?? 0n, report.currency)
      cell.numFmt = amountFormat(report.currency)
    })
  })
  sheet.getColumn(1).width = 18
  for (let index = 0; index < chart.series.length; index += 1) sheet.getColumn(index + 2).width = 16
}
