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
  private readonly slicesByAccount = new Map<string, BalanceSlice[]>()
  private readonly series = new Map<string, Series>()
  private readonly leafSums = new Map<string, ReadonlyMap<string, Sums>>()
  private readonly patternLeaves = new Map<string, string[]>()

  constructor(slices: Iterable<BalanceSlice>) {
    for (const slice of slices) {
      const list = this.slicesByAccount.get(slice.account)
      if (list) list.push(slice)
      else this.slicesByAccount.set(slice.account, [slice])
    }
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

  /** Σ movements of the pattern's leaves over periods <= `period`. */
  cumulative(pattern: string, period: string, filter: SliceFilter): Readonly<Sums> {
    const series = this.seriesOf(pattern, filter)
    // last index whose period <= `period`
    let low = 0
    let high = series.periods.length - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >> 1
      if ((series.periods[middle] ?? '') <= period) {
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
    const key = `${leaf}\u0000${filter.store ?? '\u0001'}\u0000${filter.currency ?? '\u0001'}`
    const cached = this.leafSums.get(key)
    if (cached) return cached
    const byPeriod = new Map<string, Sums>()
    for (const slice of this.slicesByAccount.get(leaf) ?? []) {
      if (filter.store !== null && slice.store !== filter.store) continue
      if (filter.currency !== null && slice.currency !== filter.currency) continue
      addSlice(byPeriod, slice, filter.currency !== null)
    }
    this.leafSums.set(key, byPeriod)
    return byPeriod
  }

  private seriesOf(pattern: string, filter: SliceFilter): Series {
    const key = `${pattern}\u0000${filter.store ?? '\u0001'}\u0000${filter.currency ?? '\u0001'}`
    const cached = this.series.get(key)
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
    this.series.set(key, series)
    return series
  }
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
