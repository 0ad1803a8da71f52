import { LedgerError } from '../../shared/errors.ts'
import { cleanCell, normalizeHeader, readMoneyText } from './clean.ts'
import { PARSERS } from './registry.ts'
import { DEFAULT_LIMITS, type FileInput, type Limits, type OpenedFile, type RawRow, openFile } from './source.ts'
import type { CanonicalRecord } from '../../shared/records.ts'
import { BalanceChecks } from './balances.ts'
import { shapeRow } from './shape.ts'
import { validateRecord } from './validate.ts'
import { type Check, type FileParser, type FormatFamily, type MappedRow, type ParseContext, type ParserRun, type Reject, RowError, type RowOutcome } from './types.ts'

/**
 * The parse pipeline: rows -> header detection -> preamble / data / trailer ->
 * parser -> validated canonical records or rejects. Knows nothing of the DB.
 */

export interface ParseOptions {
  /** `auto` (default) or a family (`alipay`) or an exact parser id (`alipay-merchant-account`). */
  format?: string
  store?: string
  currency?: string
  /**
   * Without `store`: how a store named in the file (parser.storeColumns) becomes
   * a store code, and the error when the file names none. Without this option
   * (or a parser without store columns) rows get store ''.
   */
  storeFromFile?: {
    resolve(value: string, kind: 'name' | 'id', parser: FileParser): string
    missing(parser: FileParser, where: string): Error
  }
  /** Extra parsers tried first (a generic mapping profile compiles to one). */
  extraParsers?: ReadonlyArray<FileParser>
  limits?: Limits
}

export type ParseItem =
  | { type: 'record'; item: CanonicalRecord; rowNumber: number; sheet?: string }
  | { type: 'reject'; reject: Reject }

export interface Detection {
  parser: FileParser
  headerRow: number
  sheet?: string
  /** Human sentence: which parser was chosen and why. */
  message: string
}

export interface ParseSession {
  readonly file: OpenedFile
  readonly detection: Detection
  readonly checks: Check[]
  /** Data rows seen (not blank, not header/preamble/trailer). */
  readonly stats: { read: number; skipped: number }
  /** The store the rows got: --store, or the one the file named (known after the first data row). */
  store(): string
  /** The store name the file gives (店铺名称), from its first data row that has one; null when none. */
  storeName(): string | null
  /** Items in batches (one per chunk of input rows): the loader's hot path. */
  batches(): AsyncIterable<ParseItem[]>
  items(): AsyncIterable<ParseItem>
}

const HEADER_SEARCH_ROWS = 60

interface Candidate {
  parser: FileParser
  missing: string[]
  score: number
}

function scoreRow(parsers: ReadonlyArray<FileParser>, cells: ReadonlyArray<string>): Candidate[] {
  const names = new Set(cells.map(normalizeHeader).filter((name) => name !== ''))
  return parsers.map((parser) => {
    const missing = parser.required.filter((name) => !names.has(name))
    const optional = (parser.optional ?? []).filter((name) => names.has(name)).length
    return { parser, missing, score: (parser.required.length - missing.length) * 2 + optional }
  })
}

function selectParsers(options: ParseOptions, container: OpenedFile['container']): FileParser[] {
  const format = options.format ?? 'auto'
  const all = [...(options.extraParsers ?? []), ...PARSERS].filter((parser) => parser.containers.includes(container))
  if (format === 'auto') return all
  const chosen = all.filter((parser) => parser.family === format || parser.id === format)
  if (chosen.length === 0) {
    const known = [...new Set(PARSERS.map((parser) => parser.family))].join(', ')
    throw new LedgerError('VALIDATION', `unknown or unusable format "${format}" for a ${container.toUpperCase()} file (formats: auto, ${known})`)
  }
  return chosen
}

function noMatchMessage(fileName: string, best: Map<string, Candidate>, scanned: number): string {
  const closest = [...best.values()]
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score / (b.score + b.missing.length * 2) - a.score / (a.score + a.missing.length * 2))
    .slice(0, 3)
  if (scanned === 0) return `${fileName}: no rows found`
  if (closest.length === 0) return `${fileName}: no known header in the first ${scanned} rows (not a supported export?)`
  const lines = closest.map((candidate) => `${candidate.parser.id} (missing: ${candidate.missing.join(', ')})`)
  return `${fileName}: the header matches no format; closest: ${lines.join('; ')}`
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

