import { columnLetter } from '../../addin/excel/cells.ts'
import type { DocumentSettings, SharingContext, SharingRange, SharingRun, SharingWorksheet } from '../../addin/excel/workbook-sharing.ts'

/**
 * A small in-memory workbook for the shared-workbook tests: cells hold a
 * formula or a value, text-formatted cells keep strings literally, other
 * strings starting with "=" become formulas (as Excel does), and `calculate`
 * evaluates LEDGER.* formulas through the registered custom functions.
 * Document settings persist with the "file" like Office's.
 */
interface Cell {
  formula: string | null
  value: unknown
  format: string
  /** the tooltip message of an error value */
  message?: string
}

type Invoke = (id: string, ...args: unknown[]) => Promise<unknown>

function parseAddress(address: string): { row: number; column: number } {
  const match = /^([A-Z]+)(\d+)$/.exec(address)
  if (!match) throw new Error(`bad address ${address}`)
  let column = 0
  for (const letter of match[1] ?? '') column = column * 26 + (letter.charCodeAt(0) - 64)
  return { row: Number(match[2]) - 1, column: column - 1 }
}

class FakeSheet {
  readonly cells = new Map<string, Cell>()
  visibility = 'Visible'
  deleted = false
  constructor(readonly name: string) {}

  cell(row: number, column: number): Cell {
    const key = `${columnLetter(column)}${row + 1}`
    let cell = this.cells.get(key)
    if (!cell) {
      cell = { formula: null, value: '', format: 'General' }
      this.cells.set(key, cell)
    }
    return cell
  }

  range(top: number, left: number, rows: number, columns: number): SharingRange {
    const grid = <T>(pick: (cell: Cell) => T): T[][] => Array.from({ length: rows }, (_, r) => Array.from({ length: columns }, (_, c) => pick(this.cell(top + r, left + c))))
    const sheet = this
    return {
      rowIndex: top, columnIndex: left, isNullObject: false,
      load: () => undefined,
      get formulas() { return grid((cell) => cell.formula ?? cell.value) },
      set formulas(input: unknown[][]) { input.forEach((row, r) => row.forEach((value, c) => sheet.write(top + r, left + c, value))) },
      get values() { return grid((cell) => cell.value) },
      set values(input: unknown[][]) { input.forEach((row, r) => row.forEach((value, c) => sheet.write(top + r, left + c, value))) },
      get numberFormat() { return grid((cell) => cell.format) },
      set numberFormat(input: unknown[][]) { input.forEach((row, r) => row.forEach((format, c) => { sheet.cell(top + r, left + c).format = String(format) })) },
    }
  }

  write(row: number, column: number, value: unknown): void {
    const cell = this.cell(row, column)
    delete cell.message
    if (typeof value === 'string' && value.startsWith("'")) {
      cell.formula = null
      cell.value = value.slice(1)
    } else if (typeof value === 'string' && value.startsWith('=') && cell.format !== '@') {
      cell.formula = value
      cell.value = '#BUSY!'
    } else {
      cell.formula = null
      cell.value = value
    }
  }

  usedBounds(): { top: number; left: number; rows: number; columns: number } | null {
    const used = [...this.cells.entries()].filter(([, cell]) => cell.formula !== null || cell.value !== '').map(([key]) => parseAddress(key))
    if (used.length === 0) return null
    const top = Math.min(...used.map((item) => item.row))
    const left = Math.min(...used.map((item) => item.column))
    return { top, left, rows: Math.max(...used.map((item) => item.row)) - top + 1, columns: Math.max(...used.map((item) => item.column)) - left + 1 }
  }

  api(): SharingWorksheet {
    const sheet = this
    return {
      name: sheet.name, isNullObject: false,
      get visibility() { return sheet.visibility },
      set visibility(value: string) { sheet.visibility = value },
      getUsedRangeOrNullObject: () => {
        const bounds = sheet.usedBounds()
        if (!bounds) return { ...sheet.range(0, 0, 0, 0), isNullObject: true }
        return sheet.range(bounds.top, bounds.left, bounds.rows, bounds.columns)
      },
      getRange: (address) => {
        const [from = '', to = from] = address.split(':')
        const start = parseAddress(from)
        const end = parseAddress(to)
        return sheet.range(start.row, start.column, end.row - start.row + 1, end.column - start.column + 1)
      },
      delete: () => { sheet.deleted = true },
    }
  }
}

