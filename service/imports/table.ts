import { LedgerError } from '../../shared/errors.ts'
import { cleanCell } from './clean.ts'
import { CsvTokenizer } from './csv.ts'
import { DEFAULT_LIMITS, type FileInput, type Limits, type RawRow, detectDelimiter, openFile } from './source.ts'

/**
 * Reference tables (exchange rates, purchase receipts): small files with one
 * header row and named columns, read by the import pipeline's own reader, so
 * they get its bad-input handling: encoding detection (UTF-8, BOM, GBK/GB18030),
 * CSV/XLSX/XLS sniffing, the streaming tokenizer with physical line numbers,
 * truncated files (an unclosed quote) and cell cleaning (`="..."` formula text,
 * padding, backticks). A row that cannot be read is a reject with its line
 * number; the caller turns rejects into one error (reference data is all or nothing).
 */
export interface TableRecord {
  /** 1-based physical line (CSV) or sheet row (XLSX) where the record starts. */
  readonly rowNumber: number
  /** Cells by lower-case header name, cleaned. */
  readonly values: Readonly<Record<string, string>>
}

export interface TableReject {
  readonly rowNumber: number
  readonly reason: string
}

export interface Table {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly records: ReadonlyArray<TableRecord>
  readonly rejects: ReadonlyArray<TableReject>
}

/** Reference files are small: 64 MB is far above any real rate or receipt list. */
export const REFERENCE_LIMITS: Limits = { ...DEFAULT_LIMITS, maxBytes: 64 * 1024 * 1024, maxUncompressedBytes: 256 * 1024 * 1024 }

function rowReason(cells: ReadonlyArray<string>, columns: ReadonlyArray<string>): string | null {
  for (const cell of cells) if (cell.includes('\uFFFD')) return 'undecodable bytes (the file is neither UTF-8 nor GBK text)'
  for (let index = columns.length; index < cells.length; index += 1) {
    if (cleanCell(cells[index] ?? '') !== '') return `${cells.length} cells, but the header has ${columns.length} columns`
  }
  for (let index = 0; index < columns.length; index += 1) {
    const text = cleanCell(cells[index] ?? '')
    if (text.startsWith('=')) return `${columns[index] || `column ${index + 1}`} holds a formula (${text.length > 40 ? `${text.slice(0, 40)}…` : text}), not a value: type the value itself`
  }
  return null
}

function tableOf(name: string, rows: Iterable<RawRow>, rejects: TableReject[]): Table {
  let columns: string[] | null = null
  const records: TableRecord[] = []
  for (const row of rows) {
    if (row.cells.every((cell) => cleanCell(cell) === '')) continue
    if (columns === null) {
      columns = row.cells.map((cell) => cleanCell(cell).replace(/^\uFEFF/, '').toLowerCase())
      continue
    }
    const reason = rowReason(row.cells, columns)
    if (reason !== null) {
      rejects.push({ rowNumber: row.rowNumber, reason })
      continue
    }
    const values: Record<string, string> = {}
    columns.forEach((column, index) => {
      if (column !== '' && !(column in values)) values[column] = cleanCell(row.cells[index] ?? '')
    })
    records.push({ rowNumber: row.rowNumber, values })
  }
  if (columns === null) throw new LedgerError('VALIDATION', `${name}: the file has no header row`)
  rejects.sort((a, b) => a.rowNumber - b.rowNumber)
  return { name, columns, records, rejects }
}

/** Decoded text (already a string: tests, generated data) through the same tokenizer. */
export function parseTableText(text: string, name = 'table'): Table {
  const body = text.replace(/^\uFEFF/, '')
  const tokenizer = new CsvTokenizer(detectDelimiter(body))
  const rows: RawRow[] = []
  const rejects: TableReject[] = []
  try {
    tokenizer.push(body, rows)
  } catch (error) {
    throw new LedgerError('VALIDATION', `${name}: ${error instanceof Error ? error.message : String(error)}`)
  }
  const last = tokenizer.end()
  if (last.unclosedQuote && last.record) rejects.push({ rowNumber: last.record.rowNumber, reason: `truncated file or broken quoting: a quoted field opened on line ${last.record.rowNumber} is never closed` })
  else if (last.record) rows.push(last.record)
  return tableOf(name, rows, rejects)
}

/** A file (path or bytes; CSV in any supported encoding, XLSX or XLS) through the import pipeline's reader. */
export async function readTable(input: FileInput, limits: Limits = REFERENCE_LIMITS): Promise<Table> {
  const file = await openFile(input, limits)
  const rows: RawRow[] = []
  const rejects: TableReject[] = []
  for await (const row of file.rows((rowNumber, reason) => rejects.push({ rowNumber, reason }))) rows.push(row)
  return tableOf(input.name, rows, rejects)
}

/**
 * Maps every record with `read` (which throws a LedgerError for a bad row) and
 * fails with one error naming every rejected line (the first 20) when any row,
 * or any column in `required`, is wrong.
 */
export function readRecords<T>(table: Table, required: ReadonlyArray<string>, read: (values: Readonly<Record<string, string>>, line: number) => T): T[] {
  const missing = required.filter((column) => !table.columns.includes(column))
  if (missing.length > 0) throw new LedgerError('VALIDATION', `${table.name}: missing column(s) ${missing.join(', ')} (the header row is: ${table.columns.join(',')})`)
  const rejects = [...table.rejects]
  let code: LedgerError['code'] | undefined = rejects.length > 0 ? 'VALIDATION' : undefined
  const out: T[] = []
  for (const record of table.records) {
    try {
      out.push(read(record.values, record.rowNumber))
    } catch (error) {
      if (!(error instanceof LedgerError)) throw error
      code ??= error.code
      rejects.push({ rowNumber: record.rowNumber, reason: error.message.replace(/^line \d+: /, '') })
    }
  }
  if (rejects.length > 0) {
    rejects.sort((a, b) => a.rowNumber - b.rowNumber)
    const listed = rejects.slice(0, 20).map((reject) => `line ${reject.rowNumber}: ${reject.reason}`).join('; ')
    throw new LedgerError(code ?? 'VALIDATION', `${table.name}: ${rejects.length} row(s) rejected, nothing imported: ${listed}${rejects.length > 20 ? '; …' : ''}`, { rejects })
  }
  return out
}
