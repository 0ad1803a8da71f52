import { type Minor, convert, formatAmount } from '../money.ts'
import type { VoucherInput, VoucherLineInput } from '../voucher.ts'

/**
 * Period-end revaluation (期末汇兑损益): each foreign-currency balance of a
 * monetary account (platform wallets, receivables) is restated at the closing
 * rate; the difference to its carried base amount goes to 财务费用-汇兑损益.
 * The adjustment line is in base currency on the same account and store, so
 * the account's base balance becomes original x closing rate exactly. Pure.
 */
export interface ForeignBalance {
  readonly account: string
  readonly store: string
  readonly currency: string
  /** debit-positive balance in the foreign currency, minor units */
  readonly original: bigint
  /** debit-positive base balance carried for that currency (incl. earlier revaluations) */
  readonly base: bigint
}

export interface Revaluation {
  readonly balance: ForeignBalance
  readonly rate: string
  /** debit-positive change of the base balance */
  readonly adjustment: bigint
}

export function revaluations(balances: ReadonlyArray<ForeignBalance>, baseCurrency: string, closingRate: (currency: string) => string | undefined): Revaluation[] {
  const result: Revaluation[] = []
  for (const balance of balances) {
    const rate = closingRate(balance.currency)
    if (rate === undefined) continue
    const target = convert(balance.original as Minor, balance.currency, baseCurrency, rate)
    const adjustment = target - balance.base
    if (adjustment !== 0n) result.push({ balance, rate, adjustment })
  }
  return result
}

/**
 * The revaluation voucher, or null when nothing moves.
 * @example revaluationVoucher([...], '2026-10-31', 'CNY', () => '5603.02')
 */
export function revaluationVoucher(items: ReadonlyArray<Revaluation>, date: string, baseCurrency: string, gainLossAccount: (store: string) => string): VoucherInput | null {
  if (items.length === 0) return null
  const lines: VoucherLineInput[] = []
  for (const { balance, rate, adjustment } of items) {
    const amount = formatAmount(adjustment < 0n ? -adjustment : adjustment, baseCurrency)
    const summary = `期末汇兑调整 ${balance.currency} @ ${rate}`
    const store = balance.store ? { store: balance.store } : {}
    if (adjustment > 0n) {
      lines.push({ account: balance.account, ...store, debit: amount, summary })
      lines.push({ account: gainLossAccount(balance.store), ...store, credit: amount, summary })
    } else {
      lines.push({ account: gainLossAccount(balance.store), ...store, debit: amount, summary })
      lines.push({ account: balance.account, ...store, credit: amount, summary })
    }
  }
  return { date, word: '记', summary: `期末汇兑损益 ${date.slice(0, 7)}`, lines }
}
