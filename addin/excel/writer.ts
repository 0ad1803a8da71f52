import {
  type CellInput, type ColumnSpec, NUMBER_FORMATS, blockAddress, columnLetter, neutralise, rowPayloadBytes, safeSheetName, safeTableName, toCell,
} from './cells.ts'
import type { CellValue, ExcelRun, XlWorksheet } from './port.ts'

export type { CellInput, ColumnKind, ColumnSpec } from './cells.ts'

/** Excel on the web refuses requests over 5 MB; we stay well under it. */
export const REQUEST_LIMIT_BYTES = 5 * 1024 * 1024
/** Budget for the cells of one sync, leaving room for the request envelope. */
export const CHUNK_BUDGET_BYTES = 4 * 1024 * 1024
/** Microsoft's large-range guidance: blocks of 5k-20k rows. */
export const MAX_CHUNK_ROWS = 10_000
export const MAX_SHEET_ROWS = 1_048_576

export interface ChartSpec {
  readonly type: 'column' | 'bar' | 'pie'
  readonly title: string
  /** Header of the category column, e.g. 科目类别. */
  readonly categoryHeader: string
  readonly categories: readonly string[]
  readonly series: readonly { readonly name: string; readonly values: readonly CellInput[] }[]
}

export interface TableSpec {
  readonly sheetName: string
  readonly tableName: string
  readonly title?: string
  readonly columns: readonly ColumnSpec[]
  readonly rows: readonly (readonly CellInput[])[]
  readonly chart?: ChartSpec
}

export interface WriteReport {
  readonly sheetName: string
  readonly rows: number
  readonly chunkRows: number
  readonly chunks: number
  readonly syncs: number
}

/**
 * Where result tables go: an Excel workbook (createExcelWriter) or, outside
 * Office, the page itself (the task pane's preview writer). Components receive
 * one of these as a prop and never touch Excel themselves.
 */
export interface WorkbookWriter {
  readonly target: 'excel' | 'preview'
  writeTable(spec: TableSpec): Promise<WriteReport>
  activate(sheetName: string): Promise<void>
  /** Full recalculation, e.g. after posting, so LEDGER.* cells refresh. */
  recalculate(): Promise<void>
}

/** Rows per sync so that the largest row times the chunk stays within the budget. */
export function chunkRowsFor(values: readonly (readonly CellValue[])[], formats: readonly string[], budget = CHUNK_BUDGET_BYTES): number {
  let largest = rowPayloadBytes([], formats)
  for (const row of values) largest = Math.max(largest, rowPayloadBytes(row, formats))
  return Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.floor(budget / largest)))
}

const CHART_TYPES = { column: 'ColumnClustered', bar: 'BarClustered', pie: 'Pie' } as const

/** Writes the chart's small data block to the right of the table and charts it. */
function addChart(sheet: XlWorksheet, spec: TableSpec, headerRow: number): void {
  const chart = spec.chart
  if (chart === undefined || chart.categories.length === 0 || chart.series.length === 0) return
  const firstColumn = spec.columns.length + 1
  const width = chart.series.length + 1
  const block: CellValue[][] = [[chart.categoryHeader, ...chart.series.map((series) => neutralise(series.name))]]
  chart.categories.forEach((category, row) => {
    block.push([neutralise(category), ...chart.series.map((series) => toCell(series.values[row], 'amount'))])
  })
  const source = sheet.getRange(blockAddress(headerRow, block.length, width, firstColumn))
  source.numberFormat = block.map((_, row) => ['@', ...chart.series.map(() => (row === 0 ? '@' : NUMBER_FORMATS.amount))])
  source.values = block
  const created = sheet.charts.add(CHART_TYPES[chart.type], source, 'Columns')
  created.title.text = chart.title
  const top = headerRow + block.length + 1
  created.setPosition(`${columnLetter(firstColumn)}${top}`, `${columnLetter(firstColumn + 7)}${top + 16}`)
}

/**
 * Writes result tables with Excel.run: replaces the sheet, writes number formats
 * before values (so ids land as text), in row chunks sized under the request
 * limit, with formula calculation suspended in every sync, then makes it a table
 * with a frozen header and an optional chart in the last sync.
 *
 * Syncs: 1 to prepare the sheet + ceil(rows / chunkRows) data syncs (at least one).
 * @example
 * const writer = createExcelWriter(officeExcelRun)
 * await writer.writeTable({ sheetName: '试算平衡表', tableName: 'TB_2026_10', columns, rows })
 */
export function createExcelWriter(run: ExcelRun): WorkbookWriter {
  return {
    target: 'excel',
    writeTable: (spec) => run(async (context) => {
      const name = safeSheetName(spec.sheetName)
      const columns = spec.columns.length
      const titleRows = spec.title === undefined ? 0 : 2
      const headerRow = titleRows + 1
      if (spec.rows.length + headerRow > MAX_SHEET_ROWS) throw new RangeError(`${spec.rows.length} rows do not fit in one worksheet`)
      const formats = spec.columns.map((column) => NUMBER_FORMATS[column.kind])
      const values = spec.rows.map((row) => spec.columns.map((column, index) => toCell(row[index], column.kind)))
      const chunkRows = chunkRowsFor(values, formats)

      // Sync 1: a fresh sheet of that name (add first: a workbook needs one sheet).
      const existing = context.workbook.worksheets.getItemOrNullObject(name)
      await context.sync()
      const sheet = context.workbook.worksheets.add()
      if (!existing.isNullObject) existing.delete()
      sheet.name = name
      if (spec.title !== undefined) {
        const title = sheet.getRange('A1')
        title.values = [[spec.title]]
        title.format.font.bold = true
      }
      const header = sheet.getRange(blockAddress(headerRow, 1, columns))
      header.numberFormat = [spec.columns.map(() => '@')]
      header.values = [spec.columns.map((column) => column.header)]
      header.format.font.bold = true

      let syncs = 1
      let chunks = 0
      for (let start = 0; start < values.length || chunks === 0; start += chunkRows) {
        const block = values.slice(start, start + chunkRows)
        context.workbook.application.suspendApiCalculationUntilNextSync()
        if (block.length > 0) {
          const range = sheet.getRange(blockAddress(headerRow + 1 + start, block.length, columns))
          range.numberFormat = block.map(() => formats)
          range.values = block
        }
        chunks += 1
        const last = start + chunkRows >= values.length
        if (last) {
          const table = sheet.tables.add(blockAddress(headerRow, values.length + 1, columns), true)
          table.name = safeTableName(spec.tableName)
          table.style = 'TableStyleMedium2'
          sheet.freezePanes.freezeRows(headerRow)
          sheet.getRange(blockAddress(headerRow, Math.min(values.length, 500) + 1, columns)).format.autofitColumns()
          addChart(sheet, spec, headerRow)
          sheet.activate()
        }
        await context.sync()
        syncs += 1
      }
      return { sheetName: name, rows: values.length, chunkRows, chunks, syncs }
    }),
    activate: (sheetName) => run(async (context) => {
      const sheet = context.workbook.worksheets.getItemOrNullObject(safeSheetName(sheetName))
      await context.sync()
      if (!sheet.isNullObject) {
        sheet.activate()
        await context.sync()
      }
    }),
    recalculate: () => run(async (context) => {
      context.workbook.application.calculate('Full')
      await context.sync()
    }),
  }
}