const NULL_SHEET: SharingWorksheet = {
  name: '', visibility: 'Visible', isNullObject: true,
  getUsedRangeOrNullObject: () => { throw new Error('null object') },
  getRange: () => { throw new Error('null object') },
  delete: () => { throw new Error('null object') },
}

/** Parses `=LEDGER.FN("a",1,,"b")` into the function id and Excel's arguments (omitted = null). */
export function parseLedgerFormula(formula: string): { id: string; args: Array<string | number | null> } | null {
  const match = /^=LEDGER\.([A-Z]+)\((.*)\)$/i.exec(formula)
  if (!match) return null
  const args = (match[2] ?? '').split(',').map((part) => {
    const text = part.trim()
    if (text === '') return null
    if (text.startsWith('"')) return text.slice(1, -1)
    return Number(text)
  })
  return { id: (match[1] ?? '').toUpperCase(), args }
}

export class FakeWorkbook {
  private readonly sheets: FakeSheet[] = []
  private readonly stored = new Map<string, unknown>()

  constructor(names: string[] = ['Report']) {
    for (const name of names) this.sheets.push(new FakeSheet(name))
  }

  /** One user's view of the file: their own pending settings, saved into the file on saveAsync. */
  settings(): DocumentSettings {
    const pending = new Map(this.stored)
    return {
      get: (name) => pending.get(name) ?? null,
      set: (name, value) => { pending.set(name, JSON.parse(JSON.stringify(value)) as unknown) },
      saveAsync: (callback) => {
        for (const [name, value] of pending) this.stored.set(name, value)
        callback?.({ status: 'succeeded', error: null })
      },
    }
  }

  readonly run: SharingRun = async (batch) => batch(this.context())

  sheet(name: string): FakeSheet | undefined {
    return this.sheets.find((sheet) => sheet.name === name && !sheet.deleted)
  }

  setFormula(sheetName: string, address: string, formula: string): void {
    const sheet = this.sheet(sheetName)
    if (!sheet) throw new Error(`no sheet ${sheetName}`)
    const { row, column } = parseAddress(address)
    sheet.write(row, column, formula)
  }

  /** What a user sees in a cell: its value, or an error code with the tooltip message. */
  shown(sheetName: string, address: string): unknown {
    const cell = this.sheet(sheetName)?.cells.get(address)
    if (cell?.message !== undefined) return { error: cell.value, message: cell.message }
    return cell?.value ?? ''
  }

  formula(sheetName: string, address: string): string | null {
    return this.sheet(sheetName)?.cells.get(address)?.formula ?? null
  }

  /** Full recalculation: every LEDGER.* formula calls its custom function; errors show as their code. */
  async calculate(invoke: Invoke): Promise<void> {
    const pending: Array<Promise<void>> = []
    for (const sheet of this.sheets.filter((item) => !item.deleted)) {
      for (const cell of sheet.cells.values()) {
        const parsed = cell.formula === null ? null : parseLedgerFormula(cell.formula)
        if (!parsed) continue
        pending.push(invoke(parsed.id, ...parsed.args).then((result) => {
          if (typeof result === 'object' && result !== null && 'error' in result && 'message' in result) {
            cell.value = String(result.error)
            cell.message = String(result.message)
          } else {
            cell.value = result
            delete cell.message
          }
        }))
      }
    }
    await Promise.all(pending)
  }

  private context(): SharingContext {
    const book = this
    return {
      workbook: {
        worksheets: {
          get items() { return book.sheets.filter((sheet) => !sheet.deleted).map((sheet) => sheet.api()) },
          load: () => undefined,
          getItemOrNullObject: (name) => book.sheet(name)?.api() ?? NULL_SHEET,
          add: (name) => {
            if (book.sheet(name)) throw new Error(`sheet ${name} exists`)
            const sheet = new FakeSheet(name)
            book.sheets.push(sheet)
            return sheet.api()
          },
        },
      },
      sync: async () => undefined,
    }
  }
}
