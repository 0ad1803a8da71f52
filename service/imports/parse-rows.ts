import { LedgerError } from '../../shared/errors.ts'
import type { CanonicalRecord } from '../../shared/records.ts'
import { BalanceChecks } from './balances.ts'
import { cleanCell, normalizeHeader, readMoneyText } from './clean.ts'
import { shapeRow } from './shape.ts'
import type { OpenedFile, RawRow } from './source.ts'
import { type Check, type FileParser, type MappedRow, type ParserRun, type Reject, RowError, type RowOutcome } from './types.ts'
import { validateRecord } from './validate.ts'

/**
 * The data rows of a parse (service/imports/parse.ts finds the header): repeated
 * headers and sheets, trailers, rows with an unquoted thousands separator, the
 * store a file names, parser outcomes into validated records or rejects, and the
 * checks they add up to. The import's hot path: per-row work is in methods of
 * one DataRows per parse, no closures per row.
 */

export type ParseItem =
  | { type: 'record'; item: CanonicalRecord; rowNumber: number; sheet?: string }
  | { type: 'reject'; reject: Reject }

export interface Candidate {
  parser: FileParser
  missing: string[]
  score: number
}

export function scoreRow(parsers: ReadonlyArray<FileParser>, cells: ReadonlyArray<string>): Candidate[] {
  const names = new Set(cells.map(normalizeHeader).filter((name) => name !== ''))
  return parsers.map((parser) => {
    const missing = parser.required.filter((name) => !names.has(name))
    const optional = (parser.optional ?? []).filter((name) => names.has(name)).length
    return { parser, missing, score: (parser.required.length - missing.length) * 2 + optional }
  })
}

/** A data row seen through the header: `get` cleans the cell on demand. */
class HeaderMappedRow implements MappedRow {
  readonly rowNumber: number
  readonly sheet?: string
  readonly raw: ReadonlyArray<string>
  constructor(raw: RawRow, private readonly index: ReadonlyMap<string, number>) {
    this.rowNumber = raw.rowNumber
    if (raw.sheet !== undefined) this.sheet = raw.sheet
    this.raw = raw.cells
  }
  has(column: string): boolean {
    return this.index.has(column)
  }
  get(column: string): string {
    const position = this.index.get(column)
    return position === undefined ? '' : cleanCell(this.raw[position] ?? '')
  }
}

function mapRow(raw: RawRow, index: ReadonlyMap<string, number>): MappedRow {
  return new HeaderMappedRow(raw, index)
}

export function headerIndex(cells: ReadonlyArray<string>): Map<string, number> {
  const index = new Map<string, number>()
  cells.forEach((cell, position) => {
    const name = normalizeHeader(cell)
    if (name !== '' && !index.has(name)) index.set(name, position)
  })
  return index
}

export function isBlank(cells: ReadonlyArray<string>): boolean {
  for (const cell of cells) if (cleanCell(cell) !== '') return false
  return true
}

function hasReplacementChar(cells: ReadonlyArray<string>): boolean {
  for (const cell of cells) if (cell.includes('\uFFFD')) return true
  return false
}

