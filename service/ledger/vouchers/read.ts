import type { InValue, Transaction } from '@libsql/client'
import { LedgerError } from '../../../shared/errors.ts'
import { type Minor, formatAmount } from '../../../shared/money.ts'
import type { VoucherLine, VoucherStatus } from '../../../shared/voucher.ts'
import { getCompany } from '../company.ts'
import type { LedgerContext } from '../context.ts'

export interface StoredVoucher {
  readonly id: number
  readonly companyId: number
  readonly period: string
  readonly word: string
  readonly number: number | null
  readonly date: string
  readonly status: VoucherStatus
  readonly summary: string
  readonly total: string
  readonly makerId: number
  readonly approverId: number | null
  readonly posterId: number | null
  readonly reversalOf: number | null
  readonly reversedBy: number | null
  readonly idempotencyKey: string | null
  readonly sourceKind: string
  /** 附件数 */
  readonly attachments: number
  readonly lines: ReadonlyArray<StoredLine>
}

export interface StoredLine {
  readonly lineNo: number
  readonly account: string
  readonly store: string
  readonly currency: string
  readonly side: 'debit' | 'credit'
  readonly amount: string
  readonly original: string
  readonly rate: string | null
  readonly summary: string
}

export function voucherLabel(voucher: Pick<StoredVoucher, 'word' | 'number' | 'id'>): string {
  return voucher.number === null ? `#${voucher.id}` : `${voucher.word}-${voucher.number}`
}

export async function readLines(context: LedgerContext, tx: Transaction | null, voucherId: number): Promise<VoucherLine[]> {
  const runner = tx ?? context.db.client
  const result = await runner.execute({ sql: 'SELECT line_no, account_code, store, currency, side, amount_minor, original_minor, rate, summary FROM voucher_lines WHERE voucher_id = ? ORDER BY line_no', args: [voucherId] })
  return result.rows.map((row) => ({
    lineNo: Number(row.line_no), account: String(row.account_code), store: String(row.store), currency: String(row.currency), side: String(row.side) as 'debit' | 'credit',
    amount: BigInt(row.amount_minor as number) as Minor, original: BigInt(row.original_minor as number) as Minor, rate: row.rate === null ? null : String(row.rate), summary: String(row.summary),
  }))
}

/**
 * Finds a voucher by id (`12`, `#12`) or by number within a period (`2026-10:记-3`).
 */
export async function findVoucherId(context: LedgerContext, companyId: number, reference: string): Promise<number> {
  const trimmed = reference.trim()
  const byId = /^#?(\d+)$/.exec(trimmed)
  if (byId) {
    const found = await context.db.client.execute({ sql: 'SELECT id FROM vouchers WHERE id = ? AND company_id = ?', args: [Number(byId[1]), companyId] })
    if (found.rows[0]) return Number(found.rows[0].id)
    throw new LedgerError('NOT_FOUND', `no voucher ${reference}`)
  }
  const byNumber = /^(\d{4}-\d{2})[:/ ]?([记收付转])-?(\d+)$/.exec(trimmed)
  if (byNumber) {
    const found = await context.db.client.execute({ sql: "SELECT id FROM vouchers WHERE company_id = ? AND period = ? AND word = ? AND number = ? AND status = 'posted'", args: [companyId, byNumber[1] ?? '', byNumber[2] ?? '', Number(byNumber[3])] })
    if (found.rows[0]) return Number(found.rows[0].id)
    throw new LedgerError('NOT_FOUND', `no voucher ${reference}`)
  }
  throw new LedgerError('VALIDATION', `"${reference}" is not a voucher reference (id like 12, or 2026-10:记-3)`)
}

export async function getVoucher(context: LedgerContext, companyId: number, voucherId: number): Promise<StoredVoucher> {
  const company = await getCompany(context, companyId)
  const result = await context.db.client.execute({ sql: 'SELECT * FROM vouchers WHERE id = ? AND company_id = ?', args: [voucherId, companyId] })
  const row = result.rows[0]
  if (!row) throw new LedgerError('NOT_FOUND', `no voucher #${voucherId}`)
  const lines = await readLines(context, null, voucherId)
  return {
    ...rowToVoucher(row as Record<string, unknown>, company.baseCurrency),
    lines: lines.map((line) => ({ ...line, amount: formatAmount(line.amount, company.baseCurrency), original: formatAmount(line.original, line.currency) })),
  }
}

function rowToVoucher(row: Record<string, unknown>, baseCurrency: string): Omit<StoredVoucher, 'lines'> {
  const nullableNumber = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  return {
    id: Number(row.id), companyId: Number(row.company_id), period: String(row.period), word: String(row.word), number: nullableNumber(row.number), date: String(row.date),
    status: String(row.status) as VoucherStatus, summary: String(row.summary), total: formatAmount(BigInt(row.total_minor as number), baseCurrency), makerId: Number(row.maker_id),
    approverId: nullableNumber(row.approver_id), posterId: nullableNumber(row.poster_id), reversalOf: nullableNumber(row.reversal_of), reversedBy: nullableNumber(row.reversed_by),
    idempotencyKey: row.idempotency_key === null ? null : String(row.idempotency_key), sourceKind: String(row.source_kind),
    attachments: Number(row.attachments ?? 0),
  }
}

export interface VoucherQuery {
  readonly period?: string
  readonly status?: VoucherStatus
  readonly limit?: number
  readonly offset?: number
}

export async function listVouchers(context: LedgerContext, companyId: number, query: VoucherQuery = {}): Promise<Array<Omit<StoredVoucher, 'lines'>>> {
  const company = await getCompany(context, companyId)
  const conditions = ['company_id = ?']
  const args: InValue[] = [companyId]
  if (query.period) {
    conditions.push('period = ?')
    args.push(query.period)
  }
  if (query.status) {
    conditions.push('status = ?')
    args.push(query.status)
  }
  args.push(Math.min(query.limit ?? 1000, 10_000), query.offset ?? 0)
  const result = await context.db.client.execute({ sql: `SELECT * FROM vouchers WHERE ${conditions.join(' AND ')} ORDER BY period, word, number IS NULL, number, id LIMIT ? OFFSET ?`, args })
  return result.rows.map((row) => rowToVoucher(row as Record<string, unknown>, company.baseCurrency))
}
