import type { InValue } from '@libsql/client'
import type { LedgerContext } from '../ledger/context.ts'
import type { BalanceRow } from './balance-index.ts'
import { type Membership, membershipsOf } from '../auth/users.ts'

/** The queries of a batch: memberships (1), then per company chart (1) and balances (1). */
export type { Membership }

export async function loadMemberships(context: LedgerContext, userId: number): Promise<Map<string, Membership>> {
  const memberships = await membershipsOf(context, userId)
  return new Map(memberships.map((membership) => [membership.companyCode, membership]))
}

export interface BalanceQuery {
  readonly companyId: number
  /** last period any call reads */
  readonly to: string
  /** null = every store is needed */
  readonly stores: ReadonlySet<string> | null
}

/**
 * One range scan of `balances_period (company_id, period)`: every row a batch
 * can need. Its size is accounts x periods x stores x currencies, independent
 * of the number of voucher lines.
 */
export async function loadBalanceRows(context: LedgerContext, query: BalanceQuery): Promise<BalanceRow[]> {
  const conditions = ['company_id = ?', 'period <= ?']
  const args: InValue[] = [query.companyId, query.to]
  if (query.stores !== null) {
    conditions.push(`store IN (${[...query.stores].map(() => '?').join(',')})`)
    args.push(...query.stores)
  }
  const result = await context.db.client.execute({
    sql: `SELECT account_code, period, store, currency, debit_minor, credit_minor, debit_original_minor, credit_original_minor FROM balances WHERE ${conditions.join(' AND ')}`,
    args,
  })
  const rows: BalanceRow[] = new Array(result.rows.length)
  let index = 0
  for (const row of result.rows) {
    rows[index] = {
      account: String(row.account_code), period: String(row.period), store: String(row.store), currency: String(row.currency),
      debit: toBigInt(row.debit_minor), credit: toBigInt(row.credit_minor),
      debitOriginal: toBigInt(row.debit_original_minor), creditOriginal: toBigInt(row.credit_original_minor),
    }
    index += 1
  }
  return rows
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value)
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value)
  throw new Error(`invariant violated: balance column holds ${String(value)}`)
}