function headerIndex(cells: ReadonlyArray<string>): Map<string, number> {
  const index = new Map<string, number>()
  cells.forEach((cell, position) => {
    const name = normalizeHeader(cell)
    if (name !== '' && !index.has(name)) index.set(name, position)
  })
  return index
}

function isBlank(cells: ReadonlyArray<string>): boolean {
  for (const cell of cells) if (cleanCell(cell) !== '') return false
  return true
}

function hasReplacementChar(cells: ReadonlyArray<string>): boolean {
  for (const cell of cells) if (cell.includes('\uFFFD')) return true
  return false
}

/** `#----…列表结束`, `#支出合计…`, dashed lines; not Shopify order names like `#1001`. */
const GENERIC_TRAILER = /^(#[^\dA-Za-z]|-{5,}|={5,})/

function rawText(cells: ReadonlyArray<string>): string {
  const text = cells.join(',').replace(/,+$/, '')
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}

/**
 * Runs a parser hook that reads preamble, trailer or summary text. A figure there that
 * cannot be read is a file-level check failure (an error check), never a crash.
 */
function guarded<T>(checks: Check[], what: string, work: () => T, fallback: T): T {
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

/**
 * Opens a file and finds its format from the header signature.
 * Throws LedgerError UNSUPPORTED_FORMAT (no header matched: names the closest
 * formats and their missing columns), VALIDATION (empty file), PAYLOAD_TOO_LARGE.
 */
export async function startParse(input: FileInput, options: ParseOptions = {}): Promise<ParseSession> {
  const file = await openFile(input, options.limits ?? DEFAULT_LIMITS)
  const parsers = selectParsers(options, file.container)
  const checks: Check[] = []
  const rejects: Reject[] = []
  const batchIterator = file.batches((rowNumber, reason) => rejects.push({ rowNumber, column: '', reason, raw: '' }))[Symbol.asyncIterator]()
  // Rows of the batch being read during header detection; data rows start from here.
  let pending: RawRow[] = []
  let pendingAt = 0
  const nextRow = async (): Promise<RawRow | undefined> => {
    while (pendingAt >= pending.length) {
      const next = await batchIterator.next()
      if (next.done) return undefined
      pending = next.value
      pendingAt = 0
    }
    const row = pending[pendingAt]
    pendingAt += 1
    return row
  }
  const preamble: RawRow[] = []
  const best = new Map<string, Candidate>()
  let header: { raw: RawRow; candidate: Candidate } | undefined
  let scanned = 0
  // The most filled row seen: the likely header, offered to a mapping profile when no format matches.
  let fullest: readonly string[] = []
  let fullestCount = 0
  while (!header && scanned < HEADER_SEARCH_ROWS) {
    const raw = await nextRow()
    if (!raw) break
    if (isBlank(raw.cells)) {
      preamble.push(raw)
      continue
    }
    scanned += 1
    if (scanned <= 30) {
      const filled = raw.cells.filter((cell) => cell.trim() !== '').length
      if (filled > fullestCount) {
        fullest = raw.cells
        fullestCount = filled
      }
    }
    const candidates = scoreRow(parsers, raw.cells)
    for (const candidate of candidates) {
      const previous = best.get(candidate.parser.id)
      if (!previous || candidate.missing.length < previous.missing.length) best.set(candidate.parser.id, candidate)
    }
    const matches = candidates.filter((candidate) => candidate.missing.length === 0).sort((a, b) => b.score - a.score)
    if (matches[0]) header = { raw, candidate: matches[0] }
    else preamble.push(raw)
  }
  if (!header) {
    if (rejects[0] && scanned === 0) throw new LedgerError('VALIDATION', `${file.name}: ${rejects[0].reason}`)
    throw new LedgerError('UNSUPPORTED_FORMAT', noMatchMessage(file.name, best, scanned), { closest: [...best.values()].map((c) => ({ parser: c.parser.id, missing: c.missing })), columns: fullest.map((cell) => cell.trim()).filter((cell) => cell !== '').slice(0, 200).map((cell) => cell.slice(0, 200)) })
  }
  const parser = header.candidate.parser
  const headerRaw = header.raw
  const encodingText = file.label ?? (file.container === 'csv' ? `${file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'} CSV` : 'XLSX')
  const detection: Detection = {
    parser,
    headerRow: headerRaw.rowNumber,
    sheet: headerRaw.sheet,
    message: `${file.name}: ${parser.label} [${parser.id}], ${encodingText}, header on ${headerRaw.sheet ? `sheet ${headerRaw.sheet} ` : ''}row ${headerRaw.rowNumber}`,
  }
  const stats = { read: 0, skipped: 0 }
  const skipReasons = new Map<string, number>()
  const context: { -readonly [K in keyof ParseContext]: ParseContext[K] } = {
    fileHash: file.hash,
    fileName: file.name,
    store: options.store ?? '',
    currency: options.currency,
    warn: (check) => checks.push(check),
  }
  // The store named by the file (no --store): read from each data row's store columns;
  // the first row picks it, a row naming another store is rejected.
  const storeColumns = (parser.storeColumns ?? []).map((each) => ({ ...each, column: normalizeHeader(each.column) }))
  // With --store the file's store name is only noted (the name of a store this import registers).
  const pickStore = context.store === '' && options.storeFromFile !== undefined && storeColumns.length > 0
  let fileStore: string | null = null
  let fileStoreName: string | null = null
  let storeNoted = false
  const storeOf = (mapped: MappedRow): { value: string; kind: 'name' | 'id'; column: string } | null => {
    for (const each of storeColumns) {
      const value = mapped.get(each.column).trim()
      if (value !== '' && !/^(null|0+|-|\/)$/i.test(value)) return { value, kind: each.kind, column: each.column }
    }
    return null
  }
  const run = parser.start(context)
  for (const raw of preamble) guarded(checks, `preamble row ${raw.rowNumber}`, () => run.preamble?.(rawText(raw.cells)), undefined)
  const isCsv = file.container === 'csv'

  async function* batches(): AsyncIterable<ParseItem[]> {
    let index = headerIndex(headerRaw.cells)
    let headerCells: ReadonlyArray<string> = headerRaw.cells
    const amountPositionsOf = (map: ReadonlyMap<string, number>) => (parser.amountColumns ?? []).flatMap((name) => {
      const position = map.get(name)
      return position === undefined ? [] : [{ position, name }]
    })
    let amountPositions = amountPositionsOf(index)
    const repairs: Array<{ rowNumber: number; sheet?: string; column: string; text: string }> = []
    // Lines nobody read (after the data block, or before the header of a later sheet): reported, never silent.
    const unread: Array<{ rowNumber: number; sheet?: string; text: string; why: string }> = []
    const repeatedSheets: Array<{ sheet: string; rows: number }> = []
    // The first data rows of the bill sheet: a later sheet that starts with the same rows is the same bill again.
    const firstRows: string[] = []
    let skippingSheet: { sheet: string; rows: number } | null = null
    let sheetRowsSeen = 0
    let sheetUnreadFrom = 0
    const balances = new BalanceChecks()
    let headerKey = [...index.keys()].join('|')
    let headerFirst = normalizeHeader(headerRaw.cells[0] ?? '')
    let sheet = headerRaw.sheet
    let inTrailer = false
    let seekingHeader = false
    let duplicateHeaders = 0
    // A first cell starting with a digit (an id, a date) is no header unless the header's own first name starts with one.
    const maybeHeader = (firstCell: string): boolean => {
      const code = firstCell.charCodeAt(0)
      return !(code >= 48 && code <= 57) || /^\d/.test(headerFirst)
    }
    const flushRejects = (out: ParseItem[]): void => {
      for (const reject of rejects) out.push({ type: 'reject', reject })
      rejects.length = 0
    }
    const readBatch = (rows: ReadonlyArray<RawRow>, from: number, out: ParseItem[]): void => {
      for (let position = from; position < rows.length; position += 1) {
        const raw = rows[position]
        if (!raw) continue
        if (raw.sheet !== sheet) {
          sheet = raw.sheet
          seekingHeader = true
          inTrailer = false
          skippingSheet = null
          sheetRowsSeen = 0
          sheetUnreadFrom = unread.length
        }
        if (isBlank(raw.cells)) continue
        if (skippingSheet) {
          skippingSheet.rows += 1
          continue
        }
        if (seekingHeader) {
          const candidate = scoreRow([parser], raw.cells)[0]
          if (candidate && candidate.missing.length === 0) {
            index = headerIndex(raw.cells)
            headerCells = raw.cells
            amountPositions = amountPositionsOf(index)
            headerKey = [...index.keys()].join('|')
            headerFirst = normalizeHeader(raw.cells[0] ?? '')
            seekingHeader = false
          } else unread.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, text: rawText(raw.cells), why: 'before the header of this sheet' })
          continue
        }
        if (inTrailer) {
          const text = rawText(raw.cells)
          if (guarded(checks, `row ${raw.rowNumber}`, () => run.trailer?.(text), undefined) !== true) unread.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, text, why: 'after the data block' })
          continue
        }
        const firstCell = cleanCell(raw.cells[0] ?? '')
        let mapped = mapRow(raw, index)
        if (GENERIC_TRAILER.test(firstCell) || run.isTrailer?.(mapped, firstCell)) {
          inTrailer = true
          const text = rawText(raw.cells)
          if (guarded(checks, `row ${raw.rowNumber}`, () => run.trailer?.(text), undefined) !== true && !/^(#?-{3,}|={5,})/.test(firstCell)) unread.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, text, why: 'after the data block' })
          continue
        }
        if (maybeHeader(firstCell) && normalizeHeader(firstCell) === headerFirst && [...headerIndex(raw.cells).keys()].join('|') === headerKey) {
          duplicateHeaders += 1
          continue
        }
        // A later sheet whose first data rows are the bill sheet's again (a copy of the bill): read once.
        if (raw.sheet !== undefined && sheetRowsSeen < 3) {
          const print = rowFingerprint(raw.cells)
          if (raw.sheet === headerRaw.sheet) firstRows.push(print)
          else if (sheetRowsSeen === 0 && firstRows.length > 0 && print === firstRows[0]) {
            // Its preamble lines go with it (counted in the sheet's rows, not listed one by one).
            skippingSheet = { sheet: raw.sheet, rows: 1 + unread.splice(sheetUnreadFrom).length }
            repeatedSheets.push(skippingSheet)
            continue
          }
        }
        sheetRowsSeen += 1
        if (isCsv && raw.cells.length > headerCells.length) {
          const shape = shapeRow(raw.cells, headerCells, amountPositions)
          if (shape.type === 'reject') {
            stats.read += 1
            out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: shape.column, reason: shape.reason, raw: rawText(raw.cells) } })
            continue
          }
          if (shape.type === 'repaired') {
            repairs.push({ rowNumber: raw.rowNumber, sheet: raw.sheet, column: shape.column, text: shape.text })
            mapped = mapRow({ rowNumber: raw.rowNumber, sheet: raw.sheet, cells: shape.cells }, index)
          }
        }
        stats.read += 1
        if (hasReplacementChar(raw.cells)) {
          out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: '', reason: `bytes that are not valid ${file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'} (mixed encodings?)`, raw: rawText(raw.cells) } })
          continue
        }
        if (!storeNoted && storeColumns.length > 0) {
          const named = storeOf(mapped)
          if (named) {
            storeNoted = true
            if (named.kind === 'name') fileStoreName = named.value
          }
        }
        if (pickStore) {
          const named = storeOf(mapped)
          if (fileStore === null) {
            if (!named) throw options.storeFromFile?.missing(parser, `row ${raw.rowNumber} has no ${storeColumns.map((each) => each.column).join(' / ')}`) ?? new LedgerError('VALIDATION', 'no store')
            fileStore = named.value
            context.store = options.storeFromFile?.resolve(named.value, named.kind, parser) ?? ''
          } else if (named && named.value !== fileStore) {
            out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: named.column, reason: `row of store "${named.value}", the file's first row is store "${fileStore}": import each store's rows with its own --store`, raw: rawText(raw.cells) } })
            continue
          }
        }
        const outcome = runRow(run, mapped)
        if (outcome.type === 'held') continue
        if (outcome.type === 'skip') {
          stats.skipped += 1
          const reason = outcome.reason ?? 'not a money movement'
          skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1)
          continue
        }
        if (outcome.type === 'reject') {
          out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: outcome.column, reason: outcome.reason, raw: rawText(raw.cells) } })
          continue
        }
        for (const item of outcome.records) {
          const verdict = validateRecord(item)
          if (verdict.ok) {
            out.push({ type: 'record', item, rowNumber: raw.rowNumber, sheet: raw.sheet })
            balances.see(item, raw.rowNumber, raw.sheet)
          } else out.push({ type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: verdict.column, reason: verdict.reason, raw: rawText(raw.cells) } })
        }
      }
    }
    const first: ParseItem[] = []
    flushRejects(first)
    readBatch(pending, pendingAt, first)
    pending = []
    if (first.length > 0) yield first
    for (;;) {
      const next = await batchIterator.next()
      const out: ParseItem[] = []
      if (!next.done) readBatch(next.value, 0, out)
      flushRejects(out)
      if (next.done) {
        if (out.length > 0) yield out
        break
      }
      if (out.length > 0) yield out
    }
    const tail: ParseItem[] = []
    for (const item of run.flush?.() ?? []) {
      if (item.kind === 'skip') {
        stats.skipped += 1
        skipReasons.set(item.reason, (skipReasons.get(item.reason) ?? 0) + 1)
        continue
      }
      const verdict = validateRecord(item)
      const rowNumber = item.record.source.rowNumber
      if (verdict.ok) tail.push({ type: 'record', item, rowNumber, sheet: item.record.source.sheet })
      else tail.push({ type: 'reject', reject: { rowNumber, sheet: item.record.source.sheet, column: verdict.column, reason: verdict.reason, raw: '' } })
    }
    if (duplicateHeaders > 0) checks.push({ level: 'warning', code: 'DUPLICATE_HEADER', message: `${duplicateHeaders} repeated header row(s) skipped` })
    for (const [reason, count] of skipReasons) checks.push({ level: 'info', code: 'SKIPPED', message: `${count} row(s) skipped: ${reason}` })
    const where = (row: { rowNumber: number; sheet?: string }) => `${row.sheet === undefined ? '' : `${row.sheet}!`}${row.rowNumber}`
    if (repairs.length > 0) {
      const listed = repairs.slice(0, 20).map((repair) => `row ${where(repair)} ${repair.column} "${repair.text}"`).join('; ')
      checks.push({ level: 'warning', code: 'ROW_REPAIRED', message: `金额含未加引号的千分位，已合并 / ${repairs.length} row(s) had one field too many because an amount was written with an unquoted thousands separator; re-joined: ${listed}${repairs.length > 20 ? '; …' : ''}` })
    }
    for (const repeated of repeatedSheets) {
      checks.push({ level: 'warning', code: 'SHEET_REPEATED', message: `重复的工作表未读取 / sheet ${repeated.sheet} starts with the same rows as sheet ${headerRaw.sheet ?? ''}: a copy of the same bill, its ${repeated.rows} row(s) were not read` })
    }
    if (unread.length > 0) {
      const reasons = new Map<string, typeof unread>()
      for (const line of unread) reasons.set(line.why, [...(reasons.get(line.why) ?? []), line])
      for (const [why, lines] of reasons) {
        const listed = lines.slice(0, 10).map((line) => `row ${where(line)} "${line.text.length > 60 ? `${line.text.slice(0, 60)}…` : line.text}"`).join('; ')
        checks.push({ level: 'warning', code: 'LINES_SKIPPED', message: `未作为数据读取的行 / ${lines.length} line(s) ${why} were not read as data: ${listed}${lines.length > 10 ? '; …' : ''}` })
      }
    }
    checks.push(...guarded(checks, 'summary check', () => run.finish(), []))
    // Parsers with a running-balance check of their own (bank statements: BALANCE_CHAIN_*) are not checked twice.
    if (!checks.some((check) => check.code.startsWith('BALANCE_CHAIN'))) checks.push(...balances.checks())
    if (tail.length > 0) yield tail
  }

  async function* items(): AsyncIterable<ParseItem> {
    for await (const batch of batches()) yield* batch
  }

  return { file, detection, checks, stats, batches, items, store: () => context.store, storeName: () => fileStoreName }
}
