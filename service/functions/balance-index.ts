import { isWithin, matchesAccountPattern } from '../../shared/accounts.ts'

/**
 * In-memory view of one company's materialized balances, loaded with one query
 * per batch as slices: one per account x store x currency, holding that
 * slice's movements per period. A call is answered by one binary search in a
 * memoized cumulative series per (account pattern, store filter, currency
 * filter), so thousands of calls cost one query plus one series per distinct
 * pattern and filter.
 */
export interface BalanceSlice {
  readonly account: string
  readonly store: string
  readonly currency: string
  readonly periods: ReadonlyArray<string>
  readonly debit: ReadonlyArray<bigint>
  readonly credit: ReadonlyArray<bigint>
  readonly debitOriginal: ReadonlyArray<bigint>
  readonly creditOriginal: ReadonlyArray<bigint>
}

export interface Sums {
  debit: bigint
  credit: bigint
  debitOriginal: bigint
  creditOriginal: bigint
}

const ZERO_SUMS: Readonly<Sums> = Object.freeze({ debit: 0n, credit: 0n, debitOriginal: 0n, creditOriginal: 0n })

/** Periods ascending with running totals: cumulative[i] = Σ movements of periods <= periods[i]. */
interface Series {
  readonly periods: string[]
  readonly cumulative: Sums[]
}

export interface SliceFilter {
  /** null = all stores */
  readonly store: string | null
  /** null = all currencies */
  readonly currency: string | null
}

export class BalanceIndex {
  private readonly slicesByAccount: Map<string, BalanceSlice[]>
  /** pattern -> filter key -> series */
  private readonly series = new Map<string, Map<string, Series>>()
  /** leaf -> filter key -> movements per period */
  private readonly leafSums = new Map<string, Map<string, ReadonlyMap<string, Sums>>>()
  private readonly patternLeaves = new Map<string, string[]>()

  constructor(slices: Iterable<BalanceSlice>) {
    this.slicesByAccount = new Map()
    for (const slice of slices) {
      const list = this.slicesByAccount.get(slice.account)
      if (list) list.push(slice)
      else this.slicesByAccount.set(slice.account, [slice])
    }
  }

  /**
   * A new index equal to reloading everything, given the fresh rows of every
   * (account, period) whose balances may have changed: `fresh` holds all
   * current rows of exactly those pairs. Memoized series and sums of patterns
   * and leaves untouched by the change carry over.
   */
  withChanges(changed: ReadonlyMap<string, ReadonlySet<string>>, fresh: Iterable<BalanceSlice>): BalanceIndex {
    const freshByAccount = new Map<string, BalanceSlice[]>()
    for (const slice of fresh) {
      if (!changed.get(slice.account)) throw new Error(`invariant violated: fresh balances of ${slice.account} outside the changed pairs`)
      const list = freshByAccount.get(slice.account)
      if (list) list.push(slice)
      else freshByAccount.set(slice.account, [slice])
    }
    const next = new BalanceIndex([])
    for (const [account, slices] of this.slicesByAccount) if (!changed.has(account)) next.slicesByAccount.set(account, slices)
    for (const [account, periods] of changed) {
      const merged = mergeSlices(account, this.slicesByAccount.get(account) ?? [], periods, freshByAccount.get(account) ?? [])
      if (merged.length) next.slicesByAccount.set(account, merged)
    }
    const touched = [...changed.keys()]
    const untouched = (pattern: string) => !touched.some((code) => covers(code, pattern))
    for (const [pattern, leaves] of this.patternLeaves) if (untouched(pattern)) next.patternLeaves.set(pattern, leaves)
    for (const [pattern, byFilter] of this.series) if (untouched(pattern)) next.series.set(pattern, byFilter)
    for (const [leaf, byFilter] of this.leafSums) if (!changed.has(leaf)) next.leafSums.set(leaf, byFilter)
    return next
  }

  /** Accounts with balances covered by an exact code (rolls up its children) or a `5601*` prefix. */
  leavesOf(pattern: string): string[] {
    const cached = this.patternLeaves.get(pattern)
    if (cached) return cached
    const codes = new Set<string>()
    for (const code of this.slicesByAccount.keys()) if (covers(code, pattern)) codes.add(code)
    const leaves = [...codes].sort()
    this.patternLeaves.set(pattern, leaves)
    return leaves
  }

  /** Leaf accounts with any balance, for trial balances. */
  accountsWithBalances(): string[] {
    return [...this.slicesByAccount.keys()].sort()
  }

  /** Σ movements of the pattern's leaves over periods <= `period`: one binary search in a memoized prefix-sum series. */
  cumulative(pattern: string, period: string, filter: SliceFilter): Readonly<Sums> {
    const series = this.seriesOf(pattern, filter)
    const periods = series.periods
    // last index whose period <= `period`
    let low = 0
    let high = periods.length - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >> 1
      if ((periods[middle] ?? '') <= period) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found === -1 ? ZERO_SUMS : (series.cumulative[found] ?? ZERO_SUMS)
  }

