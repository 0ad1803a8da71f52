import { type Minor, vatOfGross } from '../money.ts'
import type { Entry, EntryLine, PostingAccounts, StoreProfile } from './types.ts'

/**
 * Input VAT on platform charges (issue #16.5): when the platform issues a 专票
 * for a fee type, the company names that fee type's tax code (settings
 * `vat.feeTaxCodes`, e.g. commission: GENERAL_6), and every base-currency line
 * on that fee's expense account is split into the net expense and 进项税额
 * (2221.01.01) at the code's rate on the entry date: VAT = round(G − G/(1+r)),
 * net = G − VAT, so the entry still balances. General taxpayers only. Pure.
 */
export const FEE_ROLES = ['commission', 'paymentFee', 'promotion', 'otherPlatformCharge'] as const satisfies ReadonlyArray<keyof PostingAccounts>
export type FeeRole = (typeof FEE_ROLES)[number]

export interface FeeVatOptions {
  readonly baseCurrency: string
  readonly inputVatAccount: string
  readonly stores: ReadonlyMap<string, StoreProfile>
  /** rate of the fee role's tax code on a date, undefined when the fee carries no deductible VAT */
  readonly rateOf: (role: FeeRole, date: string) => string | undefined
}

export function withFeeInputVat(entries: ReadonlyArray<Entry>, options: FeeVatOptions): Entry[] {
  return entries.map((entry) => {
    if (entry.kind !== 'settlement' && entry.kind !== 'charge') return entry
    const store = options.stores.get(entry.store)
    if (!store) return entry
    let changed = false
    const lines: EntryLine[] = []
    for (const line of entry.lines) {
      const role = line.currency === options.baseCurrency ? FEE_ROLES.find((candidate) => store.accounts[candidate] === line.account) : undefined
      const rate = role === undefined ? undefined : options.rateOf(role, entry.date)
      if (rate === undefined || /^0(\.0*)?$/.test(rate)) {
        lines.push(line)
        continue
      }
      const { net, vat } = vatOfGross(line.original, rate, line.currency)
      if (vat === 0n) {
        lines.push(line)
        continue
      }
      changed = true
      lines.push({ ...line, original: net, base: net })
      lines.push({ ...line, account: options.inputVatAccount, original: vat as Minor, base: vat as Minor, label: '进项税额' })
    }
    return changed ? { ...entry, lines } : entry
  })
}
