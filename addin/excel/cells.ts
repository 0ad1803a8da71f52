import type { CellValue } from './port.ts'

/**
 * Pure cell preparation: what a value becomes in a cell and which number format
 * that cell gets. Money arrives as decimal strings and becomes a number here,
 * at the last step before the cell (the one allowed string -> number conversion).
 */

export type ColumnKind = 'text' | 'id' | 'amount' | 'integer' | 'date' | 'percent'

export interface ColumnSpec {
  readonly header: string
  readonly kind: ColumnKind
}

export type CellInput = string | number | null | undefined

export const NUMBER_FORMATS: Readonly<Record<ColumnKind, string>> = {
  text: '@',
  id: '@',
  amount: '#,##0.00;-#,##0.00',
  integer: '#,##0',
  date: 'yyyy-mm-dd',
  percent: '0.00%',
}

const FORMULA_TRIGGERS = /^[=+\-@\t\r]/

/**
 * Strings Excel would read as a formula (`=`, `+`, `-`, `@`, and tab/CR as in
 * CSV injection) get Excel's text prefix `'`, which is stored but not shown.
 * @example neutralise('=HYPERLINK("http://x")') === '\'=HYPERLINK("http://x")'
 */
export function neutralise(text: string): string {
  return FORMULA_TRIGGERS.test(text) ? `'${text}` : text
}

const DECIMAL = /^-?\d+(\.\d+)?$/
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Days since 1899-12-30, Excel's serial date (1900 date system). */
export function excelSerial(isoDate: string): number | null {
  const match = ISO_DATE.exec(isoDate)
  if (!match) return null
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))
  if (Number.isNaN(utc)) return null
  return Math.round((utc - Date.UTC(1899, 11, 30)) / 86_400_000)
}

/** The value written for one input in a column of `kind`. */
export function toCell(input: CellInput, kind: ColumnKind): CellValue {
  if (input === null || input === undefined) return ''
  switch (kind) {
    case 'amount':
    case 'integer':
    case 'percent': {
      if (typeof input === 'number') return Number.isFinite(input) ? input : ''
      const text = input.trim()
      if (text === '') return ''
      // Cells hold IEEE doubles; a decimal string of a money amount is exact to 15 digits.
      return DECIMAL.test(text) ? Number(text) : neutralise(text)
    }
    case 'date': {
      const text = String(input)
      return excelSerial(text) ?? neutralise(text)
    }
    case 'id':
    case 'text':
      return neutralise(String(input))
  }
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a row as it travels in a request: its values and number formats as JSON. */
export function rowPayloadBytes(values: readonly CellValue[], formats: readonly string[]): number {
  return encoder.encode(JSON.stringify(values)).length + encoder.encode(JSON.stringify(formats)).length + 2
}

/** Column letters of a 0-based index: 0 -> A, 26 -> AA. */
export function columnLetter(index: number): string {
  let n = index + 1
  let letters = ''
  while (n > 0) {
    const rest = (n - 1) % 26
    letters = String.fromCharCode(65 + rest) + letters
    n = Math.floor((n - 1) / 26)
  }
  return letters
}

/** `A1:D10` of a block of `rows` x `columns` whose top-left is row `firstRow` (1-based), column 0. */
export function blockAddress(firstRow: number, rows: number, columns: number, firstColumn = 0): string {
  return `${columnLetter(firstColumn)}${firstRow}:${columnLetter(firstColumn + columns - 1)}${firstRow + rows - 1}`
}

const SHEET_NAME_FORBIDDEN = /[[\]:*?/\\]/g

/** A valid worksheet name: no []:*?/\, not blank, at most 31 characters, no leading/trailing '. */
export function safeSheetName(name: string): string {
  const cleaned = name.replace(SHEET_NAME_FORBIDDEN, '_').replace(/^'+|'+$/g, '').trim()
  return (cleaned === '' ? 'Sheet' : cleaned).slice(0, 31)
}

/** A valid table name: letters, digits, underscore, dot; starts with a letter or underscore. */
export function safeTableName(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{N}_.]/gu, '_')
  const start = /^[\p{L}_]/u.test(cleaned) ? cleaned : `_${cleaned}`
  // Names that read as a cell reference (A1, TB1, R1C1) are refused by Excel.
  const safe = /^[A-Za-z]{1,3}\d+$/.test(start) || /^R\d*C\d*$/i.test(start) ? `T_${start}` : start
  return safe.slice(0, 255)
}
