import type { ValidVoucher, VoucherLine } from './voucher.ts'

/**
 * A pure in-memory reference ledger (TigerBeetle's "auditor" idea): replays
 * the same vouchers as the database and must report the same balances.
 */
export interface ReferenceLedger {
  /** account -> closing balance, debit positive, base minor units */
  readonly balances: Map<string, bigint>
  readonly debit: Map<string, bigint>
  readonly credit: Map<string, bigint>
}

export function emptyLedger(): ReferenceLedger {
  return { balances: new Map(), debit: new Map(), credit: new Map() }
}

export function applyLines(ledger: ReferenceLedger, lines: ReadonlyArray<Pick<VoucherLine, 'account' | 'side' | 'amount'>>): void {
  for (const line of lines) {
    const signed = line.side === 'debit' ? line.amount : -line.amount
    ledger.balances.set(line.account, (ledger.balances.get(line.account) ?? 0n) + signed)
    const column = line.side === 'debit' ? ledger.debit : ledger.credit
    column.set(line.account, (column.get(line.account) ?? 0n) + line.amount)
  }
}

export function applyVoucher(ledger: ReferenceLedger, voucher: Pick<ValidVoucher, 'lines'>): void {
  applyLines(ledger, voucher.lines)
}

export function totalBalance(ledger: ReferenceLedger): bigint {
  let total = 0n
  for (const value of ledger.balances.values()) total += value
  return total
}
