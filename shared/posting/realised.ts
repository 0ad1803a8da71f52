import { Decimal, type Minor, convert, formatAmount, parseAmount, toDecimal } from '../money.ts'
import type { VoucherLineInput } from '../voucher.ts'
import type { VoucherDraft } from './summarise.ts'

/**
 * Realised exchange differences (已实现汇兑损益) booked when foreign money is
 * settled, not left for revaluation. Each foreign-currency monetary balance
 * (account x store x currency) is a pool carried at a moving-average rate:
 * money into the pool is booked at the day's rate; money out of it at the
 * pool's carrying rate (账面汇率 = carried base / original), and the last unit
 * out takes the remaining base exactly. The difference between what the
 * counter-lines book at the day's rate and what leaves the pool goes to
 * 财务费用-汇兑损益 on the same voucher. So a pool whose foreign balance is
 * zero has a base balance of zero: no CNY residue in 1122 or the wallet after
 * a USD order is settled and paid out. Pure.
 *
 * Within one business date, money into pools is taken before money out of
 * them (a payout on the day of its settlements empties what they brought).
 */
export interface Pool {
  /** debit-positive, foreign minor units */
  original: bigint
  /** debit-positive, base minor units (including revaluations carried) */
  base: bigint
}

export interface RealisedOptions {
  readonly baseCurrency: string
  /** true for the accounts whose foreign balances are pooled (monetary items) */
  readonly isMonetary: (account: string) => boolean
  /** pools before the first draft: key poolKey(account, store, currency) */
  readonly pools: Map<string, Pool>
  /** 汇兑损益 account of a store */
  readonly gainLoss: (store: string) => string
}

export const poolKey = (account: string, store: string, currency: string): string => `${account}\u0000${store}\u0000${currency}`

const REALISED_LABEL = '汇兑损益(已实现)'

/** Rate that converts `original` to exactly `base` (both positive), 10 places; null when none does. */
export function carryingRate(original: bigint, base: bigint, currency: string, baseCurrency: string): string | null {
  if (original <= 0n || base <= 0n) return null
  const rate = toDecimal(base as Minor, baseCurrency).dividedBy(toDecimal(original as Minor, currency)).toDecimalPlaces(10, Decimal.ROUND_HALF_UP)
  if (rate.greaterThanOrEqualTo(1e8)) return null
  const text = rate.toFixed(10).replace(/0+$/, '').replace(/\.$/, '')
  const withPlaces = text.includes('.') && text.split('.')[1]!.length >= 4 ? text : rate.toFixed(4)
  return convert(original as Minor, currency, baseCurrency, withPlaces) === base ? withPlaces : null
}

const divideHalfUp = (numerator: bigint, denominator: bigint): bigint => {
  const negative = (numerator < 0n) !== (denominator < 0n)
  const a = numerator < 0n ? -numerator : numerator
  const b = denominator < 0n ? -denominator : denominator
  const quotient = (2n * a + b) / (2n * b)
  return negative ? -quotient : quotient
}

interface Parsed {
  readonly line: VoucherLineInput
  readonly signed: bigint
}

function parseLine(line: VoucherLineInput, baseCurrency: string): Parsed {
  const currency = line.currency ?? baseCurrency
  const amount = parseAmount(line.debit ?? line.credit ?? '0', currency)
  return { line, signed: line.debit !== undefined ? amount : -amount }
}

function baseOfLine(line: VoucherLineInput, baseCurrency: string): bigint {
  const currency = line.currency ?? baseCurrency
  const amount = parseAmount(line.debit ?? line.credit ?? '0', currency)
  const base = currency === baseCurrency ? amount : convert(amount, currency, baseCurrency, line.rate ?? '1')
  return line.debit !== undefined ? base : -base
}

/** Asset pools grow on the debit side, liability pools on the credit side. */
const grows = (account: string, signed: bigint): boolean => (account.startsWith('2') ? signed < 0n : signed > 0n)

/**
 * Re-rates the lines of `drafts` that take money out of a foreign monetary pool
 * and adds the realised difference, per store, on 汇兑损益. Drafts come in date
 * order; the pools are updated in place.
 */
