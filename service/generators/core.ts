import { type Minor, minor } from '../../shared/money.ts'
import { formatAmount, parseAmount } from '../../shared/money.ts'
import type { CanonicalRecord, Order, SettlementTxn, Source } from '../../shared/records.ts'

/** Seeded PRNG (mulberry32): same seed, same file. */
export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }
  pick<T>(items: ReadonlyArray<T>): T {
    const item = items[Math.floor(this.next() * items.length)]
    if (item === undefined) throw new Error('pick from an empty list')
    return item
  }
  chance(probability: number): boolean {
    return this.next() < probability
  }
  /** Minor units between min and max (inclusive). */
  minor(min: number, max: number): Minor {
    return BigInt(this.int(min, max)) as Minor
  }
  digits(length: number): string {
    let text = String(this.int(1, 9))
    while (text.length < length) text += String(this.int(0, 9))
    return text
  }
}

export const money = (amount: bigint, currency = 'CNY'): string => formatAmount(amount, currency)

function two(value: number): string {
  return String(value).padStart(2, '0')
}

/** 2024-03: the month every generated file starts in unless told otherwise. */
export const DEFAULT_MONTH = '2024-03'

/**
 * A local wall-clock time `minutes` after the first of `month` (`YYYY-MM`,
 * default 2024-03) 00:00 as [file text, ISO with offset].
 */
export function clock(minutes: number, offset = '+08:00', style: 'dash' | 'slash' | 'iso' | 'shopify' = 'dash', month = DEFAULT_MONTH): [string, string] {
  const [year, monthNumber] = month.split('-').map(Number)
  const date = new Date(Date.UTC(year ?? 2024, (monthNumber ?? 3) - 1, 1) + minutes * 60_000 + (minutes % 60) * 1000)
  const [y, mo, d, h, mi, s] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
  const iso = `${y}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}${offset}`
  if (style === 'slash') return [`${y}/${mo}/${d} ${two(h)}:${two(mi)}:${two(s)}`, iso]
  if (style === 'iso') return [iso, iso]
  if (style === 'shopify') return [`${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)} ${offset.replace(':', '')}`, iso]
  return [`${y}-${two(mo)}-${two(d)} ${two(h)}:${two(mi)}:${two(s)}`, iso]
}

/** Placeholder source; the generator fills in the real file hash and row number. */
export const PENDING_SOURCE: Source = { fileHash: '0'.repeat(64), rowNumber: 1 }

/** What a format generator returns per data row: the cells and the records an importer must produce. */
export interface GeneratedRow {
  cells: string[]
  records: CanonicalRecord[]
}

/** Running totals of the generated settlement records, for trailers and summary lines. */
export interface Summary {
  rows: number
  /** Rows whose first record is a refund. */
  refundRows?: number
  incoming: { count: number; total: bigint }
  outgoing: { count: number; total: bigint }
  byKind: Partial<Record<string, bigint>>
  /** Per-direction row totals, for formats with `direction` (legacy Alipay 已收入/已支出 trailer). */
  stated?: StatedDirections
}

/** Per-direction count and total of a bill's rows (`收入`, `支出`, `不计收支`, `/`). */
export type StatedDirections = Map<string, { count: number; total: bigint }>

export function statedDirections(spec: Pick<FormatSpec, 'direction'>, rows: Iterable<GeneratedRow>): StatedDirections {
  const stated: StatedDirections = new Map()
  if (!spec.direction) return stated
  for (const row of rows) addDirection(stated, spec, row)
  return stated
}

export function addDirection(stated: StatedDirections, spec: Pick<FormatSpec, 'direction'>, row: GeneratedRow): void {
  const seen = spec.direction?.(row)
  if (!seen) return
  const entry = stated.get(seen.label) ?? { count: 0, total: 0n }
  entry.count += 1
  entry.total += seen.amount
  stated.set(seen.label, entry)
}

/** `label` count and total as the personal bills write them (`收入：3笔 12.00元`). */
export function statedLine(stated: StatedDirections, label: string, key = label, separator = ' '): string {
  const entry = stated.get(key) ?? { count: 0, total: 0n }
  return `${label}：${entry.count}笔${separator}${money(minor(entry.total))}元`
}

export function emptySummary(): Summary {
  return { rows: 0, incoming: { count: 0, total: 0n }, outgoing: { count: 0, total: 0n }, byKind: {} }
}

export function addToSummary(summary: Summary, row: GeneratedRow): void {
  summary.rows += 1
  const first = row.records[0]
  if (first?.kind === 'settlementTxn' && first.record.kind === 'refund') summary.refundRows = (summary.refundRows ?? 0) + 1
  for (const item of row.records) {
    // Bank statement lines count as money in / out (their trailers state 借方/贷方 笔数 and 合计).
    if (item.kind === 'bankTxn') {
      const side = item.record.amount < 0n ? summary.outgoing : summary.incoming
      side.count += 1
      side.total += item.record.amount
      continue
    }
    if (item.kind !== 'settlementTxn') continue
    const { amount, kind } = item.record
    if (amount > 0n) {
      summary.incoming.count += 1
      summary.incoming.total += amount
    } else if (amount < 0n) {
      summary.outgoing.count += 1
      summary.outgoing.total += amount
    }
    summary.byKind[kind] = (summary.byKind[kind] ?? 0n) + amount
  }
}

