import { LedgerError } from '../../shared/errors.ts'
import type { LedgerContext } from './context.ts'
import { voucherOriginRow, voucherRevaluationRows, voucherSourceRows } from './queries.ts'

/**
 * What a voucher was made from (issue #16.6): the source records linked when it
 * was written (orders, settlement txns, bank lines, matches …), and for vouchers
 * made by the ledger itself the thing they derive from — a reversal its original
 * voucher, a revaluation the balances it restated (fx_revaluations), 结转损益
 * and VAT month-end their period. `voucher show` lists them.
 */
export interface VoucherSourceRef {
  readonly kind: string
  readonly id: string
}

export async function voucherSourcesOf(context: LedgerContext, companyId: number, voucherId: number): Promise<VoucherSourceRef[]> {
  const voucher = await voucherOriginRow(context.db.client, companyId, voucherId)
  const row = voucher.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no voucher #${voucherId}`)
  const sources: VoucherSourceRef[] = []
  if (row.reversal_of !== null) sources.push({ kind: 'voucher', id: String(row.reversal_of) })
  const linked = await voucherSourceRows(context.db.client, companyId, voucherId)
  for (const source of linked.rows) sources.push({ kind: String(source.source_kind), id: String(source.source_id) })
  const kind = String(row.source_kind)
  if (kind === 'revaluation') {
    const restated = await voucherRevaluationRows(context.db.client, companyId, voucherId)
    for (const item of restated.rows) sources.push({ kind: 'fxRevaluation', id: `${String(item.account_code)}${item.store ? `/${String(item.store)}` : ''} ${String(item.currency)} @ ${String(item.rate)}` })
  }
  if (kind === 'closing' || kind === 'vat.month-end') sources.push({ kind: 'period', id: String(row.period) })
  return sources
}

/** One line for the command line: the first sources and how many there are. */
export function describeSources(sources: ReadonlyArray<VoucherSourceRef>, shown = 20): string {
  if (sources.length === 0) return 'sources: none (keyed by hand)'
  const listed = sources.slice(0, shown).map((source) => `${source.kind} ${source.id}`).join('; ')
  return `sources (${sources.length}): ${listed}${sources.length > shown ? `; … ${sources.length - shown} more` : ''}`
}
