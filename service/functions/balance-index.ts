import type { Account } from '../../shared/accounts.ts'
import { isWithin, matchesAccountPattern } from '../../shared/accounts.ts'

/**
 * In-memory view of one company's materialized balances (account x period x
 * store x currency), loaded with one query per batch. Answers cumulative sums
 * "up to period p" by binary search over lazily built, memoized series, so a
 * batch of thousands of calls costs one query plus O(calls x accounts matched).
 */
export interface BalanceRow {
  readonly account: string
  readonly period: string
  readonly store: string
  readonly currency: string
  readonly debit: bigint
  readonly credit: bigint
  readonly debitOriginal: bigint
  readonly creditOriginal: bigint
}

export interface Sums {
  debit: bigint
  credit: bigint
  debitOriginal: bigint
  creditOriginal: bigint
}

const ZERO_SUMS: Readonly<Sums> = Object.freeze({ debit: 0n, credit: 0n, debitOriginal: 0n, creditOriginal: 0n })

/** Periods ascending with running totals: cumulative[i] = Σ rows with period <= periods[i]. */
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
  private readonly rowsByAccount = new Map<string, BalanceRow[]>()
  private readonly series = new Map<string, Series>()
  private readonly patternLeaves = new Map<string, string[]>()

  constructor(
    readonly chart: ReadonlyMap<string, Account>,
    rows: Iterable<BalanceRow>,
  ) {
    for (const row of rows) {
      const list = this.rowsByAccount.get(row.account)
      if (list) list.push(row)
      else this.rowsByAccount.set(row.account, [row])
    }
  }

  /** Leaf codes (with balances or in the chart) covered by an exact code (rolls up) or a `5601*` prefix. */
  leavesOf(pattern: string): string[] {
    const cached = this.patternLeaves.get(pattern)
    if (cached) return cached
    const codes = new Set<string>()
    for (const account of this.chart.values()) if (account.isLeaf && covers(account.code, pattern)) codes.add(account.code)
    for (const code of this.rowsByAccount.keys()) if (covers(code, pattern)) codes.add(code)
    const leaves = [...codes].sort()
    this.patternLeaves.set(pattern, leaves)
    return leaves
  }

  /** Σ movements of the pattern's leaves over periods <= `period` (null = nothing, i.e. zero). */
  cumulative(pattern: string, period: string | null, filter: SliceFilter): Sums {
    const total: Sums = { ...ZERO_SUMS }
    if (period === null) return total
    for (const leaf of this.leavesOf(pattern)) add(total, this.at(leaf, period, filter))
    return total
  }

  /** Accounts (leaves) with any balance row, for trial balances. */
  accountsWithRows(): string[] {
    return [...this.rowsByAccount.keys()].sort()
  }

  at(leaf: string, period: string, filter: SliceFilter): Readonly<Sums> {
    const series = this.seriesOf(leaf, filter)
    // last index whose period <= `period`
    let low = 0
    let high = series.periods.length - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >> 1
      const candidate = series.periods[middle] ?? ''
      if (candidate <= period) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found === -1 ? ZERO_SUMS : (series.cumulative[found] ?? ZERO_SUMS)
  }

  private seriesOf(leaf: string, filter: SliceFilter): Series {
    const key = `${leaf}\u0000${filter.store ?? '\u0001'}\u0000${filter.currency ?? '\u0001'}`
    const cached = this.series.get(key)
    if (cached) return cached
    const byPeriod = new Map<string, Sums>()
    for (const row of this.rowsByAccount.get(leaf) ?? []) {
      if (filter.store !== null && row.store !== filter.store) continue
      if (filter.currency !== null && row.currency !== filter.currency) continue
      const sums = byPeriod.get(row.period) ?? { ...ZERO_SUMS }
      add(sums, row)
      byPeriod.set(row.period, sums)
    }
    const periods = [...byPeriod.keys()].sort()
    const running: Sums = { ...ZERO_SUMS }
    const cumulative = periods.map((period) => {
      add(running, byPeriod.get(period) ?? ZERO_SUMS)
      return { ...running }
    })
    const series = { periods, cumulative }
    this.series.set(key, series)
    return series
  }
}

function covers(code: string, pattern: string): boolean {
  return pattern.endsWith('*') ? matchesAccountPattern(code, pattern) : isWithin(code, pattern)
}

function add(target: Sums, source: Readonly<Sums>): void {
  target.debit += source.debit
  target.credit += source.credit
  target.debitOriginal += source.debitOriginal
  target.creditOriginal += source.creditOriginal
}

export function subtract(later: Readonly<Sums>, earlier: Readonly<Sums>): Sums {
  return {
    debit: later.debit - earlier.debit,
    credit: later.credit - earlier.credit,
    debitOriginal: later.debitOriginal - earlier.debitOriginal,
    creditOriginal: later.creditOriginal - earlier.creditOriginal,
  }
}
