import type { InValue, Transaction } from '@libsql/client'
import type { VoucherLine } from '../../../shared/voucher.ts'
import { multiRowInsert } from '../../db/connection.ts'

export interface BalanceDelta {
  debit: bigint
  credit: bigint
  debitOriginal: bigint
  creditOriginal: bigint
}

/**
 * Balance movements keyed period -> account -> store -> currency (nested maps,
 * so adding a line allocates nothing once its key exists).
 */
export class BalanceDeltas {
  private readonly periods = new Map<string, Map<string, Map<string, Map<string, BalanceDelta>>>>()

  add(period: string, line: Pick<VoucherLine, 'account' | 'store' | 'currency' | 'side' | 'amount' | 'original'>): void {
    let accounts = this.periods.get(period)
    if (!accounts) this.periods.set(period, (accounts = new Map()))
    let stores = accounts.get(line.account)
    if (!stores) accounts.set(line.account, (stores = new Map()))
    let currencies = stores.get(line.store)
    if (!currencies) stores.set(line.store, (currencies = new Map()))
    let delta = currencies.get(line.currency)
    if (!delta) currencies.set(line.currency, (delta = { debit: 0n, credit: 0n, debitOriginal: 0n, creditOriginal: 0n }))
    if (line.side === 'debit') {
      delta.debit += line.amount
      delta.debitOriginal += line.original
    } else {
      delta.credit += line.amount
      delta.creditOriginal += line.original
    }
  }

  /** One multi-row upsert per chunk into the materialized balances. */
  async write(tx: Transaction, companyId: number): Promise<void> {
    const rows: InValue[][] = []
    for (const [period, accounts] of this.periods) {
      for (const [account, stores] of accounts) {
        for (const [store, currencies] of stores) {
          for (const [currency, delta] of currencies) rows.push([companyId, account, period, store, currency, delta.debit, delta.credit, delta.debitOriginal, delta.creditOriginal])
        }
      }
    }
    const suffix = ' ON CONFLICT (company_id, account_code, period, store, currency) DO UPDATE SET debit_minor = debit_minor + excluded.debit_minor, credit_minor = credit_minor + excluded.credit_minor, debit_original_minor = debit_original_minor + excluded.debit_original_minor, credit_original_minor = credit_original_minor + excluded.credit_original_minor'
    for (const statement of multiRowInsert('INSERT INTO balances (company_id, account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor) VALUES', 9, rows, suffix)) {
      await tx.execute(statement)
    }
  }
}

/** Adds posted lines to the materialized balances with one multi-row upsert per chunk. */
export async function applyBalances(tx: Transaction, companyId: number, period: string | null, lines: ReadonlyArray<VoucherLine & { period?: string }> | ReadonlyArray<{ period: string; lines: ReadonlyArray<VoucherLine> }>): Promise<void> {
  const deltas = new BalanceDeltas()
  for (const item of lines) {
    if ('lines' in item) for (const line of item.lines) deltas.add(item.period, line)
    else deltas.add(item.period ?? period ?? '', item)
  }
  await deltas.write(tx, companyId)
}
