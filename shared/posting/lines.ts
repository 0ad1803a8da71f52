import { type Minor, convert } from '../money.ts'
import type { Side } from '../voucher.ts'
import type { EntryLine } from './types.ts'

/**
 * Builds the lines of one entry in one currency at one rate, and closes any
 * base-currency rounding difference (foreign lines convert one by one) on the
 * exchange gain/loss account, so every entry balances in base by construction.
 */
export interface LineBuilder {
  add(account: string, side: Side, amount: Minor | bigint, label: string): LineBuilder
  /** positive: debit, negative: credit, zero: nothing */
  signed(account: string, debitAmount: Minor | bigint, label: string): LineBuilder
  build(): EntryLine[]
}

export interface LineContext {
  readonly store: string
  readonly currency: string
  readonly baseCurrency: string
  /** rate to base; ignored for base-currency lines */
  readonly rate: string | null
  readonly roundingAccount: string
}

export function baseOf(amount: Minor, currency: string, baseCurrency: string, rate: string | null): Minor {
  if (currency === baseCurrency) return amount
  return convert(amount, currency, baseCurrency, rate ?? '1')
}

export function lineBuilder(context: LineContext): LineBuilder {
  const lines: EntryLine[] = []
  const foreign = context.currency !== context.baseCurrency
  const builder: LineBuilder = {
    add(account, side, amount, label) {
      if (amount === 0n) return builder
      if (amount < 0n) return builder.add(account, side === 'debit' ? 'credit' : 'debit', -amount, label)
      const original = amount as Minor
      lines.push({ account, store: context.store, side, currency: context.currency, original, rate: foreign ? context.rate : null, base: baseOf(original, context.currency, context.baseCurrency, context.rate), label })
      return builder
    },
    signed(account, debitAmount, label) {
      return builder.add(account, 'debit', debitAmount, label)
    },
    build() {
      return closeRounding(lines, context.store, context.baseCurrency, context.roundingAccount)
    },
  }
  return builder
}

/** Appends a base-currency line on `roundingAccount` when Σ debit != Σ credit in base. */
export function closeRounding(lines: ReadonlyArray<EntryLine>, store: string, baseCurrency: string, roundingAccount: string): EntryLine[] {
  let difference = 0n
  for (const line of lines) difference += line.side === 'debit' ? line.base : -line.base
  if (difference === 0n) return [...lines]
  const amount = (difference > 0n ? difference : -difference) as Minor
  return [...lines, { account: roundingAccount, store, side: difference > 0n ? 'credit' : 'debit', currency: baseCurrency, original: amount, rate: null, base: amount, label: '汇兑尾差' }]
}
