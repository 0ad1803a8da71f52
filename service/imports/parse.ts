import { LedgerError } from '../../shared/errors.ts'
import { DataRows, type Candidate, FileStore, type ParseItem, type StoreFromFile, guarded, isBlank, rawText, scoreRow } from './parse-rows.ts'
import { PARSERS } from './registry.ts'
import { DEFAULT_LIMITS, type FileInput, type Limits, type OpenedFile, type RawRow, openFile } from './source.ts'
import type { Check, FileParser, ParseContext, Reject } from './types.ts'

/**
 * The parse pipeline: rows -> header detection -> preamble / data / trailer ->
 * parser -> validated canonical records or rejects. Knows nothing of the DB.
 * Header detection is here; the data rows are read by parse-rows.ts.
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
  storeFromFile?: StoreFromFile
  /** Extra parsers tried first (a generic mapping profile compiles to one). */
  extraParsers?: ReadonlyArray<FileParser>
  limits?: Limits
}

export type { ParseItem }

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

/** The file's row batches read one row at a time while the header is sought; the rest of the batch stays for the data rows. */
class RowReader {
  pending: RawRow[] = []
  at = 0
  constructor(readonly batches: AsyncIterator<RawRow[]>) {}

  async next(): Promise<RawRow | undefined> {
    while (this.at >= this.pending.length) {
      const next = await this.batches.next()
      if (next.done) return undefined
      this.pending = next.value
      this.at = 0
    }
    const row = this.pending[this.at]
    this.at += 1
    return row
  }
}

interface HeaderSearch {
  header?: { raw: RawRow; candidate: Candidate }
  /** Rows before the header (blank ones too), for the parser's preamble hook. */
  preamble: RawRow[]
  /** Each parser's closest row. */
  best: Map<string, Candidate>
  /** Non-blank rows looked at. */
  scanned: number
  /** The most filled row seen: the likely header, offered to a mapping profile when no format matches. */
  fullest: readonly string[]
}

/** The first row (of the first HEADER_SEARCH_ROWS non-blank ones) that has every required column of a parser; the best scoring parser wins. */
async function findHeader(reader: RowReader, parsers: ReadonlyArray<FileParser>): Promise<HeaderSearch> {
  const search: HeaderSearch = { preamble: [], best: new Map(), scanned: 0, fullest: [] }
  let fullestCount = 0
  while (!search.header && search.scanned < HEADER_SEARCH_ROWS) {
    const raw = await reader.next()
    if (!raw) break
    if (isBlank(raw.cells)) {
      search.preamble.push(raw)
      continue
    }
    search.scanned += 1
    if (search.scanned <= 30) {
      const filled = raw.cells.filter((cell) => cell.trim() !== '').length
      if (filled > fullestCount) {
        search.fullest = raw.cells
        fullestCount = filled
      }
    }
    const candidates = scoreRow(parsers, raw.cells)
    for (const candidate of candidates) {
      const previous = search.best.get(candidate.parser.id)
      if (!previous || candidate.missing.length < previous.missing.length) search.best.set(candidate.parser.id, candidate)
    }
    const matches = candidates.filter((candidate) => candidate.missing.length === 0).sort((a, b) => b.score - a.score)
    if (matches[0]) search.header = { raw, candidate: matches[0] }
    else search.preamble.push(raw)
  }
  return search
}

/** No header found: VALIDATION when the file gave no row at all, else UNSUPPORTED_FORMAT naming the closest formats. */
function noHeaderError(file: OpenedFile, rejects: ReadonlyArray<Reject>, search: HeaderSearch): LedgerError {
  if (rejects[0] && search.scanned === 0) return new LedgerError('VALIDATION', `${file.name}: ${rejects[0].reason}`)
  return new LedgerError('UNSUPPORTED_FORMAT', noMatchMessage(file.name, search.best, search.scanned), {
    closest: [...search.best.values()].map((c) => ({ parser: c.parser.id, missing: c.missing })),
    columns: search.fullest.map((cell) => cell.trim()).filter((cell) => cell !== '').slice(0, 200).map((cell) => cell.slice(0, 200)),
  })
}

function detectionOf(file: OpenedFile, parser: FileParser, headerRaw: RawRow): Detection {
  const encodingText = file.label ?? (file.container === 'csv' ? `${file.encoding === 'utf8' ? 'UTF-8' : 'GB18030'} CSV` : 'XLSX')
  return {
    parser,
    headerRow: headerRaw.rowNumber,
    sheet: headerRaw.sheet,
    message: `${file.name}: ${parser.label} [${parser.id}], ${encodingText}, header on ${headerRaw.sheet ? `sheet ${headerRaw.sheet} ` : ''}row ${headerRaw.rowNumber}`,
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
  const reader = new RowReader(file.batches((rowNumber, reason) => rejects.push({ rowNumber, column: '', reason, raw: '' }))[Symbol.asyncIterator]())
  const search = await findHeader(reader, parsers)
  if (!search.header) throw noHeaderError(file, rejects, search)
  const parser = search.header.candidate.parser
  const headerRaw = search.header.raw
  const detection = detectionOf(file, parser, headerRaw)
  const stats = { read: 0, skipped: 0 }
  const context: { -readonly [K in keyof ParseContext]: ParseContext[K] } = {
    fileHash: file.hash,
    fileName: file.name,
    store: options.store ?? '',
    currency: options.currency,
    warn: (check) => checks.push(check),
  }
  const store = new FileStore(parser, context, options.storeFromFile)
  const run = parser.start(context)
  for (const raw of search.preamble) guarded(checks, `preamble row ${raw.rowNumber}`, () => run.preamble?.(rawText(raw.cells)), undefined)

  const flushRejects = (out: ParseItem[]): void => {
    for (const reject of rejects) out.push({ type: 'reject', reject })
    rejects.length = 0
  }
  async function* batches(): AsyncIterable<ParseItem[]> {
    const rows = new DataRows({ file, parser, run, headerRaw, checks, stats, store })
    // The rest of the batch the header was found in, then batch by batch.
    const first: ParseItem[] = []
    flushRejects(first)
    rows.read(reader.pending, reader.at, first)
    reader.pending = []
    if (first.length > 0) yield first
    for (;;) {
      const next = await reader.batches.next()
      const out: ParseItem[] = []
      if (!next.done) rows.read(next.value, 0, out)
      flushRejects(out)
      if (out.length > 0) yield out
      if (next.done) break
    }
    const tail = rows.flush()
    rows.finish()
    if (tail.length > 0) yield tail
  }

  async function* items(): AsyncIterable<ParseItem> {
    for await (const batch of batches()) yield* batch
  }

  return { file, detection, checks, stats, batches, items, store: () => context.store, storeName: () => store.name }
}
