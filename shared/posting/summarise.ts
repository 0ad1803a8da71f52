import { type Minor, convert, formatAmount } from '../money.ts'
import type { VoucherInput, VoucherLineInput } from '../voucher.ts'
import { closeRounding } from './lines.ts'
import type { Entry, EntryKind, EntryLine, Granularity, SourceItem } from './types.ts'

/**
 * Granularity: per order (one voucher per entry), per store-day (one 汇总凭证 per
 * store and business date) or per payout (A2X style: one voucher per payout /
 * settlement and month; entries without a payout fall back to the store-day).
 * Summaries merge lines with the same account, store, side, currency and rate
 * without netting debit against credit, so 发生额 and balances equal the
 * per-order postings exactly (for foreign lines: in original currency; the base
 * amount of a merged line is converted once and the rounding difference goes
 * to 汇兑损益 as a 汇兑尾差 line). Every source item of every entry stays linked.
 */
export interface VoucherDraft {
  readonly input: VoucherInput
  readonly sources: SourceItem[]
  readonly entries: number
  readonly store: string
  /** base-currency Σ debit */
  readonly total: Minor
}

export interface SummariseOptions {
  readonly baseCurrency: string
  /** display name of a store, for summaries */
  readonly storeName: (store: string) => string
  /** 汇兑损益 account of a store (rounding of merged foreign lines) */
  readonly roundingAccount: (store: string) => string
}

const KIND_NAMES: Record<EntryKind, string> = { sale: '销售', settlement: '结算', refund: '退款', charge: '平台费用', payout: '提现', cogs: '成本', return: '退货入库', revaluation: '汇兑调整' }

/** FNV-1a 64-bit, hex: a short stable fingerprint of the source set of a summary. */
export function fingerprint(text: string): string {
  let hash = 0xcbf29ce484222325n
  for (let index = 0; index < text.length; index += 1) {
    hash ^= BigInt(text.charCodeAt(index))
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn
  }
  return hash.toString(16).padStart(16, '0')
}

/** Idempotency keys stay within 200 characters: long ones keep a prefix and a fingerprint. */
export function boundedKey(key: string): string {
  return key.length <= 200 ? key : `${key.slice(0, 160)}~${fingerprint(key)}`
}

function mergeLines(entries: ReadonlyArray<Entry>, options: SummariseOptions, store: string): EntryLine[] {
  const merged = new Map<string, { line: EntryLine; original: bigint; base: bigint }>()
  for (const entry of entries) {
    for (const line of entry.lines) {
      const key = [line.account, line.store, line.side, line.currency, line.rate ?? '', line.label].join('\u0000')
      const found = merged.get(key)
      if (found) {
        found.original += line.original
        found.base += line.base
      } else merged.set(key, { line, original: line.original, base: line.base })
    }
  }
  const lines = [...merged.values()].map(({ line, original }) => ({
    ...line,
    original: original as Minor,
    base: line.rate === null ? (original as Minor) : convert(original as Minor, line.currency, options.baseCurrency, line.rate),
  }))
  lines.sort((a, b) => (a.side === b.side ? 0 : a.side === 'debit' ? -1 : 1))
  return closeRounding(lines, store, options.baseCurrency, options.roundingAccount(store))
}

function toLineInput(line: EntryLine, summary: string, baseCurrency: string): VoucherLineInput {
  const amount = formatAmount(line.original, line.currency)
  return {
    account: line.account,
    ...(line.store ? { store: line.store } : {}),
    ...(line.currency !== baseCurrency ? { currency: line.currency, rate: line.rate ?? '1' } : {}),
    ...(line.side === 'debit' ? { debit: amount } : { credit: amount }),
    summary,
  }
}

function describe(entries: ReadonlyArray<Entry>): string {
  const counts = new Map<EntryKind, number>()
  for (const entry of entries) counts.set(entry.kind, (counts.get(entry.kind) ?? 0) + 1)
  return `${[...counts].map(([kind, count]) => `${KIND_NAMES[kind]} ${count}`).join(', ')})${ordersNamed(entries)}`
}

const LISTED_ORDERS = 5

