import type { CellValue, ExcelRun, XlChart, XlContext, XlRange, XlTable, XlWorksheet } from '../../addin/excel/port.ts'

/**
 * An in-memory Excel that implements the same XlContext slice as Office and
 * enforces the limits that bite in production: 5 MB per request, 5M cells per
 * range, 1,048,576 rows x 16,384 columns, array shapes that must match the
 * range, sheet and table naming rules, properties read before sync, and
 * Excel's reading of values (a leading `=` makes a formula, `'` forces text,
 * digits in a non-text cell become a 15-digit double).
 */

export const FAKE_REQUEST_LIMIT_BYTES = 5 * 1024 * 1024
const MAX_ROWS = 1_048_576
const MAX_COLUMNS = 16_384
const MAX_RANGE_CELLS = 5_000_000

export class FakeExcelError extends Error {
  readonly code: string
  constructor(code: string, message: string) {
    super(message)
    this.name = 'RichApi.Error'
    this.code = code
  }
}

export interface FakeCell {
  value: CellValue
  numberFormat: string
  formula: string | null
}

export interface SyncRecord {
  readonly bytes: number
  readonly operations: number
  readonly calculationSuspended: boolean
}

export interface FakeChart {
  type: string
  source: string
  title: string
  position: string
}

export interface FakeSheet {
  name: string
  deleted: boolean
  readonly cells: Map<string, FakeCell>
  readonly tables: { name: string; address: string; style: string }[]
  readonly charts: FakeChart[]
  frozenRows: number
  boldRanges: string[]
}

interface Bounds {
  readonly top: number
  readonly left: number
  readonly rows: number
  readonly columns: number
}

function columnIndex(letters: string): number {
  let index = 0
  for (const char of letters) index = index * 26 + (char.charCodeAt(0) - 64)
  return index - 1
}