export function applyCarryingRates(drafts: ReadonlyArray<VoucherDraft>, options: RealisedOptions): VoucherDraft[] {
  const { baseCurrency, pools } = options
  const foreignPooled = (line: VoucherLineInput) => line.currency !== undefined && line.currency !== baseCurrency && options.isMonetary(line.account)
  const result: VoucherDraft[] = drafts.map((draft) => draft)
  const byDate = new Map<string, number[]>()
  drafts.forEach((draft, index) => byDate.set(draft.input.date, [...(byDate.get(draft.input.date) ?? []), index]))
  for (const indexes of byDate.values()) {
    // money in first, at the day's rate
    for (const index of indexes) {
      for (const line of drafts[index]!.input.lines) {
        if (!foreignPooled(line)) continue
        const { signed } = parseLine(line, baseCurrency)
        if (!grows(line.account, signed)) continue
        const key = poolKey(line.account, line.store ?? '', line.currency!)
        const pool = pools.get(key) ?? { original: 0n, base: 0n }
        pool.original += signed
        pool.base += baseOfLine(line, baseCurrency)
        pools.set(key, pool)
      }
    }
    // then money out, at the carrying rate
    for (const index of indexes) {
      const draft = drafts[index]!
      if (!draft.input.lines.some((line) => foreignPooled(line) && !grows(line.account, parseLine(line, baseCurrency).signed))) continue
      const lines: VoucherLineInput[] = []
      const realised = new Map<string, bigint>()
      for (const line of draft.input.lines) {
        const parsed = parseLine(line, baseCurrency)
        if (!foreignPooled(line) || grows(line.account, parsed.signed)) {
          lines.push(line)
          continue
        }
        const currency = line.currency!
        const store = line.store ?? ''
        const key = poolKey(line.account, store, currency)
        const pool = pools.get(key) ?? { original: 0n, base: 0n }
        const dayBase = baseOfLine(line, baseCurrency)
        const magnitude = parsed.signed < 0n ? -parsed.signed : parsed.signed
        const available = pool.original === 0n || (pool.original > 0n) === (parsed.signed > 0n) ? 0n : (pool.original < 0n ? -pool.original : pool.original)
        const fromPool = magnitude < available ? magnitude : available
        let bookedBase = 0n
        if (fromPool > 0n) {
          const share = fromPool === available ? -pool.base : divideHalfUp(-pool.base * fromPool, available)
          const rate = carryingRate(fromPool, share < 0n ? -share : share, currency, baseCurrency)
          const sideOf = parsed.signed > 0n ? 'debit' : 'credit'
          if (rate !== null && (share > 0n) === (parsed.signed > 0n)) {
            const { debit: _debit, credit: _credit, ...rest } = line
            lines.push({ ...rest, rate, [sideOf]: formatAmount(fromPool, currency) })
            bookedBase += share
          } else {
            const { debit: _debit, credit: _credit, ...rest } = line
            const partial = { ...rest, [sideOf]: formatAmount(fromPool, currency) }
            lines.push(partial)
            bookedBase += baseOfLine(partial, baseCurrency)
          }
          if (magnitude > fromPool) {
            const { debit: _debit, credit: _credit, ...rest } = line
            const excess = { ...rest, [sideOf]: formatAmount(magnitude - fromPool, currency) }
            lines.push(excess)
            bookedBase += baseOfLine(excess, baseCurrency)
          }
        } else {
          lines.push(line)
          bookedBase = dayBase
        }
        pool.original += parsed.signed
        pool.base += bookedBase
        pools.set(key, pool)
        // the line now books bookedBase instead of dayBase: the voucher is off by the difference
        realised.set(store, (realised.get(store) ?? 0n) + (bookedBase - dayBase))
      }
      for (const [store, delta] of realised) {
        if (delta === 0n) continue
        // delta > 0: more debit (or less credit) than before -> credit 汇兑损益 (gain); delta < 0: debit (loss)
        const amount = formatAmount(delta > 0n ? delta : -delta, baseCurrency)
        lines.push({ account: options.gainLoss(store), ...(store ? { store } : {}), ...(delta > 0n ? { credit: amount } : { debit: amount }), summary: `${draft.input.summary ?? ''} ${REALISED_LABEL}`.trim() })
      }
      const total = lines.reduce((sum, line) => (line.debit !== undefined ? sum + baseOfLine(line, baseCurrency) : sum), 0n)
      result[index] = { ...draft, input: { ...draft.input, lines }, total: total as Minor }
    }
  }
  return result
}
