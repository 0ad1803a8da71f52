import type { LedgerContext } from '../ledger/context.ts'
import type { BalanceSlice } from './balance-index.ts'
import { type Membership, membershipsOf } from '../auth/users.ts'

/** The queries of a batch: memberships, then per company the chart, the ledger version and, on a cache miss, the balances. */
export type { Membership }

export async function loadMemberships(context: LedgerContext, userId: number): Promise<Map<string, Membership>> {
  const memberships = await membershipsOf(context, userId)
  return new Map(memberships.map((membership) => [membership.companyCode, membership]))
}

/**
 * The ledger's version for caching: every write of balances appends to the
 * audit log in the same transaction (service/ledger/vouchers.ts), so the log's
 * last id changes whenever balances can have. O(1): the rowid's maximum.
 */
export async function ledgerVersion(context: LedgerContext): Promise<number> {
  const result = await context.db.client.execute('SELECT COALESCE(MAX(id), 0) AS version FROM audit_log')
  return Number(result.rows[0]?.version ?? 0)
}

/**
 * All materialized movements of a company in one scan of the primary key
 * (company, account, period, store, currency), packed by SQLite into one row
 * per account: the libSQL client is slow per row, not per byte. Original-
 * currency amounts travel only for foreign-currency rows (equal otherwise).
 * Size: accounts x periods x stores x currencies, independent of voucher lines.
 */
export async function loadBalanceSlices(context: LedgerContext, companyId: number, baseCurrency: string): Promise<BalanceSlice[]> {
  const result = await context.db.client.execute({
    sql: `SELECT account_code, group_concat(store || ',' || currency || ',' || period || ',' || debit_minor || ',' || credit_minor
        || CASE WHEN currency = ? THEN '' ELSE ',' || debit_original_minor || ',' || credit_original_minor END, ';') AS entries
      FROM balances WHERE company_id = ? GROUP BY account_code`,
    args: [baseCurrency, companyId],
  })
  const slices: BalanceSlice[] = []
  for (const row of result.rows) slices.push(...unpack(String(row.account_code), String(row.entries)))
  return slices
}

interface MutableSlice {
  readonly account: string
  readonly store: string
  readonly currency: string
  readonly periods: string[]
  readonly debit: bigint[]
  readonly credit: bigint[]
  readonly debitOriginal: bigint[]
  readonly creditOriginal: bigint[]
}

/** `store,currency,period,debit,credit[,debitOriginal,creditOriginal];...` -> slices per store x currency. */
function unpack(account: string, entries: string): MutableSlice[] {
  const slices = new Map<string, MutableSlice>()
  // Hand-rolled field scan: this runs for every balance row of a company on a cold batch.
  let start = 0
  while (start < entries.length) {
    let end = entries.indexOf(';', start)
    if (end === -1) end = entries.length
    const fields = entries.slice(start, end).split(',')
    start = end + 1
    if (fields.length !== 5 && fields.length !== 7) throw new Error(`invariant violated: balance entry of ${account} has ${fields.length} fields`)
    const store = fields[0] ?? ''
    const currency = fields[1] ?? ''
    const key = `${store}\u0000${currency}`
    let slice = slices.get(key)
    if (!slice) {
      slice = { account, store, currency, periods: [], debit: [], credit: [], debitOriginal: [], creditOriginal: [] }
      slices.set(key, slice)
    }
    // BigInt() throws a SyntaxError on anything but an integer: a corrupt row fails loudly.
    const debit = BigInt(fields[3] ?? '')
    const credit = BigInt(fields[4] ?? '')
    slice.periods.push(fields[2] ?? '')
    slice.debit.push(debit)
    slice.credit.push(credit)
    slice.debitOriginal.push(fields.length === 7 ? BigInt(fields[5] ?? '') : debit)
    slice.creditOriginal.push(fields.length === 7 ? BigInt(fields[6] ?? '') : credit)
  }
  return [...slices.values()]
}
