import { normalizeKey } from './keys.ts'

/**
 * Counterparts a person may pick for a manual match of an exception: the service
 * reads the records (service/matching/queries.ts), `rankCandidates` ranks them. Pure.
 */

/** Why a record is offered (see rankCandidates). */
export type CandidateFit = 'key' | 'amount'

export interface CandidateTarget {
  /** Normalised order key of the exception ('' when it has none). */
  readonly key: string
  /** Money the counterpart should carry (signed minor units). */
  readonly amount: bigint
  readonly tolerance: bigint
  /** Local date (YYYY-MM-DD…) the exception is anchored at. */
  readonly date: string
}

export interface CandidateInput<T> {
  readonly item: T
  /** Natural key of the record. */
  readonly ref: string
  /** Order number / order reference as stored (normalised here). */
  readonly key: string | undefined
  readonly amount: bigint
  readonly date: string
}

export interface RankedCandidate<T> {
  readonly item: T
  readonly ref: string
  readonly fits: CandidateFit[]
  /** |candidate amount - wanted amount|, minor units. */
  readonly off: bigint
  /** Candidate date minus the exception's date, in days. */
  readonly days: number
}

const MIN_KEY = 4

/** Normalised keys related as described above (equal keys included). */
export function keysRelated(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a]
  return short.length >= MIN_KEY && short.length * 2 >= long.length && long.startsWith(short)
}

/** The part of `key` that every related key contains (for a prefilter: SQL instr), or '' when no key can be related. */
export function keyProbe(key: string): string {
  return key.length < MIN_KEY ? '' : key.slice(0, Math.max(MIN_KEY, Math.ceil(key.length / 2)))
}

function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / 86_400_000)
}

/**
 * The counterparts worth offering for a manual match, best first, at most `limit`:
 *
 * - `key`: the normalised order numbers are related: one starts with the other,
 *   the shorter has at least 4 characters and at least half the length of the
 *   longer (`2001` ~ `2001-77`, `#1001` ~ `1001`, not `3012…` ~ `30`).
 * - `amount`: the candidate carries the missing money within the company
 *   tolerance: a txn for an order's exception carries -difference, an order for
 *   money without an order expects +difference.
 *
 * Ranked by what fits (key and amount, then key, then amount), then by how far
 * the amount is off, then by days apart, then by natural key; records that fit
 * neither are left out.
 *
 * @example rankCandidates({ key: '1001', amount: 5000n, tolerance: 0n, date: '2026-10-03' }, [{ item, ref: 'alipay|x9|payment', key: '1001-2', amount: 5000n, date: '2026-10-04' }])
 */
export function rankCandidates<T>(target: CandidateTarget, inputs: ReadonlyArray<CandidateInput<T>>, limit = 10): RankedCandidate<T>[] {
  const day = dayOf(target.date)
  const ranked: Array<RankedCandidate<T> & { score: number }> = []
  for (const input of inputs) {
    const fits: CandidateFit[] = []
    if (target.key !== '' && keysRelated(target.key, normalizeKey(input.key))) fits.push('key')
    const off = input.amount > target.amount ? input.amount - target.amount : target.amount - input.amount
    if (off <= target.tolerance) fits.push('amount')
    if (fits.length === 0) continue
    const score = (fits.includes('key') ? 2 : 0) + (fits.includes('amount') ? 1 : 0)
    ranked.push({ item: input.item, ref: input.ref, fits, off, days: dayOf(input.date) - day, score })
  }
  ranked.sort((a, b) => b.score - a.score || (a.off < b.off ? -1 : a.off > b.off ? 1 : 0) || Math.abs(a.days) - Math.abs(b.days) || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0))
  return ranked.slice(0, limit).map(({ item, ref, fits, off, days }) => ({ item, ref, fits, off, days }))
}
