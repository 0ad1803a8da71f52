import type { InValue, ResultSet } from '@libsql/client'
import type { LedgerContext } from '../ledger/context.ts'
import { type BalanceSlice, type MutableSlice, emptySlice } from './balance-index.ts'
import { type Membership, membershipsOf } from '../auth/users.ts'
import { packedBalanceRows } from '../ledger/balances.ts'

/**
 * The queries of a batch: memberships, then per company the chart, the ledger version and, on a cache miss, the balances;
 * and the extra tables' reads of extras.ts. The functions area's SQL lives here (data access rule, docs/decisions.d/h-data.md).
 */
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
  return packedBalances(context, companyId, baseCurrency, '', [])
}

async function packedBalances(context: LedgerContext, companyId: number, baseCurrency: string, where: string, args: ReadonlyArray<string>): Promise<BalanceSlice[]> {
  const slices: BalanceSlice[] = []
  for (const row of await packedBalanceRows(context.db.client, companyId, baseCurrency, where, args)) slices.push(...unpack(row.account, row.entries))
  return slices
}

/** What changed a company's balances between two ledger versions: the (account, period) pairs and their current rows, or `reload`. */
export type BalanceChanges =
  | { readonly kind: 'reload'; readonly reason: string }
  | { readonly kind: 'changes'; readonly changed: ReadonlyMap<string, ReadonlySet<string>>; readonly fresh: BalanceSlice[] }

/** Audit actions that write balances (service/ledger/vouchers.ts: applyBalances runs only beside these). */
const POSTING_ACTIONS: ReadonlySet<string> = new Set(['voucher.post', 'voucher.reverse'])
/** Audit actions known to leave balances alone; anything else in between forces a full reload. */
const NEUTRAL_ACTION = /^(voucher\.(create|create\.batch|approve|delete)$|period\.(close|reopen)$|match\.|exception\.|token\.|user\.|rates\.)/
const CHANGE_ENTRIES_MAX = 500
const CHANGED_VOUCHERS_MAX = 5_000
const CHANGED_PAIRS_MAX = 2_000
const VOUCHERS_PER_QUERY = 500
const PAIRS_PER_QUERY = 400

/**
 * The balances a company's cached index must refresh between versions
 * `since` and `until` of the ledger: the audit entries in between name every
 * voucher posted or reversed (a period close posts 结转损益 and FX revaluation
 * as such vouchers, each with its own entry), their lines name the (account,
 * period) pairs touched, and those pairs' rows are re-read whole: absolute
 * figures, so a write landing during the refresh is simply re-read by the
 * next one. Falls back to `reload` for unknown actions or large changes.
 */