export interface RowContext {
  rng: Rng
  index: number
  store: string
  options: GenerateOptions
  /** Per-file running figures (an account balance), shared by all rows of one file. */
  state: Record<string, bigint>
}

/** Adds `amount` to the file's running `key` (starting at `start`) and returns the new figure. */
export function running(context: RowContext, key: string, amount: bigint, start = 0n): bigint {
  const next = (context.state[key] ?? start) + amount
  context.state[key] = next
  return next
}

export interface FormatSpec {
  /** Parser id the importer must pick. */
  parser: string
  /** `xls`: a legacy BIFF8 workbook (SheetJS); `html`: an HTML table saved as .xls (as many bank exports are). */
  container: 'csv' | 'xlsx' | 'xls' | 'html'
  encoding: 'utf8' | 'utf8-bom' | 'gbk'
  /** Rows are written newest first (some bank statements); generated oldest first, then reversed. */
  newestFirst?: boolean
  delimiter?: string
  /** Lines before the header, given the number of data rows and the per-direction totals of the rows (see `direction`). */
  preamble?(count: number, stated: StatedDirections): string[]
  /**
   * Personal bills that state 收入/支出/不计收支 totals in their preamble: a row's direction
   * label and the amount it adds to that direction's total (streaming makes a first pass for these).
   */
  direction?(row: GeneratedRow): { label: string; amount: bigint } | null
  header: string[]
  row(context: RowContext): GeneratedRow
  /**
   * A row right after the header computed from all data rows (Amazon's
   * settlement summary on row 2): its cells and the records it imports as.
   * Such formats cannot be streamed.
   */
  headRow?(rows: ReadonlyArray<GeneratedRow>, store: string): GeneratedRow
  /** Lines after the data (summaries), from running totals. */
  trailer?(summary: Summary): string[][]
  /** Decorates cells as the real export does (backticks, trailing tabs, padding). */
  decorate?(cell: string, column: number): string
  /** Rows of one order are generated together (multi-line orders): set `group` too. */
  grouped?: boolean
  /** The rows of one order (grouped formats); `row` is then unused. */
  group?(context: RowContext): GeneratedRow[]
  /**
   * Columns written verbatim, without CSV quoting (JD's `="123"` formula-text
   * cells are bare in the real file; quoting them would hide the quirk).
   */
  verbatim?(column: number): boolean
}

export interface GenerateOptions {
  seed?: number
  /** Data rows (for grouped formats: at least this many lines). */
  rows?: number
  store?: string
  /** Rows to repeat verbatim at the end (they must import as duplicates). */
  duplicateRows?: number
  /** Rows to drop after generating (they are missing from expected too). */
  missingRows?: number
  /** Refunds as separate rows (default) or inline where the format allows. */
  refunds?: 'separate' | 'inline'
  /** Bank statement formats: exactly these lines (rows = their count) instead of random ones. */
  bankLines?: ReadonlyArray<BankLineSpec>
}

/** One statement line as the tests describe it. */
export interface BankLineSpec {
  /** Minutes after the first of the month (see core.ts clock). */
  minutes: number
  /** Signed minor units: + money in (贷方), - money out (借方). */
  amount: bigint
  counterparty: string
  counterpartyAccount?: string
  memo: string
  /** 用途 / 附言 (optional second memo part). */
  purpose?: string
}

/** Minutes in a day (the generators' clock counts minutes, see clock). */
export const DAY = 24 * 60

/** The amount a bill cell states (`¥12.34`, `131.77(已退款89.84)` -> paid minus refunded). */
export function cellAmount(cell: string): bigint {
  const inline = /^(.*?)\(已退款([\d.]+)\)$/.exec(cell)
  if (inline) return parseAmount(inline[1] ?? '0', 'CNY') - parseAmount(inline[2] ?? '0', 'CNY')
  return parseAmount(cell.replace(/^[¥￥]/, ''), 'CNY')
}

/** A settlement record of `channel` for the row's store; empty optional fields left out. */
export function settlement(context: RowContext, channel: SettlementTxn['channel'], fields: Omit<SettlementTxn, 'channel' | 'store' | 'source'>): CanonicalRecord {
  const record: SettlementTxn = { channel, store: context.store, ...fields, source: PENDING_SOURCE }
  for (const key of ['orderRef', 'tradeNo', 'payoutRef', 'counterparty', 'balanceAfter'] as const) {
    if (record[key] === undefined || record[key] === '') delete record[key]
  }
  return { kind: 'settlementTxn', record }
}

export const neg = (value: bigint): Minor => minor(-value)

/** An order record with the pending source; undefined optional fields left out. */
export function orderRecord(fields: Omit<Order, 'source'>): Order {
  const order: Order = { ...fields, source: PENDING_SOURCE }
  for (const key of ['buyerRef', 'paidAt', 'shippedAt', 'completedAt', 'cancelledAt', 'paymentRef'] as const) if (order[key] === undefined) delete order[key]
  return order
}

/** Each item repeated `weight` times, for rng.pick. */
export function weighted<T extends { weight: number }>(items: ReadonlyArray<T>): T[] {
  return items.flatMap((item) => new Array<T>(item.weight).fill(item))
}