export function parseAddress(address: string): Bounds {
  const match = /^([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?$/.exec(address)
  if (!match) throw new FakeExcelError('InvalidArgument', `bad address "${address}"`)
  const left = columnIndex(match[1] ?? 'A')
  const top = Number(match[2])
  const right = match[3] === undefined ? left : columnIndex(match[3])
  const bottom = match[4] === undefined ? top : Number(match[4])
  if (top < 1 || bottom > MAX_ROWS || right >= MAX_COLUMNS || bottom < top || right < left) {
    throw new FakeExcelError('InvalidArgument', `address "${address}" is outside the grid`)
  }
  return { top, left, rows: bottom - top + 1, columns: right - left + 1 }
}

const encoder = new TextEncoder()
const bytesOf = (value: unknown) => encoder.encode(JSON.stringify(value)).length
/** Each queued operation costs some envelope bytes in the real protocol. */
const OPERATION_OVERHEAD_BYTES = 120
const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/

function checkShape(bounds: Bounds, matrix: readonly (readonly unknown[])[], what: string): void {
  if (bounds.rows * bounds.columns > MAX_RANGE_CELLS) throw new FakeExcelError('ResponsePayloadSizeLimitExceeded', `${what}: more than 5,000,000 cells`)
  if (matrix.length !== bounds.rows || matrix.some((row) => row.length !== bounds.columns)) {
    throw new FakeExcelError('InvalidArgument', `${what}: the number of rows or columns in the input array doesn't match the size of the range`)
  }
}

/** How Excel stores a value typed into a cell with the given number format. */
export function interpret(input: CellValue, numberFormat: string): { value: CellValue; formula: string | null } {
  if (typeof input !== 'string') return { value: input, formula: null }
  if (input.startsWith("'")) return { value: input.slice(1), formula: null }
  if (/^[=+\-@]/.test(input) && input.length > 1 && !/^[+-]?\d+(\.\d+)?$/.test(input)) return { value: 0, formula: input }
  if (numberFormat !== '@' && /^[+-]?\d+(\.\d+)?(E[+-]?\d+)?$/i.test(input)) {
    return { value: Number(Number(input).toPrecision(15)), formula: null }
  }
  return { value: input, formula: null }
}

export class FakeExcel {
  readonly sheets: FakeSheet[] = [{ name: 'Sheet1', deleted: false, cells: new Map(), tables: [], charts: [], frozenRows: 0, boldRanges: [] }]
  readonly syncs: SyncRecord[] = []
  activeSheet = 'Sheet1'
  calculations: string[] = []
  private queue: { bytes: number; apply: () => void }[] = []
  private suspended = false
  private sheetCounter = 1

  /** Limit for one request; tests may lower it to prove chunking adapts. */
  constructor(readonly requestLimitBytes = FAKE_REQUEST_LIMIT_BYTES) {}

  readonly run: ExcelRun = async (batch) => batch(this.context())

  sheet(name: string): FakeSheet {
    const found = this.sheets.find((sheet) => !sheet.deleted && sheet.name === name)
    if (found === undefined) throw new Error(`no sheet ${name}`)
    return found
  }

  cell(sheetName: string, address: string): FakeCell | undefined {
    const bounds = parseAddress(address)
    return this.sheet(sheetName).cells.get(`${bounds.top}:${bounds.left}`)
  }

  allCells(): FakeCell[] {
    return this.sheets.filter((sheet) => !sheet.deleted).flatMap((sheet) => [...sheet.cells.values()])
  }

  private enqueue(bytes: number, apply: () => void): void {
    this.queue.push({ bytes: bytes + OPERATION_OVERHEAD_BYTES, apply })
  }

  private async sync(): Promise<void> {
    const queued = this.queue
    this.queue = []
    const bytes = queued.reduce((sum, operation) => sum + operation.bytes, 0)
    const calculationSuspended = this.suspended
    this.suspended = false
    this.syncs.push({ bytes, operations: queued.length, calculationSuspended })
    if (bytes > this.requestLimitBytes) {
      throw new FakeExcelError('RequestPayloadSizeLimitExceeded', `request of ${bytes} bytes exceeds ${this.requestLimitBytes}`)
    }
    for (const operation of queued) operation.apply()
  }

  private liveSheets(): FakeSheet[] {
    return this.sheets.filter((sheet) => !sheet.deleted)
  }

  private context(): XlContext {
    const excel = this
    return {
      workbook: {
        worksheets: {
          getItemOrNullObject(name) {
            let resolved: FakeSheet | null | undefined
            const proxy = excel.worksheetProxy(() => {
              if (resolved === undefined) throw new FakeExcelError('PropertyNotLoaded', 'call context.sync() before reading isNullObject')
              if (resolved === null) throw new FakeExcelError('InvalidObjectPath', `worksheet ${name} does not exist`)
              return resolved
            }, () => resolved === null)
            excel.enqueue(bytesOf(name), () => {
              resolved = excel.liveSheets().find((sheet) => sheet.name.toLowerCase() === name.toLowerCase()) ?? null
            })
            return proxy
          },
          add(name) {
            let created: FakeSheet | undefined
            excel.enqueue(bytesOf(name ?? ''), () => {
              excel.sheetCounter += 1
              const sheetName = name ?? `Sheet${excel.sheetCounter}`
              excel.checkSheetName(sheetName)
              created = { name: sheetName, deleted: false, cells: new Map(), tables: [], charts: [], frozenRows: 0, boldRanges: [] }
              excel.sheets.push(created)
            })
            return excel.worksheetProxy(() => {
              if (created === undefined) throw new FakeExcelError('InvalidOperation', 'sheet not created yet')
              return created
            }, () => false)
          },
        },
        application: {
          suspendApiCalculationUntilNextSync() {
            excel.suspended = true
            excel.enqueue(0, () => undefined)
          },
          calculate(calculationType) {
            excel.enqueue(bytesOf(calculationType), () => excel.calculations.push(calculationType))
          },
        },
      },
      sync: () => excel.sync(),
    }
  }

  private checkSheetName(name: string): void {
    if (name.trim() === '' || name.length > 31 || SHEET_NAME_FORBIDDEN.test(name)) {
      throw new FakeExcelError('InvalidArgument', `invalid worksheet name "${name}"`)
    }
    const clash = this.liveSheets().filter((sheet) => sheet.name.toLowerCase() === name.toLowerCase())
    if (clash.length > 1 || (clash.length === 1 && clash[0]?.name !== name)) {
      throw new FakeExcelError('ItemAlreadyExists', `a worksheet named "${name}" exists`)
    }
  }

  private worksheetProxy(target: () => FakeSheet, isNull: () => boolean): XlWorksheet {
    const excel = this
    let nameValue: string | undefined
    const later = (bytes: number, apply: (sheet: FakeSheet) => void) => excel.enqueue(bytes, () => {
      const sheet = target()
      if (sheet.deleted) throw new FakeExcelError('InvalidOperation', `worksheet ${sheet.name} was deleted`)
      apply(sheet)
    })
    return {
      get isNullObject() {
        return isNull()
      },
      get name() {
        if (nameValue === undefined) throw new FakeExcelError('PropertyNotLoaded', 'worksheet name not loaded')
        return nameValue
      },
      set name(value: string) {
        nameValue = value
        later(bytesOf(value), (sheet) => {
          const old = sheet.name
          sheet.name = value
          try {
            excel.checkSheetName(value)
          } catch (error) {
            sheet.name = old
            throw error
          }
          if (excel.activeSheet === old) excel.activeSheet = value
        })
      },
      getRange: (address) => excel.rangeProxy(address ?? 'A1:XFD1048576', later),
      delete() {
        later(0, (sheet) => {
          if (excel.liveSheets().length === 1) throw new FakeExcelError('InvalidOperation', 'a workbook must contain at least one visible worksheet')
          sheet.deleted = true
        })
      },
      activate() {
        later(0, (sheet) => { excel.activeSheet = sheet.name })
      },
      freezePanes: {
        freezeRows(count = 1) {
          later(0, (sheet) => { sheet.frozenRows = count })
        },
      },
      tables: {
        add(address, hasHeaders) {
          const record = { name: '', address, style: '' }
          const proxy: XlTable = {
            get name() { return record.name },
            set name(value: string) {
              record.name = value
              later(bytesOf(value), () => excel.checkTableName(value, record))
            },
            get style() { return record.style },
            set style(value: string) { record.style = value; later(bytesOf(value), () => undefined) },
          }
          later(bytesOf(address) + (hasHeaders ? 1 : 0), (sheet) => {
            parseAddress(address)
            sheet.tables.push(record)
          })
          return proxy
        },
      },
      charts: {
        add(type, sourceData) {
          const record: FakeChart = { type, source: excel.addressOf(sourceData), title: '', position: '' }
          later(bytesOf(type), (sheet) => { sheet.charts.push(record) })
          const chart: XlChart = {
            title: {
              get text() { return record.title },
              set text(value: string) { record.title = value; later(bytesOf(value), () => undefined) },
            },
            setPosition(start, end) { record.position = `${start}:${end ?? start}` },
          }
          return chart
        },
      },
    }
  }

  private readonly rangeAddresses = new WeakMap<XlRange, string>()

  private addressOf(range: XlRange): string {
    const address = this.rangeAddresses.get(range)
    if (address === undefined) throw new FakeExcelError('InvalidArgument', 'not a range of this workbook')
    return address
  }

  private checkTableName(name: string, record: { name: string }): void {
    if (!/^[\p{L}_\\][\p{L}\p{N}_.]*$/u.test(name) || /^[A-Z]{1,3}\d+$/i.test(name) || /^R\d*C\d*$/i.test(name) || name.length > 255) {
      throw new FakeExcelError('InvalidArgument', `invalid table name "${name}"`)
    }
    const clash = this.liveSheets().flatMap((sheet) => sheet.tables).filter((table) => table !== record && table.name.toLowerCase() === name.toLowerCase())
    if (clash.length > 0) throw new FakeExcelError('ItemAlreadyExists', `a table named "${name}" exists`)
  }

  private rangeProxy(address: string, later: (bytes: number, apply: (sheet: FakeSheet) => void) => void): XlRange {
    const bounds = parseAddress(address)
    const key = (row: number, column: number) => `${bounds.top + row}:${bounds.left + column}`
    const range: XlRange = {
      get values(): CellValue[][] { throw new FakeExcelError('PropertyNotLoaded', 'values not loaded') },
      set values(matrix: CellValue[][]) {
        checkShape(bounds, matrix, `values of ${address}`)
        later(bytesOf(matrix), (sheet) => {
          matrix.forEach((row, r) => row.forEach((input, c) => {
            const cellKey = key(r, c)
            const existing = sheet.cells.get(cellKey)
            const numberFormat = existing?.numberFormat ?? 'General'
            const { value, formula } = interpret(input, numberFormat)
            sheet.cells.set(cellKey, { value, formula, numberFormat })
          }))
        })
      },
      get numberFormat(): string[][] { throw new FakeExcelError('PropertyNotLoaded', 'numberFormat not loaded') },
      set numberFormat(matrix: string[][]) {
        checkShape(bounds, matrix, `numberFormat of ${address}`)
        later(bytesOf(matrix), (sheet) => {
          matrix.forEach((row, r) => row.forEach((numberFormat, c) => {
            const cellKey = key(r, c)
            const existing = sheet.cells.get(cellKey)
            sheet.cells.set(cellKey, { value: existing?.value ?? '', formula: existing?.formula ?? null, numberFormat })
          }))
        })
      },
      format: {
        font: {
          get bold() { return false },
          set bold(value: boolean) { if (value) later(0, (sheet) => { sheet.boldRanges.push(address) }) },
        },
        autofitColumns() { later(0, () => undefined) },
      },
    }
    this.rangeAddresses.set(range, address)
    return range
  }
}