/**
 * 摘要 of a summary voucher names its orders (issue #16.6): up to five order
 * numbers, else the first five and the count; every order stays linked as a
 * voucher source (`cledger voucher show` lists them). Order numbers come from
 * the entries' own summaries (`… 订单 <no>`).
 */
export function ordersNamed(entries: ReadonlyArray<Entry>): string {
  const orders = [...new Set(entries.map((entry) => / 订单 (\S+)$/.exec(entry.summary)?.[1]).filter((no): no is string => no !== undefined))]
  if (orders.length === 0) return ''
  if (orders.length <= LISTED_ORDERS) return ` 订单 ${orders.join('、')}`
  return ` 订单 ${orders.slice(0, LISTED_ORDERS).join('、')} 等 ${orders.length} 笔`
}

function draft(entries: ReadonlyArray<Entry>, key: string, summary: string, date: string, options: SummariseOptions, single: boolean): VoucherDraft {
  const first = entries[0]
  const store = first?.store ?? ''
  const lines = single && first ? [...first.lines] : mergeLines(entries, options, store)
  const total = lines.reduce((sum, line) => (line.side === 'debit' ? sum + line.base : sum), 0n) as Minor
  return {
    input: { date, word: '记', summary, idempotencyKey: boundedKey(key), lines: lines.map((line) => toLineInput(line, single ? summary : `${summary} ${line.label}`, options.baseCurrency)) },
    sources: entries.flatMap((entry) => [...entry.sources]),
    entries: entries.length,
    store,
    total,
  }
}

function groupBy(entries: ReadonlyArray<Entry>, keyOf: (entry: Entry) => string): Map<string, Entry[]> {
  const groups = new Map<string, Entry[]>()
  for (const entry of entries) {
    const key = keyOf(entry)
    const group = groups.get(key)
    if (group) group.push(entry)
    else groups.set(key, [entry])
  }
  return groups
}

function sourceFingerprint(entries: ReadonlyArray<Entry>): string {
  return fingerprint(entries.map((entry) => entry.key).sort().join('\n'))
}

function daySummaries(entries: ReadonlyArray<Entry>, options: SummariseOptions): VoucherDraft[] {
  return [...groupBy(entries, (entry) => `${entry.store}\u0000${entry.date}`).values()].map((group) => {
    const { store, date } = group[0] ?? { store: '', date: '' }
    return draft(group, `day:${store}:${date}:${sourceFingerprint(group)}`, `${options.storeName(store)} ${date} 汇总 (${describe(group)}`, date, options, false)
  })
}

/**
 * Groups entries into voucher drafts at a granularity, in date order.
 * @example toVouchers(entries, 'day', options).length === number of store-days
 */
export function toVouchers(entries: ReadonlyArray<Entry>, granularity: Granularity, options: SummariseOptions): VoucherDraft[] {
  const ordered = [...entries].sort((a, b) => (a.date === b.date ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.date < b.date ? -1 : 1))
  let drafts: VoucherDraft[]
  if (granularity === 'order') {
    drafts = ordered.map((entry) => draft([entry], entry.key, entry.summary, entry.date, options, true))
  } else if (granularity === 'day') {
    drafts = daySummaries(ordered, options)
  } else {
    const withPayout = ordered.filter((entry) => entry.payoutRef !== undefined)
    const rest = ordered.filter((entry) => entry.payoutRef === undefined)
    const payouts = [...groupBy(withPayout, (entry) => `${entry.store}\u0000${entry.payoutRef ?? ''}\u0000${entry.date.slice(0, 7)}`).values()].map((group) => {
      const { store, payoutRef } = group[0] ?? { store: '', payoutRef: '' }
      const date = group.map((entry) => entry.date).sort().at(-1) ?? ''
      return draft(group, `payout:${store}:${payoutRef ?? ''}:${date.slice(0, 7)}:${sourceFingerprint(group)}`, `${options.storeName(store)} 结算单 ${payoutRef ?? ''} ${date.slice(0, 7)} 汇总 (${describe(group)}`, date, options, false)
    })
    drafts = [...daySummaries(rest, options), ...payouts]
  }
  return drafts.sort((a, b) => (a.input.date < b.input.date ? -1 : a.input.date > b.input.date ? 1 : 0))
}
