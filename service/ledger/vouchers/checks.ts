import type { Transaction } from '@libsql/client'
import { LedgerError } from '../../../shared/errors.ts'
import type { VoucherStatus } from '../../../shared/voucher.ts'
import { multiRowInsert } from '../../db/connection.ts'
import type { Prepared, VoucherResult } from './types.ts'

function placeholders(count: number): string {
  return new Array(count).fill('?').join(',')
}

/** Ensures period rows exist and every period touched is open. */
export async function assertPeriodsOpen(tx: Transaction, companyId: number, periodList: Iterable<string>): Promise<void> {
  const unique = [...new Set(periodList)]
  if (unique.length === 0) return
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO periods (company_id, period, status) VALUES', 3, unique.map((period) => [companyId, period, 'open']))) await tx.execute(statement)
  const closed = await tx.execute({ sql: `SELECT period FROM periods WHERE company_id = ? AND status = 'closed' AND period IN (${placeholders(unique.length)})`, args: [companyId, ...unique] })
  if (closed.rows.length) {
    const list = closed.rows.map((row) => String(row.period)).join(', ')
    throw new LedgerError('PERIOD_CLOSED', `period ${list} is closed; reopen it (admin) or date the voucher in an open period`, { periods: list })
  }
}

/** Replays of idempotency keys: same input returns the stored voucher, a different input is a conflict. */
export async function findReplays(tx: Transaction, companyId: number, prepared: ReadonlyArray<Prepared>): Promise<Map<string, VoucherResult>> {
  const byKey = new Map<string, Prepared>()
  for (const item of prepared) {
    const key = item.voucher.idempotencyKey
    if (key === null) continue
    if (byKey.has(key)) throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" appears twice in one request`)
    byKey.set(key, item)
  }
  const keys = [...byKey.keys()]
  const replays = new Map<string, VoucherResult>()
  // One statement per 5,000 keys through json_each (the IN list is probed on
  // vouchers_idempotency_unique), instead of one 500-placeholder statement per 500.
  for (let start = 0; start < keys.length; start += 5000) {
    const chunk = keys.slice(start, start + 5000)
    const existing = await tx.execute({ sql: 'SELECT id, period, word, number, status, idempotency_key, input_hash FROM vouchers WHERE company_id = ? AND idempotency_key IN (SELECT value FROM json_each(?))', args: [companyId, JSON.stringify(chunk)] })
    for (const row of existing.rows) {
      const key = String(row.idempotency_key)
      const item = byKey.get(key)
      if (item && item.inputHash !== String(row.input_hash)) {
        throw new LedgerError('IDEMPOTENCY_CONFLICT', `idempotency key "${key}" was already used for a different voucher (id ${row.id})`, { id: Number(row.id) })
      }
      replays.set(key, { id: Number(row.id), period: String(row.period), word: String(row.word), number: row.number === null ? null : Number(row.number), status: String(row.status) as VoucherStatus, replayed: true })
    }
  }
  return replays
}

export function assertSourcesDistinct(prepared: ReadonlyArray<Prepared>): void {
  const seen = new Set<string>()
  for (const item of prepared) {
    for (const source of item.sources) {
      const key = `${source.kind}\u0000${source.id}`
      if (seen.has(key)) throw new LedgerError('DUPLICATE', `source ${source.kind} ${source.id} appears in two vouchers of one request`)
      seen.add(key)
    }
  }
}

/** Names the source that is already on a voucher (throws DUPLICATE), if any. */
export async function assertSourcesUnposted(tx: Transaction, companyId: number, prepared: ReadonlyArray<Prepared>): Promise<void> {
  const all = prepared.flatMap((item) => item.sources)
  assertSourcesDistinct(prepared)
  for (let start = 0; start < all.length; start += 400) {
    const chunk = all.slice(start, start + 400)
    // A row-value IN (VALUES …) lets SQLite use the whole unique index; an OR of
    // pairs used only its company_id prefix and scanned every source of the company.
    const values = chunk.map(() => '(?, ?)').join(', ')
    const found = await tx.execute({ sql: `SELECT source_kind, source_id, voucher_id FROM voucher_sources WHERE company_id = ? AND (source_kind, source_id) IN (VALUES ${values}) LIMIT 1`, args: [companyId, ...chunk.flatMap((source) => [source.kind, source.id])] })
    const row = found.rows[0]
    if (row) throw new LedgerError('DUPLICATE', `source ${row.source_kind} ${row.source_id} is already on voucher id ${row.voucher_id}`)
  }
}

/** Next voucher numbers per period + word, read inside the write transaction. */
export async function nextNumbers(tx: Transaction, companyId: number, keys: Iterable<string>): Promise<Map<string, number>> {
  const next = new Map<string, number>()
  for (const key of new Set(keys)) {
    const [period, word] = key.split('\u0000')
    const result = await tx.execute({ sql: "SELECT COALESCE(MAX(number), 0) AS top FROM vouchers WHERE company_id = ? AND period = ? AND word = ? AND status = 'posted'", args: [companyId, period ?? '', word ?? ''] })
    next.set(key, Number(result.rows[0]?.top ?? 0) + 1)
  }
  return next
}

export async function registerStores(tx: Transaction, companyId: number, stores: Iterable<string>): Promise<void> {
  const codes = [...new Set(stores)].filter((store) => store !== '')
  for (const statement of multiRowInsert('INSERT OR IGNORE INTO stores (company_id, code, name) VALUES', 3, codes.map((code) => [companyId, code, code]))) await tx.execute(statement)
}

export function storesOf(prepared: ReadonlyArray<Prepared>): Set<string> {
  const stores = new Set<string>()
  for (const item of prepared) for (const line of item.voucher.lines) stores.add(line.store)
  return stores
}