  /** One leaf's movements per period under a filter, memoized: patterns sharing leaves reuse them. */
  private sumsOf(leaf: string, filter: SliceFilter): ReadonlyMap<string, Sums> {
    const key = filterKey(filter)
    let byFilter = this.leafSums.get(leaf)
    if (!byFilter) {
      byFilter = new Map()
      this.leafSums.set(leaf, byFilter)
    }
    const cached = byFilter.get(key)
    if (cached) return cached
    const byPeriod = new Map<string, Sums>()
    for (const slice of this.slicesByAccount.get(leaf) ?? []) {
      if (filter.store !== null && slice.store !== filter.store) continue
      if (filter.currency !== null && slice.currency !== filter.currency) continue
      addSlice(byPeriod, slice, filter.currency !== null)
    }
    byFilter.set(key, byPeriod)
    return byPeriod
  }

  private seriesOf(pattern: string, filter: SliceFilter): Series {
    const key = filterKey(filter)
    let byFilter = this.series.get(pattern)
    if (!byFilter) {
      byFilter = new Map()
      this.series.set(pattern, byFilter)
    }
    const cached = byFilter.get(key)
    if (cached) return cached
    const byPeriod = new Map<string, Sums>()
    for (const leaf of this.leavesOf(pattern)) {
      for (const [period, sums] of this.sumsOf(leaf, filter)) {
        const target = byPeriod.get(period)
        if (target) add(target, sums)
        else byPeriod.set(period, { ...sums })
      }
    }
    const periods = [...byPeriod.keys()].sort()
    const running: Sums = { ...ZERO_SUMS }
    const cumulative = periods.map((period) => {
      const sums = byPeriod.get(period) ?? ZERO_SUMS
      running.debit += sums.debit
      running.credit += sums.credit
      running.debitOriginal += sums.debitOriginal
      running.creditOriginal += sums.creditOriginal
      return { ...running }
    })
    const series = { periods, cumulative }
    byFilter.set(key, series)
    return series
  }
}

function filterKey(filter: SliceFilter): string {
  return filter.store === null ? (filter.currency === null ? '' : `\u0001\u0000${filter.currency}`) : `${filter.store}\u0000${filter.currency ?? '\u0001'}`
}

/** An account's slices with the rows of `periods` replaced by `fresh` (all current rows of those periods). */
function mergeSlices(account: string, old: ReadonlyArray<BalanceSlice>, periods: ReadonlySet<string>, fresh: ReadonlyArray<BalanceSlice>): BalanceSlice[] {
  const merged = new Map<string, MutableSlice>()
  const append = (slice: BalanceSlice, keep: (period: string) => boolean) => {
    const key = `${slice.store}\u0000${slice.currency}`
    let target = merged.get(key)
    for (let index = 0; index < slice.periods.length; index += 1) {
      const period = slice.periods[index] ?? ''
      if (!keep(period)) continue
      if (!target) {
        target = emptySlice(account, slice.store, slice.currency)
        merged.set(key, target)
      }
      target.periods.push(period)
      target.debit.push(slice.debit[index] ?? 0n)
      target.credit.push(slice.credit[index] ?? 0n)
      target.debitOriginal.push(slice.debitOriginal[index] ?? 0n)
      target.creditOriginal.push(slice.creditOriginal[index] ?? 0n)
    }
  }
  for (const slice of old) append(slice, (period) => !periods.has(period))
  for (const slice of fresh) {
    if (slice.account !== account) throw new Error(`invariant violated: fresh balances of ${slice.account} merged into ${account}`)
    append(slice, (period) => {
      if (!periods.has(period)) throw new Error(`invariant violated: fresh balance of ${account} ${period} outside the changed periods`)
      return true
    })
  }
  return [...merged.values()]
}

export interface MutableSlice extends BalanceSlice {
  readonly periods: string[]
  readonly debit: bigint[]
  readonly credit: bigint[]
  readonly debitOriginal: bigint[]
  readonly creditOriginal: bigint[]
}

export function emptySlice(account: string, store: string, currency: string): MutableSlice {
  return { account, store, currency, periods: [], debit: [], credit: [], debitOriginal: [], creditOriginal: [] }
}

/** Original-currency sums only mean something within one currency; skip them otherwise. */
function add(target: Sums, source: Readonly<Sums>): void {
  target.debit += source.debit
  target.credit += source.credit
  target.debitOriginal += source.debitOriginal
  target.creditOriginal += source.creditOriginal
}

function addSlice(byPeriod: Map<string, Sums>, slice: BalanceSlice, withOriginal: boolean): void {
  for (let index = 0; index < slice.periods.length; index += 1) {
    const period = slice.periods[index] ?? ''
    let sums = byPeriod.get(period)
    if (!sums) {
      sums = { ...ZERO_SUMS }
      byPeriod.set(period, sums)
    }
    sums.debit += slice.debit[index] ?? 0n
    sums.credit += slice.credit[index] ?? 0n
    if (withOriginal) {
      sums.debitOriginal += slice.debitOriginal[index] ?? 0n
      sums.creditOriginal += slice.creditOriginal[index] ?? 0n
    }
  }
}

function covers(code: string, pattern: string): boolean {
  return pattern.endsWith('*') ? matchesAccountPattern(code, pattern) : isWithin(code, pattern)
}

export function subtract(later: Readonly<Sums>, earlier: Readonly<Sums>): Sums {
  return {
    debit: later.debit - earlier.debit,
    credit: later.credit - earlier.credit,
    debitOriginal: later.debitOriginal - earlier.debitOriginal,
    creditOriginal: later.creditOriginal - earlier.creditOriginal,
  }
}