export async function loadBalanceChanges(context: LedgerContext, companyId: number, baseCurrency: string, since: number, until: number): Promise<BalanceChanges> {
  const entries = await context.db.client.execute({
    sql: 'SELECT action, entity_id, payload_json FROM audit_log WHERE id > ? AND id <= ? AND (company_id = ? OR company_id IS NULL) ORDER BY id LIMIT ?',
    args: [since, until, companyId, CHANGE_ENTRIES_MAX + 1],
  })
  if (entries.rows.length > CHANGE_ENTRIES_MAX) return { kind: 'reload', reason: 'many writes' }
  const vouchers = new Set<number>()
  for (const row of entries.rows) {
    const action = String(row.action)
    if (action === 'voucher.post.batch') {
      const payload: unknown = JSON.parse(String(row.payload_json))
      const listed = typeof payload === 'object' && payload !== null && 'vouchers' in payload ? payload.vouchers : undefined
      if (!Array.isArray(listed)) return { kind: 'reload', reason: 'unreadable batch entry' }
      for (const entry of listed) {
        const id: unknown = Array.isArray(entry) ? entry[0] : undefined
        if (typeof id !== 'number' || !Number.isInteger(id)) return { kind: 'reload', reason: 'unreadable batch entry' }
        vouchers.add(id)
      }
    } else if (POSTING_ACTIONS.has(action)) {
      const id = Number(String(row.entity_id))
      if (!Number.isInteger(id)) return { kind: 'reload', reason: 'unreadable posting entry' }
      vouchers.add(id)
    } else if (!NEUTRAL_ACTION.test(action)) {
      return { kind: 'reload', reason: action }
    }
  }
  if (vouchers.size > CHANGED_VOUCHERS_MAX) return { kind: 'reload', reason: 'many vouchers' }
  const changed = new Map<string, Set<string>>()
  let pairs = 0
  const ids = [...vouchers]
  for (let start = 0; start < ids.length; start += VOUCHERS_PER_QUERY) {
    const chunk = ids.slice(start, start + VOUCHERS_PER_QUERY)
    const lines = await context.db.client.execute({
      // `+company_id`: look lines up by voucher (primary key), never by the company's account index
      sql: `SELECT DISTINCT account_code, period FROM voucher_lines WHERE voucher_id IN (${chunk.map(() => '?').join(', ')}) AND +company_id = ?`,
      args: [...chunk, companyId],
    })
    for (const row of lines.rows) {
      const account = String(row.account_code)
      const periods = changed.get(account) ?? new Set<string>()
      const before = periods.size
      periods.add(String(row.period))
      pairs += periods.size - before
      changed.set(account, periods)
    }
    if (pairs > CHANGED_PAIRS_MAX) return { kind: 'reload', reason: 'many balances' }
  }
  const list = [...changed].flatMap(([account, periods]) => [...periods].map((period) => [account, period]))
  const fresh: BalanceSlice[] = []
  for (let start = 0; start < list.length; start += PAIRS_PER_QUERY) {
    const chunk = list.slice(start, start + PAIRS_PER_QUERY)
    fresh.push(...await packedBalances(context, companyId, baseCurrency, ` AND (account_code, period) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`, chunk.flat()))
  }
  return { kind: 'changes', changed, fresh }
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
      slice = emptySlice(account, store, currency)
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

function placeholders(count: number): string {
  return new Array(count).fill('?').join(',')
}

/** MATCHRATE / UNMATCHED: match and open-exception counts per store and period. */
export async function reconciliationCountRows(context: LedgerContext, companyId: number, stores: ReadonlySet<string>): Promise<[ResultSet, ResultSet]> {
  const args: InValue[] = [companyId, ...stores]
  return Promise.all([
    context.db.client.execute({ sql: `SELECT store, period, COUNT(*) AS n FROM matches WHERE company_id = ? AND store IN (${placeholders(stores.size)}) AND status IN ('suggested', 'confirmed') GROUP BY store, period`, args }),
    context.db.client.execute({ sql: `SELECT store, period, type, COUNT(*) AS n FROM exceptions WHERE company_id = ? AND store IN (${placeholders(stores.size)}) AND status = 'open' AND live = 1 GROUP BY store, period, type`, args }),
  ])
}

/** ORDER: the named orders. */
export async function orderRows(context: LedgerContext, companyId: number, orderNumbers: ReadonlySet<string>): Promise<ResultSet> {
  return context.db.client.execute({
    sql: `SELECT channel, store, order_no, status, currency, created_at, paid_at, shipped_at, completed_at, cancelled_at, gross_minor, discount_minor, shipping_minor, tax_minor, refunded_minor, payment_ref FROM orders WHERE company_id = ? AND order_no IN (${placeholders(orderNumbers.size)})`,
    args: [companyId, ...orderNumbers],
  })
}

/** FX: rates of the named currencies up to `lastDate`. */
export async function rateRows(context: LedgerContext, membership: Membership, currencies: ReadonlySet<string>, lastDate: string): Promise<ResultSet> {
  return context.db.client.execute({
    sql: `SELECT currency, date, rate FROM exchange_rates WHERE company_id = ? AND base_currency = ? AND currency IN (${placeholders(currencies.size)}) AND date <= ? ORDER BY currency, date`,
    args: [membership.companyId, membership.baseCurrency, ...currencies, lastDate],
  })
}
