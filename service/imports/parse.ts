import { LedgerError } from '../../shared/errors.ts'
import { type CanonicalRecord, RECORD_SCHEMAS } from '../../shared/records.ts'
import { cleanCell, normalizeHeader } from './clean.ts'
import { PARSERS } from './registry.ts'
import { DEFAULT_LIMITS, type FileInput, type Limits, type OpenedFile, type RawRow, openFile } from './source.ts'
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

function mapRow(raw: RawRow, index: ReadonlyMap<string, number>): MappedRow {
  return {
    rowNumber: raw.rowNumber,
    sheet: raw.sheet,
    raw: raw.cells,
    has: (column) => index.has(column),
    get: (column) => {
      const position = index.get(column)
      return position === undefined ? '' : cleanCell(raw.cells[position] ?? '')
    },
  }
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
  return cells.every((cell) => cleanCell(cell) === '')
}

/** `#----…列表结束`, `#支出合计…`, dashed lines; not Shopify order names like `#1001`. */
const GENERIC_TRAILER = /^(#[^\dA-Za-z]|-{5,}|={5,})/

function rawText(cells: ReadonlyArray<string>): string {
  const text = cells.join(',').replace(/,+$/, '')
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
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

function validate(item: CanonicalRecord): { ok: true } | { ok: false; column: string; reason: string } {
  const result = RECORD_SCHEMAS[item.kind].safeParse(item.record)
  if (result.success) return { ok: true }
  const issue = result.error.issues[0]
  return { ok: false, column: issue ? issue.path.join('.') : '', reason: `invalid ${item.kind}: ${issue ? issue.message : 'schema mismatch'}` }
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
  const iterator = file.rows((rowNumber, reason) => rejects.push({ rowNumber, column: '', reason, raw: '' }))[Symbol.asyncIterator]()
  const preamble: RawRow[] = []
  const best = new Map<string, Candidate>()
  let header: { raw: RawRow; candidate: Candidate } | undefined
  let scanned = 0
  while (!header && scanned < HEADER_SEARCH_ROWS) {
    const next = await iterator.next()
    if (next.done) break
    const raw = next.value
    if (isBlank(raw.cells)) {
      preamble.push(raw)
      continue
    }
    scanned += 1
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
    throw new LedgerError('UNSUPPORTED_FORMAT', noMatchMessage(file.name, best, scanned), { closest: [...best.values()].map((c) => ({ parser: c.parser.id, missing: c.missing })) })
  }
  const parser = header.candidate.parser
  const headerRaw = header.raw
  const encodingText = file.container === 'csv' ? `${file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'} CSV` : 'XLSX'
  const detection: Detection = {
    parser,
    headerRow: headerRaw.rowNumber,
    sheet: headerRaw.sheet,
    message: `${file.name}: ${parser.label} [${parser.id}], ${encodingText}, header on ${headerRaw.sheet ? `sheet ${headerRaw.sheet} ` : ''}row ${headerRaw.rowNumber}`,
  }
  const stats = { read: 0, skipped: 0 }
  const skipReasons = new Map<string, number>()
  const context: ParseContext = {
    fileHash: file.hash,
    fileName: file.name,
    store: options.store ?? '',
    currency: options.currency,
    warn: (check) => checks.push(check),
  }
  const run = parser.start(context)
  for (const raw of preamble) run.preamble?.(rawText(raw.cells))

  async function* items(): AsyncIterable<ParseItem> {
    let index = headerIndex(headerRaw.cells)
    let headerKey = [...index.keys()].join('|')
    let headerFirst = normalizeHeader(headerRaw.cells[0] ?? '')
    let sheet = headerRaw.sheet
    let inTrailer = false
    let seekingHeader = false
    let duplicateHeaders = 0
    const flushRejects = function* (): Iterable<ParseItem> {
      while (rejects.length) {
        const reject = rejects.shift()
        if (reject) yield { type: 'reject', reject }
      }
    }
    yield* flushRejects()
    for (;;) {
      const next = await iterator.next()
      yield* flushRejects()
      if (next.done) break
      const raw = next.value
      if (raw.sheet !== sheet) {
        sheet = raw.sheet
        seekingHeader = true
        inTrailer = false
      }
      if (isBlank(raw.cells)) continue
      if (seekingHeader) {
        const candidate = scoreRow([parser], raw.cells)[0]
        if (candidate && candidate.missing.length === 0) {
          index = headerIndex(raw.cells)
          headerKey = [...index.keys()].join('|')
          headerFirst = normalizeHeader(raw.cells[0] ?? '')
          seekingHeader = false
        }
        continue
      }
      if (inTrailer) {
        run.trailer?.(rawText(raw.cells))
        continue
      }
      const firstCell = cleanCell(raw.cells[0] ?? '')
      const mapped = mapRow(raw, index)
      if (GENERIC_TRAILER.test(firstCell) || run.isTrailer?.(mapped, firstCell)) {
        inTrailer = true
        run.trailer?.(rawText(raw.cells))
        continue
      }
      if (normalizeHeader(firstCell) === headerFirst && [...headerIndex(raw.cells).keys()].join('|') === headerKey) {
        duplicateHeaders += 1
        continue
      }
      stats.read += 1
      if (raw.cells.some((cell) => cell.includes('\uFFFD'))) {
        yield { type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: '', reason: `bytes that are not valid ${file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'} (mixed encodings?)`, raw: rawText(raw.cells) } }
        continue
      }
      const outcome = runRow(run, mapped)
      if (outcome.type === 'skip') {
        stats.skipped += 1
        const reason = outcome.reason ?? 'not a money movement'
        skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1)
        continue
      }
      if (outcome.type === 'reject') {
        yield { type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: outcome.column, reason: outcome.reason, raw: rawText(raw.cells) } }
        continue
      }
      for (const item of outcome.records) {
        const verdict = validate(item)
        if (verdict.ok) yield { type: 'record', item, rowNumber: raw.rowNumber, sheet: raw.sheet }
        else yield { type: 'reject', reject: { rowNumber: raw.rowNumber, sheet: raw.sheet, column: verdict.column, reason: verdict.reason, raw: rawText(raw.cells) } }
      }
    }
    for (const item of run.flush?.() ?? []) {
      const verdict = validate(item)
      const rowNumber = item.record.source.rowNumber
      if (verdict.ok) yield { type: 'record', item, rowNumber, sheet: item.record.source.sheet }
      else yield { type: 'reject', reject: { rowNumber, sheet: item.record.source.sheet, column: verdict.column, reason: verdict.reason, raw: '' } }
    }
    if (duplicateHeaders > 0) checks.push({ level: 'warning', code: 'DUPLICATE_HEADER', message: `${duplicateHeaders} repeated header row(s) skipped` })
    for (const [reason, count] of skipReasons) checks.push({ level: 'info', code: 'SKIPPED', message: `${count} row(s) skipped: ${reason}` })
    checks.push(...run.finish())
  }

  return { file, detection, checks, stats, items }
}
