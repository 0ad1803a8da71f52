/**
 * The slice of the Excel JavaScript API the adapter uses, written as plain
 * interfaces so `Excel.RequestContext` satisfies them structurally (see
 * office.ts) and so can the fake in test/support/fake-excel.ts, which enforces Excel's limits
 * in tests. Nothing outside addin/excel/ sees these types.
 */

export type CellValue = string | number | boolean

export interface XlRange {
  values: CellValue[][]
  numberFormat: string[][]
  readonly format: {
    readonly font: { bold: boolean }
    autofitColumns(): void
  }
}

export interface XlTable {
  name: string
  style: string
}

export interface XlChart {
  readonly title: { text: string }
  setPosition(startCell: string, endCell?: string): void
}

export interface XlWorksheet {
  readonly isNullObject: boolean
  name: string
  getRange(address?: string): XlRange
  delete(): void
  activate(): void
  readonly freezePanes: { freezeRows(count?: number): void }
  readonly tables: { add(address: string, hasHeaders: boolean): XlTable }
  readonly charts: { add(type: 'ColumnClustered' | 'BarClustered' | 'Pie', sourceData: XlRange, seriesBy?: 'Auto' | 'Columns' | 'Rows'): XlChart }
}

export interface XlContext {
  readonly workbook: {
    readonly worksheets: {
      getItemOrNullObject(name: string): XlWorksheet
      add(name?: string): XlWorksheet
    }
    readonly application: {
      suspendApiCalculationUntilNextSync(): void
      calculate(calculationType: 'Full' | 'Recalculate' | 'FullRebuild'): void
    }
  }
  sync(): Promise<unknown>
}

/** `Excel.run` in Office, `FakeExcel.run` in tests. */
export type ExcelRun = <T>(batch: (context: XlContext) => Promise<T>) => Promise<T>
