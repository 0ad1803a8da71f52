import type { CanonicalRecord, Channel } from '../../shared/records.ts'

/**
 * The source interface. A *file parser* turns header-mapped rows into canonical
 * records; the pipeline (service/imports/parse.ts) owns decoding, row streaming,
 * header detection, preambles/trailers and cleaning. An *API connector*
 * (Shopify Admin API, Taobao Open Platform; not built yet) implements
 * `RecordSource` directly and feeds the same loader (service/imports/load.ts).
 */

/** `--format` values: families of parsers. */
export const FORMAT_FAMILIES = [
  'alipay', 'wechat', 'taobao', 'jd', 'pdd', 'douyin', 'shopify-orders', 'shopify-payouts', 'amazon-settlement', 'bank-csv', 'generic', 'invoice',
] as const
export type FormatFamily = (typeof FORMAT_FAMILIES)[number]

/** `xml`: 数电发票 XML (or a zip of them), read by parsers/invoice-xml.ts, not row by row. */
export type Container = 'csv' | 'xlsx' | 'xml'

/** One problem with one input row (or the file): goes to import_rejects. */
export interface Reject {
  rowNumber: number
  sheet?: string
  column: string
  reason: string
  raw: string
}

/** A self-check result or a non-fatal note about the file. */
export interface Check {
  level: 'info' | 'warning' | 'error'
  code: string
  message: string
  /**
   * The file contradicts itself (its rows do not add up to its own stated
   * totals or running balance): the import writes nothing unless forced.
   */
  blocking?: boolean
}

/** A data row after header mapping; `get` returns the cleaned cell ('' when absent/blank). */
export interface MappedRow {
  readonly rowNumber: number
  readonly sheet?: string
  /** Cleaned cell text by normalized header name (see normalizeHeader). */
  get(column: string): string
  /** True when the file has that column. */
  has(column: string): boolean
  /** Raw cells, for reject reports. */
  readonly raw: ReadonlyArray<string>
}

export interface ParseContext {
  readonly fileHash: string
  readonly fileName: string
  readonly store: string
  /** Currency override (--currency); parsers default to their channel's. */
  readonly currency?: string
  readonly warn: (check: Check) => void
}

/**
 * What a parser says about one row. Throwing a RowError is the same as returning a reject.
 * `held`: the parser keeps the row until `flush()` (it needs a later row to decide, e.g. a
 * 交易关闭 payment waiting for its refund) and reports it there as records or a skip.
 */
export type RowOutcome =
  | { type: 'records'; records: CanonicalRecord[] }
  | { type: 'skip'; reason?: string }
  | { type: 'reject'; column: string; reason: string }
  | { type: 'held' }

/** A held row that `flush()` decided to skip, with its reason (counted with the other skips). */
export interface HeldSkip {
  kind: 'skip'
  rowNumber: number
  sheet?: string
  reason: string
}

/** A started parser: closures over its own state (running totals for self-checks). */
export interface ParserRun {
  /** Lines before the header (joined cells), for preamble facts (period, counts). */
  preamble?(line: string): void
  row(row: MappedRow): RowOutcome
  /** True when this row ends the data block (summary header, `#...` line). */
  isTrailer?(row: MappedRow, firstCell: string): boolean
  /**
   * A line after the data block. Returns true when the parser read it (a summary it checks,
   * a decorative rule); other lines are reported in the batch checks as skipped lines.
   */
  trailer?(line: string): boolean | void
  /** Records held back until the end (an order whose lines span rows, held rows). */
  flush?(): Array<CanonicalRecord | HeldSkip>
  /** Self-checks after the last row. */
  finish(): Check[]
}

export interface FileParser {
  /** Unique parser id, e.g. `alipay-merchant-account`. */
  readonly id: string
  readonly family: FormatFamily
  readonly channel: Channel
  readonly label: string
  readonly containers: ReadonlyArray<Container>
  /** Normalized header names that must all be present, and ones that raise the score. */
  readonly required: ReadonlyArray<string>
  readonly optional?: ReadonlyArray<string>
  /**
   * Money columns (normalized names). A CSV row with one field more than the header is
   * repaired only when one unquoted thousands separator in one of these explains it
   * (`¥1,500.00` read as `¥1` and `500.00`); any other extra field rejects the row.
   */
  readonly amountColumns?: ReadonlyArray<string>
  /**
   * Columns that name the store the rows belong to (店铺名称, 店铺号, 商户号), in
   * order of preference: `name` is the store's name, `id` a platform number.
   * Without --store, the first data row's value picks (or registers) the store.
   */
  readonly storeColumns?: ReadonlyArray<{ readonly column: string; readonly kind: 'name' | 'id' }>
  /** Bank statements: rows carry a bank account, not a store (no --store needed). */
  readonly bankStatement?: boolean
  start(context: ParseContext): ParserRun
}

/** A source of canonical records that is not a file (API connectors plug in here). */
export interface RecordSource {
  readonly id: string
  readonly channel: Channel
  /** Identity of this pull (hash of the fetched pages), stored as the batch's file hash. */
  readonly hash: string
  readonly name: string
  records(context: ParseContext): AsyncIterable<{ rowNumber: number; outcome: RowOutcome; raw?: ReadonlyArray<string> }>
}

/** Thrown by cleaning helpers inside a parser's row(): becomes a reject of that column. */
export class RowError extends Error {
  readonly column: string
  constructor(column: string, message: string) {
    super(message)
    this.name = 'RowError'
    this.column = column
  }
}