/** `#----…列表结束`, `#支出合计…`, dashed lines; not Shopify order names like `#1001`. */
const GENERIC_TRAILER = /^(#[^\dA-Za-z]|-{5,}|={5,})/

export function rawText(cells: ReadonlyArray<string>): string {
  const text = cells.join(',').replace(/,+$/, '')
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/**
 * Runs a parser hook that reads preamble, trailer or summary text. A figure there that
 * cannot be read is a file-level check failure (an error check), never a crash.
 */
export function guarded<T>(checks: Check[], what: string, work: () => T, fallback: T): T {
  try {
    return work()
  } catch (error) {
    if (!(error instanceof RowError) && !(error instanceof LedgerError)) throw error
    const column = error instanceof RowError && error.column ? `${error.column}: ` : ''
    checks.push({ level: 'error', blocking: true, code: 'SUMMARY_UNREADABLE', message: `${what}: ${column}${error.message}; the file's own totals cannot be checked` })
    return fallback
  }
}

/** A data row's cells, normalized for comparing sheets (`¥12.00` and `12` are the same amount). */
function rowFingerprint(cells: ReadonlyArray<string>): string {
  return cells.map((cell) => {
    const text = cleanCell(cell)
    try {
      const money = text === '' ? null : readMoneyText('', text)
      if (money && /\d/.test(text)) return `#${money.value.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')}`
    } catch {
      // not an amount: compare the text
    }
    return text
  }).join('\u0001').replace(/(\u0001)+$/, '')
}

function runRow(run: ParserRun, row: MappedRow): RowOutcome {
  try {
    return run.row(row)
  } catch (error) {
    if (error instanceof RowError) return { type: 'reject', column: error.column, reason: error.message }
    if (error instanceof LedgerError) return { type: 'reject', column: '', reason: error.message }
    throw error
  }
}

/** Without --store: how a store named in the file becomes a store code (see ParseOptions.storeFromFile). */
export interface StoreFromFile {
  resolve(value: string, kind: 'name' | 'id', parser: FileParser): string
  missing(parser: FileParser, where: string): Error
}

/**
 * The store named by the file (no --store): read from each data row's store
 * columns; the first row picks it, a row naming another store is rejected. With
 * --store the file's store name is only noted (the name of a store this import registers).
 */
export class FileStore {
  private readonly columns: ReadonlyArray<{ column: string; kind: 'name' | 'id' }>
  private readonly pick: boolean
  private picked: string | null = null
  private noted = false
  /** The store name the file gives (店铺名称), from its first data row that has one. */
  name: string | null = null

  constructor(private readonly parser: FileParser, private readonly context: { store: string }, private readonly fromFile: StoreFromFile | undefined) {
    this.columns = (parser.storeColumns ?? []).map((each) => ({ ...each, column: normalizeHeader(each.column) }))
    this.pick = context.store === '' && fromFile !== undefined && this.columns.length > 0
  }

  private named(mapped: MappedRow): { value: string; kind: 'name' | 'id'; column: string } | null {
    for (const each of this.columns) {
      const value = mapped.get(each.column).trim()
      if (value !== '' && !/^(null|0+|-|\/)$/i.test(value)) return { value, kind: each.kind, column: each.column }
    }
    return null
  }

  /** Notes the row's store; the reject of a row of another store, else null. Throws when the first row names none. */
  see(mapped: MappedRow, raw: RawRow): Reject | null {
    if (!this.noted && this.columns.length > 0) {
      const named = this.named(mapped)
      if (named) {
        this.noted = true
        if (named.kind === 'name') this.name = named.value
      }
    }
    if (!this.pick) return null
    const named = this.named(mapped)
    if (this.picked === null) {
      if (!named) throw this.fromFile?.missing(this.parser, `row ${raw.rowNumber} has no ${this.columns.map((each) => each.column).join(' / ')}`) ?? new LedgerError('VALIDATION', 'no store')
      this.picked = named.value
      this.context.store = this.fromFile?.resolve(named.value, named.kind, this.parser) ?? ''
    } else if (named && named.value !== this.picked) {
      return { rowNumber: raw.rowNumber, sheet: raw.sheet, column: named.column, reason: `row of store "${named.value}", the file's first row is store "${this.picked}": import each store's rows with its own --store`, raw: rawText(raw.cells) }
    }
    return null
  }
}

export interface DataRowsSetup {
  readonly file: Pick<OpenedFile, 'container' | 'encoding'>
  readonly parser: FileParser
  readonly run: ParserRun
  readonly headerRaw: RawRow
  readonly checks: Check[]
  readonly stats: { read: number; skipped: number }
  readonly store: FileStore
}

/** `#---` / `=====` lines closing a data block: trailer lines not worth listing as unread. */
const RULER = /^(#?-{3,}|={5,})/

/** Reads the data rows after the header, batch by batch, and sums up what it saw in checks. */
export class DataRows {
  private readonly parser: FileParser
  private readonly run: ParserRun
  private readonly headerRaw: RawRow
  private readonly checks: Check[]
  private readonly stats: { read: number; skipped: number }
  private readonly store: FileStore
  private readonly isCsv: boolean
  private readonly encodingName: string
  private index: Map<string, number>
  private headerCells: ReadonlyArray<string>
  private amountPositions: Array<{ position: number; name: string }>
  private headerKey: string
  private headerFirst: string
  private readonly repairs: Array<{ rowNumber: number; sheet?: string; column: string; text: string }> = []
  /** Lines nobody read (after the data block, or before the header of a later sheet): reported, never silent. */
  private readonly unread: Array<{ rowNumber: number; sheet?: string; text: string; why: string }> = []
  private readonly repeatedSheets: Array<{ sheet: string; rows: number }> = []
  /** The first data rows of the bill sheet: a later sheet that starts with the same rows is the same bill again. */
  private readonly firstRows: string[] = []
  private skippingSheet: { sheet: string; rows: number } | null = null
  private sheetRowsSeen = 0
  private sheetUnreadFrom = 0
  private readonly balances = new BalanceChecks()
  private readonly skipReasons = new Map<string, number>()
  private sheet: string | undefined
  private inTrailer = false
  private seekingHeader = false
  private duplicateHeaders = 0

  constructor(setup: DataRowsSetup) {
    this.parser = setup.parser
    this.run = setup.run
    this.headerRaw = setup.headerRaw
    this.checks = setup.checks
    this.stats = setup.stats
    this.store = setup.store
    this.isCsv = setup.file.container === 'csv'
    this.encodingName = setup.file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'
    this.sheet = setup.headerRaw.sheet
    this.index = headerIndex(setup.headerRaw.cells)
    this.headerCells = setup.headerRaw.cells
    this.amountPositions = this.amountPositionsOf(this.index)
    this.headerKey = [...this.index.keys()].join('|')
    this.headerFirst = normalizeHeader(setup.headerRaw.cells[0] ?? '')
  }

  private amountPositionsOf(map: ReadonlyMap<string, number>): Array<{ position: number; name: string }> {
    return (this.parser.amountColumns ?? []).flatMap((name) => {
      const position = map.get(name)
      return position === undefined ? [] : [{ position, name }]
    })
  }

  /** Reads rows[from…] into out (records and rejects). */
  read(rows: ReadonlyArray<RawRow>, from: number, out: ParseItem[]): void {
    for (let position = from; position < rows.length; position += 1) {
      const raw = rows[position]
      if (!raw) continue
      if (raw.sheet !== this.sheet) this.enterSheet(raw.sheet)
      if (isBlank(raw.cells)) continue
      if (this.skippingSheet) this.skippingSheet.rows += 1
      else if (this.seekingHeader) this.seekHeader(raw)
      else if (this.inTrailer) this.trailerRow(raw, undefined)
      else this.dataRow(raw, out)
    }
  }

  private enterSheet(sheet: string | undefined): void {
    this.sheet = sheet
    this.seekingHeader = true
    this.inTrailer = false
    this.skippingSheet = null
    this.sheetRowsSeen = 0
    this.sheetUnreadFrom = this.unread.length
  }

  /** A later sheet: rows before its header are unread; the header maps the sheet's rows. */
  private seekHeader(raw: RawRow): void {
    const candidate = scoreRow([this.parser], raw.cells)[0]
    if (candidate && candidate.missing.length === 0) {
      this.index = headerIndex(raw.cells)
      this.headerCells = raw.cells
      this.amountPositions = this.amountPositionsOf(this.index)
      this.headerKey = [...this.index.keys()].join('|')
      this.headerFirst = normalizeHeader(raw.cells[0] ?? '')
      this.seekingHeader = false
    } else this.unread.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, text: rawText(raw.cells), why: 'before the header of this sheet' })
  }

  /** A trailer line goes to the parser (its totals); one the parser does not take is unread (rulers aside, on the first). */
  private trailerRow(raw: RawRow, firstCell: string | undefined): void {
    const text = rawText(raw.cells)
    if (guarded(this.checks, `row ${raw.rowNumber}`, () => this.run.trailer?.(text), undefined) !== true && (firstCell === undefined || !RULER.test(firstCell))) {
      this.unread.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, text, why: 'after the data block' })
    }
  }

  private dataRow(raw: RawRow, out: ParseItem[]): void {
    const firstCell = cleanCell(raw.cells[0] ?? '')
    let mapped = mapRow(raw, this.index)
    if (GENERIC_TRAILER.test(firstCell) || this.run.isTrailer?.(mapped, firstCell)) {
      this.inTrailer = true
      this.trailerRow(raw, firstCell)
      return
    }
    if (this.isRepeatedHeader(raw, firstCell)) {
      this.duplicateHeaders += 1
      return
    }
    if (this.isRepeatedSheet(raw)) return
    this.sheetRowsSeen += 1
    if (this.isCsv && raw.cells.length > this.headerCells.length) {
      const reshaped = this.reshape(raw, mapped, out)
      if (reshaped === null) return
      mapped = reshaped
    }
    this.stats.read += 1
    if (hasReplacementChar(raw.cells)) {
      out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: '', reason: `bytes that are not valid ${this.encodingName} (mixed encodings?)`, raw: rawText(raw.cells) } })
      return
    }
    const otherStore = this.store.see(mapped, raw)
    if (otherStore) {
      out.push({ type: 'reject', reject: otherStore })
      return
    }
    this.emit(raw, runRow(this.run, mapped), out)
  }

  /** A first cell starting with a digit (an id, a date) is no header unless the header's own first name starts with one. */
  private isRepeatedHeader(raw: RawRow, firstCell: string): boolean {
    const code = firstCell.charCodeAt(0)
    const maybeHeader = !(code >= 48 && code <= 57) || /^\d/.test(this.headerFirst)
    return maybeHeader && normalizeHeader(firstCell) === this.headerFirst && [...headerIndex(raw.cells).keys()].join('|') === this.headerKey
  }

  /** A later sheet whose first data rows are the bill sheet's again (a copy of the bill): read once. */
  private isRepeatedSheet(raw: RawRow): boolean {
    if (raw.sheet === undefined || this.sheetRowsSeen >= 3) return false
    const print = rowFingerprint(raw.cells)
    if (raw.sheet === this.headerRaw.sheet) this.firstRows.push(print)
    else if (this.sheetRowsSeen === 0 && this.firstRows.length > 0 && print === this.firstRows[0]) {
      // Its preamble lines go with it (counted in the sheet's rows, not listed one by one).
      this.skippingSheet = { sheet: raw.sheet, rows: 1 + this.unread.splice(this.sheetUnreadFrom).length }
      this.repeatedSheets.push(this.skippingSheet)
      return true
    }
    return false
  }

  /** A CSV row with more cells than the header: rejected (null), or re-joined at an unquoted thousands separator. */
  private reshape(raw: RawRow, mapped: MappedRow, out: ParseItem[]): MappedRow | null {
    const shape = shapeRow(raw.cells, this.headerCells, this.amountPositions)
    if (shape.type === 'reject') {
      this.stats.read += 1
      out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: shape.column, reason: shape.reason, raw: rawText(raw.cells) } })
      return null
    }
    if (shape.type !== 'repaired') return mapped
    this.repairs.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, column: shape.column, text: shape.text })
    return mapRow({ rowNumber: raw.rowNumber, sheet: raw.sheet, cells: shape.cells }, this.index)
  }

  private skipped(reason: string): void {
    this.stats.skipped += 1
    this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + 1)
  }

  private emit(raw: RawRow, outcome: RowOutcome, out: ParseItem[]): void {
    if (outcome.type === 'held') return
    if (outcome.type === 'skip') {
      this.skipped(outcome.reason ?? 'not a money movement')
      return
    }
    if (outcome.type === 'reject') {
      out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: outcome.column, reason: outcome.reason, raw: rawText(raw.cells) } })
      return
    }
    for (const item of outcome.records) {
      const verdict = validateRecord(item)
      if (verdict.ok) {
        out.push({ type: 'record', item, rowNumber: raw.rowNumber, sheet: raw.sheet })
        this.balances.see(item, raw.rowNumber, raw.sheet)
      } else out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: verdict.column, reason: verdict.reason, raw: rawText(raw.cells) } })
    }
  }

  /** The rows the parser held until the end (run.flush). */
  flush(): ParseItem[] {
    const tail: ParseItem[] = []
    for (const item of this.run.flush?.() ?? []) {
      if (item.kind === 'skip') {
        this.skipped(item.reason)
        continue
      }
      const verdict = validateRecord(item)
      const rowNumber = item.record.source.rowNumber
      if (verdict.ok) tail.push({ type: 'record', item, rowNumber, sheet: item.record.source.sheet })
      else tail.push({ type: 'reject', reject: { rowNumber, sheet: item.record.source.sheet, column: verdict.column, reason: verdict.reason, raw: '' } })
    }
    return tail
  }

  /** The checks of the whole file, after the last row: skips, repairs, unread lines, the parser's and the balances'. */
  finish(): void {
    const checks = this.checks
    if (this.duplicateHeaders > 0) checks.push({ level: 'warning', code: 'DUPLICATE_HEADER', message: `${this.duplicateHeaders} repeated header row(s) skipped` })
    for (const [reason, count] of this.skipReasons) checks.push({ level: 'info', code: 'SKIPPED', message: `${count} row(s) skipped: ${reason}` })
    const repairs = this.repairs
    if (repairs.length > 0) {
      const listed = repairs.slice(0, 20).map((repair) => `row ${where(repair)} ${repair.column} "${repair.text}"`).join('; ')
      checks.push({ level: 'warning', code: 'ROW_REPAIRED', message: `金额含未加引号的千分位，已合并 / ${repairs.length} row(s) had one field too many because an amount was written with an unquoted thousands separator; re-joined: ${listed}${repairs.length > 20 ? '; …' : ''}` })
    }
    for (const repeated of this.repeatedSheets) {
      checks.push({ level: 'warning', code: 'SHEET_REPEATED', message: `重复的工作表未读取 / sheet ${repeated.sheet} starts with the same rows as sheet ${this.headerRaw.sheet ?? ''}: a copy of the same bill, its ${repeated.rows} row(s) were not read` })
    }
    if (this.unread.length > 0) {
      const reasons = new Map<string, typeof this.unread>()
      for (const line of this.unread) reasons.set(line.why, [...(reasons.get(line.why) ?? []), line])
      for (const [why, lines] of reasons) {
        const listed = lines.slice(0, 10).map((line) => `row ${where(line)} "${line.text.length > 60 ? `${line.text.slice(0, 60)}…` : line.text}"`).join('; ')
        checks.push({ level: 'warning', code: 'LINES_SKIPPED', message: `未作为数据读取的行 / ${lines.length} line(s) ${why} were not read as data: ${listed}${lines.length > 10 ? '; …' : ''}` })
      }
    }
    checks.push(...guarded(checks, 'summary check', () => this.run.finish(), []))
    // Parsers with a running-balance check of their own (bank statements: BALANCE_CHAIN_*) are not checked twice.
    if (!checks.some((check) => check.code.startsWith('BALANCE_CHAIN'))) checks.push(...this.balances.checks())
  }
}

function where(row: { rowNumber: number; sheet?: string }): string {
  return `${row.sheet === undefined ? '' : `${row.sheet}!`}${row.rowNumber}`
}
