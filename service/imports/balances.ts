import { formatAmount } from '../../shared/money.ts'
import type { CanonicalRecord } from '../../shared/records.ts'
import type { Check } from './types.ts'

/**
 * The running balance a file states (账户余额, 账户结余, a bank statement's 余额), checked
 * row by row: the records of a row (a payment and its fee) move the balance from the
 * previous row's figure to this row's. Files run oldest first or newest first, so both
 * directions are tried and the one that holds is kept. A row without a balance restarts
 * the chain. Balances are kept per account (bank) or channel and currency (wallets).
 */
interface Row {
  rowNumber: number
  sheet?: string
  sum: bigint
  balance: bigint | undefined
}

interface Chain {
  currency: string
  current: Row | null
  previous: Row | null
  pairs: number
  ascending: string[]
  descending: string[]
}

export class BalanceChecks {
  private readonly chains = new Map<string, Chain>()

  see(item: CanonicalRecord, rowNumber: number, sheet: string | undefined): void {
    if (item.kind !== 'settlementTxn' && item.kind !== 'bankTxn') return
    const record = item.record
    const key = item.kind === 'bankTxn' ? `b|${item.record.account}|${record.currency}` : `s|${item.record.channel}|${record.currency}`
    let chain = this.chains.get(key)
    if (!chain) {
      chain = { currency: record.currency, current: null, previous: null, pairs: 0, ascending: [], descending: [] }
      this.chains.set(key, chain)
    }
    if (chain.current && (chain.current.rowNumber !== rowNumber || chain.current.sheet !== sheet)) this.close(chain)
    chain.current ??= { rowNumber, ...(sheet === undefined ? {} : { sheet }), sum: 0n, balance: undefined }
    chain.current.sum += record.amount
    if (record.balanceAfter !== undefined) chain.current.balance = record.balanceAfter
  }

  private close(chain: Chain): void {
    const row = chain.current
    chain.current = null
    if (!row) return
    const before = chain.previous
    chain.previous = row
    if (row.balance === undefined || before === null || before.balance === undefined) return
    chain.pairs += 1
    const money = (value: bigint) => formatAmount(value, chain.currency)
    if (before.balance + row.sum !== row.balance) chain.ascending.push(`row ${row.rowNumber}: ${money(before.balance)} + ${money(row.sum)} ≠ ${money(row.balance)}`)
    if (row.balance + before.sum !== before.balance) chain.descending.push(`row ${before.rowNumber}: ${money(row.balance)} + ${money(before.sum)} ≠ ${money(before.balance)}`)
  }

  checks(): Check[] {
    const out: Check[] = []
    for (const chain of this.chains.values()) {
      this.close(chain)
      if (chain.pairs === 0) continue
      const breaks = chain.ascending.length <= chain.descending.length ? chain.ascending : chain.descending
      if (breaks.length === 0) out.push({ level: 'info', code: 'BALANCE_OK', message: `the running balance agrees with the amounts on all ${chain.pairs + 1} rows that state one` })
      // A warning, not an error: a gap in the balance is also what a partial export (rows filtered
      // out, a later page) looks like; the stated totals are what block an import.
      else out.push({ level: 'warning', code: 'BALANCE_MISMATCH', message: `the running balance the file states does not follow from its amounts on ${breaks.length} of ${chain.pairs} row(s): ${breaks.slice(0, 5).join('; ')}${breaks.length > 5 ? '; …' : ''}` })
    }
    return out
  }
}
